"""The demo's sign-in accounts, one per role. Their passwords are public (printed by `make demo`):
for a demo database only."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kith.auth.models import Role, User
from kith.auth.service import do_create_user

DEMO_PASSWORD = "kith-demo-2026"  # noqa: S105  (documented demo password, never for production)
DEMO_USERS = (
    ("admin@nordlicht.example", "Ada Admin", Role.ADMIN, None),
    ("agent@nordlicht.example", "Aki Agent", Role.AGENT, None),
    ("analyst@nordlicht.example", "Ana Analyst", Role.ANALYST, None),
    ("service@nordlicht.example", "Sam Service", Role.DEPARTMENT, "service"),
    ("sales@nordlicht.example", "Sol Sales", Role.DEPARTMENT, "sales"),
    ("viewer@nordlicht.example", "Val Viewer", Role.READONLY, None),
)


def ensure_demo_users(session: Session) -> list[str]:
    """Create the missing demo accounts; return the e-mails created."""
    existing = set(session.scalars(select(User.email)))
    created = []
    for email, name, role, department in DEMO_USERS:
        if email not in existing:
            do_create_user(session, email, name, DEMO_PASSWORD, role, department)
            created.append(email)
    return created
