"""Listening topics and what enrichment found in each interaction (topics matched, products named).

Enrichment results that are one value per interaction (detected language, sentiment, model versions)
live on the interaction row itself; what can be many per interaction (topics, product mentions) lives
here, with the matched character spans so the UI can highlight them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kith.db import Base, JSONType, UTCDateTime, new_public_id, utcnow


class Topic(Base):
    """A listening topic: a brand, product, competitor or theme, defined by a boolean query."""

    __tablename__ = "topic"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(32))  # brand | product | competitor | theme
    query: Mapped[str] = mapped_column(Text)
    department: Mapped[str | None] = mapped_column(String(64))  # owner of its alerts
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class InteractionTopic(Base):
    __tablename__ = "interaction_topic"
    __table_args__ = (UniqueConstraint("interaction_id", "topic_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    interaction_id: Mapped[int] = mapped_column(ForeignKey("interaction.id"), index=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id"), index=True)
    spans: Mapped[list[Any]] = mapped_column(JSONType, default=list)


class ProductMention(Base):
    __tablename__ = "product_mention"
    __table_args__ = (UniqueConstraint("interaction_id", "product_id", "start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    interaction_id: Mapped[int] = mapped_column(ForeignKey("interaction.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), index=True)
    matched: Mapped[str] = mapped_column(String(300))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    how: Mapped[str] = mapped_column(String(16))  # sku | name | alias | fuzzy
    score: Mapped[float] = mapped_column(Float)


class Alert(Base):
    """A sudden spike of volume or negative sentiment on a topic against its own hourly baseline."""

    __tablename__ = "alert"
    __table_args__ = (UniqueConstraint("topic_id", "kind", "window_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # volume | negative
    window_start: Mapped[datetime] = mapped_column(UTCDateTime)
    window_end: Mapped[datetime] = mapped_column(UTCDateTime)
    observed: Mapped[float] = mapped_column(Float)
    baseline: Mapped[float] = mapped_column(Float)
    score: Mapped[float] = mapped_column(Float)  # how unusual (e.g. a z-score or a Poisson tail), see the detector
    department: Mapped[str | None] = mapped_column(String(64))
    samples: Mapped[list[Any]] = mapped_column(JSONType, default=list)  # public ids of example interactions
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by: Mapped[str | None] = mapped_column(String(200))
