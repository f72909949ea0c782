"""The learned router: suggests (or, above the admin's confidence, applies) a department for what no rule
decides, learned from this installation's own routing history.

Public face used by the routing stage and the re-route/confirm actions; the parts live beside it:
``learned_features`` (what it reads), ``learned_model`` (weights, scoring, incremental step, ``.npz``),
``learned_history`` (training samples), ``learned_train`` (held-out check and fit), ``learned_service``
(versions in the database). See docs/learned-router.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from kith.routing.learned_features import RoutingText, featurize, term_contributions
from kith.routing.learned_history import sample_for
from kith.routing.learned_model import RouterWeights
from kith.routing.learned_service import active_model, save_learned, threshold

__all__ = ["Prediction", "RoutingText", "auto_apply_threshold", "learn_from_correction", "predict_departments"]


@dataclass(frozen=True)
class Prediction:
    department: str
    confidence: float  # probability of ``department``, in [0, 1]
    model_version: str
    explanation: dict[str, Any] = field(default_factory=dict)  # e.g. the words that weighed most


def predict_departments(session: Session, items: list[RoutingText]) -> list[Prediction] | None:
    """One prediction per item, or ``None`` when no router model has been trained yet.

    The explanation names the input's own words (and channel/intent/… indicators) that pushed most toward
    the predicted department, and the runner-up department with its probability.
    """
    model = active_model(session)
    if model is None:
        return None
    return predict_with(model.weights, model.label, items)


def predict_with(weights: RouterWeights, label: str, items: list[RoutingText]) -> list[Prediction]:
    """Predictions of ``weights`` (named ``label``) for ``items``: no database needed."""
    if not items:
        return []
    x = featurize(items)
    probabilities = weights.probabilities(x)
    order = np.argsort(-probabilities, axis=1, kind="stable")
    chosen = order[:, 0]
    terms = term_contributions(weights.scored(x, chosen), items)
    out = []
    for i in range(len(items)):
        best = int(chosen[i])
        explanation: dict[str, Any] = {"terms": [{"term": t, "weight": w} for t, w in terms[i]]}
        if probabilities.shape[1] > 1:
            second = int(order[i, 1])
            explanation["runner_up"] = {
                "department": weights.classes[second],
                "confidence": round(float(probabilities[i, second]), 4),
            }
        out.append(Prediction(weights.classes[best], float(probabilities[i, best]), label, explanation))
    return out


def auto_apply_threshold(session: Session) -> float | None:
    """Confidence at or above which a prediction is applied, not only suggested (``None``: never apply)."""
    return threshold(session)


def learn_from_correction(session: Session, decision_id: int) -> None:
    """Update the active model with one manual or confirmed decision (incremental learning).

    Does nothing when no model is trained yet or the decision is not training data. Cheap: one sample's
    columns change and the active row's weights are rewritten in place (see ``learned_service``).
    """
    model = active_model(session)
    if model is None:
        return
    sample = sample_for(session, decision_id)
    if sample is None:
        return
    weights, _steps = model.weights.learn(featurize([sample.text]), sample.department)
    save_learned(session, model.row_id, weights, decision_id)
