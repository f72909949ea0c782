"""The quarantine: inputs that could not be understood, with the reason, ready to be replayed.

Two kinds live here, both as raw items with status ``quarantined``:
- an *input* that could not be split (bad JSON, wrong CSV header, invalid UTF-8, unknown shape);
  its external id starts with ``quarantine:``. Replaying splits it again — with the stored bytes
  (after a parser fix) or with corrected bytes the user supplies — and marks it ``replayed``;
- an *item* that split fine but failed normalisation; replaying puts it back to ``new`` and runs it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kith.channels.base import Rejected
from kith.channels.models import Channel
from kith.db import session_scope
from kith.pipeline.ingest import parser_for, split_input, store_pieces
from kith.pipeline.models import RawItem, RawStatus
from kith.pipeline.raw_store import QUARANTINE_PREFIX, StoreCounts, quarantine_key
from kith.pipeline.runner import RunReport, run_pending


@dataclass(frozen=True)
class QuarantineEntry:
    id: str  # the raw item's public id
    channel: str
    source: str | None
    reason: str
    received_at: datetime
    size: int
    whole_input: bool


@dataclass
class ReplayResult:
    replayed: int
    ingested: StoreCounts
    run: RunReport
    still_quarantined: list[QuarantineEntry]


def _entries(session: Session, public_ids: list[str] | None) -> list[QuarantineEntry]:
    stmt = (
        select(RawItem, Channel.name)
        .join(Channel, Channel.id == RawItem.channel_id)
        .where(RawItem.status == RawStatus.QUARANTINED)
        .order_by(RawItem.id)
    )
    if public_ids is not None:
        stmt = stmt.where(RawItem.public_id.in_(public_ids))
    return [
        QuarantineEntry(
            id=raw.public_id,
            channel=name,
            source=raw.source,
            reason=raw.error or "",
            received_at=raw.received_at,
            size=len(raw.payload),
            whole_input=raw.external_id.startswith(QUARANTINE_PREFIX),
        )
        for raw, name in session.execute(stmt)
    ]


def list_quarantine(engine: Engine) -> list[QuarantineEntry]:
    with session_scope(engine) as session:
        return _entries(session, None)


def show(engine: Engine, public_id: str) -> tuple[QuarantineEntry, bytes] | None:
    with session_scope(engine) as session:
        found = _entries(session, [public_id])
        if not found:
            return None
        payload = session.scalar(select(RawItem.payload).where(RawItem.public_id == public_id))
        return found[0], bytes(payload or b"")


def replay(engine: Engine, public_ids: list[str] | None, payload: bytes | None = None) -> ReplayResult:
    """Replay the given quarantined items (all when ``public_ids`` is None).

    ``payload`` replaces the stored bytes of a single item (the user's corrected file).
    """
    ingested = StoreCounts()
    with session_scope(engine) as session:
        entries = _entries(session, public_ids)
    if payload is not None and len(entries) != 1:
        raise ValueError("a corrected payload can replace exactly one quarantined item")
    for entry in entries:
        with session_scope(engine) as session:
            raw = session.scalar(select(RawItem).where(RawItem.public_id == entry.id))
            assert raw is not None
            data = payload if payload is not None else bytes(raw.payload)
            if not entry.whole_input:
                raw.payload = data
                raw.status, raw.error = RawStatus.NEW, None
                continue
            pieces = list(split_input(parser_for(engine, entry.channel), data, entry.source or "replay"))
            if payload is None and any(
                isinstance(p, Rejected) and quarantine_key(p.payload) == raw.external_id for p in pieces
            ):
                raw.error = next(p.reason for p in pieces if isinstance(p, Rejected))
                continue  # still not understood: it stays in the quarantine with today's reason
            raw.status = RawStatus.REPLAYED
            raw.error = f"replayed; was: {raw.error}"
        if entry.whole_input and raw.status == RawStatus.REPLAYED:
            ingested.add(store_pieces(engine, entry.channel, iter(pieces), entry.source or "replay"))
    run = run_pending(engine)
    with session_scope(engine) as session:
        still = _entries(session, [e.id for e in entries])
    return ReplayResult(len(entries), ingested, run, still)
