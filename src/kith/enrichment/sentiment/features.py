"""Turn a tweet-like text into weighted n-gram features, shared by training and run time.

Why our own featuriser instead of scikit-learn's vectorisers at run time: the shipped model is then plain
arrays (vocabulary, idf, weights) that load without pickle, so an install needs only numpy, not a pinned
scikit-learn whose pickles break across versions. Training calls the very same functions, so the features
the weights were fitted on are the features the runtime computes.

Two blocks, each L2-normalised on its own (as scikit-learn's hstack of two TfidfVectorizers would be):
word unigrams+bigrams (``w:`` prefix) and character 2–5-grams inside word boundaries (``c:`` prefix),
both with sublinear tf and smoothed idf.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping

_URL = re.compile(r"https?://\S+|www\.\S+")
_MENTION = re.compile(r"@\w+")
_REPEAT = re.compile(r"(.)\1{3,}")  # "sooooo" and "!!!!!!" carry the same signal as three repeats
_WORD = re.compile(r"[#@]?\w[\w']*|[:;=][\-']?[()\[\]dpo/\\|*3]+|[!?.]{2,}|[^\w\s]")

CHAR_MIN, CHAR_MAX = 2, 5


def normalise(text: str) -> str:
    """Lower-case and blank out what is unique per tweet (links, handles) so it cannot be memorised."""
    text = _URL.sub(" http ", text.lower())
    text = _MENTION.sub("@user", text)
    return _REPEAT.sub(r"\1\1\1", text)


def word_terms(norm: str) -> list[str]:
    tokens = _WORD.findall(norm)
    terms = ["w:" + t for t in tokens]
    terms += ["w:" + a + " " + b for a, b in zip(tokens, tokens[1:], strict=False)]
    return terms


def char_terms(norm: str) -> list[str]:
    terms: list[str] = []
    for word in norm.split():
        padded = f" {word} "
        for n in range(CHAR_MIN, CHAR_MAX + 1):
            if n > len(padded):
                break
            terms.extend("c:" + padded[i : i + n] for i in range(len(padded) - n + 1))
    return terms


def blocks(text: str) -> tuple[list[str], list[str]]:
    """The word and character terms of one text, in the order the model weighs them."""
    norm = normalise(text)
    return word_terms(norm), char_terms(norm)


def weigh(terms: Iterable[str], vocab: Mapping[str, int], idf: list[float] | None) -> dict[int, float]:
    """Sublinear tf × idf over the known terms, L2-normalised; unknown terms are dropped."""
    counts = Counter(vocab[t] for t in terms if t in vocab)
    weights = {j: (1.0 + math.log(c)) * (idf[j] if idf is not None else 1.0) for j, c in counts.items()}
    norm = math.sqrt(sum(v * v for v in weights.values()))
    if norm > 0:
        weights = {j: v / norm for j, v in weights.items()}
    return weights
