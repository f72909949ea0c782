"""Mastodon: ``POST /api/v1/statuses`` with ``in_reply_to_id`` (docs.joinmastodon.org/methods/statuses/#create).

Mastodon honours an ``Idempotency-Key`` header (kept for an hour): a retried request with the outbox key
returns the status already created instead of posting twice. A reply only notifies the customer if it
mentions them, so the recipient's ``@acct`` is put in front unless the answer already names them.
A direct message is answered with ``visibility=direct`` (a mention-only post), anything else publicly.
"""

from __future__ import annotations

import httpx

from kith.config import Settings
from kith.inbox.transports.base import MissingCredential, Outgoing, Transport, TransportError, json_object, post


class MastodonTransport(Transport):
    name = "mastodon"

    def __init__(self, settings: Settings, client: httpx.Client) -> None:
        if not settings.mastodon_base_url:
            raise MissingCredential("KITH_MASTODON_BASE_URL", "our Mastodon server, e.g. https://mastodon.social")
        if not settings.mastodon_token:
            raise MissingCredential("KITH_MASTODON_TOKEN", "an access token with the write:statuses scope")
        self.base_url = settings.mastodon_base_url.rstrip("/")
        self.token = settings.mastodon_token
        self.client = client

    def send(self, message: Outgoing) -> str:
        if not message.in_reply_to:
            raise TransportError("a Mastodon reply needs the id of the status it answers", retryable=False)
        status = message.body
        handle = (message.recipient or "").lstrip("@")
        if handle and f"@{handle}".lower() not in status.lower():
            status = f"@{handle} {status}"
        url = f"{self.base_url}/api/v1/statuses"
        response = post(
            self.client,
            url,
            data={
                "status": status,
                "in_reply_to_id": message.in_reply_to,
                "visibility": "direct" if message.private else "public",
            },
            headers={"Authorization": f"Bearer {self.token}", "Idempotency-Key": message.idempotency_key},
        )
        created = json_object(response, url)
        if not created.get("id"):
            raise TransportError(f"{url}: the answer has no status id", retryable=False)
        return str(created["id"])
