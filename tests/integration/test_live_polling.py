"""Live polling against replayed real response bodies (``httpx.MockTransport``; no network)."""

from __future__ import annotations

import json
import signal
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, select, update

from kith.channels.live.base import SourceError, backoff_seconds, retry_after
from kith.channels.live.runner import ListenReport, listen_forever, listen_once
from kith.channels.live.sources import do_add_source, list_sources, source_name
from kith.channels.models import Channel, ConnectorCursor
from kith.channels.service import ensure_channel
from kith.db import make_engine, session_scope, utcnow
from kith.pipeline.models import RawItem, RawStatus
from tests.conftest import FIXTURES, PAYLOADS

Handler = Callable[[httpx.Request], httpx.Response]


def body_of(name: str) -> Any:
    return json.loads((PAYLOADS / name).read_text())["body"]


NOTIFICATIONS = body_of("mastodon/notifications-mentions.json")
STATUS = body_of("mastodon/status.json")
LISTING = body_of("reddit/subreddit-new.json")
RSS = (FIXTURES / "payloads/feeds/rss2.0_with_atom_namespace.xml").read_bytes()


def add(engine: Engine, channel: str, kind: str, **params: str) -> str:
    source, checked = source_name(kind, params)
    with session_scope(engine) as session:
        do_add_source(session, channel, source, checked)
    return source


def cursor_of(engine: Engine, source: str) -> ConnectorCursor:
    with session_scope(engine) as session:
        row = session.scalar(select(ConnectorCursor).where(ConnectorCursor.source == source))
        assert row is not None
        session.expunge(row)
        return row


def make_due(engine: Engine) -> None:
    with session_scope(engine) as session:
        session.execute(update(ConnectorCursor).values(next_poll_at=None))


def raw_count(engine: Engine, status: RawStatus | None = None) -> int:
    with session_scope(engine) as session:
        query = select(RawItem.id)
        if status is not None:
            query = query.where(RawItem.status == status)
        return len(session.scalars(query).all())


def poll(engine: Engine, handler: Handler) -> ListenReport:
    return listen_once(engine, httpx.MockTransport(handler), interval_s=60)


def test_mastodon_notifications_resume_from_min_id(
    engine: Engine, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KITH_TEST_MASTODON_TOKEN", "secret-token")
    with session_scope(engine) as session:
        ensure_channel(session, "mastodon")
        session.execute(update(Channel).values(credentials_ref="KITH_TEST_MASTODON_TOKEN"))
    source = add(engine, "mastodon", "mastodon", base_url="https://social.example", timeline="notifications")
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        newer = "min_id" not in request.url.params
        return httpx.Response(200, json=NOTIFICATIONS if newer else [])

    first = poll(engine, handler)
    assert first.polled == 1 and first.counts.new >= 1 and first.processed >= 1
    assert seen[0].url.path == "/api/v1/notifications"
    assert seen[0].headers["Authorization"] == "Bearer secret-token"
    stored = raw_count(engine)
    assert cursor_of(engine, source).state["position"] == {"min_id": str(NOTIFICATIONS[0]["id"])}

    assert poll(engine, handler).polled == 0  # not due yet: next_poll_at is an interval away
    make_due(engine)
    second = poll(engine, handler)
    assert seen[-1].url.params["min_id"] == str(NOTIFICATIONS[0]["id"])
    assert second.counts.new == 0

    # restart: a new engine resumes from the stored cursor; a server that ignores min_id re-sends the
    # same items, which the raw store recognises
    make_due(engine)
    restarted = make_engine(db_url)
    try:
        again = listen_once(
            restarted, httpx.MockTransport(lambda r: httpx.Response(200, json=NOTIFICATIONS)), interval_s=60
        )
    finally:
        restarted.dispose()
    assert again.counts.new == 0 and again.counts.duplicate >= 1
    assert raw_count(engine) == stored


def test_mastodon_tag_timeline_without_token(engine: Engine) -> None:
    source = add(engine, "mastodon", "mastodon", base_url="https://social.example", tag="nordlicht")
    assert source == "mastodon:tag:nordlicht@social.example"
    paths: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        paths.append(request.url.path)
        assert "Authorization" not in request.headers
        return httpx.Response(200, json=[STATUS])

    assert poll(engine, handler).counts.new >= 1
    assert paths == ["/api/v1/timelines/tag/nordlicht"]


def test_feed_conditional_get(engine: Engine) -> None:
    source = add(engine, "feeds", "feed", url="https://blog.example/feed.xml")
    validators: list[tuple[str | None, str | None]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        validators.append((request.headers.get("If-None-Match"), request.headers.get("If-Modified-Since")))
        if request.headers.get("If-None-Match") == '"v1"':
            return httpx.Response(304)
        return httpx.Response(
            200, content=RSS, headers={"ETag": '"v1"', "Last-Modified": "Wed, 01 May 2024 10:00:00 GMT"}
        )

    first = poll(engine, handler)
    assert first.counts.new == 1
    make_due(engine)
    second = poll(engine, handler)
    assert second.polled == 1 and second.counts.new == 0 and second.counts.duplicate == 0
    assert validators == [(None, None), ('"v1"', "Wed, 01 May 2024 10:00:00 GMT")]
    assert cursor_of(engine, source).etag == '"v1"'  # a 304 keeps the validators


def test_malformed_body_is_quarantined_and_cursor_advances(engine: Engine) -> None:
    source = add(engine, "feeds", "feed", url="https://blog.example/feed.xml")
    broken = httpx.Response(200, content=b"<rss><channel><item><title>cut", headers={"ETag": '"v2"'})
    report = poll(engine, lambda r: broken)
    assert report.counts.quarantined == 1 and report.counts.new == 0
    assert raw_count(engine, RawStatus.QUARANTINED) == 1
    cursor = cursor_of(engine, source)
    assert cursor.etag == '"v2"' and cursor.failures == 0 and cursor.next_poll_at is not None


def test_reddit_listing_uses_before_cursor(engine: Engine) -> None:
    source = add(engine, "reddit", "reddit", subreddit="askreddit")
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        if "before" in request.url.params:
            return httpx.Response(200, json={"kind": "Listing", "data": {"children": [], "before": None}})
        return httpx.Response(200, json=LISTING)

    first = poll(engine, handler)
    children = LISTING["data"]["children"]
    assert first.counts.new == len(children)
    assert requests[0].url.params["limit"] == "100"
    assert requests[0].headers["User-Agent"].startswith("kith-listener/")
    assert cursor_of(engine, source).state["position"]["before"] == children[0]["data"]["name"]
    make_due(engine)
    assert poll(engine, handler).counts.new == 0
    assert requests[-1].url.params["before"] == children[0]["data"]["name"]


def test_429_retry_after_sets_next_poll(engine: Engine) -> None:
    source = add(engine, "reddit", "reddit", subreddit="askreddit")
    before = utcnow()
    report = poll(engine, lambda r: httpx.Response(429, headers={"Retry-After": "900"}))
    assert report.rate_limited == 1 and report.failed == 0
    cursor = cursor_of(engine, source)
    assert cursor.failures == 0 and cursor.next_poll_at is not None
    assert cursor.next_poll_at >= before + timedelta(seconds=899)
    assert cursor.state.get("position") == {}  # nothing read, nothing moved


def test_rate_limit_headers() -> None:
    now = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    mastodon = httpx.Response(
        200, headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "2024-05-01T10:05:00.000Z"}
    )
    assert retry_after(mastodon, now) == 300
    x_api = httpx.Response(200, headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(now.timestamp() + 60)})
    assert retry_after(x_api, now) == pytest.approx(60)
    reddit = httpx.Response(200, headers={"x-ratelimit-remaining": "0.0", "x-ratelimit-reset": "42"})
    assert retry_after(reddit, now) == 42
    assert (
        retry_after(httpx.Response(200, headers={"x-ratelimit-remaining": "5", "x-ratelimit-reset": "42"}), now) is None
    )


def test_server_errors_back_off_exponentially(engine: Engine) -> None:
    source = add(engine, "feeds", "feed", url="https://blog.example/feed.xml")
    delays: list[float] = []
    for _ in range(2):
        make_due(engine)
        start = utcnow()
        report = poll(engine, lambda r: httpx.Response(503))
        assert report.failed == 1 and "503" in report.errors[0]
        cursor = cursor_of(engine, source)
        assert cursor.next_poll_at is not None
        delays.append((cursor.next_poll_at - start).total_seconds())
    cursor = cursor_of(engine, source)
    assert cursor.failures == 2 and "HTTP 503" in cursor.state["last_error"]
    assert delays[1] > delays[0] > 0
    assert all(backoff_seconds(n + 1) > backoff_seconds(n) for n in range(1, 8))

    def timeout(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    make_due(engine)
    assert poll(engine, timeout).failed == 1 and cursor_of(engine, source).failures == 3
    make_due(engine)
    poll(engine, lambda r: httpx.Response(200, content=RSS))
    recovered = cursor_of(engine, source)
    assert recovered.failures == 0 and "last_error" not in recovered.state


def test_add_source_validates(engine: Engine) -> None:
    add(engine, "feeds", "feed", url="https://blog.example/feed.xml")
    with pytest.raises(SourceError, match="already listens"):
        add(engine, "feeds", "feed", url="https://blog.example/feed.xml")
    with pytest.raises(SourceError, match="needs a 'reddit' channel"):
        add(engine, "feeds", "reddit", subreddit="ebikes")
    with pytest.raises(SourceError, match="base_url"):
        add(engine, "mastodon", "mastodon", tag="x")
    with pytest.raises(SourceError, match="unknown source kind"):
        source_name("myspace", {})
    with session_scope(engine) as session:
        rows = list_sources(session)
    assert [(r.channel, r.source) for r in rows] == [("feeds", "feed:https://blog.example/feed.xml")]


def test_listen_forever_stops_on_event(engine: Engine) -> None:
    add(engine, "feeds", "feed", url="https://blog.example/feed.xml")
    stop = threading.Event()
    rounds: list[ListenReport] = []

    def on_round(report: ListenReport) -> None:
        rounds.append(report)
        stop.set()

    listen_forever(
        engine,
        interval_s=60,
        transport=httpx.MockTransport(lambda r: httpx.Response(200, content=RSS)),
        stop=stop,
        on_round=on_round,
    )
    assert len(rounds) == 1 and rounds[0].counts.new == 1


def test_listen_forever_stops_on_sigterm(engine: Engine) -> None:
    add(engine, "feeds", "feed", url="https://blog.example/feed.xml")
    rounds: list[ListenReport] = []
    previous = signal.getsignal(signal.SIGTERM)

    def on_round(report: ListenReport) -> None:
        rounds.append(report)
        signal.raise_signal(signal.SIGTERM)  # handled by listen_forever: finish the round, then stop

    listen_forever(
        engine, interval_s=60, transport=httpx.MockTransport(lambda r: httpx.Response(304)), on_round=on_round
    )
    assert len(rounds) == 1
    assert signal.getsignal(signal.SIGTERM) is previous


def test_two_listeners_never_claim_the_same_source(engine: Engine) -> None:
    """Eight threads race for 40 due feed sources: each source is claimed by exactly one of them."""
    from kith.channels.live.runner import claim_source

    sources = [add(engine, "feeds", "feed", url=f"https://example.org/{i}.xml") for i in range(40)]
    make_due(engine)
    with session_scope(engine) as session:
        ids = list(session.scalars(select(ConnectorCursor.id).where(ConnectorCursor.source.in_(sources))))
    now = utcnow()
    start = threading.Barrier(8)
    won: list[list[int]] = [[] for _ in range(8)]

    def race(k: int) -> None:
        start.wait()
        won[k] = [cid for cid in ids if claim_source(engine, cid, now)]

    threads = [threading.Thread(target=race, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    claimed = [cid for w in won for cid in w]
    assert sorted(claimed) == sorted(ids)  # every source once, none twice
    assert not claim_source(engine, ids[0], now)  # leased: not due for anyone now
    assert claim_source(engine, ids[0], now + timedelta(hours=1))  # the lease ran out: due again
