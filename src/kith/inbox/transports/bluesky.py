"""Bluesky: a session (``com.atproto.server.createSession``), then ``com.atproto.repo.createRecord`` of an
``app.bsky.feed.post`` whose ``reply`` holds strong refs (uri + cid) to the thread's root and to the post
answered (docs.bsky.app/docs/advanced-guides/posts#replies).

The CIDs are not in an interaction's columns: the sender reads them from the stored raw payload (the post
view the parser kept). Idempotency: the record key is derived from the outbox key (a TID, the key type
posts use), so a retried request after a lost answer collides with the post already made instead of
posting a second one.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

import httpx

from kith.config import Settings
from kith.inbox.transports.base import MissingCredential, Outgoing, Transport, TransportError, json_object, post

MAX_GRAPHEMES = 300  # Bluesky's post length limit (counted here in characters, which is never more)
_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"


class BlueskyTransport(Transport):
    name = "bluesky"

    def __init__(self, settings: Settings, client: httpx.Client) -> None:
        if not settings.bluesky_handle:
            raise MissingCredential("KITH_BLUESKY_HANDLE", "our Bluesky handle or DID")
        if not settings.bluesky_app_password:
            raise MissingCredential("KITH_BLUESKY_APP_PASSWORD", "an app password of that account")
        self.service = settings.bluesky_service.rstrip("/")
        self.handle = settings.bluesky_handle
        self.password = settings.bluesky_app_password
        self.client = client
        self._session: tuple[str, str] | None = None  # (accessJwt, did), one per run

    def send(self, message: Outgoing) -> str:
        if message.reply_parent is None or message.reply_root is None:
            raise TransportError(
                "a Bluesky reply needs the answered post's uri and cid, and the stored post has none "
                "(ingest it from the API so its post view is kept)",
                retryable=False,
            )
        if len(message.body) > MAX_GRAPHEMES:
            raise TransportError(f"a Bluesky post holds at most {MAX_GRAPHEMES} characters", retryable=False)
        jwt, did = self._login()
        url = f"{self.service}/xrpc/com.atproto.repo.createRecord"
        record: dict[str, Any] = {
            "$type": "app.bsky.feed.post",
            "text": message.body,
            "createdAt": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
            "reply": {
                "root": {"uri": message.reply_root.uri, "cid": message.reply_root.cid},
                "parent": {"uri": message.reply_parent.uri, "cid": message.reply_parent.cid},
            },
        }
        response = post(
            self.client,
            url,
            json={
                "repo": did,
                "collection": "app.bsky.feed.post",
                "rkey": record_key(message.idempotency_key, message.queued_at),
                "record": record,
            },
            headers={"Authorization": f"Bearer {jwt}"},
        )
        created = json_object(response, url)
        if not isinstance(created.get("uri"), str):
            raise TransportError(f"{url}: the answer has no uri", retryable=False)
        return str(created["uri"])

    def _login(self) -> tuple[str, str]:
        if self._session is None:
            url = f"{self.service}/xrpc/com.atproto.server.createSession"
            answer = json_object(
                post(self.client, url, json={"identifier": self.handle, "password": self.password}), url
            )
            jwt, did = answer.get("accessJwt"), answer.get("did")
            if not isinstance(jwt, str) or not isinstance(did, str):
                raise TransportError(f"{url}: the answer has no accessJwt/did", retryable=False)
            self._session = (jwt, did)
        return self._session


def record_key(idempotency_key: str, queued_at: datetime | None) -> str:
    """A TID (13 base32-sortable characters: 53 bits of microseconds, 10 bits of clock id) fixed by the message.

    The time part is when the answer was queued and the clock id comes from the outbox key, so every retry
    of one message asks for the same record key, and two messages never share one.
    """
    at = queued_at or datetime.now(UTC)
    micros = int(at.timestamp() * 1_000_000) & ((1 << 53) - 1)
    clock = int.from_bytes(hashlib.sha256(idempotency_key.encode()).digest()[:2], "big") & 1023
    value = (micros << 10) | clock
    chars = []
    for _ in range(13):
        chars.append(_TID_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))
