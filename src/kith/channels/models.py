"""Channel: a configured source/destination of conversations (one per network for now)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from kith.db import Base, UTCDateTime, new_public_id, utcnow


class Channel(Base):
    __tablename__ = "channel"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    name: Mapped[str] = mapped_column(String(64), unique=True)  # parser name: x, mastodon, csv, ...
    display_name: Mapped[str] = mapped_column(String(200))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    credentials_ref: Mapped[str | None] = mapped_column(String(200))  # env var name, never a secret
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
