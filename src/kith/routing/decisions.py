"""Applying a routing decision to a conversation and keeping it in the history.

Every path that changes where a conversation goes — a rule, the learned router, a person re-routing in
the inbox — comes through ``apply_decision``, so the conversation, its decision history and its event log
never disagree.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from kith.db import utcnow
from kith.inbox.events import record_event
from kith.interactions.models import Conversation
from kith.routing.models import RoutingDecision

SOURCES = ("rule", "model", "suggestion", "manual", "default")
PRIORITIES = ("urgent", "high", "normal", "low")


def apply_decision(
    session: Session,
    conversation: Conversation,
    *,
    source: str,
    department: str | None,
    priority: str | None = None,
    sla_due_at: datetime | None = None,
    interaction_id: int | None = None,
    rule_id: int | None = None,
    model_version: str | None = None,
    confidence: float | None = None,
    explanation: dict[str, Any] | None = None,
    user_id: int | None = None,
    now: datetime | None = None,
) -> RoutingDecision:
    """Record a decision; unless it is only a ``suggestion``, route the conversation by it.

    A manual decision counts as confirmed at once (a person chose it), which makes it training data for
    the learned router. The previous department is kept on the decision so a re-route is visible.
    """
    decision = new_decision(
        conversation,
        source=source,
        department=department,
        priority=priority,
        sla_due_at=sla_due_at,
        interaction_id=interaction_id,
        rule_id=rule_id,
        model_version=model_version,
        confidence=confidence,
        explanation=explanation,
        user_id=user_id,
        now=now,
    )
    session.add(decision)
    session.flush()
    route_by(session, conversation, decision)
    return decision


def new_decision(
    conversation: Conversation,
    *,
    source: str,
    department: str | None,
    priority: str | None = None,
    sla_due_at: datetime | None = None,
    interaction_id: int | None = None,
    rule_id: int | None = None,
    model_version: str | None = None,
    confidence: float | None = None,
    explanation: dict[str, Any] | None = None,
    user_id: int | None = None,
    now: datetime | None = None,
) -> RoutingDecision:
    """A checked, unsaved decision. The routing stage makes a batch of these and writes them in one flush
    (one batched INSERT) before ``route_by`` applies each; everyone else calls ``apply_decision``."""
    if source not in SOURCES:
        raise ValueError(f"unknown routing source {source!r}")
    if priority is not None and priority not in PRIORITIES:
        raise ValueError(f"unknown priority {priority!r}; use one of {', '.join(PRIORITIES)}")
    now = now or utcnow()
    return RoutingDecision(
        conversation_id=conversation.id,
        interaction_id=interaction_id,
        source=source,
        department=department,
        previous_department=conversation.department,
        priority=priority,
        sla_due_at=sla_due_at,
        rule_id=rule_id,
        model_version=model_version,
        confidence=confidence,
        explanation=explanation or {},
        user_id=user_id,
        confirmed_at=now if source == "manual" else None,
        created_at=now,
    )


def route_by(session: Session, conversation: Conversation, decision: RoutingDecision) -> None:
    """Route the conversation by a saved decision (a ``suggestion`` changes nothing) and log the event."""
    if decision.source == "suggestion":
        return
    if decision.id is None:
        raise ValueError("save the decision (add and flush) before routing by it")
    previous = conversation.department
    conversation.department = decision.department
    if decision.priority is not None:
        conversation.priority = decision.priority
    if decision.sla_due_at is not None:
        conversation.sla_due_at = decision.sla_due_at
    conversation.routed_at = decision.created_at
    conversation.routed_by = decision.source
    conversation.routing_decision_id = decision.id
    record_event(
        session,
        conversation,
        "route",
        user_id=decision.user_id,
        at=decision.created_at,
        flush=False,  # nothing refers to it; written with the next flush (see record_event)
        data={"from": previous, "to": decision.department, "source": decision.source, "decision": decision.id},
    )
