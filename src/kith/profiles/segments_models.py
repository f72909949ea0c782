"""Saved segments: a named, rule-based selection of customers, usable as a filter everywhere.

Why only the definition is stored (not the members): members change with every pipeline run, and a
definition evaluated on read is always current. The member count and when it was counted are cached so
the segment list does not re-evaluate every segment on each page view; they are a hint, not the truth.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kith.db import Base, UTCDateTime, new_public_id, utcnow


class Segment(Base):
    __tablename__ = "segment"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    slug: Mapped[str] = mapped_column(String(64), unique=True)  # segment=<slug> in filters
    name: Mapped[str] = mapped_column(String(200))
    definition: Mapped[str] = mapped_column(Text)  # see docs/segments-and-audience.md
    description: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_by: Mapped[str] = mapped_column(String(320), default="")  # who, as text (CLI has no user row)
    member_count: Mapped[int | None] = mapped_column(Integer)  # cached at counted_at
    counted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
