"""Identity (one per handle/address/customer number), optional Person, and the evidence of each link.

Each identity is an individual with its own history. A Person exists only when identities are linked on
evidence (LinkEvidence); nothing in the pipeline creates links yet.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kith.db import Base, JSONType, UTCDateTime, new_public_id, utcnow


class Person(Base):
    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    display_name: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Identity(Base):
    __tablename__ = "identity"
    __table_args__ = (
        UniqueConstraint("channel_id", "external_id"),
        Index("ix_identity_email", "email"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channel.id"))
    external_id: Mapped[str] = mapped_column(String(512))
    handle: Mapped[str | None] = mapped_column(String(300))
    display_name: Mapped[str | None] = mapped_column(String(300))
    profile_url: Mapped[str | None] = mapped_column(String(1024))
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(64))
    attributes: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    visibility: Mapped[str] = mapped_column(String(16))  # kith.channels.base.Visibility
    basis: Mapped[str] = mapped_column(String(32))  # kith.channels.base.Basis
    consent_state: Mapped[str] = mapped_column(String(16), default="unknown")  # unknown|given|objected
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    first_seen: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_seen: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LinkEvidence(Base):
    """Why an identity belongs to a person: kept for audit, and so a link can be undone."""

    __tablename__ = "link_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    identity_id: Mapped[int] = mapped_column(ForeignKey("identity.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # verified_email|verified_phone|customer_link|order|agent
    detail: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(String(200))  # user or rule
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class MatchSuggestion(Base):
    """A probable link between two identities, for a human to accept or reject — never applied alone.

    Both decisions are kept: they are the labels the matcher learns from.
    """

    __tablename__ = "match_suggestion"
    __table_args__ = (UniqueConstraint("left_identity_id", "right_identity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    left_identity_id: Mapped[int] = mapped_column(ForeignKey("identity.id"), index=True)
    right_identity_id: Mapped[int] = mapped_column(ForeignKey("identity.id"), index=True)
    probability: Mapped[float] = mapped_column(Float)
    agreeing: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)  # field -> how it agreed
    method: Mapped[str] = mapped_column(String(32))  # splink | social
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)  # open|accepted|rejected
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
