"""Merging threads: the same customer, the same matter, two conversations (often on two channels).

The merged conversation keeps its interactions (they belong to their channel's thread) but gets status
"merged" and ``merged_into_id``; the target's view shows them alongside its own thread. Conversations
already merged into the source follow it to the target, so a chain never needs walking. Both sides get a
``merge`` event so either timeline tells the story.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kith.identities.models import Identity
from kith.inbox.events import record_event
from kith.inbox.service import InboxError, customer_identity
from kith.interactions.models import Conversation, Interaction


def merge(session: Session, source: Conversation, target: Conversation, user_id: int | None) -> None:
    if source.id == target.id:
        raise InboxError("A conversation cannot be merged into itself.")
    if source.status == "merged" or source.merged_into_id is not None:
        raise InboxError("This conversation is already merged into another.")
    if target.status == "merged" or target.merged_into_id is not None:
        raise InboxError("The target conversation is itself merged; merge into the one it was merged into.")
    previous = source.status
    source.merged_into_id = target.id
    source.status = "merged"
    source.snoozed_until = None
    followers = session.scalars(select(Conversation).where(Conversation.merged_into_id == source.id)).all()
    for follower in followers:
        follower.merged_into_id = target.id
    record_event(session, source, "merge", user_id=user_id, data={"into": target.public_id, "status_before": previous})
    record_event(
        session,
        target,
        "merge",
        user_id=user_id,
        data={"from": source.public_id, "with": [f.public_id for f in followers]},
    )


def merged_sources(session: Session, target: Conversation) -> list[Conversation]:
    """Conversations merged into ``target``, oldest activity first."""
    return list(
        session.scalars(
            select(Conversation)
            .where(Conversation.merged_into_id == target.id)
            .order_by(Conversation.last_activity_at, Conversation.id)
        )
    )


def merge_candidates(session: Session, conversation: Conversation, department: str | None) -> list[Conversation]:
    """The same person's other open conversations (every identity of a linked person), newest first."""
    who = customer_identity(session, conversation)
    if who is None:
        return []
    identities = (
        select(Identity.id).where(Identity.person_id == who.person_id)
        if who.person_id is not None
        else select(Identity.id).where(Identity.id == who.id)
    )
    stmt = (
        select(Conversation)
        .where(
            Conversation.id.in_(select(Interaction.conversation_id).where(Interaction.identity_id.in_(identities))),
            Conversation.id != conversation.id,
            Conversation.merged_into_id.is_(None),
            Conversation.status.in_(("open", "pending", "snoozed")),
        )
        .order_by(Conversation.last_activity_at.desc(), Conversation.id.desc())
        .limit(20)
    )
    if department is not None:
        stmt = stmt.where(Conversation.department == department)
    return list(session.scalars(stmt))
