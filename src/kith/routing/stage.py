"""The routing stage of the pipeline (stub: filled in by the routing work)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session


@dataclass
class RouteReport:
    routed: int = 0


def pending_routing(session: Session) -> int:
    """How many conversations wait to be routed."""
    return 0


def route_pending(engine: Engine, batch_size: int = 500, on_batch: Callable[[int], None] | None = None) -> RouteReport:
    return RouteReport()
