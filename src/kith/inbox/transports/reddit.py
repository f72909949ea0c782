"""Reddit: ``POST /api/comment`` on oauth.reddit.com (www.reddit.com/dev/api#POST_api_comment).

``thing_id`` is the fullname answered: ``t3_`` for a post, ``t1_`` for a comment (``t4_`` a message).
With ``api_type=json`` Reddit answers ``{"json": {"errors": [...], "data": {"things": [...]}}}`` and reports
refusals (rate limit, deleted parent, locked thread) inside ``errors`` with HTTP 200, so those are read too.
Reddit requires a descriptive User-Agent on every call and has no idempotency key.
"""

from __future__ import annotations

from typing import Any

import httpx

from kith.config import Settings
from kith.inbox.transports.base import MissingCredential, Outgoing, Transport, TransportError, json_object, post

API = "https://oauth.reddit.com/api/comment"
FULLNAME_PREFIXES = ("t1_", "t3_", "t4_")
RETRYABLE_ERRORS = {"RATELIMIT"}


class RedditTransport(Transport):
    name = "reddit"

    def __init__(self, settings: Settings, client: httpx.Client) -> None:
        if not settings.reddit_token:
            raise MissingCredential("KITH_REDDIT_TOKEN", "an OAuth access token with the submit scope")
        self.token = settings.reddit_token
        self.user_agent = settings.reddit_user_agent
        self.client = client

    def send(self, message: Outgoing) -> str:
        thing = message.in_reply_to or ""
        if not thing.startswith(FULLNAME_PREFIXES):
            raise TransportError(
                f"a Reddit reply needs the fullname it answers (t1_…, t3_…), got {thing!r}", retryable=False
            )
        response = post(
            self.client,
            API,
            data={"api_type": "json", "thing_id": thing, "text": message.body},
            headers={"Authorization": f"bearer {self.token}", "User-Agent": self.user_agent},
        )
        answer: Any = json_object(response, API).get("json")
        answer = answer if isinstance(answer, dict) else {}
        errors = [e for e in answer.get("errors") or [] if isinstance(e, list) and e]
        if errors:
            codes = {str(e[0]) for e in errors}
            text = "; ".join(" ".join(str(part) for part in e[:2]) for e in errors)
            raise TransportError(f"Reddit refused the comment: {text}", retryable=bool(codes & RETRYABLE_ERRORS))
        things = (answer.get("data") or {}).get("things") or []
        data = things[0].get("data") if things and isinstance(things[0], dict) else None
        if not isinstance(data, dict) or not (data.get("name") or data.get("id")):
            raise TransportError(f"{API}: the answer names no created comment", retryable=False)
        return str(data.get("name") or f"t1_{data['id']}")
