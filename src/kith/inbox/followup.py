"""Follow-up capture: what the customer did after we answered (the "learn" half of capture and learn).

Two things happen when a customer writes again in a conversation after a reply:

* the reply event gets ``followup_sentiment`` — the sentiment of the customer's next message, once
  enrichment has judged it (``unknown`` when the model does not apply, e.g. another language). This is the
  signal for which answers calm people down; a message not enriched yet is left for the next run;
* a ``pending`` or ``resolved`` conversation is reopened (status ``open``, a ``status`` event saying
  "customer wrote again"), so the answer the customer now waits for lands in a queue again.

Our own delivered answers come back through the listeners too; they are recognised by their external id
(the outbox records it) and never count as the customer writing. Both steps are idempotent: a filled
reply is not looked at again, and a conversation is reopened only for a message newer than its last status
change or reply. ``kith run`` calls this after enrichment.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from kith.db import session_scope, utcnow
from kith.identities.service import our_identity_ids
from kith.inbox.events import record_event
from kith.inbox.models import ConversationEvent, OutboxMessage
from kith.interactions.models import Conversation, Interaction

BATCH = 500
UNKNOWN = "unknown"
REOPENABLE = ("pending", "resolved")
REOPEN_REASON = "customer wrote again"


def record_followups(engine: Engine, batch_size: int = BATCH) -> int:
    """Fill ``followup_sentiment`` on replies the customer has written back to and reopen their conversations;
    returns how many replies got a follow-up sentiment."""
    filled = 0
    after = 0
    while True:
        with session_scope(engine) as session:
            replies = list(
                session.scalars(
                    select(ConversationEvent)
                    .where(
                        ConversationEvent.kind == "reply",
                        ConversationEvent.followup_sentiment.is_(None),
                        ConversationEvent.id > after,
                    )
                    .order_by(ConversationEvent.id)
                    .limit(batch_size)
                )
            )
            if not replies:
                break
            after = replies[-1].id
            filled += _fill(session, replies)
    with session_scope(engine) as session:
        reopen_conversations(session)
    return filled


def _fill(session: Session, replies: list[ConversationEvent]) -> int:
    conversation_ids = {r.conversation_id for r in replies}
    since = min(r.at for r in replies)
    later = _customer_messages(session, conversation_ids, since)
    filled = 0
    for reply in replies:
        following = next((m for m in later.get(reply.conversation_id, []) if m.sort_at > reply.at), None)
        if following is None or following.enriched_at is None:
            continue  # no answer from the customer yet, or not judged yet: the next run looks again
        reply.followup_sentiment = following.sentiment or UNKNOWN
        reply.data = {**(reply.data or {}), "followup_interaction": following.public_id}
        filled += 1
    return filled


def _customer_messages(
    session: Session, conversation_ids: Iterable[int], since: datetime
) -> dict[int, list[Interaction]]:
    """Interactions of these conversations after ``since``, oldest first, without our own answers: those
    Kith delivered (by external id) and those the company wrote on the network (its own accounts)."""
    ids = sorted(conversation_ids)
    ours = set(
        session.scalars(
            select(OutboxMessage.external_id).where(
                OutboxMessage.conversation_id.in_(ids), OutboxMessage.external_id.is_not(None)
            )
        )
    )
    rows = session.scalars(
        select(Interaction)
        .where(Interaction.conversation_id.in_(ids), Interaction.sort_at > since, Interaction.deleted_at.is_(None))
        .order_by(Interaction.sort_at, Interaction.id)
    )
    company = our_identity_ids(session)
    found: dict[int, list[Interaction]] = defaultdict(list)
    for interaction in rows:
        if interaction.identity_id is not None and interaction.identity_id in company:
            continue
        if interaction.conversation_id is not None and interaction.external_id not in ours:
            found[interaction.conversation_id].append(interaction)
    return found


def reopen_conversations(session: Session, now: datetime | None = None) -> int:
    """Reopen pending/resolved conversations with a customer message newer than their last reply or status
    change; returns how many were reopened."""
    last_change = (
        select(ConversationEvent.conversation_id, func.max(ConversationEvent.at).label("at"))
        .where(ConversationEvent.kind.in_(("reply", "status")))
        .group_by(ConversationEvent.conversation_id)
        .subquery()
    )
    candidates = session.execute(
        select(Conversation, last_change.c.at)
        .join(last_change, last_change.c.conversation_id == Conversation.id)
        .where(Conversation.status.in_(REOPENABLE))
        .order_by(Conversation.id)
    ).all()
    if not candidates:
        return 0
    since = min(at for _, at in candidates)
    later = _customer_messages(session, [c.id for c, _ in candidates], since)
    reopened = 0
    for conversation, changed_at in candidates:
        newer = [m for m in later.get(conversation.id, []) if m.sort_at > changed_at]
        if not newer:
            continue
        before = conversation.status
        conversation.status = "open"
        record_event(
            session,
            conversation,
            "status",
            at=now or utcnow(),
            data={"from": before, "to": "open", "reason": REOPEN_REASON, "interaction": newer[0].public_id},
        )
        reopened += 1
    return reopened
