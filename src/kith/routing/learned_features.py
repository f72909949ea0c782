"""What the learned router reads: a conversation's text as hashed vectors, plus its channel, intent,
sentiment and language as indicator features — and, for explanations, which of the input's own words
carried the weight.

Why hashing (``kith.enrichment.text_vectors``): no vocabulary to fit or store, so a correction arriving
tomorrow in a word never seen before still has a column to learn into. The price is that a column does
not say which word it came from; the explanation therefore re-hashes the input's own words and adds up
each word's columns (its unigram and character n-grams). Character n-grams shared by two words count
for both, so the weights shown are approximate — good enough to say *why*, not an exact decomposition.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from kith.enrichment.text_vectors import N_FEATURES, vectorize

META_FEATURES = 2**12  # channel / intent / sentiment / language indicators, hashed into their own block
N_ROUTER_FEATURES = N_FEATURES + META_FEATURES
META_VALUE = 0.5  # an indicator weighs half a (unit-length) text
WORD = re.compile(r"(?u)\b\w\w+\b")  # HashingVectorizer's default token pattern: the words it hashed
META_FIELDS = ("channel", "intent", "sentiment", "lang")


@dataclass(frozen=True)
class RoutingText:
    """What the router reads about a conversation's routed interaction."""

    text: str
    channel: str | None = None
    intent: str | None = None
    sentiment: str | None = None
    lang: str | None = None


def meta_tokens(item: RoutingText) -> list[str]:
    """``["channel=x", "intent=complaint", …]`` for the fields that are set (``unsupported`` says nothing)."""
    out = []
    for name in META_FIELDS:
        value = getattr(item, name)
        if value and value != "unsupported":
            out.append(f"{name}={str(value).strip().lower()}")
    return out


def meta_column(token: str) -> int:
    """Stable column of an indicator (crc32: the same in every process, unlike ``hash``)."""
    return N_FEATURES + zlib.crc32(token.encode("utf-8")) % META_FEATURES


def featurize(items: Sequence[RoutingText]) -> sparse.csr_matrix:
    """(n, N_ROUTER_FEATURES) rows: the text's unit-length hashed vector, then the indicators."""
    text = vectorize([item.text or "" for item in items])
    rows: list[int] = []
    cols: list[int] = []
    for r, item in enumerate(items):
        for c in sorted({meta_column(t) for t in meta_tokens(item)}):
            rows.append(r)
            cols.append(c)
    meta = sparse.csr_matrix(
        (np.full(len(rows), META_VALUE), (rows, cols)), shape=(len(items), N_ROUTER_FEATURES), dtype=np.float64
    )
    text.resize((len(items), N_ROUTER_FEATURES))
    return sparse.csr_matrix(text + meta)


def words_of(text: str) -> list[str]:
    """The distinct words of ``text`` as the hashing vectoriser saw them (lower-cased), first seen first."""
    return list(dict.fromkeys(WORD.findall((text or "").lower())))


def term_contributions(
    scored: sparse.csr_matrix, items: Sequence[RoutingText], top: int = 5
) -> list[list[tuple[str, float]]]:
    """Per item, its ``top`` words/indicators by contribution ``Σ x_f · w_f`` toward the chosen department.

    ``scored`` is the items' feature matrix with each entry already multiplied by its column's weight for
    that row's predicted department (relative to the other departments): row sums are the logit margins.
    """
    vocabulary: dict[str, int] = {}
    for item in items:
        for word in words_of(item.text):
            vocabulary.setdefault(word, len(vocabulary))
    word_list = list(vocabulary)
    if word_list:
        word_cols = vectorize(word_list)
        word_cols.data[:] = 1.0
        word_cols.resize((len(word_list), N_ROUTER_FEATURES))
        by_word = sparse.csr_matrix(scored @ word_cols.T)  # (n_items, n_words)
    else:
        by_word = sparse.csr_matrix((len(items), 0))
    out: list[list[tuple[str, float]]] = []
    for i, item in enumerate(items):
        row = by_word.getrow(i)
        own = {vocabulary[w] for w in words_of(item.text)}
        found = [(word_list[j], float(v)) for j, v in zip(row.indices, row.data, strict=True) if j in own]
        start, end = scored.indptr[i], scored.indptr[i + 1]
        weights = dict(zip(scored.indices[start:end].tolist(), scored.data[start:end].tolist(), strict=True))
        for token in meta_tokens(item):
            value = weights.get(meta_column(token), 0.0)
            if value:
                found.append((token.replace("=", ": "), float(value)))
        found.sort(key=lambda p: (-p[1], p[0]))
        out.append([(t, round(v, 4)) for t, v in found[:top] if v > 0])
    return out
