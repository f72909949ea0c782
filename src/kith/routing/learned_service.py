"""Router versions in the database: train and store one, find the active one, roll back, set the threshold.

Versions: every full training adds a ``RouterModel`` row (``router-1``, ``router-2``, …) and makes it the
only active one; activating an older row is the rollback. Incremental updates (``learn``) rewrite the
active row's weights in place and count themselves in its metrics — a version name plus ``+N`` (``router-3+12``)
names the exact weights a prediction used, without a new row per correction. Two corrections saved at the
same instant in two processes: the later write wins and the other update is lost until the next retrain
(which learns from both anyway).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, defer

from kith.db import utcnow
from kith.routing.learned_history import training_samples
from kith.routing.learned_model import RouterWeights
from kith.routing.learned_train import Trained, train
from kith.routing.models import RouterModel
from kith.routing.settings import get_setting, set_setting

THRESHOLD_KEY = "auto_apply_threshold"
_CACHE: dict[tuple[str, str], RouterWeights] = {}  # (version, digest) -> decoded weights; a few entries


class RouterSettingError(ValueError):
    """A router setting or action that cannot work; the message says what to do instead."""


@dataclass(frozen=True)
class ActiveModel:
    row_id: int
    version: str
    label: str  # version, plus "+N" after N incremental updates
    weights: RouterWeights


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def updates_of(metrics: dict[str, Any]) -> int:
    return int((metrics.get("incremental") or {}).get("updates", 0))


def label_of(version: str, metrics: dict[str, Any]) -> str:
    n = updates_of(metrics)
    return f"{version}+{n}" if n else version


def active_row_info(session: Session) -> tuple[int, str, dict[str, Any]] | None:
    """(id, version, metrics) of the active model, without loading its weights."""
    found = session.execute(
        select(RouterModel.id, RouterModel.version, RouterModel.metrics)
        .where(RouterModel.active.is_(True))
        .order_by(RouterModel.trained_at.desc(), RouterModel.id.desc())
        .limit(1)
    ).first()
    return None if found is None else (int(found[0]), str(found[1]), dict(found[2] or {}))


def active_model(session: Session) -> ActiveModel | None:
    """The model in use (decoded weights cached per process by version and weight digest)."""
    info = active_row_info(session)
    if info is None:
        return None
    row_id, version, metrics = info
    key = (version, str(metrics.get("digest", "")))
    weights = _CACHE.get(key)
    if weights is None:
        data = session.scalar(select(RouterModel.weights).where(RouterModel.id == row_id))
        if data is None:
            return None
        weights = RouterWeights.from_npz(bytes(data))
        if len(_CACHE) >= 4:
            _CACHE.clear()
        _CACHE[(version, digest(bytes(data)))] = weights
    return ActiveModel(row_id, version, label_of(version, metrics), weights)


def _next_version(session: Session) -> str:
    n = int(session.scalar(select(func.coalesce(func.max(RouterModel.id), 0))) or 0) + 1
    taken = set(session.scalars(select(RouterModel.version)))
    while f"router-{n}" in taken:
        n += 1
    return f"router-{n}"


def store(session: Session, trained: Trained, now: datetime | None = None) -> RouterModel:
    """Save a trained model as the new (only) active version."""
    data = trained.weights.to_npz()
    metrics = {
        **trained.metrics,
        "digest": digest(data),
        "size_bytes": len(data),
        "incremental": {"updates": 0, "last_at": None},
    }
    session.execute(update(RouterModel).where(RouterModel.active.is_(True)).values(active=False))
    row = RouterModel(
        version=_next_version(session),
        trained_at=now or utcnow(),
        samples=trained.samples,
        metrics=metrics,
        weights=data,
        active=True,
    )
    session.add(row)
    session.flush()
    return row


def do_train_router(session: Session) -> RouterModel:
    """Train from the whole routing history and make the result the active version.

    Raises ``TooLittleHistory`` (with what is missing) when the history cannot support a model.
    """
    return store(session, train(training_samples(session)))


def save_learned(session: Session, row_id: int, weights: RouterWeights, decision_id: int) -> str:
    """Write incrementally updated weights over the active row; returns the new label (``router-3+1``)."""
    row = session.get(RouterModel, row_id)
    if row is None:
        raise RouterSettingError("the router model changed while it was learning; retrain")
    data = weights.to_npz()
    updates = updates_of(row.metrics) + 1
    row.weights = data
    row.metrics = {
        **row.metrics,
        "digest": digest(data),
        "size_bytes": len(data),
        "incremental": {"updates": updates, "last_at": utcnow().isoformat(), "last_decision": decision_id},
    }
    _CACHE[(row.version, digest(data))] = weights
    session.flush()
    return label_of(row.version, row.metrics)


def versions(session: Session, limit: int = 20) -> list[RouterModel]:
    """The newest versions first (their weights are not loaded: a list does not need them)."""
    stmt = select(RouterModel).options(defer(RouterModel.weights))
    return list(session.scalars(stmt.order_by(RouterModel.trained_at.desc(), RouterModel.id.desc()).limit(limit)))


def do_activate(session: Session, version: str) -> RouterModel:
    """Make ``version`` the only active model (a rollback when it is older than the current one)."""
    row = session.scalar(select(RouterModel).where(RouterModel.version == version))
    if row is None:
        raise RouterSettingError(f"there is no router version {version!r}")
    session.execute(update(RouterModel).where(RouterModel.id != row.id).values(active=False))
    row.active = True
    session.flush()
    return row


def threshold(session: Session) -> float | None:
    value = get_setting(session, THRESHOLD_KEY)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def check_threshold(raw: str) -> float | None:
    """Parse the admin's input: empty means "only suggest"; else a confidence in (0, 1] (``80%`` works too)."""
    text = raw.strip()
    if not text:
        return None
    percent = text.endswith("%")
    try:
        value = float(text.rstrip("%").strip().replace(",", "."))
    except ValueError:
        value = float("nan")  # fails the range check below, with the message
    if percent:
        value /= 100
    if not (0 < value <= 1):
        raise RouterSettingError(
            f"the threshold must be a confidence between 0 and 1 (like 0.8 or 80%), not {raw.strip()[:20]!r}; "
            "leave it empty to only suggest"
        )
    return round(value, 4)


def do_set_threshold(session: Session, value: float | None) -> None:
    set_setting(session, THRESHOLD_KEY, value)
