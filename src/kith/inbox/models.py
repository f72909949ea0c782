"""Conversation events, the outbox, saved answers and notifications."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kith.db import Base, JSONType, UTCDateTime, new_public_id, utcnow


class ConversationEvent(Base):
    """Something that happened to a conversation: reply, note, status, route, assign, tag, snooze, merge,
    outcome, sla_breach. ``response_seconds`` is set on the first reply (time since the customer wrote);
    ``followup_sentiment`` is filled in when the customer writes again after a reply."""

    __tablename__ = "conversation_event"
    __table_args__ = (
        Index("ix_conversation_event_conversation", "conversation_id", "id"),
        Index("ix_conversation_event_kind_at", "kind", "at"),
        Index("ix_conversation_event_department_at", "department", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversation.id"))
    kind: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))  # None: the system did it
    department: Mapped[str | None] = mapped_column(String(64))  # the conversation's department then
    channel: Mapped[str | None] = mapped_column(String(32))  # for replies: the channel it went out on
    body: Mapped[str | None] = mapped_column(Text)  # reply or note text
    outcome: Mapped[str | None] = mapped_column(String(32))  # resolved | escalated | sale | idea_accepted | no_action
    response_seconds: Mapped[int | None] = mapped_column(Integer)
    followup_sentiment: Mapped[str | None] = mapped_column(String(16))
    data: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)  # kind-specific: from/to, tag, mentions…
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OutboxMessage(Base):
    """An answer waiting to be (or already) delivered by a channel transport.

    ``status``: queued → sending → sent | failed | gave_up. ``failed`` keeps ``error`` and is tried again at
    ``next_attempt_at``; ``gave_up`` says why; ``sending`` left over after a crash waits for a person
    (``kith outbox retry``), because it may have gone out. ``attempts`` counts deliveries tried.
    ``idempotency_key`` is unique, so a double click or a retried request queues one message only.
    """

    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_message_status_created", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    conversation_id: Mapped[int | None] = mapped_column(ForeignKey("conversation.id"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("conversation_event.id"))
    channel: Mapped[str] = mapped_column(String(32))  # channel name (x, mastodon, email…)
    transport: Mapped[str] = mapped_column(String(32))  # outbox (local mock) | mastodon | bluesky | x | reddit | smtp
    recipient: Mapped[str | None] = mapped_column(String(512))  # handle, address or external id
    in_reply_to: Mapped[str | None] = mapped_column(String(512))  # external id of what is answered
    subject: Mapped[str | None] = mapped_column(String(998))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    external_id: Mapped[str | None] = mapped_column(String(512))  # id the network gave the sent item
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # when a failed one is due again


class SavedAnswer(Base):
    """A reusable answer (the knowledge base); ``uses`` counts how often agents inserted it."""

    __tablename__ = "saved_answer"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    department: Mapped[str | None] = mapped_column(String(64))  # None: every department
    lang: Mapped[str | None] = mapped_column(String(16))
    tags: Mapped[list[str]] = mapped_column(JSONType, default=list)
    uses: Mapped[int] = mapped_column(Integer, default=0)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Notification(Base):
    """Something a colleague should see: an @mention in a note, an assignment, an SLA breach."""

    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_user_read", "user_id", "read_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    kind: Mapped[str] = mapped_column(String(16))  # mention | assigned | sla_breach | idea_shipped
    conversation_id: Mapped[int | None] = mapped_column(ForeignKey("conversation.id"))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("conversation_event.id"))
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
