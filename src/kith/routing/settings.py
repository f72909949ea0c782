"""Routing settings an admin changes (kept in ``routing_setting`` as key → JSON value)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from kith.db import utcnow
from kith.routing.departments import department_infos
from kith.routing.models import RoutingSetting

FALLBACK_KEY = "fallback_department"
DEFAULT_FALLBACK = "service"


class SettingError(ValueError):
    """A setting value that cannot work; the message says what to use."""


def get_setting(session: Session, key: str, default: Any = None) -> Any:
    row = session.get(RoutingSetting, key)
    return default if row is None else row.value


def set_setting(session: Session, key: str, value: Any) -> None:
    row = session.get(RoutingSetting, key)
    if row is None:
        session.add(RoutingSetting(key=key, value=value, updated_at=utcnow()))
    else:
        row.value = value
        row.updated_at = utcnow()
    session.flush()


def fallback_department(session: Session) -> str:
    """Where a conversation goes when no rule and no confident model decides (default: customer service)."""
    value = get_setting(session, FALLBACK_KEY, DEFAULT_FALLBACK)
    return str(value) if value else DEFAULT_FALLBACK


def set_fallback_department(session: Session, slug: str) -> None:
    known = sorted(department_infos(session))
    if slug not in known:
        raise SettingError(f"there is no department {slug!r}; use one of {', '.join(known)}")
    set_setting(session, FALLBACK_KEY, slug)
