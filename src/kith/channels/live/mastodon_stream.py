"""Mastodon streaming (server-sent events): a hashtag, the public timeline, or our notifications, live.

Why the cursor is the REST poller's ``min_id``: before each connection the stream catches up with the
ordinary timeline poll from that cursor (:class:`MastodonPoller`), and every streamed status (or
notification, for the notifications stream) moves the same cursor. A restart or a dropped connection
therefore resumes through the REST API without gaps, and anything read twice is a duplicate the raw
store ignores. Each event is stored as a one-event SSE body, which the ``mastodon`` parser reads
(``update``, ``status.update``, ``notification``, ``delete``); heartbeats (``:`` lines) are skipped.

Some servers stream from another host (``/api/v1/instance``'s ``urls.streaming_api``): give it as
``streaming_url``; the default is ``base_url``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx

from kith.channels.live.base import (
    CursorState,
    PollError,
    PollResult,
    SourceError,
    StreamSource,
    TransientError,
    newest_id,
)
from kith.channels.live.mastodon import MastodonPoller

STREAMS = {"tag": "/api/v1/streaming/hashtag", "public": "/api/v1/streaming/public"}
NOTIFICATIONS_STREAM = "/api/v1/streaming/user/notification"
CURSOR_EVENTS = {"tag": "update", "public": "update", "notifications": "notification"}


class MastodonStreamSource(StreamSource):
    kind = "mastodon-stream"
    parser = "mastodon"
    rest = MastodonPoller()

    def check_params(self, params: dict[str, Any]) -> dict[str, Any]:
        checked = self.rest.check_params(params)
        streaming_url = str(params.get("streaming_url") or "").rstrip("/")
        if streaming_url:
            parts = urlsplit(streaming_url)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise SourceError("mastodon-stream streaming_url= must be an address, e.g. https://streaming.example")
            checked["streaming_url"] = streaming_url
        return checked

    def source_for(self, params: dict[str, Any]) -> str:
        return "mastodon-stream:" + self.rest.source_for(params).split(":", 1)[1]

    def catch_up(self, client: httpx.Client, cursor: CursorState) -> PollResult:
        return self.rest.poll(client, cursor)

    def events(self, client: httpx.Client, cursor: CursorState) -> Iterator[tuple[bytes | None, dict[str, Any]]]:
        p = cursor.params
        if p["timeline"] == "notifications" and not cursor.credentials:
            raise PollError("the mastodon notifications stream needs an access token: set the channel's credentials")
        root = str(p.get("streaming_url") or p["base_url"])
        url = root + STREAMS.get(p["timeline"], NOTIFICATIONS_STREAM)
        query = {"tag": str(p["tag"])} if p["timeline"] == "tag" else {}
        headers = {"Accept": "text/event-stream"}
        if cursor.credentials:
            headers["Authorization"] = f"Bearer {cursor.credentials}"
        position = dict(cursor.position)
        moves = CURSOR_EVENTS[p["timeline"]]
        try:
            with client.stream("GET", url, params=query, headers=headers) as response:
                if response.status_code in (401, 403):
                    raise PollError(f"{url}: HTTP {response.status_code}; check the channel's token and its read scope")
                if response.status_code >= 400:
                    kind = TransientError if response.status_code >= 500 or response.status_code == 429 else PollError
                    raise kind(f"{url}: HTTP {response.status_code}")
                for event, data in sse_events(response.iter_lines()):
                    if event == moves:
                        top = newest_id([i for i in (_id(data), position.get("min_id")) if isinstance(i, str)])
                        if top is not None:
                            position["min_id"] = top
                    yield f"event: {event}\ndata: {data}\n\n".encode(), dict(position)
        except httpx.TimeoutException as exc:
            raise TransientError(f"{url}: no event or heartbeat in time ({type(exc).__name__})") from exc
        except httpx.TransportError as exc:
            raise TransientError(f"{url}: stream broken ({exc})") from exc


def sse_events(lines: Iterator[str]) -> Iterator[tuple[str, str]]:
    """(event, data) of each server-sent event; ``:`` comment lines (heartbeats) are skipped."""
    event, data = "message", list[str]()
    for line in lines:
        if line.startswith(":"):
            continue
        if not line:
            if data:
                yield event, "\n".join(data)
            event, data = "message", []
            continue
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "event":
            event = value
        elif name == "data":
            data.append(value)


def _id(data: str) -> str | None:
    try:
        doc = json.loads(data)
    except json.JSONDecodeError:
        return None
    value = doc.get("id") if isinstance(doc, dict) else None
    return str(value) if isinstance(value, str | int) else None
