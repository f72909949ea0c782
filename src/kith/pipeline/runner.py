"""``kith run``: normalise pending raw items into identities, conversations, interactions, orders...

Each batch is one transaction that writes the domain rows *and* marks its raw items done, so a crash
(even ``kill -9``) at any point leaves either the whole batch or none of it; the next run picks up
what is still ``new``. Writes are upserts by natural key, so reprocessing never duplicates.
On PostgreSQL several workers can run at once: batches are claimed with ``FOR UPDATE SKIP LOCKED``.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Engine, func, select, update
from sqlalchemy.exc import DataError, IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from kith.channels.base import (
    IdentityRecord,
    InteractionRecord,
    Normalised,
    OrderLineRecord,
    PanelResponseRecord,
    ParseError,
    ProductRecord,
)
from kith.channels.registry import get_parser
from kith.channels.service import channel_kinds
from kith.commerce.service import record_order_lines, record_panel_responses, record_products
from kith.db import session_scope, utcnow
from kith.identities.service import record_identities
from kith.interactions.service import Sighting, record_interactions
from kith.pipeline.models import RawItem, RawStatus

log = logging.getLogger(__name__)


@dataclass
class RunReport:
    processed: int = 0
    quarantined: int = 0
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Item:
    id: int
    channel_id: int
    kind: str  # the parser that reads it
    payload: bytes
    received_at: datetime


def pending_count(engine: Engine) -> int:
    with session_scope(engine) as session:
        return session.scalar(select(func.count()).where(RawItem.status == RawStatus.NEW)) or 0


def run_pending(
    engine: Engine,
    batch_size: int = 500,
    on_batch: Callable[[int], None] | None = None,
    limit: int | None = None,
) -> RunReport:
    """Process raw items with status ``new`` until none is left (or ``limit`` items are done)."""
    report = RunReport()
    batches = 0
    while limit is None or report.processed + report.quarantined < limit:
        if batches % ANALYZE_EVERY == 0:
            _refresh_statistics(engine)
        batches += 1
        size = batch_size if limit is None else min(batch_size, limit - report.processed - report.quarantined)
        with session_scope(engine) as session:
            items = _claim(session, size)
            if not items:
                break
            done, failed = _process(session, items)
        report.processed += done
        report.quarantined += len(failed)
        report.reasons.extend(failed)
        if on_batch:
            on_batch(len(items))
    return report


ANALYZE_EVERY = 20  # batches


def _refresh_statistics(engine: Engine) -> None:
    """Keep PostgreSQL's planner statistics current while a large run fills the tables.

    Autovacuum analyses a table only after it grew a lot, and some time later; until then the planner
    believes the tables are empty and picks plans (a scan of every row of a channel for each lookup)
    that make a long run quadratic. ``ANALYZE`` samples a fixed number of rows: cheap at any size.
    """
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE raw_item, identity, conversation, interaction")


def _claim(session: Session, size: int) -> list[_Item]:
    kinds = channel_kinds(session)
    stmt = (
        select(RawItem.id, RawItem.channel_id, RawItem.payload, RawItem.received_at)
        .where(RawItem.status == RawStatus.NEW)
        .order_by(RawItem.id)
        .limit(size)
    )
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    return [
        _Item(row.id, row.channel_id, kinds[row.channel_id], bytes(row.payload), row.received_at)
        for row in session.execute(stmt)
    ]


def _process(session: Session, items: list[_Item]) -> tuple[int, list[str]]:
    """Normalise and write a batch; isolate an item that breaks the write by retrying one by one."""
    parsed: list[tuple[_Item, list[Normalised]]] = []
    failed: list[str] = []
    for item in items:
        try:
            parsed.append((item, get_parser(item.kind).normalise(item.payload)))
        except ParseError as exc:
            _quarantine(session, item.id, str(exc))
            failed.append(f"raw item {item.id}: {exc}")
        except Exception as exc:  # a parser bug on unexpected input must not stop the batch
            reason = (
                f"the {item.kind} parser failed on this item ({type(exc).__name__}: {exc}); "
                "it is kept and can be replayed once the parser is fixed"
            )
            log.exception("parser failure on raw item %s", item.id)
            _quarantine(session, item.id, reason)
            failed.append(f"raw item {item.id}: {reason}")
    try:
        with session.begin_nested():
            _write(session, parsed)
    except SQLAlchemyError:
        for item, records in parsed:
            try:
                with session.begin_nested():
                    _write(session, [(item, records)])
            except (IntegrityError, DataError) as exc:  # this item's data; anything else is a real fault
                reason = f"could not be stored: {str(exc.orig if hasattr(exc, 'orig') else exc)[:300]}"
                _quarantine(session, item.id, reason)
                failed.append(f"raw item {item.id}: {reason}")
    return len(items) - len(failed), failed


def _write(session: Session, parsed: list[tuple[_Item, list[Normalised]]]) -> None:
    by_channel: dict[int, list[tuple[_Item, Normalised]]] = defaultdict(list)
    for item, records in parsed:
        for record in records:
            by_channel[item.channel_id].append((item, record))
    for channel_id, pairs in by_channel.items():
        _write_channel(session, channel_id, pairs)
    ids = [item.id for item, _ in parsed]
    if ids:
        session.execute(
            update(RawItem)
            .where(RawItem.id.in_(ids))
            .values(status=RawStatus.DONE, error=None, processed_at=utcnow(), attempts=RawItem.attempts + 1)
        )


def _write_channel(session: Session, channel_id: int, pairs: list[tuple[_Item, Normalised]]) -> None:
    sightings: list[tuple[IdentityRecord, datetime | None]] = []
    for item, record in pairs:
        if isinstance(record, IdentityRecord):
            sightings.append((record, None))
        elif isinstance(record, InteractionRecord) and record.author is not None:
            sightings.append((record.author, record.created_at or item.received_at))
        elif isinstance(record, OrderLineRecord) and record.customer is not None:
            sightings.append((record.customer, record.ordered_at))
        elif isinstance(record, PanelResponseRecord):
            sightings.append((record.respondent, record.answered_at))
    identity_ids = record_identities(session, channel_id, sightings)

    def author_id(identity: IdentityRecord | None) -> int | None:
        return identity_ids[identity.external_id] if identity is not None else None

    record_products(session, [r for _, r in pairs if isinstance(r, ProductRecord)])
    record_interactions(
        session,
        channel_id,
        [
            Sighting(r, item.id, author_id(r.author), item.received_at)
            for item, r in pairs
            if isinstance(r, InteractionRecord)
        ],
    )
    record_order_lines(session, [(r, author_id(r.customer)) for _, r in pairs if isinstance(r, OrderLineRecord)])
    record_panel_responses(
        session,
        [(r, identity_ids[r.respondent.external_id]) for _, r in pairs if isinstance(r, PanelResponseRecord)],
    )


def _quarantine(session: Session, raw_item_id: int, reason: str) -> None:
    session.execute(
        update(RawItem)
        .where(RawItem.id == raw_item_id)
        .values(status=RawStatus.QUARANTINED, error=reason, processed_at=utcnow(), attempts=RawItem.attempts + 1)
    )
