"""YouTube comment threads on all of a channel's videos (``commentThreads.list``), newest first.

Why a time cursor: ``commentThreads.list`` has no ``since`` parameter, only ``order=time`` and
``pageToken``, and page tokens do not survive between polls. So the cursor is the newest top-level
``publishedAt`` seen; a poll pages until it reaches threads at or before it (or ``MAX_PAGES``), and
drops those from the bodies it returns. Threads published in the cursor's very second are kept (they may
be new); the one already stored comes back as a duplicate, which the raw store ignores.

Known limits: a new reply to an old thread does not move the thread up, so it is not seen here (the
thread's ``replies`` only come along while the thread itself is new); the API key goes in the query string
because that is how the Data API takes it, and quota errors arrive as HTTP 403 (counted as failures and
backed off). The first poll (no cursor) reads only the newest page: listening starts now, no backfill.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

import httpx

from kith.channels.base import ParseError, parse_time
from kith.channels.live.base import CursorState, Poller, PollError, PollResult, SourceError, request, retry_after
from kith.db import utcnow

URL = "https://www.googleapis.com/youtube/v3/commentThreads"
PAGE = 100  # the endpoint's maximum maxResults
MAX_PAGES = 5  # per poll; 1 quota unit each
_CHANNEL_ID = re.compile(r"^UC[A-Za-z0-9_-]{22}$")


class YouTubeCommentsPoller(Poller):
    kind = "youtube"
    parser = "youtube"

    def check_params(self, params: dict[str, Any]) -> dict[str, Any]:
        channel_id = str(params.get("channel_id") or "").strip()
        if not _CHANNEL_ID.match(channel_id):
            raise SourceError(
                "youtube needs channel_id=UC… (24 characters, from the channel page's URL or 'Share channel → "
                "Copy channel ID'), e.g. channel_id=UC_x5XG1OV2P6uZZ5FSM9Ttw; a @handle is not accepted"
            )
        checked: dict[str, Any] = {"channel_id": channel_id}
        if params.get("base_url"):
            checked["base_url"] = str(params["base_url"]).rstrip("/")
        return checked

    def source_for(self, params: dict[str, Any]) -> str:
        return f"youtube:comments:{params['channel_id']}"

    def poll(self, client: httpx.Client, cursor: CursorState) -> PollResult:
        if not cursor.credentials:
            raise PollError("youtube needs a Data API key: set the channel's credentials")
        p = cursor.params
        url = f"{p['base_url']}/youtube/v3/commentThreads" if p.get("base_url") else URL
        position = dict(cursor.position)
        since = _time(position.get("published_after"))
        bodies: list[bytes] = []
        wait: float | None = None
        page_token: str | None = None
        for _ in range(MAX_PAGES):
            query = {
                "part": "snippet,replies",
                "allThreadsRelatedToChannelId": str(p["channel_id"]),
                "order": "time",
                "maxResults": str(PAGE),
                "key": cursor.credentials,
            }
            if page_token:
                query["pageToken"] = page_token
            response = request(client, url, params=query)
            wait = retry_after(response, utcnow())
            if response.status_code == 429:
                break
            body, newest, reached, page_token = _newer_than(response.content, since)
            if body is not None:
                bodies.append(body)
            top = _time(position.get("published_after"))
            if newest is not None and (top is None or parse_time(newest) > top):
                position["published_after"] = newest
            # without a cursor, listening starts now: no backfill beyond the newest page
            if reached or not page_token or since is None or wait:
                break
        return PollResult(bodies=bodies, new_state=position, retry_after=wait)


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return parse_time(value)
    except ParseError:
        return None


def _published(item: Any) -> str | None:
    """A thread's top-level ``publishedAt`` (the order ``order=time`` sorts by), if readable."""
    snippet = item.get("snippet") if isinstance(item, dict) else None
    top = snippet.get("topLevelComment") if isinstance(snippet, dict) else None
    inner = top.get("snippet") if isinstance(top, dict) else None
    value = inner.get("publishedAt") if isinstance(inner, dict) else None
    return value if isinstance(value, str) and _time(value) is not None else None


def _newer_than(body: bytes, since: datetime | None) -> tuple[bytes | None, str | None, bool, str | None]:
    """(body to store, newest publishedAt, cursor reached, nextPageToken) of one page.

    The body keeps the threads at or after ``since`` (all of them without a cursor); threads whose time
    cannot be read are kept too, so the parser can quarantine them. An unusable body is returned as is.
    """
    try:
        page = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return body, None, False, None
    if not isinstance(page, dict) or not isinstance(page.get("items"), list):
        return body, None, False, None
    token = page.get("nextPageToken")
    items: list[Any] = page["items"]
    kept = [i for i in items if since is None or (t := _time(_published(i))) is None or t >= since]
    times = [t for t in (_published(i) for i in items) if t is not None]
    newest = max(times, key=parse_time) if times else None
    reached = len(kept) < len(items)
    if not kept:
        return None, newest, reached, token if isinstance(token, str) else None
    stored = body if len(kept) == len(items) else json.dumps({**page, "items": kept}).encode()
    return stored, newest, reached, token if isinstance(token, str) else None
