"""What routing needs of each department, read once per run (plain values: safe across batch sessions)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kith.auth.models import Department
from kith.auth.service import ensure_default_departments


@dataclass(frozen=True)
class DepartmentInfo:
    id: int
    slug: str
    name: str
    working_hours: dict[str, Any] = field(default_factory=dict)
    sla_minutes: dict[str, Any] = field(default_factory=dict)
    assignment: str = "none"


def department_infos(session: Session) -> dict[str, DepartmentInfo]:
    """Slug → department (the default departments are created first on a fresh install)."""
    ensure_default_departments(session)
    return {
        d.slug: DepartmentInfo(
            d.id, d.slug, d.name, dict(d.working_hours or {}), dict(d.sla_minutes or {}), d.assignment
        )
        for d in session.scalars(select(Department).order_by(Department.slug))
    }
