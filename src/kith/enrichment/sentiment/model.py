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
from functools import cache
from pathlib import Path

import numpy as np

from kith.enrichment.labels import UNSUPPORTED, Label
from kith.enrichment.linear_text import LinearTextModel, load_arrays
from kith.enrichment.linear_text import is_supported as linear_is_supported

ARTIFACTS = Path(__file__).parent / "artifacts"
MODEL_FILE = "model.npz"
CLASSES = ("negative", "neutral", "positive")
SUPPORTED_LANGUAGES = frozenset({"en"})


SentimentModel = LinearTextModel  # one shape for every shipped linear text model


def load(path: Path = ARTIFACTS / MODEL_FILE) -> SentimentModel:
    """Read the arrays written by ``train.py`` (no pickle: ``allow_pickle=False``)."""
    return SentimentModel(**load_arrays(path))  # type: ignore[arg-type]


@cache
def shipped_model() -> SentimentModel:
    return load()


def is_supported(text: str) -> bool:
    """False for empty text and for text confidently in a language other than English."""
    return linear_is_supported(text, SUPPORTED_LANGUAGES)


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
