"""X API v2 recent search (``/2/tweets/search/recent``) with ``since_id`` = the newest tweet id seen.

Why ``since_id`` with ``next_token`` paging: X answers newest first and ``next_token`` walks towards
``since_id``, so one poll reads every tweet newer than the cursor, and ``meta.newest_id`` of the first
page becomes the next cursor. The fields and expansions asked for are those the ``x`` parser turns into
interactions and identities (times, threads, replies, authors); ``includes`` arrive once per page and the
parser copies them into each tweet's raw payload.

Known limits: more than ``MAX_PAGES`` pages of new tweets between two polls leaves the oldest of them
unread (the cursor still moves to the newest; poll a busy query more often). Recent search covers seven
days only and rejects an older ``since_id``, so a cursor that old is dropped and the newest page is read
again (duplicates are harmless, the raw store ignores them). X names its rate-limit headers
``x-rate-limit-*`` (not ``x-ratelimit-*``), so they are read here before :func:`base.retry_after`.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import httpx

from kith.channels._x_v1 import snowflake_time
from kith.channels.live.base import CursorState, Poller, PollError, PollResult, SourceError, request, retry_after
from kith.db import utcnow

URL = "https://api.x.com/2/tweets/search/recent"
PAGE = 100  # the endpoint's maximum max_results
MAX_PAGES = 5  # per poll
MAX_QUERY = 1000  # the source name (``x:search:<query>``) must fit its 1024-character column
SEARCH_WINDOW = timedelta(days=7) - timedelta(hours=1)  # keep a margin: X measures the window itself
TWEET_FIELDS = "created_at,author_id,conversation_id,referenced_tweets,lang,public_metrics,edit_history_tweet_ids"
EXPANSIONS = "author_id,referenced_tweets.id"
USER_FIELDS = "username,name,description,location,public_metrics"


class XSearchPoller(Poller):
    kind = "x"
    parser = "x"

    def check_params(self, params: dict[str, Any]) -> dict[str, Any]:
        query = str(params.get("query") or "").strip()
        if not query:
            raise SourceError('x needs query=SEARCH, X search syntax, e.g. query="#nordlicht -is:retweet"')
        if len(query) > MAX_QUERY:
            raise SourceError(f"x query is {len(query)} characters long; shorten it to at most {MAX_QUERY}")
        checked: dict[str, Any] = {"query": query}
        if params.get("base_url"):
            checked["base_url"] = str(params["base_url"]).rstrip("/")
        return checked

    def source_for(self, params: dict[str, Any]) -> str:
        return f"x:search:{params['query']}"

    def poll(self, client: httpx.Client, cursor: CursorState) -> PollResult:
        if not cursor.credentials:
            raise PollError("x search needs an app bearer token: set the channel's credentials")
        p = cursor.params
        url = f"{p['base_url']}/2/tweets/search/recent" if p.get("base_url") else URL
        headers = {"Authorization": f"Bearer {cursor.credentials}"}
        now = utcnow()
        position = dict(cursor.position)
        since = _usable_since_id(position.get("since_id"), now)
        if since is None:
            position.pop("since_id", None)
        bodies: list[bytes] = []
        wait: float | None = None
        next_token: str | None = None
        for _ in range(MAX_PAGES):
            query = {
                "query": str(p["query"]),
                "max_results": str(PAGE),
                "tweet.fields": TWEET_FIELDS,
                "expansions": EXPANSIONS,
                "user.fields": USER_FIELDS,
            }
            if since:
                query["since_id"] = since
            if next_token:
                query["next_token"] = next_token
            response = request(client, url, params=query, headers=headers)
            wait = x_retry_after(response, utcnow())
            if response.status_code == 429:
                break
            bodies.append(response.content)
            newest, next_token = _meta(response.content)
            if newest is not None and not bodies[:-1]:
                position["since_id"] = newest  # the first page holds the newest tweets
            # without a cursor, listening starts now: no backfill beyond the newest page
            if not next_token or not since or wait:
                break
        return PollResult(bodies=bodies, new_state=position, retry_after=wait)


def x_retry_after(response: httpx.Response, now: datetime) -> float | None:
    """Seconds to wait: X's exhausted ``x-rate-limit-*`` window (reset in epoch seconds), else the generic rules."""
    remaining = response.headers.get("x-rate-limit-remaining")
    reset = response.headers.get("x-rate-limit-reset")
    if response.headers.get("retry-after") is None and remaining is not None and reset is not None:
        try:
            if int(remaining) < 1:
                return max(0.0, float(reset) - now.timestamp())
        except ValueError:
            pass  # malformed headers: fall back to the generic rules
    return retry_after(response, now)


def _usable_since_id(value: Any, now: datetime) -> str | None:
    """The cursor, unless recent search would reject it as older than its seven-day window."""
    if not isinstance(value, str) or not value:
        return None
    made = snowflake_time(value)
    if made is not None and now - made > SEARCH_WINDOW:
        return None
    return value


def _meta(body: bytes) -> tuple[str | None, str | None]:
    """(``meta.newest_id``, ``meta.next_token``) of a search page; (None, None) for an unusable body."""
    try:
        page = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None, None
    meta = page.get("meta") if isinstance(page, dict) else None
    if not isinstance(meta, dict):
        return None, None
    newest, token = meta.get("newest_id"), meta.get("next_token")
    return (str(newest) if newest else None), (str(token) if token else None)
