"""Mastodon streaming (SSE) against a local server replaying a recorded event stream, with REST catch-up."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, select

from kith.channels.live.base import SourceError
from kith.channels.live.runner import listen_once
from kith.channels.live.sources import do_add_source, source_name
from kith.channels.live.streams import run_stream, stream_sources
from kith.channels.models import ConnectorCursor
from kith.channels.service import ensure_channel
from kith.db import session_scope
from kith.pipeline.models import RawItem
from tests.conftest import PAYLOADS
from tests.integration.replay_server import Reply, Seen, replay_server

STATUS = json.loads((PAYLOADS / "mastodon/status.json").read_text())["body"]
SSE = (PAYLOADS / "mastodon/streaming_user_sse.txt").read_bytes()
STREAMED_ID = "117024248092393661"  # the status in the recorded stream (newer than STATUS)
WAIT_S = 20.0  # a guard against a hung test, not a timing assertion


def add_stream(engine: Engine, **params: str) -> tuple[int, str]:
    source, checked = source_name("mastodon-stream", params)
    with session_scope(engine) as session:
        ensure_channel(session, "mastodon")
        return do_add_source(session, "mastodon", source, checked).id, source


def position_of(engine: Engine, cursor_id: int) -> dict[str, Any]:
    with session_scope(engine) as session:
        row = session.get(ConnectorCursor, cursor_id)
        assert row is not None
        return dict(row.state.get("position") or {})


def external_ids(engine: Engine) -> set[str]:
    with session_scope(engine) as session:
        return set(session.scalars(select(RawItem.external_id)))


def test_stream_catches_up_stores_events_and_resumes_after_a_drop(engine: Engine) -> None:
    second_connection = threading.Event()
    streams: list[Seen] = []

    def answer(request: Seen) -> Reply:
        if request.path == "/api/v1/timelines/tag/nordlicht":
            return Reply(200, json.dumps([] if "min_id" in request.query else [STATUS]).encode())
        if request.path == "/api/v1/streaming/hashtag":
            streams.append(request)
            if len(streams) >= 2:
                second_connection.set()
            return Reply(200, iter([b":thump\n\n", SSE]), {"Content-Type": "text/event-stream"})  # then drops
        return Reply(404, b"{}")

    with replay_server(answer) as server:
        cursor_id, source = add_stream(engine, base_url=server.url, tag="nordlicht")
        assert source == "mastodon-stream:tag:nordlicht@" + server.url.removeprefix("http://")
        stop = threading.Event()
        worker = threading.Thread(target=run_stream, args=(engine, cursor_id, stop), daemon=True)
        worker.start()
        assert second_connection.wait(WAIT_S), "the stream did not reconnect"
        stop.set()
        worker.join(WAIT_S)
        assert not worker.is_alive()
        catch_ups = [s for s in server.seen if s.path.startswith("/api/v1/timelines/")]
    assert streams[0].query == {"tag": "nordlicht"} and streams[0].headers["accept"] == "text/event-stream"
    assert "min_id" not in catch_ups[0].query  # first start: the newest page
    assert catch_ups[1].query["min_id"] == STREAMED_ID  # after the drop: resume from the streamed status
    assert {str(STATUS["id"]), STREAMED_ID} <= external_ids(engine)
    assert position_of(engine, cursor_id) == {"min_id": STREAMED_ID}


def test_broken_stream_counts_a_failure_and_keeps_the_cursor(engine: Engine) -> None:
    failed = threading.Event()

    def answer(request: Seen) -> Reply:
        if request.path.startswith("/api/v1/timelines/"):
            return Reply(200, json.dumps([STATUS]).encode())
        failed.set()
        return Reply(503, b"{}")

    with replay_server(answer) as server:
        cursor_id, _ = add_stream(engine, base_url=server.url, timeline="public")
        stop = threading.Event()
        worker = threading.Thread(target=run_stream, args=(engine, cursor_id, stop), daemon=True)
        worker.start()
        assert failed.wait(WAIT_S)
        stop.set()
        worker.join(WAIT_S)
    with session_scope(engine) as session:
        row = session.get(ConnectorCursor, cursor_id)
        assert row is not None
        assert row.failures >= 1 and "503" in row.state["last_error"]
        assert row.state["position"] == {"min_id": str(STATUS["id"])}  # the catch-up was kept


def test_listen_once_polls_a_stream_source_by_its_catch_up(engine: Engine) -> None:
    def answer(request: Seen) -> Reply:
        return Reply(200, json.dumps([STATUS]).encode())

    with replay_server(answer) as server:
        cursor_id, _ = add_stream(engine, base_url=server.url, timeline="public")
        assert stream_sources(engine) == [cursor_id]
        assert listen_once(engine, interval_s=60, process=False, streams=False).polled == 0
        report = listen_once(engine, interval_s=60, process=False)
    assert report.polled == 1 and report.counts.new == 1
    assert [s.path for s in server.seen] == ["/api/v1/timelines/public"]


def test_stream_source_errors() -> None:
    with pytest.raises(SourceError, match="streaming_url"):
        source_name("mastodon-stream", {"base_url": "https://m.example", "tag": "x", "streaming_url": "ftp:/x"})


def _lines(text: str) -> Iterator[str]:
    yield from text.splitlines()


def test_sse_events_skip_heartbeats() -> None:
    from kith.channels.live.mastodon_stream import sse_events

    events = list(sse_events(_lines(":)\n\nevent: delete\ndata: 42\n\n:thump\nevent: update\ndata: {}\n\n")))
    assert events == [("delete", "42"), ("update", "{}")]


# --- Bluesky Jetstream ------------------------------------------------------------------------------

RECORD = json.loads((PAYLOADS / "bluesky/post-record.json").read_text())["body"]
DID = RECORD["uri"].split("/")[2]
RKEY = RECORD["uri"].rsplit("/", 1)[1]


def commit_event(time_us: int, rkey: str, text: str | None = None, operation: str = "create") -> str:
    """A Jetstream commit event (its documented envelope) around the recorded post record."""
    record = {**RECORD["value"], **({"text": text} if text else {})}
    commit = {
        "rev": "3l3qo2vutsw2b",
        "operation": operation,
        "collection": "app.bsky.feed.post",
        "rkey": rkey,
        "record": record,
        "cid": RECORD["cid"],
    }
    return json.dumps({"did": DID, "time_us": time_us, "kind": "commit", "commit": commit})


def test_jetstream_stores_matching_posts_and_resumes_from_time_us(engine: Engine) -> None:
    from websockets.sync.server import ServerConnection, serve

    from kith.channels.live.bluesky_jetstream import REWIND_US

    paths: list[str] = []
    second = threading.Event()
    events = [
        json.dumps({"did": DID, "time_us": 1_700_000_000_000_000, "kind": "identity", "identity": {"did": DID}}),
        commit_event(1_700_000_000_000_100, RKEY),  # "new text114": matches the keyword
        commit_event(1_700_000_000_000_200, "3k2yihcrp6f2d", text="nothing to see"),
        commit_event(1_700_000_000_000_300, "3k2yihcrp6f2e", operation="delete"),
    ]

    def handler(connection: ServerConnection) -> None:
        assert connection.request is not None
        paths.append(connection.request.path)
        if len(paths) >= 2:
            second.set()
        for event in events:
            connection.send(event)
        # returning closes the connection: the listener reconnects from its cursor

    with serve(handler, "127.0.0.1", 0) as server:
        port = server.socket.getsockname()[1]
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        source, checked = source_name(
            "bluesky-jetstream", {"dids": DID, "keywords": "Text114", "url": f"ws://127.0.0.1:{port}/subscribe"}
        )
        with session_scope(engine) as session:
            ensure_channel(session, "bluesky")
            cursor_id = do_add_source(session, "bluesky", source, checked).id
        stop = threading.Event()
        worker = threading.Thread(target=run_stream, args=(engine, cursor_id, stop), daemon=True)
        worker.start()
        assert second.wait(WAIT_S), "the stream did not reconnect"
        stop.set()
        worker.join(WAIT_S)
        server.shutdown()
    assert "wantedCollections=app.bsky.feed.post" in paths[0] and f"wantedDids={DID}" in paths[0]
    assert "cursor=" not in paths[0]
    assert f"cursor={1_700_000_000_000_100 - REWIND_US}" in paths[1]  # the last stored event, rewound
    assert external_ids(engine) == {RECORD["uri"]}  # the keyword filter dropped the other post
    assert position_of(engine, cursor_id)["time_us"] >= 1_700_000_000_000_100


def test_jetstream_needs_a_filter() -> None:
    with pytest.raises(SourceError, match="every post"):
        source_name("bluesky-jetstream", {})
    with pytest.raises(SourceError, match="DIDs"):
        source_name("bluesky-jetstream", {"dids": "alice.bsky.social"})
