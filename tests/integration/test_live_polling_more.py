"""Live polling of X recent search and YouTube comment threads, replaying real bodies (no network)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, select, update

from kith.channels.base import RawRecord
from kith.channels.live import x as x_live
from kith.channels.live.base import SourceError
from kith.channels.live.runner import ListenReport, listen_once
from kith.channels.live.sources import do_add_source, source_name
from kith.channels.live.x import x_retry_after
from kith.channels.models import Channel, ConnectorCursor
from kith.channels.registry import get_parser
from kith.channels.service import ensure_channel
from kith.db import session_scope, utcnow
from kith.pipeline.ingest import split_input
from kith.pipeline.models import RawItem
from tests.conftest import PAYLOADS

Handler = Callable[[httpx.Request], httpx.Response]
SEARCH = json.loads((PAYLOADS / "x/v2-search-recent.json").read_text())["body"]
EXPANDED = json.loads((PAYLOADS / "x/v2_page_with_expansions_mentions_includes.json").read_text())["body"]
THREADS = json.loads((PAYLOADS / "youtube/commentThreads_list_by_video_page1.json").read_text())["body"]
CHANNEL_ID = "UCzj-CjKYmGlZ7vTL-vOe57A"
SEARCH_DAY = datetime(2022, 10, 8, 12, 0, tzinfo=UTC)  # a day after the replayed search's tweets
EMPTY_SEARCH = {"meta": {"result_count": 0}}


def setup(engine: Engine, monkeypatch: pytest.MonkeyPatch, kind: str, **params: str) -> str:
    """A ``kind`` channel whose credentials come from an environment variable, listening to one source."""
    monkeypatch.setenv(f"KITH_TEST_{kind.upper()}_TOKEN", f"{kind}-secret")
    source, checked = source_name(kind, params)
    with session_scope(engine) as session:
        ensure_channel(session, kind)
        session.execute(
            update(Channel).where(Channel.name == kind).values(credentials_ref=f"KITH_TEST_{kind.upper()}_TOKEN")
        )
        do_add_source(session, kind, source, checked)
    return source


def poll(engine: Engine, handler: Handler) -> ListenReport:
    return listen_once(engine, httpx.MockTransport(handler), interval_s=60, process=False)


def position_of(engine: Engine, source: str) -> dict[str, Any]:
    with session_scope(engine) as session:
        row = session.scalar(select(ConnectorCursor).where(ConnectorCursor.source == source))
        assert row is not None
        return dict(row.state.get("position") or {})


def set_position(engine: Engine, position: dict[str, Any]) -> None:
    with session_scope(engine) as session:
        for row in session.scalars(select(ConnectorCursor)):
            row.state = {**dict(row.state), "position": position}
            row.next_poll_at = None


def make_due(engine: Engine) -> None:
    with session_scope(engine) as session:
        session.execute(update(ConnectorCursor).values(next_poll_at=None))


def external_ids(engine: Engine) -> set[str]:
    with session_scope(engine) as session:
        return set(session.scalars(select(RawItem.external_id)).all())


def records_of(parser: str, body: Any) -> set[str]:
    pieces = split_input(get_parser(parser), json.dumps(body).encode(), "expected")
    return {p.external_id for p in pieces if isinstance(p, RawRecord)}


def at_search_day(monkeypatch: pytest.MonkeyPatch) -> None:
    """The replayed tweets are from 2022; recent search only accepts a since_id from the last seven days."""
    monkeypatch.setattr(x_live, "utcnow", lambda: SEARCH_DAY)


def test_x_search_stores_tweets_then_resumes_from_since_id(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    at_search_day(monkeypatch)
    source = setup(engine, monkeypatch, "x", query="tweepy -is:retweet")
    assert source == "x:search:tweepy -is:retweet"
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=EMPTY_SEARCH if "since_id" in request.url.params else SEARCH)

    first = poll(engine, handler)
    assert first.polled == 1 and first.counts.new == len(SEARCH["data"]) == len(records_of("x", SEARCH))
    assert len(seen) == 1  # no cursor yet: the newest page only, its next_token is not followed
    params = seen[0].url.params
    assert seen[0].url.host == "api.x.com" and seen[0].url.path == "/2/tweets/search/recent"
    assert seen[0].headers["Authorization"] == "Bearer x-secret"
    assert params["query"] == "tweepy -is:retweet" and params["max_results"] == "100"
    assert "since_id" not in params and "next_token" not in params
    assert set(params["tweet.fields"].split(",")) >= {"created_at", "author_id", "conversation_id", "referenced_tweets"}
    assert params["expansions"] == "author_id,referenced_tweets.id"
    assert "username" in params["user.fields"].split(",")
    assert position_of(engine, source) == {"since_id": SEARCH["meta"]["newest_id"]}

    make_due(engine)
    second = poll(engine, handler)
    assert seen[-1].url.params["since_id"] == SEARCH["meta"]["newest_id"]
    assert second.polled == 1 and second.counts.new == 0
    assert position_of(engine, source) == {"since_id": SEARCH["meta"]["newest_id"]}  # nothing new: it stays


def test_x_search_pages_with_next_token_down_to_the_cursor(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    at_search_day(monkeypatch)
    source = setup(engine, monkeypatch, "x", query="#nordlicht")
    since = "1578511000000000000"
    set_position(engine, {"since_id": since})
    newest = EXPANDED["data"][0]["id"]
    page1 = {**EXPANDED, "meta": {"newest_id": newest, "result_count": 1, "next_token": "page-2"}}
    page2 = {"data": SEARCH["data"], "meta": {k: v for k, v in SEARCH["meta"].items() if k != "next_token"}}
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=page2 if request.url.params.get("next_token") == "page-2" else page1)

    report = poll(engine, handler)
    assert len(seen) == 2 and all(r.url.params["since_id"] == since for r in seen)
    assert "next_token" not in seen[0].url.params
    assert report.counts.new == len(records_of("x", page1) | records_of("x", page2))
    assert records_of("x", page1) <= external_ids(engine)  # the includes travel with the tweet
    assert position_of(engine, source) == {"since_id": newest}  # the first page's newest, not the last's


def test_x_search_drops_a_since_id_outside_the_seven_day_window(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = setup(engine, monkeypatch, "x", query="tweepy")
    set_position(engine, {"since_id": SEARCH["meta"]["oldest_id"]})  # from 2022: far too old today
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=SEARCH)

    assert poll(engine, handler).counts.new == len(SEARCH["data"])
    assert len(seen) == 1 and "since_id" not in seen[0].url.params
    assert position_of(engine, source) == {"since_id": SEARCH["meta"]["newest_id"]}


def test_x_429_with_rate_limit_reset_sets_next_poll(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    source = setup(engine, monkeypatch, "x", query="tweepy")
    before = utcnow()
    reset = str(int(before.timestamp()) + 900)
    headers = {"x-rate-limit-limit": "450", "x-rate-limit-remaining": "0", "x-rate-limit-reset": reset}
    report = poll(engine, lambda r: httpx.Response(429, headers=headers, json={"title": "Too Many Requests"}))
    assert report.rate_limited == 1 and report.failed == 0 and report.counts.new == 0
    with session_scope(engine) as session:
        cursor = session.scalar(select(ConnectorCursor).where(ConnectorCursor.source == source))
        assert cursor is not None and cursor.failures == 0 and cursor.next_poll_at is not None
        assert cursor.next_poll_at >= before + timedelta(seconds=898)
        assert cursor.next_poll_at <= utcnow() + timedelta(seconds=901)
        assert cursor.state.get("position") == {}


def test_x_rate_limit_headers() -> None:
    now = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    reset = str(int(now.timestamp()) + 120)
    spent = httpx.Response(200, headers={"x-rate-limit-remaining": "0", "x-rate-limit-reset": reset})
    assert x_retry_after(spent, now) == pytest.approx(120)
    left = httpx.Response(200, headers={"x-rate-limit-remaining": "17", "x-rate-limit-reset": reset})
    assert x_retry_after(left, now) is None
    assert x_retry_after(httpx.Response(429), now) == 60.0  # rate limited without a reset: the generic minute


def test_x_without_token_fails_with_a_hint(engine: Engine) -> None:
    source, checked = source_name("x", {"query": "tweepy"})
    with session_scope(engine) as session:
        do_add_source(session, "x", source, checked)
    report = poll(engine, lambda r: httpx.Response(200, json=SEARCH))
    assert report.failed == 1 and "bearer token" in report.errors[0]


def test_youtube_threads_stop_at_the_time_cursor(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    source = setup(engine, monkeypatch, "youtube", channel_id=CHANNEL_ID)
    assert source == f"youtube:comments:{CHANNEL_ID}"
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=THREADS)

    first = poll(engine, handler)
    expected = records_of("youtube", THREADS)
    assert first.polled == 1 and first.counts.new == len(expected) >= len(THREADS["items"])
    assert external_ids(engine) == expected
    assert len(seen) == 1  # no cursor yet: the newest page only
    params = seen[0].url.params
    assert seen[0].url.host == "www.googleapis.com" and seen[0].url.path == "/youtube/v3/commentThreads"
    assert params["key"] == "youtube-secret" and params["allThreadsRelatedToChannelId"] == CHANNEL_ID
    assert params["part"] == "snippet,replies" and params["order"] == "time" and params["maxResults"] == "100"
    newest = THREADS["items"][0]["snippet"]["topLevelComment"]["snippet"]["publishedAt"]
    assert position_of(engine, source) == {"published_after": newest}

    make_due(engine)
    second = poll(engine, handler)  # the same page again: every thread is at or before the cursor
    assert second.polled == 1 and second.counts.new == 0
    assert len(seen) == 2  # the cursor was reached on the first page: its nextPageToken is not followed
    assert external_ids(engine) == expected


def test_youtube_pages_until_an_older_thread(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    source = setup(engine, monkeypatch, "youtube", channel_id=CHANNEL_ID)
    set_position(engine, {"published_after": "2019-11-15T00:00:00Z"})
    items = THREADS["items"]
    page1 = {**THREADS, "items": items[:3], "nextPageToken": "page-2"}
    page2 = {**THREADS, "items": items[3:], "nextPageToken": "page-3"}  # 2019-11-16 is new, 2019-11-14 is not
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        token = request.url.params.get("pageToken")
        return httpx.Response(200, json={None: page1, "page-2": page2}.get(token, {**THREADS, "items": []}))

    report = poll(engine, handler)
    assert [r.url.params.get("pageToken") for r in seen] == [None, "page-2"]
    new = records_of("youtube", {**THREADS, "items": items[:4]})
    assert report.counts.new == len(new) and external_ids(engine) == new
    assert not records_of("youtube", {**THREADS, "items": items[4:]}) & external_ids(engine)
    assert position_of(engine, source) == {
        "published_after": items[0]["snippet"]["topLevelComment"]["snippet"]["publishedAt"]
    }


def test_youtube_without_key_fails_with_a_hint(engine: Engine) -> None:
    source, checked = source_name("youtube", {"channel_id": CHANNEL_ID})
    with session_scope(engine) as session:
        do_add_source(session, "youtube", source, checked)
    report = poll(engine, lambda r: httpx.Response(200, json=THREADS))
    assert report.failed == 1 and "API key" in report.errors[0]


def test_x_and_youtube_params_are_validated() -> None:
    with pytest.raises(SourceError, match="query="):
        source_name("x", {})
    with pytest.raises(SourceError, match="at most"):
        source_name("x", {"query": "a" * 2000})
    with pytest.raises(SourceError, match="channel_id="):
        source_name("youtube", {"channel_id": "@somehandle"})
    with pytest.raises(SourceError, match="channel_id="):
        source_name("youtube", {})
    assert source_name("x", {"query": "  kith  "}) == ("x:search:kith", {"query": "kith"})
