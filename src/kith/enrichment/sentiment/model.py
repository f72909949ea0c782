"""Tweet sentiment (negative / neutral / positive) from the model shipped in ``artifacts/``.

The model is a class-balanced logistic regression over TF-IDF word and character n-grams and VADER's
lexicon scores, trained by
``train.py`` on English SemEval/TweetEval tweets. It is English-only, so a cheap language check runs
first: text that py3langid calls another language with probability ≥ 0.8 gets ``UNSUPPORTED`` instead of
a guess (a German complaint scored with English n-grams would come out "neutral" and skew every chart).
The check uses py3langid directly, not ``kith.enrichment.language``, so this module stands alone.
Empty or whitespace-only text is ``UNSUPPORTED`` too: there is nothing to judge.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from py3langid.langid import MODEL_FILE as LANGID_MODEL  # type: ignore[import-untyped]
from py3langid.langid import LanguageIdentifier

from kith.enrichment.labels import UNSUPPORTED, Label
from kith.enrichment.sentiment import features

ARTIFACTS = Path(__file__).parent / "artifacts"
MODEL_FILE = "model.npz"
CLASSES = ("negative", "neutral", "positive")
SUPPORTED_LANGUAGES = frozenset({"en"})
OTHER_LANGUAGE_MIN_PROB = 0.8  # below this a short English tweet ("lol ok") is not called foreign


@dataclass(frozen=True)
class SentimentModel:
    version: str
    vocab: dict[str, int]
    idf: list[float]
    coef: np.ndarray  # (n_terms, 3) float32
    lexicon_coef: np.ndarray  # (len(features.LEXICON_FEATURES), 3) float32
    intercept: np.ndarray  # (3,) float32

    def logits(self, texts: Sequence[str]) -> np.ndarray:
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        for r, text in enumerate(texts):
            for block in features.blocks(text):
                for j, v in features.weigh(block, self.vocab, self.idf).items():
                    rows.append(r)
                    cols.append(j)
                    vals.append(v)
        contrib = self.coef[np.array(cols, dtype=np.int64)] * np.array(vals, dtype=np.float32)[:, None]
        row_ids = np.array(rows, dtype=np.int64)
        out = np.stack([np.bincount(row_ids, weights=contrib[:, k], minlength=len(texts)) for k in range(3)], axis=1)
        out += features.lexicon(texts) @ self.lexicon_coef
        return np.asarray(out + self.intercept, dtype=np.float64)


def load(path: Path = ARTIFACTS / MODEL_FILE) -> SentimentModel:
    """Read the arrays written by ``train.py`` (no pickle: ``allow_pickle=False``)."""
    with np.load(path, allow_pickle=False) as z:
        terms = z["terms"].tobytes().decode("utf-8").split("\n")
        return SentimentModel(
            version=z["version"].tobytes().decode("utf-8"),
            vocab={t: i for i, t in enumerate(terms)},
            idf=z["idf"].tolist(),
            coef=np.ascontiguousarray(z["coef"], dtype=np.float32),
            lexicon_coef=z["lexicon_coef"].astype(np.float32),
            intercept=z["intercept"].astype(np.float32),
        )


@cache
def shipped_model() -> SentimentModel:
    return load()


@cache
def _language_identifier() -> LanguageIdentifier:
    return LanguageIdentifier.from_model_file(LANGID_MODEL, norm_probs=True)


def is_supported(text: str) -> bool:
    """False for empty text and for text confidently in a language other than English."""
    if not text.strip():
        return False
    lang, prob = _language_identifier().classify(text)
    return lang in SUPPORTED_LANGUAGES or float(prob) < OTHER_LANGUAGE_MIN_PROB


def model_version() -> str:
    return shipped_model().version


def classify_sentiment(texts: Sequence[str], batch_size: int = 64) -> list[Label]:
    """One Label per text, in input order: negative/neutral/positive with its probability, or UNSUPPORTED."""
    model = shipped_model()
    out: list[Label] = []
    for start in range(0, len(texts), batch_size):
        batch = texts[start : start + batch_size]
        keep = [i for i, t in enumerate(batch) if is_supported(t)]
        labels = [Label(UNSUPPORTED, 1.0, model.version)] * len(batch)
        if keep:
            logits = model.logits([batch[i] for i in keep])
            probs = np.exp(logits - logits.max(axis=1, keepdims=True))
            probs /= probs.sum(axis=1, keepdims=True)
            for i, p in zip(keep, probs, strict=True):
                k = int(p.argmax())
                labels[i] = Label(CLASSES[k], round(float(p[k]), 4), model.version)
        out.extend(labels)
    return out
