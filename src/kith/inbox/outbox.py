"""Queueing outgoing messages. Delivery is separate (``kith.inbox.transports``): a request only writes a
row, so a network failure never loses an answer and a double click never sends it twice."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kith.inbox.models import OutboxMessage


def queue_message(
    session: Session,
    *,
    idempotency_key: str,
    channel: str,
    transport: str,
    body: str,
    recipient: str | None = None,
    in_reply_to: str | None = None,
    subject: str | None = None,
    conversation_id: int | None = None,
    event_id: int | None = None,
    user_id: int | None = None,
) -> OutboxMessage:
    """Queue one message, or return the one already queued under ``idempotency_key``."""
    existing = session.scalar(select(OutboxMessage).where(OutboxMessage.idempotency_key == idempotency_key))
    if existing is not None:
        return existing
    message = OutboxMessage(
        idempotency_key=idempotency_key,
        channel=channel,
        transport=transport,
        body=body,
        recipient=recipient,
        in_reply_to=in_reply_to,
        subject=subject,
        conversation_id=conversation_id,
        event_id=event_id,
        user_id=user_id,
        status="queued",
        attempts=0,
    )
    session.add(message)
    session.flush()
    return message
