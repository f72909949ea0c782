"""Customer-message intent (question, complaint, purchase_intent, …) from the model in ``artifacts/``.

A one-vs-rest logistic model (scikit-learn's SGDClassifier at build time) over the sentiment package's
featuriser — TF-IDF word 1-2-grams, character 2-5-grams and VADER's lexicon scores — shipped as plain
arrays so run time needs only numpy. It answers for English only: the seed set's German, French and
Spanish rows (27 in all) are too few — hold-out macro F1 on them was 0.26 against 0.62 overall — so text
confidently in another language, and empty text, gets ``UNSUPPORTED`` rather than a weak guess.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from kith.enrichment.labels import UNSUPPORTED, Label
from kith.enrichment.linear_text import LinearTextModel, load_arrays
from kith.enrichment.linear_text import is_supported as linear_is_supported

ARTIFACTS = Path(__file__).parent / "artifacts"
MODEL_FILE = "model.npz"
CLASSES = ("question", "complaint", "purchase_intent", "praise", "suggestion", "price", "churn", "spam")
SUPPORTED_LANGUAGES = frozenset({"en"})  # add "de", "fr", "es" once their seed rows score like English


@dataclass(frozen=True)
class IntentModel(LinearTextModel):
    """The shared linear model; intent adds one-vs-rest probabilities."""

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """One-vs-rest sigmoids normalised to sum to one, as SGDClassifier's ``predict_proba`` does."""
        p = 1.0 / (1.0 + np.exp(-self.logits(texts)))
        return np.asarray(p / p.sum(axis=1, keepdims=True))


def load(path: Path = ARTIFACTS / MODEL_FILE) -> IntentModel:
    """Read the arrays written by ``train.py`` (no pickle: ``allow_pickle=False``)."""
    return IntentModel(**load_arrays(path))  # type: ignore[arg-type]


@cache
def shipped_model() -> IntentModel:
    return load()


def is_supported(text: str) -> bool:
    """False for empty text and for text confidently in a language other than English."""
    return linear_is_supported(text, SUPPORTED_LANGUAGES)


def model_version() -> str:
    return shipped_model().version


def classify_intent(texts: Sequence[str], model: IntentModel | None = None, batch_size: int = 64) -> list[Label]:
    """One Label per text, in input order: the most likely intent with its probability, or UNSUPPORTED."""
    model = model or shipped_model()
    out: list[Label] = []
    for start in range(0, len(texts), batch_size):
        batch = texts[start : start + batch_size]
        keep = [i for i, t in enumerate(batch) if is_supported(t)]
        labels = [Label(UNSUPPORTED, 1.0, model.version)] * len(batch)
        if keep:
            for i, p in zip(keep, model.probabilities([batch[i] for i in keep]), strict=True):
                k = int(p.argmax())
                labels[i] = Label(CLASSES[k], round(float(p[k]), 4), model.version)
        out.extend(labels)
    return out
