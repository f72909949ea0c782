"""Delivering the outbox: claim one message, send it, record the result — each step its own transaction.

Why at most once: a message is claimed by committing ``status = "sending"`` (and ``attempts + 1``) *before*
the network call, and the result is committed right after it. A crash in between leaves the message in
``sending``, which no later run picks up again: the network may have received it, so a person checks and
requeues it (``kith outbox retry``). APIs with an idempotency key (Mastodon's header, Bluesky's record key)
get the outbox key, so even that requeue cannot post twice there.

On PostgreSQL the claim is ``FOR UPDATE SKIP LOCKED``: several senders run side by side, each message goes
to one. SQLite serialises writers, so the plain claim is already exclusive.

Retries: a retryable failure (5xx, timeout, rate limit, mail server down) sets ``failed`` and
``next_attempt_at`` to ``outbox_retry_seconds * 2**(attempts - 1)`` after the failure (60 s, 120 s, 240 s…
with the defaults), so a sender that was down for a while does not retry back to back. After
``outbox_max_attempts``, or at once for a failure no retry can fix (bad credentials, a deleted post), the
message is ``gave_up`` with the reason. A transport without credentials is not tried at all: its messages
stay queued until it is configured.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import ColumnElement, Engine, and_, func, or_, select, update
from sqlalchemy.orm import Session

from kith.config import Settings
from kith.db import session_scope, utcnow
from kith.identities.models import Identity
from kith.inbox.models import ConversationEvent, OutboxMessage
from kith.inbox.transports import KNOWN, open_transport
from kith.inbox.transports.base import MissingCredential, Outgoing, StrongRef, Transport, TransportError, new_client
from kith.interactions.models import Conversation, Interaction
from kith.pipeline.models import RawItem

STATUSES = ("queued", "sending", "sent", "failed", "gave_up")
PRIVATE_VISIBILITIES = ("private",)


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0  # will be retried
    gave_up: int = 0
    waiting: dict[str, int] = field(default_factory=dict)  # missing setting → messages left queued for it
    lines: list[str] = field(default_factory=list)


def retry_due(settings: Settings, now: datetime) -> ColumnElement[bool]:
    """Failed messages whose next attempt is due (see the module docstring for the schedule)."""
    return and_(
        OutboxMessage.status == "failed",
        or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
    )


def claim(session: Session, settings: Settings, now: datetime, skip: set[str]) -> OutboxMessage | None:
    """The oldest due message not for a transport in ``skip``, marked ``sending`` (the caller commits).

    PostgreSQL: ``SELECT … FOR UPDATE SKIP LOCKED``, so parallel senders take different messages. SQLite:
    one ``UPDATE … WHERE id = (SELECT …) RETURNING id`` as the transaction's first statement, so the write
    lock is taken before the read and two senders cannot claim the same row.
    """
    due = or_(OutboxMessage.status == "queued", retry_due(settings, now))
    if skip:
        due = and_(due, OutboxMessage.transport.not_in(sorted(skip)))
    oldest = select(OutboxMessage.id).where(due).order_by(OutboxMessage.id).limit(1)
    if session.get_bind().dialect.name == "postgresql":
        locked = select(OutboxMessage).where(due).order_by(OutboxMessage.id).limit(1)
        message = session.scalar(locked.with_for_update(skip_locked=True))
        if message is not None:
            message.status = "sending"
            message.attempts = (message.attempts or 0) + 1
        return message
    claimed = session.scalar(
        update(OutboxMessage)
        .where(OutboxMessage.id == oldest.scalar_subquery())
        .values(status="sending", attempts=OutboxMessage.attempts + 1)
        .returning(OutboxMessage.id)
    )
    return None if claimed is None else session.get(OutboxMessage, claimed, populate_existing=True)


def outgoing_for(session: Session, message: OutboxMessage) -> Outgoing:
    """The message with what threading needs, read from the conversation and the item answered."""
    answered = _answered(session, message)
    identity = session.get(Identity, answered.identity_id) if answered and answered.identity_id else None
    recipient = message.recipient
    if recipient is None and identity is not None:
        recipient = (identity.email or identity.external_id) if message.transport == "smtp" else identity.handle
    root, parent = _strong_refs(session, answered) if answered and message.transport == "bluesky" else (None, None)
    references: tuple[str, ...] = ()
    if answered is not None:
        stored = (answered.attributes or {}).get("references")
        references = tuple(str(r) for r in stored) if isinstance(stored, list) else ()
    return Outgoing(
        idempotency_key=message.idempotency_key,
        body=message.body,
        recipient=recipient,
        in_reply_to=message.in_reply_to,
        subject=message.subject or (answered.title if answered else None),
        private=answered is not None and answered.visibility in PRIVATE_VISIBILITIES,
        references=references,
        reply_root=root,
        reply_parent=parent,
        queued_at=message.created_at,
    )


def _answered(session: Session, message: OutboxMessage) -> Interaction | None:
    if not message.in_reply_to:
        return None
    stmt = select(Interaction).where(Interaction.external_id == message.in_reply_to)
    if message.conversation_id is not None:
        stmt = stmt.where(Interaction.conversation_id == message.conversation_id)
    return session.scalars(stmt.order_by(Interaction.id).limit(1)).first()


def _strong_refs(session: Session, answered: Interaction) -> tuple[StrongRef | None, StrongRef | None]:
    """Bluesky's (root, parent) strong refs from the stored post view: the parser keeps uri and text, the raw
    payload keeps the cid and ``record.reply.root``. A post that is not itself a reply is its thread's root."""
    raw = session.get(RawItem, answered.raw_item_id) if answered.raw_item_id else None
    if raw is None:
        return None, None
    try:
        doc: Any = json.loads(raw.payload)
    except ValueError:
        return None, None
    view = doc.get("post") if isinstance(doc.get("post"), dict) else doc.get("record")
    if not isinstance(view, dict) or not view.get("uri") or not view.get("cid"):
        return None, None
    parent = StrongRef(str(view["uri"]), str(view["cid"]))
    record = view.get("record") if isinstance(view.get("record"), dict) else view.get("value")
    reply = record.get("reply") if isinstance(record, dict) else None
    root = reply.get("root") if isinstance(reply, dict) else None
    if isinstance(root, dict) and root.get("uri") and root.get("cid"):
        return StrongRef(str(root["uri"]), str(root["cid"])), parent
    return parent, parent


def send_pending(
    engine: Engine,
    settings: Settings,
    *,
    limit: int = 100,
    now: datetime | None = None,
    client: httpx.Client | None = None,
    env: Mapping[str, str] | None = None,
    transports: Mapping[str, Transport] | None = None,
) -> SendReport:
    """Deliver up to ``limit`` due messages, one transaction to claim and one to record each.

    ``transports`` replaces the configured ones by name (tests, the demo); ``client`` is the HTTP client
    the network transports use (a ``MockTransport`` in tests).
    """
    report = SendReport()
    now = now or utcnow()
    own_client = client is None
    http = client or new_client()
    try:
        ready, missing = _open_all(settings, http, env, transports or {})
        if missing:
            report.waiting = _waiting(engine, missing)
        for _ in range(limit):
            with session_scope(engine) as session:
                message = claim(session, settings, now, set(missing))
                if message is None:
                    break
                outgoing = outgoing_for(session, message)
                message_id, transport_name, attempts = message.id, message.transport, message.attempts
            transport = ready.get(transport_name)
            try:
                if transport is None:
                    raise TransportError(f"unknown transport {transport_name!r}", retryable=False)
                external_id = transport.send(outgoing)
            except TransportError as exc:
                _record_failure(engine, settings, message_id, attempts, exc, report, now)
            else:
                _record_sent(engine, message_id, external_id)
                report.sent += 1
                report.lines.append(f"sent {outgoing.idempotency_key[:12]} via {transport_name}: {external_id}")
    finally:
        if own_client:
            http.close()
    return report


def _open_all(
    settings: Settings, client: httpx.Client, env: Mapping[str, str] | None, given: Mapping[str, Transport]
) -> tuple[dict[str, Transport], dict[str, str]]:
    ready: dict[str, Transport] = dict(given)
    missing: dict[str, str] = {}
    for name in sorted(KNOWN - set(given)):
        try:
            ready[name] = open_transport(name, settings, client, env)
        except MissingCredential as exc:
            missing[name] = exc.variable
    return ready, missing


def _waiting(engine: Engine, missing: dict[str, str]) -> dict[str, int]:
    with session_scope(engine) as session:
        rows = session.execute(
            select(OutboxMessage.transport, func.count())
            .where(OutboxMessage.status.in_(("queued", "failed")), OutboxMessage.transport.in_(sorted(missing)))
            .group_by(OutboxMessage.transport)
        ).all()
    waiting: Counter[str] = Counter()
    for transport, count in rows:
        waiting[missing[str(transport)]] += int(count)
    return dict(waiting)


def _record_sent(engine: Engine, message_id: int, external_id: str) -> None:
    with session_scope(engine) as session:
        message = session.get(OutboxMessage, message_id)
        assert message is not None
        message.status, message.external_id, message.sent_at, message.error = "sent", external_id, utcnow(), None
        event = session.get(ConversationEvent, message.event_id) if message.event_id else None
        if event is not None:  # the reply event learns where its answer went (shown in the thread)
            event.data = {**(event.data or {}), "external_id": external_id, "delivered_at": utcnow().isoformat()}


def _record_failure(
    engine: Engine,
    settings: Settings,
    message_id: int,
    attempts: int,
    exc: TransportError,
    report: SendReport,
    now: datetime,
) -> None:
    give_up = not exc.retryable or attempts >= settings.outbox_max_attempts
    with session_scope(engine) as session:
        message = session.get(OutboxMessage, message_id)
        assert message is not None
        message.status = "gave_up" if give_up else "failed"
        why = "not retryable" if not exc.retryable else f"gave up after {attempts} attempts"
        message.error = f"{exc} ({why})" if give_up else str(exc)
        key = message.idempotency_key[:12]
        if give_up:
            report.gave_up += 1
            report.lines.append(f"gave up {key} via {message.transport}: {message.error}")
        else:
            wait = settings.outbox_retry_seconds * 2 ** max(attempts - 1, 0)
            message.next_attempt_at = now + timedelta(seconds=wait)
            report.failed += 1
            report.lines.append(
                f"failed {key} via {message.transport} (attempt {attempts}, retry in {wait:.0f} s): {exc}"
            )


def retry(session: Session, public_id: str) -> OutboxMessage:
    """Put a message that is stuck (``sending`` after a crash) or given up back in the queue."""
    message = session.scalar(select(OutboxMessage).where(OutboxMessage.public_id == public_id))
    if message is None:
        raise LookupError(f"there is no outbox message {public_id!r}; see `kith outbox list`")
    if message.status == "sent":
        raise ValueError(f"outbox message {public_id} was already sent ({message.external_id}); not sending it again")
    message.status, message.attempts, message.error, message.next_attempt_at = "queued", 0, None, None
    return message


def list_messages(session: Session, status: str | None, limit: int = 50) -> list[OutboxMessage]:
    stmt = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if status:
        stmt = stmt.where(OutboxMessage.status == status)
    return list(session.scalars(stmt))


def conversation_of(session: Session, message: OutboxMessage) -> Conversation | None:
    return session.get(Conversation, message.conversation_id) if message.conversation_id else None
