"""Answering a conversation: queue the reply in the outbox, record who answered and how fast.

A reply is never sent in the request. It becomes an ``outbox_message`` that a transport delivers, keyed
by a token the reply form carried: a double click, a browser retry or a resubmitted form queues the
message once and records one event. The first reply measures the response time (from the customer's
first message, the one that waited) and marks ``first_response_at``; every reply leaves the
conversation "pending" — waiting for the customer.

Channel: the answer goes where the customer wrote, or — when routing set ``reply_via`` (a high-value
customer who prefers e-mail) — on that channel, but only if the person is linked to an identity there
that has given consent. Otherwise the other channel is simply not offered.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kith.channels.models import Channel
from kith.db import utcnow
from kith.identities.models import Identity
from kith.inbox.events import record_event
from kith.inbox.models import ConversationEvent, OutboxMessage, SavedAnswer
from kith.inbox.outbox import queue_message
from kith.inbox.service import InboxError, customer_interactions
from kith.inbox.transports import transport_name
from kith.interactions.models import Conversation

MAX_REPLY = 10_000
TOKEN = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


@dataclass(frozen=True)
class ReplyTarget:
    """Where a reply on one channel goes: the channel, its transport, the recipient and what it answers."""

    channel: Channel
    transport: str
    recipient: str | None
    in_reply_to: str | None
    subject: str | None


@dataclass(frozen=True)
class ReplyResult:
    message: OutboxMessage
    event: ConversationEvent | None  # None: this form had already been submitted (nothing new queued)
    duplicate: bool


def idempotency_key(conversation: Conversation, token: str) -> str:
    """The outbox key for one reply form: the form's token bound to the conversation."""
    return "reply:" + hashlib.sha256(f"{conversation.public_id}:{token}".encode()).hexdigest()[:56]


def _address(channel: Channel, identity: Identity | None) -> str | None:
    if identity is None:
        return None
    if (channel.kind or channel.name) == "email":
        return identity.email or identity.external_id
    return identity.handle or identity.external_id


def reply_targets(session: Session, conversation: Conversation) -> list[ReplyTarget]:
    """The channels this conversation may be answered on, the one it should be answered on first."""
    channel = session.get(Channel, conversation.channel_id)
    if channel is None:
        return []
    customer = customer_interactions(session, conversation)
    last, author = customer[-1] if customer else (None, None)
    first_title = next((i.title for i, _ in customer if i.title), None)
    kind = channel.kind or channel.name
    own = ReplyTarget(
        channel=channel,
        transport=transport_name(kind),
        recipient=_address(channel, author),
        in_reply_to=last.external_id if last is not None else None,
        subject=(f"Re: {first_title}" if first_title else "Re: your message") if kind == "email" else None,
    )
    via = _reply_via(session, conversation, author)
    return [via, own] if via is not None and via.channel.id != channel.id else [own]


def _reply_via(session: Session, conversation: Conversation, author: Identity | None) -> ReplyTarget | None:
    if not conversation.reply_via or author is None or author.person_id is None:
        return None
    row = session.execute(
        select(Channel, Identity)
        .join(Identity, Identity.channel_id == Channel.id)
        .where(Identity.person_id == author.person_id, Identity.consent_state == "given")
        .where((Channel.name == conversation.reply_via) | (Channel.kind == conversation.reply_via))
        .order_by(Identity.id)
    ).first()
    if row is None:
        return None
    channel, identity = row
    kind = channel.kind or channel.name
    return ReplyTarget(
        channel=channel,
        transport=transport_name(kind),
        recipient=_address(channel, identity),
        in_reply_to=None,
        subject="Your message to us" if kind == "email" else None,
    )


def reply(
    session: Session,
    conversation: Conversation,
    *,
    user_id: int | None,
    body: str,
    token: str,
    channel: str | None = None,
    answer_id: int | None = None,
    now: datetime | None = None,
) -> ReplyResult:
    """Queue a reply once per form ``token``; ``channel``: a channel name from :func:`reply_targets`."""
    if not TOKEN.match(token or ""):
        raise InboxError("The reply form is missing its token; reload the page and answer again.")
    key = idempotency_key(conversation, token)
    existing = session.scalar(select(OutboxMessage).where(OutboxMessage.idempotency_key == key))
    if existing is not None:
        return ReplyResult(existing, None, True)
    text = body.replace("\x00", "").strip()
    if not text:
        raise InboxError("The reply is empty; write an answer first.")
    if len(text) > MAX_REPLY:
        raise InboxError(f"The reply is too long (at most {MAX_REPLY} characters).")
    if conversation.status == "merged":
        raise InboxError("This conversation was merged into another; answer there.")
    targets = reply_targets(session, conversation)
    target = next((t for t in targets if channel in (None, t.channel.name)), None)
    if target is None:
        raise InboxError(f"This conversation cannot be answered on {channel!r}; pick one of the offered channels.")
    try:
        with session.begin_nested():  # a concurrent submit of the same form loses the race on the unique key
            return _queue(session, conversation, target, key, text, user_id, answer_id, now or utcnow())
    except IntegrityError:
        existing = session.scalar(select(OutboxMessage).where(OutboxMessage.idempotency_key == key))
        if existing is None:
            raise
        return ReplyResult(existing, None, True)


def _queue(
    session: Session,
    conversation: Conversation,
    target: ReplyTarget,
    key: str,
    text: str,
    user_id: int | None,
    answer_id: int | None,
    now: datetime,
) -> ReplyResult:
    """The reply's writes: the event (with the first response time), the outbox row, status, answer use."""
    response_seconds = None
    if conversation.first_response_at is None:
        customer = customer_interactions(session, conversation)
        if customer:
            waited_since = customer[0][0].created_at or customer[0][0].sort_at
            response_seconds = max(0, int((now - waited_since).total_seconds()))
        conversation.first_response_at = now
    event = record_event(
        session,
        conversation,
        "reply",
        user_id=user_id,
        at=now,
        channel=target.channel.name,
        body=text,
        response_seconds=response_seconds,
        data={"transport": target.transport, "answer": answer_id, "status_before": conversation.status},
    )
    message = queue_message(
        session,
        idempotency_key=key,
        channel=target.channel.name,
        transport=target.transport,
        body=text,
        recipient=target.recipient,
        in_reply_to=target.in_reply_to,
        subject=target.subject,
        conversation_id=conversation.id,
        event_id=event.id,
        user_id=user_id,
    )
    conversation.status = "pending"
    conversation.snoozed_until = None
    if answer_id is not None:
        session.execute(update(SavedAnswer).where(SavedAnswer.id == answer_id).values(uses=SavedAnswer.uses + 1))
    return ReplyResult(message, event, False)
