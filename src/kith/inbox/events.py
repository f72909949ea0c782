"""Recording what happens to a conversation (the capture half of "capture and learn").

One function so that every domain — routing, the inbox, ideas — writes events the same way: the
conversation's department at that moment is copied onto the event, so per-department figures stay true
after a conversation is re-routed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from kith.db import utcnow
from kith.inbox.models import ConversationEvent
from kith.interactions.models import Conversation

EVENT_KINDS = frozenset(
    {"reply", "note", "status", "route", "assign", "tag", "snooze", "merge", "outcome", "sla_breach", "idea"}
)
OUTCOMES = ("resolved", "escalated", "sale", "idea_accepted", "no_action")


def record_event(
    session: Session,
    conversation: Conversation,
    kind: str,
    *,
    user_id: int | None = None,
    at: datetime | None = None,
    flush: bool = True,
    **fields: Any,
) -> ConversationEvent:
    """Add one event, flushed so its id can be referenced by an outbox message or a notification;
    ``flush=False`` when nothing refers to it (the routing stage adds thousands: the session writes them
    together at its next flush, in one batched INSERT, instead of one round trip each)."""
    if kind not in EVENT_KINDS:
        raise ValueError(f"unknown conversation event kind {kind!r}")
    event = ConversationEvent(
        conversation_id=conversation.id,
        kind=kind,
        user_id=user_id,
        department=conversation.department,
        at=at or utcnow(),
        data=fields.pop("data", None) or {},
        **fields,
    )
    session.add(event)
    if flush:
        session.flush()
    return event
