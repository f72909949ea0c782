"""RSS, Atom and JSON Feed by URL, with conditional GET.

Why conditional GET: feeds are polled often and change rarely; ``If-None-Match`` / ``If-Modified-Since``
turn an unchanged feed into a bodiless 304. Entries already stored are duplicates the raw store ignores,
so a feed that ignores validators costs bandwidth, never correctness.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import httpx

from kith.channels.live.base import CursorState, Poller, PollResult, SourceError, request, retry_after
from kith.db import utcnow


class FeedPoller(Poller):
    kind = "feed"
    parser = "feeds"

    def check_params(self, params: dict[str, Any]) -> dict[str, Any]:
        url = str(params.get("url") or "")
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise SourceError("feed needs url=, the feed's http(s) address, e.g. url=https://example.com/feed.xml")
        return {"url": url}

    def source_for(self, params: dict[str, Any]) -> str:
        return f"feed:{params['url']}"

    def poll(self, client: httpx.Client, cursor: CursorState) -> PollResult:
        headers: dict[str, str] = {}
        if cursor.etag:
            headers["If-None-Match"] = cursor.etag
        if cursor.last_modified:
            headers["If-Modified-Since"] = cursor.last_modified
        response = request(client, cursor.params["url"], headers=headers)
        wait = retry_after(response, utcnow())
        if response.status_code in (304, 429):
            return PollResult([], dict(cursor.position), cursor.etag, cursor.last_modified, wait)
        return PollResult(
            bodies=[response.content] if response.content.strip() else [],
            new_state=dict(cursor.position),
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
            retry_after=wait,
        )
