"""What an agent does to a conversation besides answering: notes, tags, status and outcome, snooze, assign.

Each action changes the conversation and records one ``ConversationEvent`` (two when a conversation is
resolved: the status change and its outcome), so the timeline, the ROI figures and the learning loop read
the same facts. Functions raise :class:`InboxError` with a message the person can act on.
"""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy.orm import Session

from kith.auth.models import User
from kith.db import utcnow
from kith.inbox.events import OUTCOMES, record_event
from kith.inbox.mentions import resolve_mentions
from kith.inbox.models import ConversationEvent, Notification
from kith.inbox.service import InboxError, assignable_users
from kith.interactions.models import Conversation

SETTABLE_STATUSES = ("open", "pending", "resolved")
MAX_NOTE = 5_000
MAX_TAGS = 20
TAG = re.compile(r"^[\w][\w .:/+-]{0,63}$")


def add_note(session: Session, conversation: Conversation, author: User, body: str) -> ConversationEvent:
    """An internal note; every @mentioned colleague gets a notification. An unknown mention is an error."""
    text = body.replace("\x00", "").strip()
    if not text:
        raise InboxError("The note is empty.")
    if len(text) > MAX_NOTE:
        raise InboxError(f"The note is too long (at most {MAX_NOTE} characters).")
    mentions = resolve_mentions(session, text)
    problems = [f"@{h} matches nobody" for h in mentions.unknown]
    problems += [f"@{h} matches several people (use the part of their e-mail before @)" for h in mentions.ambiguous]
    if problems:
        raise InboxError("Note not saved: " + "; ".join(problems) + ".")
    event = record_event(
        session,
        conversation,
        "note",
        user_id=author.id,
        body=text,
        data={"mentions": [{"id": u.public_id, "name": u.name} for u in mentions.users]},
    )
    for user in mentions.users:
        if user.id != author.id:
            session.add(
                Notification(
                    user_id=user.id,
                    kind="mention",
                    conversation_id=conversation.id,
                    event_id=event.id,
                    text=f"{author.name} mentioned you: {text[:200]}",
                )
            )
    return event


def normalise_tag(tag: str) -> str:
    value = " ".join(tag.replace("\x00", "").split()).lower()
    if not TAG.match(value):
        raise InboxError("A tag is 1–64 letters, digits, spaces or - _ . : / + and starts with a letter or digit.")
    return value


def add_tag(session: Session, conversation: Conversation, user_id: int | None, tag: str) -> bool:
    """Add ``tag``; False when it was already there (nothing recorded)."""
    value = normalise_tag(tag)
    tags = list(conversation.tags or [])
    if value in tags:
        return False
    if len(tags) >= MAX_TAGS:
        raise InboxError(f"A conversation keeps at most {MAX_TAGS} tags; remove one first.")
    conversation.tags = [*tags, value]  # a new list: JSON columns only notice assignment
    record_event(session, conversation, "tag", user_id=user_id, data={"added": value})
    return True


def remove_tag(session: Session, conversation: Conversation, user_id: int | None, tag: str) -> bool:
    value = " ".join(tag.split()).lower()
    tags = list(conversation.tags or [])
    if value not in tags:
        return False
    conversation.tags = [t for t in tags if t != value]
    record_event(session, conversation, "tag", user_id=user_id, data={"removed": value})
    return True


def set_status(
    session: Session,
    conversation: Conversation,
    user_id: int | None,
    status: str,
    outcome: str | None = None,
    now: datetime | None = None,
) -> None:
    """Open, pending, or resolved with an outcome (default "resolved"): an ``outcome`` event and ``resolved_at``."""
    if status not in SETTABLE_STATUSES:
        raise InboxError(f"Unknown status {status!r}; use one of: {', '.join(SETTABLE_STATUSES)}.")
    if conversation.status == "merged":
        raise InboxError("This conversation was merged into another; change the other one.")
    if status == "resolved":
        outcome = outcome or "resolved"
        if outcome not in OUTCOMES:
            raise InboxError(f"Unknown outcome {outcome!r}; use one of: {', '.join(OUTCOMES)}.")
    elif outcome:
        raise InboxError("Only resolving a conversation takes an outcome.")
    now = now or utcnow()
    previous = conversation.status
    conversation.status = status
    conversation.snoozed_until = None
    record_event(session, conversation, "status", user_id=user_id, at=now, data={"from": previous, "to": status})
    if status == "resolved":
        conversation.outcome = outcome
        conversation.resolved_at = now
        record_event(session, conversation, "outcome", user_id=user_id, at=now, outcome=outcome)
    else:
        conversation.resolved_at = None


def snooze(
    session: Session, conversation: Conversation, user_id: int | None, until: datetime, now: datetime | None = None
) -> None:
    """Hide the conversation from the open queue until ``until`` (it reopens by itself then)."""
    now = now or utcnow()
    if until <= now:
        raise InboxError("Snooze until a time in the future.")
    if conversation.status in ("resolved", "merged"):
        raise InboxError(f"A {conversation.status} conversation cannot be snoozed; reopen it first.")
    previous = conversation.status
    conversation.status = "snoozed"
    conversation.snoozed_until = until
    record_event(
        session, conversation, "snooze", user_id=user_id, at=now, data={"from": previous, "until": until.isoformat()}
    )


def assign(session: Session, conversation: Conversation, actor: User, assignee: User | None) -> None:
    """Give the conversation to ``assignee`` (``None``: unassign); they are notified unless they did it."""
    if assignee is not None and assignee.id not in {u.id for u in assignable_users(session, conversation)}:
        raise InboxError(f"{assignee.name} cannot take this conversation (not an agent of its department).")
    previous = conversation.assignee_id
    new = assignee.id if assignee is not None else None
    if previous == new:
        return
    conversation.assignee_id = new
    event = record_event(
        session,
        conversation,
        "assign",
        user_id=actor.id,
        data={"from": previous, "to": new, "name": assignee.name if assignee else None},
    )
    if assignee is not None:
        assignee.last_assigned_at = event.at
        if assignee.id != actor.id:
            session.add(
                Notification(
                    user_id=assignee.id,
                    kind="assigned",
                    conversation_id=conversation.id,
                    event_id=event.id,
                    text=f"{actor.name} assigned a conversation to you.",
                )
            )
