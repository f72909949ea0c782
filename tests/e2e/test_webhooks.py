"""Inbound webhooks against a real ``kith serve``: signed pushes are stored, everything else is refused.

The Facebook body is built after Meta's documented page ``feed`` webhook format
(``{"object": "page", "entry": [{"id", "time", "changes": [{"field": "feed", "value": {…}}]}]}``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from kith.auth.security import encrypt
from kith.channels.models import Channel
from kith.config import get_settings
from kith.db import make_engine, session_scope
from kith.pipeline.models import RawItem
from tests.e2e.server import Server, create_users, running_server

FB_SECRET = "fb-app-secret-0123456789"
RELAY_SECRET = "relay-secret-abcdef"
VERIFY_TOKEN = "let-me-in"
FB_ENV = "KITH_TEST_FB_WEBHOOK"
COMMENT_ID = "10158407654328553_1016"


def feed_webhook(verb: str = "add", message: str = "Does the Nordlicht come in blue?") -> bytes:
    value = {
        "from": {"id": "5550001", "name": "Zoë"},
        "post_id": "19292868552_10158407654328553",
        "comment_id": COMMENT_ID,
        "parent_id": "19292868552_10158407654328553",
        "created_time": 1628621103,
        "item": "comment",
        "verb": verb,
        "message": message,
    }
    doc = {"object": "page", "entry": [{"id": "19292868552", "time": 1628625000, "changes": [
        {"field": "feed", "value": value}]}]}  # fmt: skip
    return json.dumps(doc).encode()


def statuses() -> bytes:
    status = {
        "id": "7001",
        "created_at": "2026-08-01T10:00:00.000Z",
        "content": "<p>Relayed 🚲</p>",
        "visibility": "public",
        "in_reply_to_id": None,
        "spoiler_text": "",
        "edited_at": None,
        "url": "https://example.social/@a/7001",
        "account": {"id": "9", "username": "a", "acct": "a", "display_name": "A"},
    }
    return json.dumps([status]).encode()


def meta_signature(secret: str, body: bytes) -> dict[str, str]:
    return {"X-Hub-Signature-256": "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()}


def kith_signature(secret: str, body: bytes, stamp: int | None = None) -> dict[str, str]:
    ts = str(int(time.time()) if stamp is None else stamp)
    digest = hmac.new(secret.encode(), ts.encode() + b"." + body, hashlib.sha256).hexdigest()
    return {"X-Kith-Signature": f"sha256={digest}", "X-Kith-Timestamp": ts}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    path = tmp_path_factory.mktemp("webhooks") / "webhooks.db"
    url = f"sqlite:///{path}"
    with pytest.MonkeyPatch.context() as mp:
        # one key for this process (encrypt) and the server (decrypt); the server inherits os.environ
        mp.setenv("KITH_SECRET_KEY", "webhook-test-secret-key-" + "x" * 24)
        mp.setenv(FB_ENV, json.dumps({"webhook_secret": FB_SECRET, "verify_token": VERIFY_TOKEN}))
        get_settings.cache_clear()
        try:
            create_users(url)
            engine = make_engine(url)
            relay = encrypt(json.dumps({"webhook_secret": RELAY_SECRET}))
            with session_scope(engine) as session:
                session.add_all([
                    Channel(name="fb-page", kind="facebook", display_name="Page", enabled=True, credentials_ref=FB_ENV),
                    Channel(name="relay", kind="mastodon", display_name="Relay", enabled=True,
                            credentials_encrypted=relay),
                    Channel(name="off", kind="facebook", display_name="Off", enabled=False, credentials_ref=FB_ENV),
                    Channel(name="bare", kind="facebook", display_name="Bare", enabled=True),
                ])  # fmt: skip
            engine.dispose()
            with running_server(path) as running:
                yield running
        finally:
            get_settings.cache_clear()


@pytest.fixture
def client(server: Server) -> Iterator[httpx.Client]:
    with server.client() as anonymous:
        yield anonymous


def stored(server: Server, ids: list[str]) -> list[RawItem]:
    engine = make_engine(server.db_url)
    try:
        with session_scope(engine) as session:
            rows = list(session.scalars(select(RawItem).where(RawItem.public_id.in_(ids))))
            session.expunge_all()
            return rows
    finally:
        engine.dispose()


def refused(response: httpx.Response, status: int, words: str) -> None:
    assert response.status_code == status, response.text[:300]
    assert response.headers["content-type"].startswith("application/json")
    detail: Any = response.json()["detail"]
    assert words in detail, detail


def test_a_signed_facebook_feed_webhook_is_stored_once(server: Server, client: httpx.Client) -> None:
    body = feed_webhook()
    first = client.post("/webhooks/fb-page", content=body, headers=meta_signature(FB_SECRET, body))
    assert first.status_code == 202, first.text
    answer = first.json()
    assert answer["new"] == 1 and answer["duplicate"] == 0 and answer["quarantined"] == 0
    [raw] = stored(server, answer["raw_item_ids"])
    assert raw.external_id == COMMENT_ID and raw.source == "webhook:fb-page"
    again = client.post("/webhooks/fb-page", content=body, headers=meta_signature(FB_SECRET, body))
    assert again.status_code == 202
    assert again.json() == {"raw_item_ids": answer["raw_item_ids"], "new": 0, "duplicate": 1, "quarantined": 0}


def test_an_edit_is_a_new_raw_item(client: httpx.Client) -> None:
    body = feed_webhook("edited", "Blue, or green?")
    response = client.post("/webhooks/fb-page", content=body, headers=meta_signature(FB_SECRET, body))
    assert response.status_code == 202 and response.json()["new"] == 1


def test_wrong_or_missing_signatures_are_refused(server: Server, client: httpx.Client) -> None:
    body = feed_webhook("add", "forged")
    refused(client.post("/webhooks/fb-page", content=body, headers=meta_signature("guess", body)), 401, "not match")
    tampered = meta_signature(FB_SECRET, body)
    refused(client.post("/webhooks/fb-page", content=body + b" ", headers=tampered), 401, "not match")
    refused(client.post("/webhooks/fb-page", content=body), 401, "not signed")
    refused(client.post("/webhooks/fb-page", content=body, headers={"X-Hub-Signature-256": "sha1=abc"}), 401, "match")
    with server.client("agent") as agent:  # a session cookie is no substitute (and no CSRF is asked)
        refused(agent.post("/webhooks/fb-page", content=body), 401, "not signed")


def test_generic_hmac_with_timestamp(server: Server, client: httpx.Client) -> None:
    body = statuses()
    ok = client.post("/webhooks/relay", content=body, headers=kith_signature(RELAY_SECRET, body))
    assert ok.status_code == 202, ok.text
    [raw] = stored(server, ok.json()["raw_item_ids"])
    assert raw.external_id == "7001"
    old = kith_signature(RELAY_SECRET, body, int(time.time()) - 301)
    refused(client.post("/webhooks/relay", content=body, headers=old), 401, "5 minutes")
    future = kith_signature(RELAY_SECRET, body, int(time.time()) + 3600)
    refused(client.post("/webhooks/relay", content=body, headers=future), 401, "5 minutes")
    moved = kith_signature(RELAY_SECRET, body)
    moved["X-Kith-Timestamp"] = str(int(moved["X-Kith-Timestamp"]) + 1)  # the timestamp is signed too
    refused(client.post("/webhooks/relay", content=body, headers=moved), 401, "not match")
    no_time = {"X-Kith-Signature": kith_signature(RELAY_SECRET, body)["X-Kith-Signature"]}
    refused(client.post("/webhooks/relay", content=body, headers=no_time), 401, "X-Kith-Timestamp")
    # Meta's scheme has no timestamp: a non-Meta channel does not accept it
    refused(client.post("/webhooks/relay", content=body, headers=meta_signature(RELAY_SECRET, body)), 401, "not signed")


def test_the_meta_handshake_echoes_the_challenge_for_the_right_token(client: httpx.Client) -> None:
    query = {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1158201444"}
    ok = client.get("/webhooks/fb-page", params=query)
    assert ok.status_code == 200 and ok.text == "1158201444"
    assert ok.headers["content-type"].startswith("text/plain")
    refused(client.get("/webhooks/fb-page", params={**query, "hub.verify_token": "nope"}), 403, "verify_token")
    refused(client.get("/webhooks/fb-page", params={**query, "hub.mode": "unsubscribe"}), 403, "subscribe")
    refused(client.get("/webhooks/fb-page"), 403, "verify_token")
    refused(client.get("/webhooks/relay", params=query), 403, "verify_token")  # it has no verify token
    refused(client.get("/webhooks/nowhere", params=query), 404, "No channel named 'nowhere'")
    refused(client.get("/webhooks/off", params=query), 409, "disabled")


def test_unknown_disabled_and_unconfigured_channels(client: httpx.Client) -> None:
    body = feed_webhook()
    signed = meta_signature(FB_SECRET, body)
    refused(client.post("/webhooks/nowhere", content=body, headers=signed), 404, "No channel named")
    refused(client.post("/webhooks/off", content=body, headers=meta_signature("guess", body)), 401, "not match")
    refused(client.post("/webhooks/off", content=body, headers=signed), 409, "disabled")
    refused(client.post("/webhooks/bare", content=body, headers=signed), 401, "no webhook_secret")


def test_oversized_bodies_are_refused(client: httpx.Client) -> None:
    big = b"[" + b" " * (5 * 1024 * 1024) + b"]"
    refused(client.post("/webhooks/fb-page", content=big, headers=meta_signature(FB_SECRET, big)), 413, "5 MB")

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit holds while streaming
        for _ in range(6):
            yield b" " * (1024 * 1024)

    refused(client.post("/webhooks/fb-page", content=chunks()), 413, "5 MB")


def test_an_empty_signed_body_is_a_clear_400(client: httpx.Client) -> None:
    refused(client.post("/webhooks/fb-page", content=b"", headers=meta_signature(FB_SECRET, b"")), 400, "empty")
