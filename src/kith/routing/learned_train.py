"""Training the learned router: a held-out check on the newest decisions, then a fit on all of them.

Why time-ordered and not a random split: the router is used on conversations that arrive *after* its
training, and topics drift (a firmware bug in August, a launch in October). Testing on the newest ~20% of
decisions with a model trained on the older ones estimates what the admin will actually get. The figures
are stored with the model (``RouterModel.metrics``) and shown on /admin/router; the model kept is then
refitted on everything, so the newest decisions are not wasted.

The classifier is scikit-learn's multinomial ``LogisticRegression`` on the router's hashed features,
fitted only on the columns the history uses (an L2 model leaves every other column at zero anyway).
(Balanced class weights were tried on the demo's history: they lowered both accuracy and macro F1.)
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse

from kith.routing.learned_features import featurize
from kith.routing.learned_history import Sample
from kith.routing.learned_model import RouterWeights

MIN_SAMPLES = 30
MIN_DEPARTMENTS = 2
HOLDOUT_SHARE = 0.2
C = 10.0  # inverse regularisation; rows are unit-length, so the usual text-classification range
MAX_ITER = 300


class TooLittleHistory(ValueError):
    """Not enough decided history to train on; the message says what is missing and how to get it."""


@dataclass(frozen=True)
class Trained:
    weights: RouterWeights
    metrics: dict[str, Any]
    samples: int


def check_history(samples: list[Sample]) -> None:
    departments = Counter(s.department for s in samples)
    if len(samples) >= MIN_SAMPLES and len(departments) >= MIN_DEPARTMENTS:
        return
    missing = []
    if len(samples) < MIN_SAMPLES:
        missing.append(f"at least {MIN_SAMPLES} routing decisions a person made or confirmed (found {len(samples)})")
    if len(departments) < MIN_DEPARTMENTS:
        found = ", ".join(sorted(departments)) or "none"
        missing.append(f"decisions for at least {MIN_DEPARTMENTS} departments (found {found})")
    raise TooLittleHistory(
        "the router cannot be trained yet: it needs "
        + " and ".join(missing)
        + "; confirm or re-route conversations in the inbox, then retrain"
    )


def fit(x: sparse.csr_matrix, labels: list[str]) -> RouterWeights:
    """A model over the columns ``x`` uses (two or more distinct labels)."""
    from sklearn.linear_model import LogisticRegression

    x = sparse.csr_matrix(x)
    columns = np.unique(x.indices)
    local = sparse.csr_matrix(x[:, columns])
    model = LogisticRegression(C=C, max_iter=MAX_ITER)
    model.fit(local, labels)
    return RouterWeights.from_dense([str(c) for c in model.classes_], columns, model.coef_, model.intercept_)


def _round(value: float) -> float:
    return round(float(value), 4)


def holdout_metrics(train: list[Sample], test: list[Sample], x_train: Any, x_test: Any) -> dict[str, Any]:
    """Accuracy, macro F1, per-department precision/recall and the confusion matrix on ``test``."""
    from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

    weights = fit(x_train, [s.department for s in train])
    predicted = [weights.classes[i] for i in np.argmax(weights.probabilities(x_test), axis=1)]
    truth = [s.department for s in test]
    labels = sorted(set(truth) | set(predicted))
    precision, recall, f1, support = precision_recall_fscore_support(truth, predicted, labels=labels, zero_division=0)
    present = [i for i, label in enumerate(labels) if label in set(truth)]
    return {
        "size": len(test),
        "train_size": len(train),
        "from": test[0].at.isoformat(),
        "to": test[-1].at.isoformat(),
        "accuracy": _round(sum(p == t for p, t in zip(predicted, truth, strict=True)) / len(test)),
        "macro_f1": _round(float(np.mean([f1[i] for i in present]))) if present else 0.0,
        "per_department": [
            {
                "department": label,
                "precision": _round(precision[i]),
                "recall": _round(recall[i]),
                "f1": _round(f1[i]),
                "support": int(support[i]),
            }
            for i, label in enumerate(labels)
        ],
        "confusion": {
            "labels": labels,  # rows: the department people chose; columns: the model's
            "matrix": confusion_matrix(truth, predicted, labels=labels).tolist(),
        },
    }


def train(samples: list[Sample]) -> Trained:
    """Held-out figures on the newest slice, then the model refitted on every sample (oldest first)."""
    check_history(samples)
    x = featurize([s.text for s in samples])
    cut = len(samples) - max(1, math.ceil(len(samples) * HOLDOUT_SHARE))
    train_part, test_part = samples[:cut], samples[cut:]
    metrics: dict[str, Any] = {
        "departments": dict(sorted(Counter(s.department for s in samples).items())),
        "from": samples[0].at.isoformat(),
        "to": samples[-1].at.isoformat(),
        "params": {"model": "logistic-regression", "C": C},
    }
    if len({s.department for s in train_part}) >= MIN_DEPARTMENTS:
        metrics["holdout"] = holdout_metrics(train_part, test_part, x[:cut], x[cut:])
    else:
        metrics["holdout"] = None
        metrics["holdout_note"] = "the older 80% of the history covers only one department: no held-out check"
    weights = fit(x, [s.department for s in samples])
    metrics["columns"] = len(weights.columns)
    return Trained(weights, metrics, len(samples))
