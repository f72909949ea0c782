"""What every reply transport shares: the message it is handed, the error it raises, how HTTP answers sort.

Why transports never touch the database: the sender reads an outbox row and what it answers (the customer's
address, Bluesky's strong refs, mail headers) into an :class:`Outgoing`, and a transport only turns that into
one request. So every transport is tested against ``httpx.MockTransport`` with the exact request its API
documents, and the storage rules (claim, mark sent, retry) live in one place: ``kith.inbox.sender``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx

TIMEOUT_S = 30.0


class TransportError(Exception):
    """A delivery that did not happen. ``retryable``: the same request may work later (5xx, timeout, 429);
    otherwise a person must fix something first (credentials, a deleted post, a refused address)."""

    def __init__(self, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.retryable = retryable


class MissingCredential(TransportError):
    """A transport that is not configured: the message names the setting to set."""

    def __init__(self, variable: str, what: str) -> None:
        super().__init__(f"{variable} is not set ({what}); set it to send replies on this channel", retryable=False)
        self.variable = variable


@dataclass(frozen=True)
class StrongRef:
    """An AT Protocol strong reference: the record's URI and the CID of the exact version answered."""

    uri: str
    cid: str


@dataclass(frozen=True)
class Outgoing:
    """One message to deliver, with what its transport needs to thread it as a reply."""

    idempotency_key: str
    body: str
    recipient: str | None = None  # handle, e-mail address or external id of the person answered
    in_reply_to: str | None = None  # external id of the answered item (status id, tweet id, fullname, Message-ID)
    subject: str | None = None
    private: bool = False  # the answered item was a direct/private message: answer privately too
    references: tuple[str, ...] = ()  # e-mail: Message-IDs of the thread, oldest first
    reply_root: StrongRef | None = None  # Bluesky: the thread's first post
    reply_parent: StrongRef | None = None  # Bluesky: the post answered
    queued_at: datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class Transport:
    """Delivers an :class:`Outgoing` on one network and returns the id the network gave it."""

    name: str = ""

    def send(self, message: Outgoing) -> str:
        raise NotImplementedError  # abstract: every transport overrides it


def post(client: httpx.Client, url: str, **kwargs: Any) -> httpx.Response:
    """POST and sort the outcome: a 2xx response, or a :class:`TransportError` saying whether to retry."""
    try:
        response = client.post(url, **kwargs)
    except httpx.TimeoutException as exc:
        raise TransportError(f"{url}: timed out ({type(exc).__name__})", retryable=True) from exc
    except httpx.TransportError as exc:
        raise TransportError(f"{url}: connection failed ({exc})", retryable=True) from exc
    status = response.status_code
    if status < 300:
        return response
    detail = _detail(response)
    if status >= 500 or status in (408, 429):
        raise TransportError(f"{url}: HTTP {status}{detail}; will retry", retryable=True)
    if status in (401, 403):
        raise TransportError(f"{url}: HTTP {status}{detail}; check the credentials and their scopes", retryable=False)
    raise TransportError(f"{url}: HTTP {status}{detail}", retryable=False)


def json_object(response: httpx.Response, what: str) -> dict[str, Any]:
    """The response's JSON object, or a non-retryable error (the API answered something we cannot read)."""
    try:
        data = response.json()
    except ValueError as exc:
        raise TransportError(f"{what}: the answer is not JSON", retryable=False) from exc
    if not isinstance(data, dict):
        raise TransportError(f"{what}: expected a JSON object, got {type(data).__name__}", retryable=False)
    return data


def _detail(response: httpx.Response) -> str:
    """The API's own error words, shortened: they usually say exactly what is wrong."""
    try:
        data = response.json()
    except ValueError:
        return ""
    if isinstance(data, dict):
        for key in ("error_description", "error", "message", "detail", "title"):
            if isinstance(data.get(key), str) and data[key]:
                return f" ({data[key][:200]})"
    return ""


def new_client() -> httpx.Client:
    return httpx.Client(timeout=TIMEOUT_S, follow_redirects=False)
