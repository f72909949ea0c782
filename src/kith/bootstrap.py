"""Wiring for entry points (CLI, server): the configured database, migrated to the latest schema."""

from __future__ import annotations

from sqlalchemy import Engine

from kith.config import get_settings
from kith.db import make_engine
from kith.schema import upgrade


def engine() -> Engine:
    """The database of ``KITH_DATABASE_URL``, upgraded to the latest schema (idempotent, cheap when current)."""
    db = make_engine(get_settings().database_url)
    upgrade(db)
    return db
