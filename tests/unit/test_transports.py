"""Each reply transport sends exactly the request its API documents (checked with httpx.MockTransport), sorts
errors into retryable or not, and refuses to start without its credentials, naming the variable."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from urllib.parse import parse_qs

import httpx
import pytest

from kith.config import Settings
from kith.inbox.transports import (
    MissingCredential,
    Outgoing,
    StrongRef,
    TransportError,
    open_transport,
    transport_name,
)
from kith.inbox.transports.bluesky import record_key

Handler = Callable[[httpx.Request], httpx.Response]
SETTINGS = Settings(
    mastodon_base_url="https://social.example/",
    mastodon_token="mast-token",
    bluesky_handle="brand.example.com",
    bluesky_app_password="app-pass-1234",
    x_user_token="x-user-token",
    reddit_token="reddit-token",
    reddit_user_agent="kith-test/1.0 by brand",
)


def recording(respond: Handler) -> tuple[httpx.Client, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        request.read()
        seen.append(request)
        return respond(request)

    return httpx.Client(transport=httpx.MockTransport(handler)), seen


def form(request: httpx.Request) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(request.content.decode()).items()}


def test_channels_map_to_transports_and_unknown_ones_stay_local() -> None:
    assert [transport_name(c) for c in ("mastodon", "bluesky", "x", "reddit", "email", "youtube", "csv")] == [
        "mastodon",
        "bluesky",
        "x",
        "reddit",
        "smtp",
        "outbox",
        "outbox",
    ]


def test_mastodon_posts_a_mentioning_reply_with_the_idempotency_key() -> None:
    client, seen = recording(lambda r: httpx.Response(200, json={"id": "109876", "uri": "https://social.example/1"}))
    transport = open_transport("mastodon", SETTINGS, client)
    message = Outgoing("key-123", "Thanks, we are on it.", recipient="mia@example.social", in_reply_to="1055")
    assert transport.send(message) == "109876"
    (request,) = seen
    assert request.method == "POST" and str(request.url) == "https://social.example/api/v1/statuses"
    assert request.headers["authorization"] == "Bearer mast-token"
    assert request.headers["idempotency-key"] == "key-123"
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert form(request) == {
        "status": "@mia@example.social Thanks, we are on it.",
        "in_reply_to_id": "1055",
        "visibility": "public",
    }


def test_mastodon_answers_a_direct_message_directly_and_does_not_mention_twice() -> None:
    client, seen = recording(lambda r: httpx.Response(200, json={"id": "2"}))
    message = Outgoing(
        "k", "@mia@example.social see DM", recipient="@mia@example.social", in_reply_to="9", private=True
    )
    open_transport("mastodon", SETTINGS, client).send(message)
    assert form(seen[0])["visibility"] == "direct" and form(seen[0])["status"] == "@mia@example.social see DM"


def test_bluesky_logs_in_once_and_creates_a_reply_record_with_strong_refs() -> None:
    def respond(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("createSession"):
            return httpx.Response(200, json={"accessJwt": "jwt-1", "refreshJwt": "r", "did": "did:plc:brand"})
        return httpx.Response(200, json={"uri": "at://did:plc:brand/app.bsky.feed.post/3kabc", "cid": "bafyreply"})

    client, seen = recording(respond)
    transport = open_transport("bluesky", SETTINGS, client)
    root = StrongRef("at://did:plc:mia/app.bsky.feed.post/3root", "bafyroot")
    parent = StrongRef("at://did:plc:mia/app.bsky.feed.post/3parent", "bafyparent")
    queued = datetime(2026, 9, 15, 12, 0, tzinfo=UTC)
    first = Outgoing("key-a", "Happy to help!", reply_root=root, reply_parent=parent, queued_at=queued)
    assert transport.send(first) == "at://did:plc:brand/app.bsky.feed.post/3kabc"
    transport.send(Outgoing("key-b", "Second", reply_root=root, reply_parent=parent, queued_at=queued))
    assert [r.url.path for r in seen] == [
        "/xrpc/com.atproto.server.createSession",
        "/xrpc/com.atproto.repo.createRecord",
        "/xrpc/com.atproto.repo.createRecord",
    ]
    assert str(seen[0].url) == "https://bsky.social/xrpc/com.atproto.server.createSession"
    assert json.loads(seen[0].content) == {"identifier": "brand.example.com", "password": "app-pass-1234"}
    create = seen[1]
    assert create.headers["authorization"] == "Bearer jwt-1"
    body = json.loads(create.content)
    assert body["repo"] == "did:plc:brand" and body["collection"] == "app.bsky.feed.post"
    assert body["rkey"] == record_key("key-a", queued) and len(body["rkey"]) == 13
    record = body["record"]
    assert record["$type"] == "app.bsky.feed.post" and record["text"] == "Happy to help!"
    assert record["reply"] == {
        "root": {"uri": root.uri, "cid": "bafyroot"},
        "parent": {"uri": parent.uri, "cid": "bafyparent"},
    }
    assert datetime.fromisoformat(record["createdAt"].replace("Z", "+00:00")).tzinfo is not None
    assert json.loads(seen[2].content)["rkey"] != body["rkey"]  # another message, another record key


def test_bluesky_record_keys_are_valid_tids_fixed_by_the_message() -> None:
    at = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    key = record_key("outbox-key", at)
    assert key == record_key("outbox-key", at)
    assert key[0] in "234567abcdefghij" and all(c in "234567abcdefghijklmnopqrstuvwxyz" for c in key)


def test_bluesky_without_strong_refs_is_refused_before_any_request() -> None:
    client, seen = recording(lambda r: httpx.Response(500))
    with pytest.raises(TransportError, match="uri and cid") as caught:
        open_transport("bluesky", SETTINGS, client).send(Outgoing("k", "hi", in_reply_to="at://x"))
    assert caught.value.retryable is False and seen == []


def test_x_posts_a_reply_with_the_user_token() -> None:
    client, seen = recording(lambda r: httpx.Response(201, json={"data": {"id": "1790000000000000001", "text": "t"}}))
    message = Outgoing("k", "We have sent you a DM.", in_reply_to="1789999999999999999")
    assert open_transport("x", SETTINGS, client).send(message) == "1790000000000000001"
    (request,) = seen
    assert request.method == "POST" and str(request.url) == "https://api.x.com/2/tweets"
    assert request.headers["authorization"] == "Bearer x-user-token"
    assert request.headers["content-type"] == "application/json"
    assert json.loads(request.content) == {
        "text": "We have sent you a DM.",
        "reply": {"in_reply_to_tweet_id": "1789999999999999999"},
    }


def test_reddit_comments_on_the_fullname_with_a_user_agent() -> None:
    answer = {"json": {"errors": [], "data": {"things": [{"kind": "t1", "data": {"id": "k2x", "name": "t1_k2x"}}]}}}
    client, seen = recording(lambda r: httpx.Response(200, json=answer))
    assert open_transport("reddit", SETTINGS, client).send(Outgoing("k", "Fixed in 2.1", in_reply_to="t3_abc")) == (
        "t1_k2x"
    )
    (request,) = seen
    assert str(request.url) == "https://oauth.reddit.com/api/comment"
    assert request.headers["authorization"] == "bearer reddit-token"
    assert request.headers["user-agent"] == "kith-test/1.0 by brand"
    assert form(request) == {"api_type": "json", "thing_id": "t3_abc", "text": "Fixed in 2.1"}


def test_reddit_errors_inside_a_200_are_failures_and_ratelimit_is_retryable() -> None:
    limited = {"json": {"errors": [["RATELIMIT", "you are doing that too much", "ratelimit"]]}}
    client, _ = recording(lambda r: httpx.Response(200, json=limited))
    with pytest.raises(TransportError, match="RATELIMIT") as caught:
        open_transport("reddit", SETTINGS, client).send(Outgoing("k", "x", in_reply_to="t1_abc"))
    assert caught.value.retryable is True
    deleted = {"json": {"errors": [["DELETED_COMMENT", "that comment has been deleted", "parent"]]}}
    client, _ = recording(lambda r: httpx.Response(200, json=deleted))
    with pytest.raises(TransportError) as caught:
        open_transport("reddit", SETTINGS, client).send(Outgoing("k", "x", in_reply_to="t1_abc"))
    assert caught.value.retryable is False
    with pytest.raises(TransportError, match="fullname"):
        open_transport("reddit", SETTINGS, client).send(Outgoing("k", "x", in_reply_to="abc"))


@pytest.mark.parametrize(
    ("status", "retryable"), [(500, True), (503, True), (429, True), (401, False), (403, False), (422, False)]
)
def test_http_errors_are_sorted_into_retryable_or_not(status: int, retryable: bool) -> None:
    client, _ = recording(lambda r: httpx.Response(status, json={"error": "nope"}))
    with pytest.raises(TransportError, match=f"HTTP {status}") as caught:
        open_transport("x", SETTINGS, client).send(Outgoing("k", "x", in_reply_to="1"))
    assert caught.value.retryable is retryable


def test_a_broken_connection_is_retryable() -> None:
    def fail(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    client = httpx.Client(transport=httpx.MockTransport(fail))
    with pytest.raises(TransportError, match="connection failed") as caught:
        open_transport("mastodon", SETTINGS, client).send(Outgoing("k", "x", in_reply_to="1"))
    assert caught.value.retryable is True


@pytest.mark.parametrize(
    ("name", "variable"),
    [
        ("mastodon", "KITH_MASTODON_BASE_URL"),
        ("bluesky", "KITH_BLUESKY_HANDLE"),
        ("x", "KITH_X_USER_TOKEN"),
        ("reddit", "KITH_REDDIT_TOKEN"),
        ("smtp", "KITH_SMTP_HOST"),
    ],
)
def test_a_missing_credential_names_its_variable(name: str, variable: str) -> None:
    client, seen = recording(lambda r: httpx.Response(200))
    with pytest.raises(MissingCredential) as caught:
        open_transport(name, Settings(), client, env={})
    assert caught.value.variable == variable and variable in str(caught.value) and "\n" not in str(caught.value)
    assert seen == []
