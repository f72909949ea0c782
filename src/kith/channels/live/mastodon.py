"""Mastodon timelines: a hashtag, the public timeline, or our notifications.

Why ``min_id`` and not ``since_id``: with ``since_id`` Mastodon returns the *newest* page, so more than a
page of new posts between two polls leaves a gap; ``min_id`` returns the page right after the cursor, and
paging forward with the newest id seen is gap-free. That paging needs no ``Link`` header parsing.
The first poll of a source (no cursor) takes only the newest page: listening starts now, no backfill.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import httpx

from kith.channels.live.base import (
    CursorState,
    Poller,
    PollError,
    PollResult,
    SourceError,
    newest_id,
    request,
    retry_after,
)
from kith.db import utcnow

TIMELINES = ("tag", "public", "notifications")
PAGE = 40  # Mastodon's maximum for timelines and notifications
MAX_PAGES = 5  # per poll; the rest comes next poll (the cursor is gap-free)


class MastodonPoller(Poller):
    kind = "mastodon"
    parser = "mastodon"

    def check_params(self, params: dict[str, Any]) -> dict[str, Any]:
        base_url = str(params.get("base_url") or "").rstrip("/")
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise SourceError("mastodon needs base_url, the server's address, e.g. base_url=https://mastodon.social")
        timeline = str(params.get("timeline") or ("tag" if params.get("tag") else ""))
        if timeline not in TIMELINES:
            raise SourceError(f"mastodon needs timeline= one of {', '.join(TIMELINES)} (or tag=NAME)")
        checked: dict[str, Any] = {"base_url": base_url, "timeline": timeline}
        if timeline == "tag":
            tag = str(params.get("tag") or "").lstrip("#")
            if not tag:
                raise SourceError("a mastodon tag timeline needs tag=NAME (without #)")
            checked["tag"] = tag
        if timeline == "notifications" and params.get("types"):
            checked["types"] = str(params["types"])  # comma-separated, e.g. mention,status
        return checked

    def source_for(self, params: dict[str, Any]) -> str:
        host = urlsplit(params["base_url"]).netloc
        what = f"tag:{params['tag']}" if params["timeline"] == "tag" else params["timeline"]
        return f"mastodon:{what}@{host}"

    def poll(self, client: httpx.Client, cursor: CursorState) -> PollResult:
        p = cursor.params
        path = {"tag": f"/api/v1/timelines/tag/{p.get('tag', '')}", "public": "/api/v1/timelines/public"}
        url = p["base_url"] + path.get(p["timeline"], "/api/v1/notifications")
        if p["timeline"] == "notifications" and not cursor.credentials:
            raise PollError("mastodon notifications need an access token: set the channel's credentials")
        headers = {"Authorization": f"Bearer {cursor.credentials}"} if cursor.credentials else {}
        position = dict(cursor.position)
        bodies: list[bytes] = []
        wait: float | None = None
        for _ in range(MAX_PAGES):
            query: list[tuple[str, str]] = [("limit", str(PAGE))]
            if position.get("min_id"):
                query.append(("min_id", str(position["min_id"])))
            query += [("types[]", t.strip()) for t in str(p.get("types") or "").split(",") if t.strip()]
            response = request(client, url, params=query, headers=headers)
            wait = retry_after(response, utcnow())
            if response.status_code == 429:
                break
            bodies.append(response.content)
            ids = _ids(response.content)
            top = newest_id(ids)
            if top is not None:
                position["min_id"] = top
            # a full page may have more behind it; the first poll (no cursor) does not backfill
            if len(ids) < PAGE or not cursor.position.get("min_id") or wait:
                break
        return PollResult(bodies=bodies, new_state=position, retry_after=wait)


def _ids(body: bytes) -> list[str]:
    """Ids of the items in a timeline body; a body that is not a JSON list yields none (it is quarantined)."""
    try:
        items = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return []
    if not isinstance(items, list):
        return []
    return [str(i["id"]) for i in items if isinstance(i, dict) and isinstance(i.get("id"), str | int)]
