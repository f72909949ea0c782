"""The learned router's training data: what people decided (or confirmed) about where conversations go.

A sample is one conversation's *latest* decision that a person made (``manual``) or confirmed
(``confirmed_at`` set) — an earlier decision that was later corrected is not the truth any more. Its text
is the routed interaction's title and text plus channel, intent, sentiment and language, the same fields
the routing stage hands ``predict_departments``; its time is when the person decided, which orders the
held-out slice (the newest decisions test a model trained on the older ones).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from kith.channels.models import Channel
from kith.interactions.models import Interaction
from kith.routing.learned_features import RoutingText
from kith.routing.models import RoutingDecision

CHUNK = 500  # ids per IN list (SQLite allows a few thousand bound values at most on old builds)


@dataclass(frozen=True)
class Sample:
    decision_id: int
    conversation_id: int
    at: datetime
    text: RoutingText
    department: str


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _labelled() -> tuple[ColumnElement[bool], ...]:
    return (
        RoutingDecision.department.is_not(None),
        RoutingDecision.source != "suggestion",
        or_(RoutingDecision.source == "manual", RoutingDecision.confirmed_at.is_not(None)),
    )


def routing_text(interaction: Interaction, channel: str | None) -> RoutingText:
    """The router's view of one interaction (the routing stage builds the same from its facts)."""
    text = f"{interaction.title}\n{interaction.text}" if interaction.title else (interaction.text or "")
    return RoutingText(
        text, channel, interaction.intent, interaction.sentiment, interaction.detected_lang or interaction.lang
    )


def _routed_interactions(session: Session, decisions: list[RoutingDecision]) -> dict[int, int]:
    """conversation id -> the interaction its routing read: the decision's own, else the one an earlier
    decision of the conversation read (a re-route names none), else the conversation's first."""
    found: dict[int, int] = {d.conversation_id: d.interaction_id for d in decisions if d.interaction_id is not None}
    missing = sorted({d.conversation_id for d in decisions} - set(found))
    for chunk in _chunks(missing):
        rows = session.execute(
            select(RoutingDecision.conversation_id, RoutingDecision.interaction_id)
            .where(RoutingDecision.conversation_id.in_(chunk), RoutingDecision.interaction_id.is_not(None))
            .order_by(RoutingDecision.id)
        )
        for cid, iid in rows:
            if cid is not None and iid is not None:
                found[int(cid)] = int(iid)
    missing = sorted({d.conversation_id for d in decisions} - set(found))
    for chunk in _chunks(missing):
        rows = session.execute(
            select(Interaction.conversation_id, func.min(Interaction.id))
            .where(Interaction.conversation_id.in_(chunk), Interaction.deleted_at.is_(None))
            .group_by(Interaction.conversation_id)
        )
        for cid, iid in rows:
            if cid is not None and iid is not None:
                found[int(cid)] = int(iid)
    return found


def _samples(session: Session, decisions: Iterable[RoutingDecision]) -> list[Sample]:
    decisions = list(decisions)
    routed = _routed_interactions(session, decisions)
    interactions: dict[int, Interaction] = {}
    for chunk in _chunks(sorted(set(routed.values()))):
        for interaction in session.scalars(select(Interaction).where(Interaction.id.in_(chunk))):
            interactions[interaction.id] = interaction
    channels = {int(i): str(n) for i, n in session.execute(select(Channel.id, Channel.name))}
    out = []
    for d in decisions:
        routed_interaction = interactions.get(routed.get(d.conversation_id, -1))
        if routed_interaction is None or d.department is None:
            continue
        at = d.confirmed_at if d.source != "manual" and d.confirmed_at is not None else d.created_at
        text = routing_text(routed_interaction, channels.get(routed_interaction.channel_id))
        out.append(Sample(d.id, d.conversation_id, at, text, d.department))
    return out


def training_samples(session: Session) -> list[Sample]:
    """Every conversation's latest person-made or confirmed decision, oldest first (by decision time)."""
    latest = select(func.max(RoutingDecision.id)).where(*_labelled()).group_by(RoutingDecision.conversation_id)
    decisions: list[RoutingDecision] = []
    ids = [int(i) for i in session.scalars(latest)]
    for chunk in _chunks(sorted(ids)):
        decisions.extend(session.scalars(select(RoutingDecision).where(RoutingDecision.id.in_(chunk))))
    samples = _samples(session, decisions)
    samples.sort(key=lambda s: (s.at, s.decision_id))
    return samples


def available_samples(session: Session) -> int:
    """How many conversations have a person-made or confirmed decision (about the training set's size)."""
    stmt = select(func.count(func.distinct(RoutingDecision.conversation_id))).where(*_labelled())
    return int(session.scalar(stmt) or 0)


def sample_for(session: Session, decision_id: int) -> Sample | None:
    """The sample one decision makes, or ``None`` when it is not training data (not manual, not confirmed)."""
    decision = session.get(RoutingDecision, decision_id)
    if decision is None or decision.department is None or decision.source == "suggestion":
        return None
    if decision.source != "manual" and decision.confirmed_at is None:
        return None
    found = _samples(session, [decision])
    return found[0] if found else None
