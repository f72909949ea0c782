"""Engine and session factory, the declarative base, and column types shared by every domain.

SQLite (embedded default) gets WAL and foreign keys on every connection; PostgreSQL is used as is.
``UTCDateTime`` keeps every time timezone-aware UTC on both, because SQLite has no time zone type.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Engine, MetaData, case, create_engine, event, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class UTCDateTime(TypeDecorator[datetime]):
    """A datetime that is always timezone-aware UTC in Python, whatever the database keeps."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; attach a time zone first")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


JSONType = JSON().with_variant(JSONB(), "postgresql")


def new_public_id() -> str:
    """Opaque id for anything that appears in a URL or the API (never a guessable sequence)."""
    return uuid.uuid4().hex


def utcnow() -> datetime:
    return datetime.now(UTC)


def normalise_url(url: str) -> str:
    """Accept the plain ``postgresql://`` form users copy from elsewhere; Kith drives it with psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def make_engine(url: str, **kwargs: Any) -> Engine:
    url = normalise_url(url)
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers (web) never block the pipeline's writer
    cursor.execute("PRAGMA synchronous=NORMAL")  # durable across process crashes in WAL mode
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any error."""
    with session_factory(engine)() as session, session.begin():
        yield session


def upsert(
    session: Session,
    table: Any,
    rows: list[dict[str, Any]],
    *,
    keys: list[str],
    update: list[str],
    where: Any = None,
    returning: Any = None,
    merge: dict[str, Callable[[Any, Any], Any]] | None = None,
) -> list[Any]:
    """``INSERT … ON CONFLICT (keys) DO UPDATE`` on SQLite and PostgreSQL alike.

    Idempotency by natural key is what makes re-imports and crash recovery safe. ``where`` (an
    expression over ``table`` and ``excluded``) guards the update, e.g. so an older revision never
    overwrites a newer one. Rows must be unique by ``keys`` within one call (PostgreSQL refuses to
    update a row twice in one statement). ``merge`` maps a column to an expression over ``table`` and
    ``excluded`` that combines the stored and the new value (see ``earliest``/``latest``/``json_merge``).
    With ``returning`` (columns), the rows inserted or updated
    are returned: one round trip instead of a follow-up SELECT.
    """
    if not rows:
        return []
    stmt = _dialect_insert(session)(table)
    excluded = stmt.excluded
    set_ = {name: excluded[name] for name in update}
    for name, combine in (merge or {}).items():
        set_[name] = combine(table, excluded)
    guard = where(table, excluded) if where is not None else None
    if set_:
        stmt = stmt.on_conflict_do_update(index_elements=keys, set_=set_, where=guard)
    else:
        stmt = stmt.on_conflict_do_nothing(index_elements=keys)
    if returning is None:
        session.execute(stmt, rows)
        return []
    return list(session.execute(stmt.returning(*returning), rows).all())


def insert_ignore(
    session: Session, table: Any, rows: list[dict[str, Any]], *, keys: list[str], returning: Any = None
) -> list[Any]:
    """Insert rows, silently skipping those whose ``keys`` already exist (returns the inserted ones)."""
    return upsert(session, table, rows, keys=keys, update=[], returning=returning)


def _dialect_insert(session: Session) -> Any:
    name = session.get_bind().dialect.name
    if name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert
    if name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert
    raise RuntimeError(f"Kith supports SQLite and PostgreSQL, not {name}")


def earliest(a: Any, b: Any) -> Any:
    """The earlier of two nullable times, in SQL that SQLite and PostgreSQL both run (NULL = unknown)."""
    return case((a.is_(None), b), (b.is_(None), a), (b < a, b), else_=a)


def latest(a: Any, b: Any) -> Any:
    """The later of two nullable times (see ``earliest``)."""
    return case((a.is_(None), b), (b.is_(None), a), (b > a, b), else_=a)


def json_merge(session: Session, stored: Any, new: Any) -> Any:
    """Stored JSON object updated with the new one's keys (jsonb ``||`` / SQLite ``json_patch``)."""
    if session.get_bind().dialect.name == "postgresql":
        return stored.op("||")(new)
    return func.json_patch(stored, new)
