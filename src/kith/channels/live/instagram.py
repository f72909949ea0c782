"""Instagram professional account: its newest media and the comments (with replies) under them.

Why media are listed first: the Instagram Graph API has no account-wide comments edge, only
``/{ig-media-id}/comments``. So each poll reads the newest page of ``/{ig-user-id}/media`` (the company's
own posts, stored too: they are the threads the comments hang under), keeps the ``media`` newest
(default 10) with a comment cursor each, and reads their comments newest first down to that cursor.
Comments are asked for with ``media{id}`` and ``replies{…}``, so the ``instagram`` parser knows the media
and the parent of each one without the page URL.

Known limits: comments under older media are not seen (raise ``media``, or subscribe to the ``comments``
webhook); a new reply to an old comment arrives only while its comment is within the cursor window.
"""

from __future__ import annotations

import re
from typing import Any

import httpx

from kith.channels.live.base import CursorState, Poller, PollError, PollResult, SourceError
from kith.channels.live.facebook import DEFAULT_TRACKED, tracked_limit
from kith.channels.live.graph import base_url, epoch, graph_get, ids_in, read_newest_first, track

MEDIA_FIELDS = "id,caption,timestamp,permalink,media_type,media_product_type,comments_count,like_count,username"
REPLY_FIELDS = "id,text,timestamp,username,from,like_count,parent_id"
COMMENT_FIELDS = f"id,text,timestamp,username,from,like_count,hidden,media{{id}},replies{{{REPLY_FIELDS}}}"
_IG_ID = re.compile(r"^\d{5,30}$")


def _timestamp(item: dict[str, Any]) -> int | None:
    return epoch(item.get("timestamp"))


class InstagramCommentsPoller(Poller):
    kind = "instagram"
    parser = "instagram"

    def check_params(self, params: dict[str, Any]) -> dict[str, Any]:
        user_id = str(params.get("ig_user_id") or "").strip()
        if not _IG_ID.match(user_id):
            raise SourceError(
                "instagram needs ig_user_id=ID, the numeric id of the Instagram professional account "
                "(GET /{page-id}?fields=instagram_business_account), e.g. ig_user_id=17841405822304914"
            )
        checked: dict[str, Any] = {"ig_user_id": user_id, "media": tracked_limit(params, "media")}
        if params.get("base_url"):
            checked["base_url"] = str(params["base_url"]).rstrip("/")
        return checked

    def source_for(self, params: dict[str, Any]) -> str:
        return f"instagram:comments:{params['ig_user_id']}"

    def poll(self, client: httpx.Client, cursor: CursorState) -> PollResult:
        if not cursor.credentials:
            raise PollError(
                "instagram needs an access token with instagram_manage_comments: set the channel's credentials"
            )
        p, token = cursor.params, cursor.credentials
        root = base_url(p)
        position = dict(cursor.position)
        limit = int(p.get("media", DEFAULT_TRACKED))
        page = graph_get(
            client, f"{root}/{p['ig_user_id']}/media", {"fields": MEDIA_FIELDS, "limit": str(max(limit, 1))}, token
        )
        if page.doc is None:
            return PollResult(bodies=[], new_state=position, retry_after=page.wait)
        bodies = [page.body]
        media = track(list(position.get("media") or []), ids_in(bodies), limit)
        wait = page.wait
        query = {"fields": COMMENT_FIELDS, "limit": "50"}
        for pair in media:
            read = read_newest_first(client, f"{root}/{pair[0]}/comments", query, token, pair[1], _timestamp)
            bodies += read.bodies
            if read.newest is not None:
                pair[1] = max(read.newest, pair[1] or 0)
            wait = max(wait or 0.0, read.wait or 0.0) or None
            if read.throttled:
                break
        position["media"] = media
        return PollResult(bodies=bodies, new_state=position, retry_after=wait)
