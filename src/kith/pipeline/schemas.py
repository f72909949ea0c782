"""API shapes of the pipeline's entry point."""

from __future__ import annotations

from pydantic import BaseModel


class IngestOut(BaseModel):
    """What became of a payload: its raw items (the same ids when the same payload comes again)."""

    raw_item_ids: list[str]
    new: int
    duplicate: int
    quarantined: int
