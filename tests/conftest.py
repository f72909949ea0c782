"""Shared fixtures. Storage tests run on SQLite and PostgreSQL; PostgreSQL missing is a failure, not a skip.

PostgreSQL: ``KITH_TEST_POSTGRES_URL`` (default ``postgresql+psycopg://postgres@127.0.0.1:5432/test``) is
used only to create a template database migrated once per session; each test gets a fresh copy
(``CREATE DATABASE … TEMPLATE``), dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from kith.db import make_engine, normalise_url
from kith.schema import upgrade

PG_URL = normalise_url(os.environ.get("KITH_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"))
FIXTURES = Path(__file__).parent / "fixtures"
PAYLOADS = FIXTURES / "payloads"


def _admin() -> Engine:
    return create_engine(PG_URL, isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    admin = _admin()
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        pytest.fail(
            f"PostgreSQL is required for the storage tests and is not reachable at {PG_URL} ({exc}). "
            "Start it (pg_ctlcluster --skip-systemctl-redirect <version> main start) or set KITH_TEST_POSTGRES_URL.",
            pytrace=False,
        )
    name = f"kith_tmpl_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    template_engine = make_engine(make_url(PG_URL).set(database=name).render_as_string(hide_password=False))
    upgrade(template_engine)
    template_engine.dispose()
    yield name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def db_factory(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], str]]:
    """Makes fresh, migrated databases on one backend (each test runs once per backend)."""
    created: list[str] = []
    admin = _admin() if request.param == "postgresql" else None

    def make() -> str:
        if request.param == "sqlite":
            template: Path = request.getfixturevalue("sqlite_template")
            path = tmp_path / f"kith-{len(created)}.db"
            path.write_bytes(template.read_bytes())
            created.append(str(path))
            return f"sqlite:///{path}"
        assert admin is not None
        template_name: str = request.getfixturevalue("pg_template")
        name = f"kith_test_{uuid.uuid4().hex[:12]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template_name}"'))
        created.append(name)
        return make_url(PG_URL).set(database=name).render_as_string(hide_password=False)

    yield make
    if admin is not None:
        with admin.connect() as conn:
            for name in created:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def db_url(db_factory: Callable[[], str]) -> str:
    """A fresh, migrated database URL on each backend."""
    return db_factory()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = make_engine(db_url)
    yield eng
    eng.dispose()
