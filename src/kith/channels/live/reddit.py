"""Subreddit ``/new`` listings, newest first, with the ``before`` fullname as the cursor.

Why ``before``: it asks for the items right after (newer than) the cursor, so paging forward with the
newest fullname seen is gap-free. Reddit requires a descriptive User-Agent; with a token the OAuth host
is used (higher limits), without it the public ``.json`` listing. Known limit: if the cursor's post is
deleted, Reddit answers empty listings; after ``STALE_AFTER`` empty polls the cursor is dropped and the
newest page is read again (duplicates are harmless, the raw store ignores them).
"""

from __future__ import annotations

import json
import re
from typing import Any

import httpx

from kith.channels.live.base import USER_AGENT, CursorState, Poller, PollResult, SourceError, request, retry_after
from kith.db import utcnow

PAGE = 100
MAX_PAGES = 5
STALE_AFTER = 24
_SUBREDDIT = re.compile(r"^[A-Za-z0-9_]{2,21}$")


class RedditPoller(Poller):
    kind = "reddit"
    parser = "reddit"

    def check_params(self, params: dict[str, Any]) -> dict[str, Any]:
        name = str(params.get("subreddit") or "").removeprefix("/").removeprefix("r/")
        if not _SUBREDDIT.match(name):
            raise SourceError("reddit needs subreddit=NAME (letters, digits, _), e.g. subreddit=ebikes")
        checked: dict[str, Any] = {"subreddit": name}
        if params.get("user_agent"):
            checked["user_agent"] = str(params["user_agent"])
        if params.get("base_url"):
            checked["base_url"] = str(params["base_url"]).rstrip("/")
        return checked

    def source_for(self, params: dict[str, Any]) -> str:
        return f"reddit:r/{params['subreddit']}/new"

    def poll(self, client: httpx.Client, cursor: CursorState) -> PollResult:
        p = cursor.params
        headers = {"User-Agent": str(p.get("user_agent") or USER_AGENT)}
        if cursor.credentials:
            headers["Authorization"] = f"Bearer {cursor.credentials}"
            url = f"{p.get('base_url') or 'https://oauth.reddit.com'}/r/{p['subreddit']}/new"
        else:
            url = f"{p.get('base_url') or 'https://www.reddit.com'}/r/{p['subreddit']}/new.json"
        position = dict(cursor.position)
        bodies: list[bytes] = []
        wait: float | None = None
        for _ in range(MAX_PAGES):
            query = {"limit": str(PAGE), "raw_json": "1"}
            if position.get("before"):
                query["before"] = str(position["before"])
            response = request(client, url, params=query, headers=headers)
            wait = retry_after(response, utcnow())
            if response.status_code == 429:
                break
            bodies.append(response.content)
            names = _fullnames(response.content)
            if names:
                position["before"] = names[0]  # newest first
                position.pop("empty_polls", None)
            elif position.get("before"):
                position["empty_polls"] = int(position.get("empty_polls", 0)) + 1
                if position["empty_polls"] >= STALE_AFTER:
                    position = {}
            if len(names) < PAGE or not cursor.position.get("before") or wait:
                break
        return PollResult(bodies=bodies, new_state=position, retry_after=wait)


def _fullnames(body: bytes) -> list[str]:
    try:
        listing = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return []
    data = listing.get("data") if isinstance(listing, dict) else None
    children = data.get("children") if isinstance(data, dict) else None
    if not isinstance(children, list):
        return []
    names = [c.get("data", {}).get("name") for c in children if isinstance(c, dict) and isinstance(c.get("data"), dict)]
    return [n for n in names if isinstance(n, str)]
