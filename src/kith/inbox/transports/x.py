"""X: ``POST /2/tweets`` with ``reply.in_reply_to_tweet_id`` (docs.x.com/x-api/posts/creation-of-a-post).

Posting needs a user-context token (OAuth 2.0 with ``tweet.write``); the app-only bearer token the listener
uses for search cannot post. X has no idempotency key for posts: the sender's at-most-once claim is what
keeps an answer from going out twice.
"""

from __future__ import annotations

import httpx

from kith.config import Settings
from kith.inbox.transports.base import MissingCredential, Outgoing, Transport, TransportError, json_object, post

API = "https://api.x.com/2/tweets"


class XTransport(Transport):
    name = "x"

    def __init__(self, settings: Settings, client: httpx.Client) -> None:
        if not settings.x_user_token:
            raise MissingCredential("KITH_X_USER_TOKEN", "an OAuth 2.0 user access token with tweet.write")
        self.token = settings.x_user_token
        self.client = client

    def send(self, message: Outgoing) -> str:
        if not message.in_reply_to:
            raise TransportError("an X reply needs the id of the post it answers", retryable=False)
        response = post(
            self.client,
            API,
            json={"text": message.body, "reply": {"in_reply_to_tweet_id": message.in_reply_to}},
            headers={"Authorization": f"Bearer {self.token}"},
        )
        data = json_object(response, API).get("data")
        if not isinstance(data, dict) or not data.get("id"):
            raise TransportError(f"{API}: the answer has no data.id", retryable=False)
        return str(data["id"])
