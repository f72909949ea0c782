"""The raw store: every input lands here first, exactly once per (channel, external id)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from kith.channels.base import RawRecord
from kith.db import insert_ignore, new_public_id, utcnow
from kith.pipeline.models import RawItem, RawStatus

QUARANTINE_PREFIX = "quarantine:"


@dataclass
class StoreCounts:
    new: int = 0
    duplicate: int = 0
    quarantined: int = 0

    def add(self, other: StoreCounts) -> None:
        self.new += other.new
        self.duplicate += other.duplicate
        self.quarantined += other.quarantined


def store_raw(session: Session, channel_id: int, records: Sequence[RawRecord], source: str) -> StoreCounts:
    """Insert raw records not seen before; count new and duplicate ones."""
    unique: dict[str, RawRecord] = {}
    for record in records:
        unique.setdefault(record.external_id, record)
    now = utcnow()
    rows = [
        {
            "public_id": new_public_id(),
            "channel_id": channel_id,
            "external_id": record.external_id,
            "payload": record.payload,
            "source": source[:1024],
            "status": RawStatus.NEW.value,
            "attempts": 0,
            "received_at": now,
        }
        for record in unique.values()
    ]
    # ON CONFLICT DO NOTHING … RETURNING: the rows that come back are the new ones (no SELECT first)
    inserted = insert_ignore(
        session, RawItem.__table__, rows, keys=["channel_id", "external_id"], returning=[RawItem.id]
    )
    return StoreCounts(new=len(inserted), duplicate=len(records) - len(inserted))


def quarantine_input(session: Session, channel_id: int, payload: bytes, reason: str, source: str) -> StoreCounts:
    """Keep an input that could not be split, with the reason, so it can be fixed and replayed.

    Its external id is a hash of the bytes: the same bad input imported twice is stored once.
    """
    external_id = quarantine_key(payload)
    row = {
        "public_id": new_public_id(),
        "channel_id": channel_id,
        "external_id": external_id,
        "payload": payload,
        "source": source[:1024],
        "status": RawStatus.QUARANTINED.value,
        "error": reason,
        "attempts": 0,
        "received_at": utcnow(),
    }
    inserted = insert_ignore(
        session, RawItem.__table__, [row], keys=["channel_id", "external_id"], returning=[RawItem.id]
    )
    return StoreCounts(quarantined=1) if inserted else StoreCounts(duplicate=1)


def quarantine_key(payload: bytes) -> str:
    return QUARANTINE_PREFIX + hashlib.sha256(payload).hexdigest()[:40]
