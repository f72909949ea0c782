"""What every live poller shares: the cursor it reads, the result it returns, how HTTP errors are sorted.

Why pollers are pure-ish: a poller only talks HTTP through the ``httpx.Client`` it is handed and returns
bodies plus its next position; it never touches the database. The runner stores bodies and cursor in one
transaction, so tests drive pollers with ``httpx.MockTransport`` and the storage rules live in one place.
Rate limits are not failures (the server told us when to come back); 5xx and timeouts are, and back off
exponentially with jitter so many Kith instances do not retry in lock-step.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from kith.channels.base import ParseError, parse_time

USER_AGENT = "kith-listener/1.0 (+https://github.com/kith-crm/kith; social CRM polling connector)"
BACKOFF_BASE_S = 30.0
BACKOFF_CAP_S = 6 * 3600.0


class SourceError(ValueError):
    """A source that cannot be configured as given; the message says what to change."""


class PollError(Exception):
    """A poll that failed (bad credentials, 4xx, unusable answer): counted as a failure, backed off."""


class TransientError(PollError):
    """A 5xx, a timeout or a broken connection: the same request will probably work later."""


@dataclass(frozen=True)
class CursorState:
    """What a poller knows about its source: its configuration and where it stopped."""

    params: dict[str, Any]
    position: dict[str, Any] = field(default_factory=dict)  # e.g. {"min_id": "…"} or {"before": "t3_…"}
    etag: str | None = None
    last_modified: str | None = None
    credentials: str | None = None  # decrypted token of the channel, if any; never stored in the cursor


@dataclass
class PollResult:
    bodies: list[bytes]
    new_state: dict[str, Any]  # the next position (replaces CursorState.position)
    etag: str | None = None
    last_modified: str | None = None
    retry_after: float | None = None  # seconds the server asked us to wait before the next request


class Poller:
    """A kind of live source. Subclasses set ``kind`` and ``parser`` and implement the three methods."""

    kind: str = ""
    parser: str = ""  # the channel parser that reads the bodies this poller returns

    def check_params(self, params: dict[str, Any]) -> dict[str, Any]:
        """Validate and complete ``params``; raise :class:`SourceError` with a fix."""
        raise NotImplementedError  # abstract: every poller overrides it

    def source_for(self, params: dict[str, Any]) -> str:
        """A readable, unique name of the source, e.g. ``mastodon:tag:nordlicht@mastodon.social``."""
        raise NotImplementedError  # abstract: every poller overrides it

    def poll(self, client: httpx.Client, cursor: CursorState) -> PollResult:
        raise NotImplementedError  # abstract: every poller overrides it


def request(
    client: httpx.Client, url: str, *, params: Any = None, headers: dict[str, str] | None = None
) -> httpx.Response:
    """GET ``url`` and sort the outcome: a usable response (2xx, 304, 429) or a :class:`PollError`."""
    try:
        response = client.get(url, params=params, headers=headers)
    except httpx.TimeoutException as exc:
        raise TransientError(f"{url}: timed out ({type(exc).__name__})") from exc
    except httpx.TransportError as exc:
        raise TransientError(f"{url}: connection failed ({exc})") from exc
    status = response.status_code
    if status >= 500 or status == 408:
        raise TransientError(f"{url}: server error HTTP {status}")
    if status in (401, 403):
        raise PollError(f"{url}: HTTP {status}; check the channel's credentials and their scopes")
    if status >= 400 and status != 429:
        raise PollError(f"{url}: HTTP {status}; check the source's parameters")
    return response


def retry_after(response: httpx.Response, now: datetime) -> float | None:
    """Seconds to wait as the server asks: ``Retry-After``, or an exhausted ``X-RateLimit-*`` window.

    Mastodon sends ``X-RateLimit-Reset`` as an ISO time, X as epoch seconds, Reddit as seconds left
    (and ``X-RateLimit-Remaining`` as a float); all three are read here.
    """
    header = response.headers.get("retry-after")
    if header:
        return _seconds_until(header, now)
    headers = response.headers  # X spells them x-rate-limit-*, Mastodon and Reddit x-ratelimit-*
    remaining = headers.get("x-ratelimit-remaining") or headers.get("x-rate-limit-remaining")
    reset = headers.get("x-ratelimit-reset") or headers.get("x-rate-limit-reset")
    try:
        exhausted = remaining is not None and float(remaining) < 1
    except ValueError:
        exhausted = False
    if exhausted and reset:
        return _seconds_until(reset, now)
    if response.status_code == 429:
        return 60.0  # rate limited without saying for how long: a polite minute
    return None


def _seconds_until(value: str, now: datetime) -> float | None:
    text = value.strip()
    try:
        number = float(text)
    except ValueError:
        number = None
    if number is not None:
        # epoch seconds are large; a delta is small (Retry-After, Reddit's reset)
        return max(0.0, number - now.timestamp()) if number > 1e9 else max(0.0, number)
    try:
        moment = parsedate_to_datetime(text)  # HTTP date (Retry-After)
    except (TypeError, ValueError):
        try:
            moment = parse_time(text)  # ISO 8601 (Mastodon)
        except ParseError:
            return None
    return max(0.0, (moment - now).total_seconds())


def backoff_seconds(failures: int, rng: random.Random | None = None) -> float:
    """Exponential back-off with ±20 % jitter: 30 s, 60 s, 120 s … capped at six hours.

    The jitter band is narrower than the doubling, so the wait always grows until the cap.
    """
    base = min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2.0 ** min(30, max(0, failures - 1)))
    factor: float = (rng or random.Random()).uniform(0.8, 1.2)
    return base * factor


def newest_id(ids: list[str]) -> str | None:
    """The largest of numeric-string ids (Mastodon snowflakes): longer is larger, then lexical."""
    return max(ids, key=lambda i: (len(i), i)) if ids else None


class StreamSource(Poller):
    """A source that pushes: a long-lived connection (SSE, websocket) plus a REST catch-up.

    Why both: a stream only carries what happens while connected. Before each (re)connection the
    runner calls :meth:`catch_up` (an ordinary poll from the stored cursor), so a restart or a dropped
    connection leaves no gap; then :meth:`events` yields each item with the cursor *after* it, and the
    runner stores the two together. ``poll`` is the catch-up, so ``kith listen --once`` reads a stream
    source too, without holding a connection open.
    """

    def catch_up(self, client: httpx.Client, cursor: CursorState) -> PollResult:
        raise NotImplementedError  # abstract: every stream source overrides it

    def events(self, client: httpx.Client, cursor: CursorState) -> Iterator[tuple[bytes | None, dict[str, Any]]]:
        """(body to store or None, next position) for each pushed event, until the connection ends."""
        raise NotImplementedError  # abstract: every stream source overrides it

    def poll(self, client: httpx.Client, cursor: CursorState) -> PollResult:
        return self.catch_up(client, cursor)


def stream_backoff(failures: int, rng: random.Random | None = None) -> float:
    """Seconds before reconnecting a stream: 1 s after a normal end, then 2, 4 … capped at five minutes."""
    base = min(300.0, 2.0 ** min(10, max(0, failures)))
    factor: float = (rng or random.Random()).uniform(0.8, 1.2)
    return base * factor
