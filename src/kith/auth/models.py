"""Users, departments and personal API tokens.

Passwords are argon2 hashes; API tokens are stored as SHA-256 digests (a token is a random 256-bit
secret, so a fast hash is enough and lets us look it up by digest); the clear token is shown once.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from kith.db import Base, JSONType, UTCDateTime, new_public_id, utcnow


class Role(StrEnum):
    ADMIN = "admin"  # everything, including users, channels and settings
    AGENT = "agent"  # reads and answers conversations of every department
    ANALYST = "analyst"  # reads everything, exports and reports; no answering, no admin
    DEPARTMENT = "department"  # a department member: only their department's queue
    READONLY = "readonly"  # reads the stream and profiles; changes nothing


class Department(Base):
    __tablename__ = "department"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Service settings (issue 7). Working hours: {"tz": "Europe/Berlin", "days": [0, 1, 2, 3, 4],
    # "start": "09:00", "end": "17:00"} (days: Monday = 0); {} means around the clock.
    working_hours: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # SLA per priority in working minutes, e.g. {"urgent": 60, "high": 240, "normal": 480, "low": 1440};
    # a priority missing here falls back to the routing defaults.
    sla_minutes: Mapped[dict[str, int]] = mapped_column(JSONType, default=dict)
    assignment: Mapped[str] = mapped_column(String(16), default="none")  # none | round_robin | least_loaded
    email: Mapped[str | None] = mapped_column(String(320))  # digest and SLA-breach mail go here


class User(Base):
    __tablename__ = "app_user"  # "user" is reserved in PostgreSQL

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What assignment respects (issue 7): skills are free labels a rule or conversation may ask for
    # (e.g. "billing", "returns"); languages are BCP 47 primary tags the agent answers in.
    skills: Mapped[list[str]] = mapped_column(JSONType, default=list)
    languages: Mapped[list[str]] = mapped_column(JSONType, default=list)
    last_assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # for round robin


class ApiToken(Base):
    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))  # shown in lists so a user can tell tokens apart
    scopes: Mapped[list[str]] = mapped_column(JSONType, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
