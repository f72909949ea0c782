"""The learned router (stub: filled in by the learned-router work)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Prediction:
    department: str
    confidence: float  # probability of ``department``, in [0, 1]
    model_version: str
    explanation: dict[str, Any] = field(default_factory=dict)  # e.g. the words that weighed most


@dataclass(frozen=True)
class RoutingText:
    """What the router reads about a conversation's routed interaction."""

    text: str
    channel: str | None = None
    intent: str | None = None
    sentiment: str | None = None
    lang: str | None = None


def predict_departments(session: Session, items: list[RoutingText]) -> list[Prediction] | None:
    """One prediction per item, or ``None`` when no router model has been trained yet."""
    return None


def auto_apply_threshold(session: Session) -> float | None:
    """Confidence at or above which a prediction is applied, not only suggested (``None``: never apply)."""
    return None


def learn_from_correction(session: Session, decision_id: int) -> None:
    """Update the active model with one manual or confirmed decision (incremental learning)."""
