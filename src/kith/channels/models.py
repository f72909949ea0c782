"""Channel: a configured source/destination of conversations (one per network for now)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from kith.db import Base, UTCDateTime, new_public_id, utcnow


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
