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
    if source not in SOURCES:
        raise ValueError(f"unknown routing source {source!r}")
    if priority is not None and priority not in PRIORITIES:
        raise ValueError(f"unknown priority {priority!r}; use one of {', '.join(PRIORITIES)}")
    now = now or utcnow()
    decision = RoutingDecision(
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
    session.add(decision)
    session.flush()
    if source == "suggestion":
        return decision
    previous = conversation.department
    conversation.department = department
    if priority is not None:
        conversation.priority = priority
    if sla_due_at is not None:
        conversation.sla_due_at = sla_due_at
    conversation.routed_at = now
    conversation.routed_by = source
    conversation.routing_decision_id = decision.id
    record_event(
        session,
        conversation,
        "route",
        user_id=user_id,
        at=now,
        data={"from": previous, "to": department, "source": source, "decision": decision.id},
    )
    return decision
