"""A linear model over Kith's text features, and the English check its shipped models share.

The sentiment and intent models are both trained with scikit-learn at build time and shipped as plain
arrays (``model.npz``, read with ``allow_pickle=False``): sparse TF-IDF n-grams (``sentiment.features``)
plus VADER's lexicon scores, times a coefficient matrix, plus an intercept. Run time needs only numpy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from py3langid.langid import MODEL_FILE as LANGID_MODEL  # type: ignore[import-untyped]
from py3langid.langid import LanguageIdentifier

from kith.enrichment.sentiment import features

ENGLISH = frozenset({"en"})
OTHER_LANGUAGE_MIN_PROB = 0.8  # below this a short English post ("lol ok") is not called foreign


@dataclass(frozen=True)
class LinearTextModel:
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


def load_arrays(path: Path) -> dict[str, object]:
    """The fields of a ``LinearTextModel`` from the arrays ``train.py`` wrote (no pickle)."""
    with np.load(path, allow_pickle=False) as z:
        terms = z["terms"].tobytes().decode("utf-8").split("\n")
        return {
            "version": z["version"].tobytes().decode("utf-8"),
            "vocab": {t: i for i, t in enumerate(terms)},
            "idf": z["idf"].tolist(),
            "coef": np.ascontiguousarray(z["coef"], dtype=np.float32),
            "lexicon_coef": z["lexicon_coef"].astype(np.float32),
            "intercept": z["intercept"].astype(np.float32),
        }


@cache
def _language_identifier() -> LanguageIdentifier:
    return LanguageIdentifier.from_model_file(LANGID_MODEL, norm_probs=True)


def is_supported(text: str, languages: frozenset[str] = ENGLISH) -> bool:
    """False for empty text and for text confidently (≥ 0.8) in a language the model was not trained on."""
    if not text.strip():
        return False
    lang, prob = _language_identifier().classify(text)
    return lang in languages or float(prob) < OTHER_LANGUAGE_MIN_PROB
