"""Stream sources under ``kith listen``: one thread per source, catch-up, connect, store each event.

Why a thread per stream and a transaction per event: a stream connection blocks while it waits for the
next event, so it cannot share the polling loop; and storing each event with the cursor after it (as
the poll runner does for a page) means a stop, a crash or a dropped connection never loses or doubles
anything: the next connection catches up from the stored cursor first. A broken stream is a failure
(``connector_cursor.failures``, ``last_error``) and reconnects after a growing pause.

Stopping: the loop checks the stop event after every event and heartbeat, so a stop takes effect within
one heartbeat interval; the threads are daemons, so leaving the process earlier abandons at most an
unfinished read (never a half-written event).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import httpx
from sqlalchemy import Engine, select

from kith.channels.live.base import USER_AGENT, CursorState, PollError, StreamSource, stream_backoff
from kith.channels.live.runner import store_bodies
from kith.channels.live.sources import channel_credentials, poller_for_source
from kith.channels.models import Channel, ConnectorCursor
from kith.db import session_scope, utcnow

log = logging.getLogger(__name__)
CONNECT_TIMEOUT_S = 20.0
READ_TIMEOUT_S = 90.0  # Mastodon sends a heartbeat every few seconds, Jetstream a steady flow of events


def stream_sources(engine: Engine) -> list[int]:
    """Ids of the cursors of enabled stream sources."""
    with session_scope(engine) as session:
        rows = session.execute(
            select(ConnectorCursor.id, ConnectorCursor.source)
            .join(Channel, Channel.id == ConnectorCursor.channel_id)
            .where(Channel.enabled.is_(True))
            .order_by(ConnectorCursor.id)
        ).all()
    return [cursor_id for cursor_id, source in rows if is_stream(source)]


def is_stream(source: str) -> bool:
    try:
        return isinstance(poller_for_source(source), StreamSource)
    except ValueError:
        return False


def _load(engine: Engine, cursor_id: int) -> tuple[int, str, str, CursorState] | None:
    with session_scope(engine) as session:
        row = session.execute(
            select(ConnectorCursor, Channel)
            .join(Channel, Channel.id == ConnectorCursor.channel_id)
            .where(ConnectorCursor.id == cursor_id)
        ).first()
        if row is None:
            return None
        cursor, channel = row
        state: dict[str, Any] = dict(cursor.state or {})
        token = channel_credentials(channel)
        return (
            channel.id,
            channel.kind or channel.name,
            cursor.source,
            CursorState(dict(state.get("params") or {}), dict(state.get("position") or {}), credentials=token),
        )


def _moved_to(position: dict[str, Any]) -> Callable[[ConnectorCursor], None]:
    def move(cursor: ConnectorCursor) -> None:
        state = dict(cursor.state or {})
        state["position"] = position
        state.pop("last_error", None)
        cursor.state = state
        cursor.failures = 0
        cursor.updated_at = utcnow()

    return move


def _failed(engine: Engine, cursor_id: int, reason: str) -> int:
    with session_scope(engine) as session:
        cursor = session.get(ConnectorCursor, cursor_id)
        if cursor is None:
            return 1
        cursor.failures = (cursor.failures or 0) + 1
        cursor.state = {**dict(cursor.state or {}), "last_error": reason[:500]}
        cursor.updated_at = utcnow()
        return cursor.failures


def run_stream(
    engine: Engine,
    cursor_id: int,
    stop: threading.Event,
    transport: httpx.BaseTransport | None = None,
    on_event: Callable[[str, int], None] | None = None,
) -> None:
    """Keep one stream source connected until ``stop`` is set; ``on_event(source, new)`` after each store."""
    while not stop.is_set():
        failures = 0
        try:
            loaded = _load(engine, cursor_id)
            if loaded is None:
                return  # the source was removed
            channel_id, parser, source, cursor = loaded
            streamer = poller_for_source(source)
            assert isinstance(streamer, StreamSource)
            timeout = httpx.Timeout(CONNECT_TIMEOUT_S, read=READ_TIMEOUT_S)
            with httpx.Client(transport=transport, timeout=timeout, headers={"User-Agent": USER_AGENT}) as client:
                caught = streamer.catch_up(client, cursor)
                counts = store_bodies(
                    engine, channel_id, parser, source, cursor_id, caught.bodies, _moved_to(caught.new_state)
                )
                if on_event is not None:
                    on_event(source, counts.new)
                for body, position in streamer.events(client, replace(cursor, position=caught.new_state)):
                    counts = store_bodies(
                        engine, channel_id, parser, source, cursor_id, [body] if body else [], _moved_to(position)
                    )
                    if on_event is not None:
                        on_event(source, counts.new)
                    if stop.is_set():
                        return
        except (PollError, ValueError) as exc:
            log.warning("stream %s: %s", cursor_id, exc)
            failures = _failed(engine, cursor_id, str(exc))
        stop.wait(stream_backoff(failures))


def start_streams(
    engine: Engine, stop: threading.Event, transport: httpx.BaseTransport | None = None
) -> list[threading.Thread]:
    """One daemon thread per enabled stream source (see the module docstring on stopping)."""
    threads = []
    for cursor_id in stream_sources(engine):
        thread = threading.Thread(
            target=run_stream, args=(engine, cursor_id, stop, transport), name=f"kith-stream-{cursor_id}", daemon=True
        )
        thread.start()
        threads.append(thread)
    return threads
