"""Facebook page and Instagram comment polling against a local server replaying real Graph API pages."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, select, update

from kith.channels.base import InteractionRecord
from kith.channels.live.base import SourceError
from kith.channels.live.graph import SLOW_DOWN_S, epoch, throttled_wait, usage_wait
from kith.channels.live.runner import ListenReport, listen_once
from kith.channels.live.sources import do_add_source, source_name
from kith.channels.models import Channel, ConnectorCursor
from kith.channels.registry import get_parser
from kith.channels.service import ensure_channel
from kith.db import session_scope, utcnow
from kith.pipeline.models import RawItem, RawStatus
from tests.conftest import PAYLOADS
from tests.integration.replay_server import Reply, Seen, replay_server


def body_of(name: str) -> Any:
    return json.loads((PAYLOADS / name).read_text())["body"]


FEED = body_of("facebook/fb_page_posts_feed_page1.json")
COMMENTS = body_of("facebook/fb_post_comments_page1.json")
IG_COMMENTS = body_of("instagram/ig_media_comments_page1.json")
NEWEST_POST = FEED["data"][0]["id"]
# Written after the Graph API's documented feed item; newer than every replayed post
NEW_POST = {"id": "4_10113500000000001", "message": "Nordlicht ships today", "created_time": "2021-07-05T08:00:00+0000"}
MEDIA_ID = "17846368219941692"  # the media the replayed Instagram comments page names
MEDIA = {"id": MEDIA_ID, "caption": "Our new lamp", "timestamp": "2020-06-01T09:00:00+0000", "media_type": "IMAGE"}
EMPTY: dict[str, list[Any]] = {"data": []}


def as_reply(doc: Any, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
    return Reply(status, json.dumps(doc).encode(), {"Content-Type": "application/json", **(headers or {})})


def setup(engine: Engine, monkeypatch: pytest.MonkeyPatch, kind: str, **params: str) -> str:
    monkeypatch.setenv("KITH_TEST_GRAPH_TOKEN", "page-token")
    source, checked = source_name(kind, params)
    with session_scope(engine) as session:
        ensure_channel(session, kind)
        session.execute(update(Channel).where(Channel.name == kind).values(credentials_ref="KITH_TEST_GRAPH_TOKEN"))
        do_add_source(session, kind, source, checked)
    return source


def poll(engine: Engine) -> ListenReport:
    return listen_once(engine, interval_s=60, process=False)


def cursor_of(engine: Engine, source: str) -> ConnectorCursor:
    with session_scope(engine) as session:
        row = session.scalar(select(ConnectorCursor).where(ConnectorCursor.source == source))
        assert row is not None
        session.expunge(row)
        return row


def make_due(engine: Engine) -> None:
    with session_scope(engine) as session:
        session.execute(update(ConnectorCursor).values(next_poll_at=None))


def raw_ids(engine: Engine) -> set[str]:
    with session_scope(engine) as session:
        return set(session.scalars(select(RawItem.external_id).where(RawItem.status != RawStatus.QUARANTINED)))


def test_facebook_feed_and_comments_resume(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    polls = {"n": 0}

    def answer(request: Seen) -> Reply:
        if request.path.endswith("/19292868552/feed"):
            if polls["n"] == 0:
                return as_reply(FEED)
            if "after" not in request.query:  # newest first: the new post, then the page already seen
                return as_reply({"data": [NEW_POST], "paging": {"cursors": {"after": "A1"}, "next": "https://x/next"}})
            return as_reply(FEED)
        if request.path.endswith(f"/{NEWEST_POST}/comments"):
            data = COMMENTS["data"] if polls["n"] == 0 else list(reversed(COMMENTS["data"]))
            return as_reply({**COMMENTS, "data": data})
        return as_reply(EMPTY)

    with replay_server(answer) as server:
        source = setup(
            engine, monkeypatch, "facebook", page_id="19292868552", posts="2", base_url=server.url + "/v19.0"
        )
        assert source == "facebook:page:19292868552"
        first = poll(engine)
        assert first.polled == 1 and first.failed == 0, first.errors
        assert first.counts.new == len(FEED["data"]) + len(COMMENTS["data"])
        feed_request = server.seen[0]
        assert feed_request.headers["authorization"] == "Bearer page-token"
        assert "access_token" not in feed_request.query and "since" not in feed_request.query
        comment_paths = [s.path for s in server.seen if s.path.endswith("/comments")]
        assert comment_paths == [f"/v19.0/{NEWEST_POST}/comments", f"/v19.0/{FEED['data'][1]['id']}/comments"]
        position = cursor_of(engine, source).state["position"]
        assert position["since"] == epoch(FEED["data"][0]["created_time"])
        assert position["posts"] == [[NEWEST_POST, epoch("2021-08-12T18:30:51+0000")], [FEED["data"][1]["id"], None]]

        polls["n"] = 1
        make_due(engine)
        before = len(server.seen)
        second = poll(engine)
        assert second.counts.new == 1  # only the new post: the comments at the cursor are duplicates
        assert NEW_POST["id"] in raw_ids(engine)
        again = server.seen[before:]
        assert again[0].query["since"] == str(position["since"])
        assert again[1].query["after"] == "A1"  # paged down to the cursor
        tracked = [pair[0] for pair in cursor_of(engine, source).state["position"]["posts"]]
        assert tracked == [NEW_POST["id"], NEWEST_POST]  # the two newest posts (posts=2)
        comment_request = next(s for s in again if s.path.endswith(f"/{NEWEST_POST}/comments"))
        assert comment_request.query["since"] == str(epoch("2021-08-12T18:30:51+0000"))
        assert comment_request.query["filter"] == "stream" and comment_request.query["order"] == "reverse_chronological"


def test_facebook_comments_thread_to_their_post(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """The stored comments, without the page URL, still name their post (from permalink_url)."""

    def answer(request: Seen) -> Reply:
        if request.path.endswith("/comments"):
            return as_reply({"data": COMMENTS["data"][5:6]})  # a reply, on a last page (no paging)
        return as_reply({"data": FEED["data"][:1]})

    with replay_server(answer) as server:
        setup(engine, monkeypatch, "facebook", page_id="19292868552", posts="1", base_url=server.url)
        assert poll(engine).counts.new == 2
    with session_scope(engine) as session:
        payload = session.scalar(
            select(RawItem.payload).where(RawItem.external_id == "10158407654328553_10158409983033553")
        )
    assert payload is not None
    [record] = get_parser("facebook").normalise(payload)
    assert isinstance(record, InteractionRecord)
    assert record.thread_root == "19292868552_10158407654328553"
    assert record.in_reply_to == "10158407654328553_10158407903973553"


def test_graph_throttling_backs_off_as_meta_says(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    usage = {
        "1234": [
            {
                "type": "pages",
                "call_count": 100,
                "total_cputime": 20,
                "total_time": 30,
                "estimated_time_to_regain_access": 30,
            }
        ]
    }
    error = {"error": {"message": "(#32) Page request limit reached", "type": "OAuthException", "code": 32}}

    def answer(request: Seen) -> Reply:
        return as_reply(error, 400, {"X-Business-Use-Case-Usage": json.dumps(usage)})

    with replay_server(answer) as server:
        source = setup(engine, monkeypatch, "facebook", page_id="19292868552", base_url=server.url)
        before = utcnow()
        report = poll(engine)
    assert report.rate_limited == 1 and report.failed == 0
    cursor = cursor_of(engine, source)
    assert cursor.failures == 0 and cursor.next_poll_at is not None
    assert cursor.next_poll_at >= before + timedelta(minutes=29)
    assert len(server.seen) == 1  # no comment reads after a throttled feed


def test_expired_token_is_a_failure_with_a_hint(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    error = {"error": {"message": "Error validating access token", "type": "OAuthException", "code": 190}}
    with replay_server(lambda r: as_reply(error, 400)) as server:
        source = setup(engine, monkeypatch, "facebook", page_id="19292868552", base_url=server.url)
        report = poll(engine)
    assert report.failed == 1 and "renew" in report.errors[0]
    assert cursor_of(engine, source).failures == 1


def test_usage_headers() -> None:
    assert (
        usage_wait(httpx.Headers({"X-App-Usage": '{"call_count": 95, "total_time": 10, "total_cputime": 5}'}))
        == SLOW_DOWN_S
    )
    assert (
        usage_wait(httpx.Headers({"X-App-Usage": '{"call_count": 12, "total_time": 10, "total_cputime": 5}'})) is None
    )
    assert usage_wait(httpx.Headers({"X-App-Usage": "not json"})) is None
    assert throttled_wait(httpx.Headers({"X-App-Usage": '{"call_count": 100}'})) == 3600
    regain = {"1": [{"type": "instagram", "call_count": 100, "estimated_time_to_regain_access": 90}]}
    assert throttled_wait(httpx.Headers({"X-Business-Use-Case-Usage": json.dumps(regain)})) == 90 * 60


def test_instagram_media_and_comments(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    def answer(request: Seen) -> Reply:
        if request.path.endswith("/media"):
            return as_reply({"data": [MEDIA]})
        if request.path.endswith(f"/{MEDIA_ID}/comments"):
            return as_reply(IG_COMMENTS)
        return as_reply(EMPTY)

    with replay_server(answer) as server:
        source = setup(engine, monkeypatch, "instagram", ig_user_id="17841405822304914", base_url=server.url)
        assert source == "instagram:comments:17841405822304914"
        first = poll(engine)
        assert first.counts.new == 1 + len(IG_COMMENTS["data"]), first.errors
        [comments] = [s for s in server.seen if s.path.endswith("/comments")]
        assert "media{id}" in comments.query["fields"] and "replies{" in comments.query["fields"]
        newest = epoch(IG_COMMENTS["data"][0]["timestamp"])
        assert cursor_of(engine, source).state["position"]["media"] == [[MEDIA_ID, newest]]
        make_due(engine)
        second = poll(engine)
        assert second.counts.new == 0 and second.counts.duplicate == 2  # the media and the comment at the cursor
        assert server.seen[-1].query["since"] == str(newest)
    with session_scope(engine) as session:
        payload = session.scalar(select(RawItem.payload).where(RawItem.external_id == IG_COMMENTS["data"][1]["id"]))
    assert payload is not None
    [record] = get_parser("instagram").normalise(payload)
    assert isinstance(record, InteractionRecord)
    assert record.in_reply_to == MEDIA_ID and record.thread_root == MEDIA_ID


@pytest.mark.parametrize(
    ("kind", "params", "hint"),
    [
        ("facebook", {}, "page_id="),
        ("facebook", {"page_id": "19292868552", "posts": "many"}, "whole number"),
        ("instagram", {"ig_user_id": "@brand"}, "ig_user_id="),
    ],
)
def test_graph_source_errors(kind: str, params: dict[str, str], hint: str) -> None:
    with pytest.raises(SourceError, match=hint):
        source_name(kind, params)
