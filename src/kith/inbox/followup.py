"""Follow-up capture (stub: filled in by the capture work)."""

from __future__ import annotations

from sqlalchemy import Engine


def record_followups(engine: Engine) -> int:
    """Fill ``followup_sentiment`` on replies the customer has written back to; returns how many."""
    return 0
