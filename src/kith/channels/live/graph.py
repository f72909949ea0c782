"""What the Facebook and Instagram pollers share: Graph API requests, rate limits and comment cursors.

Why a request function of its own: the Graph API reports throttling in the *body* of an HTTP 400/403
(error codes 4, 17, 32, 613 and the 80001-80014 business-use-case family), which :func:`base.request`
would count as a failure. Here it is a rate limit: the poll stops, keeps what it read and comes back when
Meta says (``X-Business-Use-Case-Usage``'s ``estimated_time_to_regain_access``) or, when only
``X-App-Usage`` percentages are sent, after the rolling hour Meta measures them over. A poll also slows
down *before* the limit: any usage at or above ``SLOW_DOWN_PCT`` waits ``SLOW_DOWN_S`` before the next poll.

Why comments are read newest first and cut at a time cursor: the ``comments`` edges have no reliable
``since`` (it is sent, and honoured where Meta supports time paging), so a poll pages with
``order=reverse_chronological`` until it reaches comments at or before the newest one already seen. The
access token travels in the ``Authorization`` header, never in a URL the logs could keep.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx

from kith.channels.base import ParseError, parse_time
from kith.channels.live.base import PollError, TransientError

BASE_URL = "https://graph.facebook.com/v19.0"
RATE_LIMIT_CODES = frozenset({4, 17, 32, 613, *range(80001, 80015)})
TRANSIENT_CODES = frozenset({1, 2})  # "unknown error" / "service temporarily unavailable"
EXPIRED_TOKEN_CODE = 190
SLOW_DOWN_PCT = 90.0
SLOW_DOWN_S = 900.0
THROTTLED_DEFAULT_S = 3600.0  # app-level limits are measured over a rolling hour
MAX_PAGES = 5  # per edge and poll
PAGE = 100


@dataclass
class GraphPage:
    """One answer: the page as JSON (None when throttled) and how long to wait before the next request."""

    doc: dict[str, Any] | None
    body: bytes
    wait: float | None


@dataclass
class EdgeRead:
    """What reading one edge newest-first produced: bodies to store, the newest time seen, a wait."""

    bodies: list[bytes] = field(default_factory=list)
    newest: int | None = None  # epoch seconds of the newest item seen
    wait: float | None = None
    throttled: bool = False  # Meta refused a request: stop polling this source until ``wait`` has passed


def base_url(params: dict[str, Any]) -> str:
    return str(params.get("base_url") or BASE_URL).rstrip("/")


def graph_get(client: httpx.Client, url: str, params: dict[str, str], token: str) -> GraphPage:
    """GET a Graph API edge; throttling is a :class:`GraphPage` with ``doc=None``, other errors raise."""
    try:
        response = client.get(url, params=params, headers={"Authorization": f"Bearer {token}"})
    except httpx.TimeoutException as exc:
        raise TransientError(f"{url}: timed out ({type(exc).__name__})") from exc
    except httpx.TransportError as exc:
        raise TransientError(f"{url}: connection failed ({exc})") from exc
    wait = usage_wait(response.headers)
    doc = _json(response.content)
    error = doc.get("error") if isinstance(doc, dict) else None
    code = _code(error)
    if code in RATE_LIMIT_CODES or response.status_code == 429:
        return GraphPage(None, response.content, throttled_wait(response.headers))
    if response.status_code >= 500 or code in TRANSIENT_CODES:
        raise TransientError(f"{url}: Graph API server error HTTP {response.status_code}")
    if code == EXPIRED_TOKEN_CODE or response.status_code == 401:
        raise PollError(f"{url}: the access token is invalid or expired (code 190); renew the channel's credentials")
    if response.status_code >= 400 or error is not None:
        message = error.get("message") if isinstance(error, dict) else None
        raise PollError(f"{url}: HTTP {response.status_code}: {message or 'Graph API error'}; check the source")
    if not isinstance(doc, dict):
        return GraphPage({}, response.content, wait)  # unusable: stored so the parser quarantines it
    return GraphPage(doc, response.content, wait)


def usage_wait(headers: httpx.Headers) -> float | None:
    """Seconds to pause before the next poll because the usage headers say a limit is near."""
    if _usage_percent(headers) >= SLOW_DOWN_PCT:
        return max(SLOW_DOWN_S, _regain_seconds(headers))
    return None


def throttled_wait(headers: httpx.Headers) -> float:
    """Seconds until a throttled app may call again: Meta's estimate, else an hour (the rolling window)."""
    regain = _regain_seconds(headers)
    return regain if regain > 0 else THROTTLED_DEFAULT_S


def _usage_percent(headers: httpx.Headers) -> float:
    values: list[float] = []
    app = _json(headers.get("x-app-usage", "").encode())
    if isinstance(app, dict):
        values += [float(v) for v in app.values() if isinstance(v, int | float)]
    for usage in _business_usages(headers):
        values += [
            float(usage[k])
            for k in ("call_count", "total_cputime", "total_time")
            if isinstance(usage.get(k), int | float)
        ]
    return max(values, default=0.0)


def _regain_seconds(headers: httpx.Headers) -> float:
    minutes = [
        float(u["estimated_time_to_regain_access"])
        for u in _business_usages(headers)
        if isinstance(u.get("estimated_time_to_regain_access"), int | float)
    ]
    return max(minutes, default=0.0) * 60.0


def _business_usages(headers: httpx.Headers) -> list[dict[str, Any]]:
    """``X-Business-Use-Case-Usage`` is ``{business id: [{type, call_count, …}, …]}``."""
    doc = _json(headers.get("x-business-use-case-usage", "").encode())
    if not isinstance(doc, dict):
        return []
    return [u for entries in doc.values() if isinstance(entries, list) for u in entries if isinstance(u, dict)]


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw else None
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None


def _code(error: Any) -> int | None:
    if not isinstance(error, dict):
        return None
    code = error.get("code")
    if isinstance(code, int):
        return code
    return int(code) if isinstance(code, str) and code.isdigit() else None


def epoch(value: Any) -> int | None:
    """A Graph API time (``2021-08-10T18:45:03+0000``) as epoch seconds; None when unreadable."""
    if not isinstance(value, str):
        return None
    try:
        moment: datetime = parse_time(value)
    except ParseError:
        return None
    return int(moment.timestamp())


def read_newest_first(
    client: httpx.Client,
    url: str,
    query: dict[str, str],
    token: str,
    since: int | None,
    time_of: Callable[[dict[str, Any]], int | None],
) -> EdgeRead:
    """Page an edge newest first until items at or before ``since`` (epoch s) appear; no cursor: one page.

    Items in the cursor's very second are kept (they may be new; the one already stored comes back as a
    duplicate the raw store ignores), older ones are dropped from the stored body. Items whose time
    cannot be read are kept so the parser can quarantine them. ``newest`` stays None when the read was
    throttled before it reached the cursor, so the cursor never jumps over unread items.
    """
    read = EdgeRead()
    newest: int | None = None
    after: str | None = None
    for _ in range(MAX_PAGES):
        params = dict(query)
        if since is not None:
            params["since"] = str(since)
        if after:
            params["after"] = after
        page = graph_get(client, url, params, token)
        read.wait = max(page.wait or 0.0, read.wait or 0.0) or None
        if page.doc is None:
            read.throttled = True
            return read  # throttled part-way: the cursor stays, the next poll reads these pages again
        items = page.doc.get("data")
        if not isinstance(items, list):
            read.bodies.append(page.body)  # an unusable page: the parser quarantines it
            return read
        kept = [i for i in items if since is None or not isinstance(i, dict) or (time_of(i) or since) >= since]
        times = [t for t in (time_of(i) for i in items if isinstance(i, dict)) if t is not None]
        if times:
            newest = max([*times, newest or 0])
        if kept:
            read.bodies.append(
                page.body if len(kept) == len(items) else json.dumps({**page.doc, "data": kept}).encode()
            )
        after = _after(page.doc)
        if since is None or len(kept) < len(items) or not after:
            break
    read.newest = newest  # more than MAX_PAGES of new items: the oldest are skipped, as with X search
    return read


def _after(doc: dict[str, Any]) -> str | None:
    """The next page's cursor, only when the page says there is a next page."""
    paging = doc.get("paging")
    if not isinstance(paging, dict) or not paging.get("next"):
        return None
    cursors = paging.get("cursors")
    after = cursors.get("after") if isinstance(cursors, dict) else None
    return after if isinstance(after, str) and after else None


def track(objects: list[list[Any]], fresh: list[str], limit: int) -> list[list[Any]]:
    """The ``limit`` newest objects whose comments are read: ``[[id, comment cursor], …]``, newest first.

    ``fresh`` are ids just seen in the feed (newest first); known ids keep their comment cursor.
    """
    known = {str(pair[0]): pair[1] for pair in objects if isinstance(pair, list) and len(pair) == 2}
    order = [*fresh, *[str(pair[0]) for pair in objects if isinstance(pair, list) and len(pair) == 2]]
    seen: list[str] = []
    for object_id in order:
        if object_id not in seen:
            seen.append(object_id)
    return [[object_id, known.get(object_id)] for object_id in seen[:limit]]


def ids_in(bodies: list[bytes]) -> list[str]:
    """Ids of the items in Graph API pages, in page order (newest first for feeds and media)."""
    ids: list[str] = []
    for body in bodies:
        doc = _json(body)
        items = doc.get("data") if isinstance(doc, dict) else None
        ids += (
            [str(i["id"]) for i in items if isinstance(i, dict) and isinstance(i.get("id"), str)]
            if isinstance(items, list)
            else []
        )
    return ids
