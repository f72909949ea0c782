"""Routing operations people trigger: re-route a conversation, confirm the decision that routed it."""

from __future__ import annotations

from sqlalchemy.orm import Session

from kith.db import utcnow
from kith.interactions.models import Conversation
from kith.routing.decisions import apply_decision
from kith.routing.learned import learn_from_correction
from kith.routing.models import RoutingDecision


def reroute(
    session: Session, conversation: Conversation, department: str, user_id: int | None, reason: str | None = None
) -> RoutingDecision:
    """A person sends the conversation to ``department`` (training data for the learned router)."""
    decision = apply_decision(
        session,
        conversation,
        source="manual",
        department=department,
        user_id=user_id,
        explanation={"reason": reason} if reason else {},
    )
    learn_from_correction(session, decision.id)
    return decision


def confirm(session: Session, conversation: Conversation, user_id: int | None) -> RoutingDecision | None:
    """An agent confirms the current routing (a rule's, the model's or the fallback's) was right."""
    if conversation.routing_decision_id is None:
        return None
    decision = session.get(RoutingDecision, conversation.routing_decision_id)
    if decision is None or decision.confirmed_at is not None:
        return decision
    decision.confirmed_at = utcnow()
    decision.explanation = {**decision.explanation, "confirmed_by": user_id}
    learn_from_correction(session, decision.id)
    return decision
