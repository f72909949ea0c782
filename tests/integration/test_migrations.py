"""The latest Alembic revision creates exactly the tables the models declare (Saleor's habit)."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect

import kith.models
from kith.interactions.models import TEXT_SEARCH_INDEX
from kith.schema import current_revision, head_revision, upgrade

pytestmark = pytest.mark.storage


def test_models_and_migrations_agree(engine: Engine) -> None:
    assert current_revision(engine) == head_revision()

    def include(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
        return name != TEXT_SEARCH_INDEX  # an expression index the models do not declare (PostgreSQL only)

    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": include})
        diff = compare_metadata(context, kith.models.Base.metadata)
    assert diff == []


def test_upgrade_is_idempotent_and_creates_every_table(engine: Engine) -> None:
    upgrade(engine)
    tables = set(inspect(engine).get_table_names())
    assert set(kith.models.Base.metadata.tables) <= tables
