"""Interaction (one post/comment/DM/e-mail/call/visit) and Conversation (a thread of them).

``revision`` orders versions of the same item so an older version replayed later never overwrites a
newer one: "" for the original, the edit time for an edit, ``~deleted`` (sorts last) for a tombstone.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kith.db import Base, JSONType, UTCDateTime, new_public_id, utcnow

TOMBSTONE_REVISION = "~deleted"
# full-text index, PostgreSQL only (created by migration 0003; SQLite searches with LIKE)
TEXT_SEARCH_INDEX = "ix_interaction_text_search"


class Conversation(Base):
    __tablename__ = "conversation"
    __table_args__ = (
        UniqueConstraint("channel_id", "thread_key"),
        Index("ix_conversation_last_activity_at", "last_activity_at"),
        Index("ix_conversation_department_activity", "department", "last_activity_at", "id"),
        Index("ix_conversation_department_status_due", "department", "status", "sla_due_at"),
        Index("ix_conversation_assignee_status", "assignee_id", "status"),
        Index("ix_conversation_routed_at", "routed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channel.id"))
    thread_key: Mapped[str] = mapped_column(String(512))  # external id of the root item
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_activity_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default="open")
    department: Mapped[str | None] = mapped_column(String(64))
    assignee: Mapped[str | None] = mapped_column(String(200))
    priority: Mapped[str | None] = mapped_column(String(16))
    sla_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(String(32))
    # Routing and inbox (issue 7). ``status``: open | pending (waiting for the customer) | snoozed |
    # resolved | merged. ``assignee`` above stays the free-text name an import may carry; agents in Kith
    # are referenced by ``assignee_id``.
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    routed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # None: not routed yet
    routed_by: Mapped[str | None] = mapped_column(String(16))  # rule | model | manual | default
    routing_decision_id: Mapped[int | None] = mapped_column(ForeignKey("routing_decision.id", use_alter=True))
    tags: Mapped[list[str]] = mapped_column(JSONType, default=list)
    reply_via: Mapped[str | None] = mapped_column(String(32))  # channel the answer should go by, if not this one
    snoozed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("conversation.id"))
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sla_breached_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # when the breach was noticed


class Interaction(Base):
    __tablename__ = "interaction"
    __table_args__ = (
        UniqueConstraint("channel_id", "external_id"),
        Index("ix_interaction_sort_at_id", "sort_at", "id"),
        Index("ix_interaction_conversation_id", "conversation_id"),
        Index("ix_interaction_identity_id", "identity_id"),
        Index("ix_interaction_channel_id_sort_at", "channel_id", "sort_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channel.id"))
    external_id: Mapped[str] = mapped_column(String(512))
    raw_item_id: Mapped[int | None] = mapped_column(ForeignKey("raw_item.id"))
    identity_id: Mapped[int | None] = mapped_column(ForeignKey("identity.id"))
    conversation_id: Mapped[int | None] = mapped_column(ForeignKey("conversation.id"))
    kind: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text, default="")
    title: Mapped[str | None] = mapped_column(Text)
    lang: Mapped[str | None] = mapped_column(String(16))
    url: Mapped[str | None] = mapped_column(String(2048))
    in_reply_to: Mapped[str | None] = mapped_column(String(512))
    visibility: Mapped[str] = mapped_column(String(16))
    basis: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # created_at, or when Kith first saw the item if the source gives no time: the stream's order
    sort_at: Mapped[datetime] = mapped_column(UTCDateTime)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revision: Mapped[str] = mapped_column(String(64), default="")
    sentiment: Mapped[str | None] = mapped_column(String(16))  # negative|neutral|positive (enrichment)
    sentiment_score: Mapped[float | None] = mapped_column(Float)
    # enrichment: what Kith detected (``lang`` above is what the source declared), and by which model
    detected_lang: Mapped[str | None] = mapped_column(String(16))
    intent: Mapped[str | None] = mapped_column(String(32))  # question, complaint, purchase_intent, ...
    intent_score: Mapped[float | None] = mapped_column(Float)
    script: Mapped[str | None] = mapped_column(String(32))
    pii: Mapped[list[str]] = mapped_column(JSONType, default=list)  # kinds found: email, phone, card, iban
    relevant: Mapped[bool | None] = mapped_column(Boolean)  # matched a topic or addressed us; None = not yet known
    models: Mapped[dict[str, str]] = mapped_column(JSONType, default=dict)  # stage -> model version
    enriched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    metrics: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    attributes: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    ingested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
