"""Facebook page: posts on the page's feed and the comments under the page's newest posts.

Why two cursors: new posts are found on ``/{page-id}/feed`` with ``since`` = the newest ``created_time``
seen; new comments arrive under *old* posts too, so the poller keeps the ``posts`` newest posts (default
10) with a comment cursor each and reads ``/{post-id}/comments`` newest first down to that cursor (see
:mod:`graph`). ``filter=stream`` returns replies as well as top-level comments; ``permalink_url`` and
``parent`` let the ``facebook`` parser thread them without the page URL.

Known limits: comments under posts older than the tracked ones are not seen (raise ``posts``, or use the
``feed`` webhook, which reports every comment); the first poll reads only the newest page of each edge.
"""

from __future__ import annotations

import re
from typing import Any

import httpx

from kith.channels.live.base import CursorState, Poller, PollError, PollResult, SourceError
from kith.channels.live.graph import base_url, epoch, ids_in, read_newest_first, track

POST_FIELDS = "id,message,story,created_time,permalink_url,from,status_type,shares"
COMMENT_FIELDS = "id,message,created_time,from,parent{id},permalink_url,comment_count,like_count,attachment"
DEFAULT_TRACKED = 10
MAX_TRACKED = 50
_PAGE_ID = re.compile(r"^[A-Za-z0-9.\-]{1,100}$")


def _created(item: dict[str, Any]) -> int | None:
    return epoch(item.get("created_time"))


def tracked_limit(params: dict[str, Any], name: str) -> int:
    raw = params.get(name, DEFAULT_TRACKED)
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise SourceError(f"{name}= must be a whole number of posts (0-{MAX_TRACKED}), not {raw!r}") from None
    if not 0 <= value <= MAX_TRACKED:
        raise SourceError(f"{name}= must be between 0 and {MAX_TRACKED}; got {value}")
    return value


class FacebookPagePoller(Poller):
    kind = "facebook"
    parser = "facebook"

    def check_params(self, params: dict[str, Any]) -> dict[str, Any]:
        page_id = str(params.get("page_id") or "").strip()
        if not _PAGE_ID.match(page_id):
            raise SourceError("facebook needs page_id=ID, the page's numeric id or user name, e.g. page_id=19292868552")
        checked: dict[str, Any] = {"page_id": page_id, "posts": tracked_limit(params, "posts")}
        if params.get("base_url"):
            checked["base_url"] = str(params["base_url"]).rstrip("/")
        return checked

    def source_for(self, params: dict[str, Any]) -> str:
        return f"facebook:page:{params['page_id']}"

    def poll(self, client: httpx.Client, cursor: CursorState) -> PollResult:
        if not cursor.credentials:
            raise PollError("facebook needs a page access token: set the channel's credentials")
        p, token = cursor.params, cursor.credentials
        root = base_url(p)
        position = dict(cursor.position)
        since = position.get("since") if isinstance(position.get("since"), int) else None
        feed = read_newest_first(
            client, f"{root}/{p['page_id']}/feed", {"fields": POST_FIELDS, "limit": "100"}, token, since, _created
        )
        bodies = list(feed.bodies)
        if feed.newest is not None:
            position["since"] = max(feed.newest, since or 0)
        posts = track(list(position.get("posts") or []), ids_in(feed.bodies), int(p.get("posts", DEFAULT_TRACKED)))
        wait = feed.wait
        query = {"fields": COMMENT_FIELDS, "filter": "stream", "order": "reverse_chronological", "limit": "100"}
        for pair in posts:
            if feed.throttled:
                break  # leave the comments for the next poll
            read = read_newest_first(client, f"{root}/{pair[0]}/comments", query, token, pair[1], _created)
            bodies += read.bodies
            if read.newest is not None:
                pair[1] = max(read.newest, pair[1] or 0)
            wait = max(wait or 0.0, read.wait or 0.0) or None
            if read.throttled:
                break
        position["posts"] = posts
        return PollResult(bodies=bodies, new_state=position, retry_after=wait)
