"""``kith listen``: poll every due live source, store what arrived, then normalise and enrich it.

Why bodies and cursor share one transaction: if the process dies after storing but before moving the
cursor, the next poll re-fetches the same items (harmless: the raw store is idempotent by channel and
external id); if it moved the cursor before storing, those items would be lost for good. Writing both
together rules out the gap and, on top, the duplicate fetch.

Several listeners may run at once (on one database): a listener takes a due source with a compare-and-set
``UPDATE … SET next_poll_at = <lease end> WHERE id = … AND next_poll_at <= now`` and polls it only if that
changed one row. The update is atomic on SQLite and PostgreSQL alike (PostgreSQL re-checks the condition
after waiting for a concurrent update's row lock), so two listeners never poll the same source at once; a
listener that dies mid-poll only delays its sources by the lease, and loses nothing (see above).
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import FrameType
from typing import Any

import httpx
from sqlalchemy import Engine, or_, select, update

from kith.channels.base import RawRecord, Rejected
from kith.channels.live.base import USER_AGENT, CursorState, PollError, PollResult, StreamSource, backoff_seconds
from kith.channels.live.sources import channel_credentials, poller_for_source
from kith.channels.models import Channel, ConnectorCursor
from kith.channels.registry import get_parser
from kith.db import session_scope, utcnow
from kith.enrichment.stage import enrich_pending
from kith.pipeline.ingest import split_input
from kith.pipeline.raw_store import StoreCounts, quarantine_input, store_raw
from kith.pipeline.runner import run_pending

log = logging.getLogger(__name__)
TIMEOUT_S = 20.0
STREAM_JOIN_S = 2.0  # a stream blocked in a read is a daemon thread: abandoned, never half-stored
LEASE_S = 300.0  # a claimed source is not due for others this long (a poll takes seconds; a crash frees it)


@dataclass
class ListenReport:
    polled: int = 0
    failed: int = 0
    rate_limited: int = 0
    counts: StoreCounts = field(default_factory=StoreCounts)
    processed: int = 0  # raw items normalised afterwards
    enriched: int = 0
    errors: list[str] = field(default_factory=list)  # "source: what went wrong"


@dataclass(frozen=True)
class _Due:
    cursor_id: int
    channel_id: int
    parser: str
    source: str
    cursor: CursorState | None  # None when the credentials could not be read
    failures: int
    problem: str | None


def listen_once(
    engine: Engine,
    transport: httpx.BaseTransport | None = None,
    *,
    interval_s: float = 60.0,
    process: bool = True,
    streams: bool = True,
) -> ListenReport:
    """Poll each enabled source whose ``next_poll_at`` has come; then run the pipeline on what is new.

    Stream sources are polled too (their REST catch-up) unless ``streams`` is False, which is how
    :func:`listen_forever` leaves them to their own connected threads.
    """
    report = ListenReport()
    due = _due_sources(engine, streams=streams)
    if due:
        with httpx.Client(
            transport=transport, timeout=TIMEOUT_S, follow_redirects=True, headers={"User-Agent": USER_AGENT}
        ) as client:
            for item in due:
                _poll_one(engine, client, item, interval_s, report)
    if process and report.counts.new:
        report.processed = run_pending(engine).processed
        report.enriched = enrich_pending(engine).enriched
    return report


def _is_stream(source: str) -> bool:
    try:
        return isinstance(poller_for_source(source), StreamSource)
    except ValueError:
        return False


def claim_source(engine: Engine, cursor_id: int, now: datetime, lease_s: float = LEASE_S) -> bool:
    """Take the due source ``cursor_id`` for this listener (False: not due, or another listener has it)."""
    is_due = or_(ConnectorCursor.next_poll_at.is_(None), ConnectorCursor.next_poll_at <= now)
    with session_scope(engine) as session:
        result = session.execute(
            update(ConnectorCursor)
            .where(ConnectorCursor.id == cursor_id, is_due)
            .values(next_poll_at=now + timedelta(seconds=lease_s))
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0) == 1)


def _due_sources(engine: Engine, *, streams: bool = True) -> list[_Due]:
    """The due sources this listener has claimed (stream sources only when ``streams``)."""
    now = utcnow()
    with session_scope(engine) as session:
        candidates = session.execute(
            select(ConnectorCursor.id, ConnectorCursor.source)
            .join(Channel, Channel.id == ConnectorCursor.channel_id)
            .where(Channel.enabled.is_(True))
            .where(or_(ConnectorCursor.next_poll_at.is_(None), ConnectorCursor.next_poll_at <= now))
            .order_by(ConnectorCursor.id)
        ).all()
    claimed = [
        cid for cid, source in candidates if (streams or not _is_stream(source)) and claim_source(engine, cid, now)
    ]
    if not claimed:
        return []
    with session_scope(engine) as session:
        rows = session.execute(
            select(ConnectorCursor, Channel)
            .join(Channel, Channel.id == ConnectorCursor.channel_id)
            .where(ConnectorCursor.id.in_(claimed))
            .order_by(ConnectorCursor.id)
        ).all()
        due: list[_Due] = []
        for cursor, channel in rows:
            state: dict[str, Any] = dict(cursor.state or {})
            problem: str | None = None
            token: str | None = None
            try:
                token = channel_credentials(channel)
            except PollError as exc:
                problem = str(exc)
            except ValueError as exc:  # a bad ciphertext or key must not stop the other sources
                problem = str(exc)
            state_cursor = CursorState(
                params=dict(state.get("params") or {}),
                position=dict(state.get("position") or {}),
                etag=cursor.etag,
                last_modified=cursor.last_modified,
                credentials=token,
            )
            parser = channel.kind or channel.name
            due.append(_Due(cursor.id, channel.id, parser, cursor.source, state_cursor, cursor.failures, problem))
        return due


def _poll_one(engine: Engine, client: httpx.Client, item: _Due, interval_s: float, report: ListenReport) -> None:
    try:
        if item.problem or item.cursor is None:
            raise PollError(item.problem or "no cursor")
        result = poller_for_source(item.source).poll(client, item.cursor)
    except (PollError, ValueError) as exc:  # SourceError is a ValueError: a hand-edited, unusable source
        report.failed += 1
        report.errors.append(f"{item.source}: {exc}")
        log.info("live source %s failed: %s", item.source, exc)  # the caller reports it (report.errors)
        _record_failure(engine, item, str(exc))
        return
    report.polled += 1
    if result.retry_after and not result.bodies:
        report.rate_limited += 1
    counts = store_bodies(
        engine,
        item.channel_id,
        item.parser,
        item.source,
        item.cursor_id,
        result.bodies,
        lambda cursor: _advance(cursor, result, interval_s),
    )
    report.counts.add(counts)


def store_bodies(
    engine: Engine,
    channel_id: int,
    parser_name: str,
    source: str,
    cursor_id: int,
    bodies: list[bytes],
    move: Callable[[ConnectorCursor], None],
) -> StoreCounts:
    """Store ``bodies`` as raw items and ``move`` the source's cursor, in one transaction (see above)."""
    parser = get_parser(parser_name)
    label = f"live:{source}"
    pieces = [piece for body in bodies for piece in split_input(parser, body, label)]
    with session_scope(engine) as session:
        counts = store_raw(session, channel_id, [p for p in pieces if isinstance(p, RawRecord)], label)
        for bad in (p for p in pieces if isinstance(p, Rejected)):
            counts.add(quarantine_input(session, channel_id, bad.payload, bad.reason, label))
        cursor = session.get(ConnectorCursor, cursor_id)
        if cursor is not None:
            move(cursor)
    return counts


def _advance(cursor: ConnectorCursor, result: PollResult, interval_s: float) -> None:
    now = utcnow()
    state = dict(cursor.state or {})
    state["position"] = result.new_state
    state.pop("last_error", None)
    cursor.state = state
    cursor.etag = result.etag
    cursor.last_modified = result.last_modified
    cursor.failures = 0
    cursor.next_poll_at = now + timedelta(seconds=max(interval_s, result.retry_after or 0.0))
    cursor.updated_at = now


def _record_failure(engine: Engine, item: _Due, reason: str) -> None:
    now = utcnow()
    with session_scope(engine) as session:
        cursor = session.get(ConnectorCursor, item.cursor_id)
        if cursor is None:
            return
        cursor.failures = (cursor.failures or 0) + 1
        cursor.next_poll_at = now + timedelta(seconds=backoff_seconds(cursor.failures))
        cursor.state = {**dict(cursor.state or {}), "last_error": reason[:500]}
        cursor.updated_at = now


def listen_forever(
    engine: Engine,
    interval_s: float = 60.0,
    transport: httpx.BaseTransport | None = None,
    stop: threading.Event | None = None,
    on_round: Any = None,
) -> None:
    """Call :func:`listen_once` every ``interval_s`` until SIGTERM/SIGINT (or ``stop`` is set).

    A signal only sets the event: the round in flight finishes its transaction, so stopping never
    leaves a half-written batch (and even a kill would not: see the module docstring). Stream sources
    run meanwhile in their own threads (:mod:`streams`), which stop on the same event.
    """
    from kith.channels.live.streams import start_streams  # streams builds on this module's store_bodies

    stop = stop or threading.Event()
    previous: dict[signal.Signals, Any] = {}
    if threading.current_thread() is threading.main_thread():

        def _stop(signum: int, frame: FrameType | None) -> None:
            stop.set()

        for sig in (signal.SIGTERM, signal.SIGINT):
            previous[sig] = signal.signal(sig, _stop)
    threads = start_streams(engine, stop, transport)
    try:
        while not stop.is_set():
            report = listen_once(engine, transport, interval_s=interval_s, streams=False)
            if on_round is not None:
                on_round(report)
            stop.wait(_next_wait(engine, interval_s))
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=STREAM_JOIN_S)
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _next_wait(engine: Engine, interval_s: float) -> float:
    """Sleep until the next source is due (at most ``interval_s``, at least one second)."""
    with session_scope(engine) as session:
        soonest: datetime | None = session.scalar(
            select(ConnectorCursor.next_poll_at).order_by(ConnectorCursor.next_poll_at.asc()).limit(1)
        )
    if soonest is None:
        return interval_s
    return min(interval_s, max(1.0, (soonest - utcnow()).total_seconds()))
