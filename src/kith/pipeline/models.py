"""RawItem: the single entry point of all data, kept exactly as received.

Unique by (channel, external_id) so that importing the same input twice is a no-op. ``payload`` is
bytes, not text, so that even invalid UTF-8 is kept losslessly for the quarantine and a later replay.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kith.db import Base, UTCDateTime, new_public_id, utcnow


class RawStatus(StrEnum):
    NEW = "new"
    DONE = "done"
    QUARANTINED = "quarantined"
    REPLAYED = "replayed"  # a quarantined input whose corrected content was ingested again


class RawItem(Base):
    __tablename__ = "raw_item"
    __table_args__ = (
        UniqueConstraint("channel_id", "external_id"),
        Index("ix_raw_item_status_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channel.id"))
    external_id: Mapped[str] = mapped_column(String(512))
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    source: Mapped[str | None] = mapped_column(String(1024))  # file path or "api", for the quarantine
    status: Mapped[str] = mapped_column(String(16), default=RawStatus.NEW)
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
