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
from py3langid.langid import MODEL_FILE as LANGID_MODEL  # type: ignore[import-untyped]
from py3langid.langid import LanguageIdentifier

from kith.enrichment.labels import UNSUPPORTED, Label
from kith.enrichment.sentiment import features

ARTIFACTS = Path(__file__).parent / "artifacts"
MODEL_FILE = "model.npz"
CLASSES = ("question", "complaint", "purchase_intent", "praise", "suggestion", "price", "churn", "spam")
SUPPORTED_LANGUAGES = frozenset({"en"})  # add "de", "fr", "es" once their seed rows score like English
OTHER_LANGUAGE_MIN_PROB = 0.8  # same rule as the sentiment model: short posts are not called foreign lightly


@dataclass(frozen=True)
class IntentModel:
    version: str
    vocab: dict[str, int]
    idf: list[float]
    coef: np.ndarray  # (n_terms, n_classes) float32
    lexicon_coef: np.ndarray  # (len(features.LEXICON_FEATURES), n_classes) float32
    intercept: np.ndarray  # (n_classes,) float32

    def logits(self, texts: Sequence[str]) -> np.ndarray:
        """Decision values (n, n_classes), the same sums scikit-learn's ``decision_function`` computes."""
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
        k = self.coef.shape[1]
        out = np.stack([np.bincount(row_ids, weights=contrib[:, c], minlength=len(texts)) for c in range(k)], axis=1)
        out += features.lexicon(texts) @ self.lexicon_coef
        return np.asarray(out + self.intercept, dtype=np.float64)

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """One-vs-rest sigmoids normalised to sum to one, as SGDClassifier's ``predict_proba`` does."""
        p = 1.0 / (1.0 + np.exp(-self.logits(texts)))
        return np.asarray(p / p.sum(axis=1, keepdims=True))


def load(path: Path = ARTIFACTS / MODEL_FILE) -> IntentModel:
    """Read the arrays written by ``train.py`` (no pickle: ``allow_pickle=False``)."""
    with np.load(path, allow_pickle=False) as z:
        terms = z["terms"].tobytes().decode("utf-8").split("\n")
        return IntentModel(
            version=z["version"].tobytes().decode("utf-8"),
            vocab={t: i for i, t in enumerate(terms)},
            idf=z["idf"].tolist(),
            coef=np.ascontiguousarray(z["coef"], dtype=np.float32),
            lexicon_coef=z["lexicon_coef"].astype(np.float32),
            intercept=z["intercept"].astype(np.float32),
        )


@cache
def shipped_model() -> IntentModel:
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
