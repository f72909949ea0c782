"""Channel: a configured source/destination of conversations (one per network for now)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kith.db import Base, JSONType, UTCDateTime, new_public_id, utcnow


class Channel(Base):
    __tablename__ = "channel"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    name: Mapped[str] = mapped_column(String(64), unique=True)  # slug; the imported default is the kind
    kind: Mapped[str] = mapped_column(String(64), default="")  # parser name: x, mastodon, csv, ...
    display_name: Mapped[str] = mapped_column(String(200))
    account: Mapped[str | None] = mapped_column(String(300))  # our handle/page/mailbox on that network
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # credentials: either the name of an environment variable holding them, or Fernet ciphertext
    # (key derived from KITH_SECRET_KEY); never stored or shown in clear
    credentials_ref: Mapped[str | None] = mapped_column(String(200))
    credentials_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ConnectorCursor(Base):
    """Where a live connector stopped reading, so a restart resumes without gaps or duplicates.

    ``state`` is the connector's own position (e.g. ``{"since_id": "…"}`` or a listing's ``before``), plus
    HTTP validators (ETag / Last-Modified) for conditional GET and the back-off state after errors.
    """

    __tablename__ = "connector_cursor"
    __table_args__ = (UniqueConstraint("channel_id", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channel.id"), index=True)
    source: Mapped[str] = mapped_column(String(1024))  # e.g. "hashtag:nordlicht", a feed URL, "r/ebikes/new"
    state: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    etag: Mapped[str | None] = mapped_column(String(512))
    last_modified: Mapped[str | None] = mapped_column(String(128))
    failures: Mapped[int] = mapped_column(Integer, default=0)
    next_poll_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
