"""The latest Alembic revision creates exactly the tables the models declare (Saleor's habit)."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect

import kith.models
from kith.schema import current_revision, head_revision, upgrade

pytestmark = pytest.mark.storage


def test_models_and_migrations_agree(engine: Engine) -> None:
    assert current_revision(engine) == head_revision()
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), kith.models.Base.metadata)
    assert diff == []


def test_upgrade_is_idempotent_and_creates_every_table(engine: Engine) -> None:
    upgrade(engine)
    tables = set(inspect(engine).get_table_names())
    assert set(kith.models.Base.metadata.tables) <= tables
