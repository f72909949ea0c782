"""The ideas stage of the pipeline (stub: filled in by the ideas work)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session


@dataclass
class IdeasReport:
    mentions: int = 0
    new_ideas: int = 0


def pending_ideas(session: Session) -> int:
    """How many suggestion interactions are not on the ideas board yet."""
    return 0


def collect_ideas(engine: Engine, batch_size: int = 500, on_batch: Callable[[int], None] | None = None) -> IdeasReport:
    return IdeasReport()
