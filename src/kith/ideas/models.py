"""Idea and IdeaMention (one row per interaction that raised or supported the idea)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kith.db import Base, UTCDateTime, new_public_id, utcnow


class Idea(Base):
    """``status``: new | under_review | planned | shipped | declined; ``status_reason`` says why (shown to
    colleagues, and — for shipped or declined — usable in the message to the people who raised it)."""

    __tablename__ = "idea"
    __table_args__ = (Index("ix_idea_status_votes", "status", "votes"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    product_id: Mapped[int | None] = mapped_column(ForeignKey("product.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="new")
    status_reason: Mapped[str | None] = mapped_column(Text)
    votes: Mapped[int] = mapped_column(Integer, default=0)  # distinct identities that raised it
    mentions: Mapped[int] = mapped_column(Integer, default=0)  # every interaction that raised it
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status_changed_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    shipped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class IdeaMention(Base):
    __tablename__ = "idea_mention"

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("idea.id"), index=True)
    interaction_id: Mapped[int] = mapped_column(ForeignKey("interaction.id"), unique=True)
    identity_id: Mapped[int | None] = mapped_column(ForeignKey("identity.id"), index=True)
    similarity: Mapped[float] = mapped_column(Float)  # 1.0 for the mention that created the idea
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    notify_via: Mapped[str | None] = mapped_column(String(32))  # channel used to tell them it shipped
    note: Mapped[str | None] = mapped_column(Text)
