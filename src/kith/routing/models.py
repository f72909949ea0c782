"""Routing rules, the decisions they (or the learned router, or a person) made, and router state."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kith.db import Base, JSONType, UTCDateTime, new_public_id, utcnow


class RoutingRule(Base):
    """One rule: a condition and what it sets. Rules are evaluated by ``position``, lowest first.

    The first matching rule that sets a department decides the department (and, if it sets them, the
    priority and assignee); every matching rule adds its tag. ``stop`` ends evaluation after the rule.
    """

    __tablename__ = "routing_rule"
    __table_args__ = (Index("ix_routing_rule_position", "position", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    condition: Mapped[str] = mapped_column(Text)  # see docs/routing.md
    department: Mapped[str | None] = mapped_column(String(64))
    priority: Mapped[str | None] = mapped_column(String(16))  # urgent | high | normal | low
    tag: Mapped[str | None] = mapped_column(String(64))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    skill: Mapped[str | None] = mapped_column(String(64))  # assignment must pick an agent with it
    stop: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RoutingDecision(Base):
    """Why a conversation went where it went: one row per decision, newest last (the history).

    ``source``: rule (a rule decided), model (the learned router applied its suggestion), suggestion
    (the router only suggested; nothing changed), manual (a person routed or re-routed), default (no rule,
    no confident model: the fallback department). ``confirmed_at``: an agent confirmed the decision
    (answered in the department, or pressed "confirm") — confirmed and manual decisions are the learned
    router's training data.
    """

    __tablename__ = "routing_decision"
    __table_args__ = (
        Index("ix_routing_decision_conversation", "conversation_id", "id"),
        Index("ix_routing_decision_created", "created_at"),
        Index("ix_routing_decision_rule_created", "rule_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversation.id"))
    interaction_id: Mapped[int | None] = mapped_column(ForeignKey("interaction.id"))  # what was routed
    source: Mapped[str] = mapped_column(String(16))
    department: Mapped[str | None] = mapped_column(String(64))
    previous_department: Mapped[str | None] = mapped_column(String(64))
    priority: Mapped[str | None] = mapped_column(String(16))
    sla_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("routing_rule.id"))
    model_version: Mapped[str | None] = mapped_column(String(64))
    confidence: Mapped[float | None] = mapped_column(Float)
    explanation: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)  # rules matched, top words…
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RouterModel(Base):
    """A trained learned-router version: its weights (an ``.npz`` archive, never a pickle) and metrics.

    Kept in the database rather than a file because it is learned from this installation's own history
    and must survive redeploys alongside it; the newest ``active`` row is the one in use.
    """

    __tablename__ = "router_model"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(64), unique=True)
    trained_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    samples: Mapped[int] = mapped_column(Integer)
    metrics: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)  # held-out accuracy, per class…
    weights: Mapped[bytes] = mapped_column(LargeBinary)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class RoutingSetting(Base):
    """Admin settings of routing as key → JSON value (e.g. ``auto_apply_threshold``, ``fallback``)."""

    __tablename__ = "routing_setting"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSONType)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
