"""Inbound webhooks: networks push items to ``/webhooks/{channel}`` and Kith stores them in the raw store.

There is no session or API token here: the sender proves who it is with an HMAC of the raw body made with a
secret only it and the channel share, so the signature *is* the authentication. It is checked on the exact
bytes received, before anything parses them, and compared in constant time. Two schemes:

* Meta (Facebook/Instagram Graph): ``X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, body)>``.
  Meta signs no timestamp, so a captured request can be replayed; the raw store's dedup by item id makes a
  replay a no-op. Accepted only on channels of a Meta kind, so other senders cannot drop replay protection
  by choosing the older scheme.
* Generic: ``X-Kith-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>." + body)>`` with
  ``X-Kith-Timestamp: <unix seconds>``; a timestamp more than five minutes away from now is refused.

The secret lives in the channel's credentials (``credentials_encrypted``, or the environment variable named
by ``credentials_ref``) as a JSON object ``{"webhook_secret": "…", "verify_token": "…"}`` (docs/webhooks.md).
Errors are JSON ``{"detail": …}`` even though the path is not under ``/api/``: the callers are machines.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import time
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from sqlalchemy import Engine, select
from starlette.concurrency import run_in_threadpool

from kith.auth.security import decrypt
from kith.channels.models import Channel
from kith.channels.registry import channel_names as parser_names
from kith.channels.service import ChannelDisabled, UnknownChannel
from kith.db import session_scope
from kith.pipeline.service import do_ingest_payload

router = APIRouter()
log = logging.getLogger(__name__)

MAX_BODY = 5 * 1024 * 1024
MAX_SKEW = 300  # seconds a generic signature's timestamp may be away from now
META_KINDS = frozenset({"facebook", "instagram"})
META_HEADER = "x-hub-signature-256"
KITH_HEADER = "x-kith-signature"
KITH_TIMESTAMP = "x-kith-timestamp"
MAX_CHALLENGE = 512
ChannelName = Annotated[str, Path(min_length=1, max_length=64, description="The channel's name.")]


class Refused(Exception):
    """A webhook request answered with ``status`` and a JSON detail saying what to fix."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


@dataclass(frozen=True)
class WebhookChannel:
    name: str
    kind: str
    enabled: bool
    secret: str | None
    verify_token: str | None


def webhook_channel(engine: Engine, name: str) -> WebhookChannel:
    """The channel ``name`` with its webhook secrets; ``Refused`` (404) when no such channel is configured."""
    with session_scope(engine) as session:
        channel = session.scalars(select(Channel).where(Channel.name == name)).first()
        if channel is None or (channel.kind or channel.name) not in parser_names():
            raise Refused(404, f"No channel named {name!r} is configured; an admin adds it under Admin → Channels.")
        secret, verify_token = webhook_credentials(channel)
        return WebhookChannel(channel.name, channel.kind or channel.name, channel.enabled, secret, verify_token)


def webhook_credentials(channel: Channel) -> tuple[str | None, str | None]:
    """(webhook secret, verify token) from the channel's credentials; ``None`` for what is not set."""
    if channel.credentials_encrypted is not None:
        try:
            text: str | None = decrypt(channel.credentials_encrypted)
        except ValueError as exc:
            log.error("webhook credentials of channel %s: %s", channel.name, exc)
            raise Refused(
                503, "The channel's webhook credentials cannot be read; an admin must set them again."
            ) from exc
    elif channel.credentials_ref:
        text = os.environ.get(channel.credentials_ref)
    else:
        text = None
    try:
        found = json.loads(text) if text else {}
    except ValueError:
        found = {}
    if not isinstance(found, dict):
        found = {}
    secret, token = found.get("webhook_secret"), found.get("verify_token")
    return (secret if isinstance(secret, str) and secret else None, token if isinstance(token, str) and token else None)


def sign(secret: str, data: bytes) -> str:
    """``sha256=<hex>``: the signature header value for ``data``."""
    return "sha256=" + hmac.new(secret.encode(), data, hashlib.sha256).hexdigest()


def check_signature(channel: WebhookChannel, headers: dict[str, str], body: bytes, now: float) -> None:
    """Refuse (401) unless ``body`` carries a valid signature made with the channel's webhook secret."""
    meta, generic = headers.get(META_HEADER), headers.get(KITH_HEADER)
    if generic is None and (meta is None or channel.kind not in META_KINDS):
        wanted = "X-Hub-Signature-256 or X-Kith-Signature" if channel.kind in META_KINDS else "X-Kith-Signature"
        raise Refused(401, f"The request is not signed; send {wanted} (see docs/webhooks.md).")
    if channel.secret is None:
        raise Refused(401, f"Channel {channel.name!r} has no webhook_secret in its credentials; an admin must set one.")
    if generic is not None:
        stamp = headers.get(KITH_TIMESTAMP, "").strip()
        if not (stamp.isascii() and stamp.isdigit()):
            raise Refused(401, "X-Kith-Signature needs X-Kith-Timestamp: the request's time in Unix seconds.")
        if abs(now - int(stamp)) > MAX_SKEW:
            raise Refused(401, "X-Kith-Timestamp is more than 5 minutes from the server's time; sign the request anew.")
        expected, given = sign(channel.secret, stamp.encode() + b"." + body), generic
    else:
        expected, given = sign(channel.secret, body), str(meta)
    if not hmac.compare_digest(expected.encode(), given.strip().encode()):
        raise Refused(
            401, "The signature does not match the body; sign the raw body with the channel's webhook_secret."
        )


async def read_body(request: Request) -> bytes:
    """The raw body, refusing more than ``MAX_BODY`` bytes before reading them all."""
    too_big = Refused(413, "The body is larger than 5 MB; send smaller batches.")
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > MAX_BODY:
        raise too_big
    parts, size = [], 0
    async for part in request.stream():
        size += len(part)
        if size > MAX_BODY:
            raise too_big
        parts.append(part)
    return b"".join(parts)


def refused(exc: Refused) -> JSONResponse:
    return JSONResponse({"detail": exc.detail}, status_code=exc.status)


@router.get("/webhooks/{channel}", include_in_schema=False, response_model=None)
async def verify_subscription(request: Request, channel: ChannelName) -> Response:
    """Meta's subscription handshake: echo ``hub.challenge`` when ``hub.verify_token`` is the channel's."""
    try:
        found = await run_in_threadpool(webhook_channel, request.app.state.engine, channel)
        params = request.query_params
        token, challenge = params.get("hub.verify_token", ""), params.get("hub.challenge", "")
        if (
            params.get("hub.mode") != "subscribe"
            or found.verify_token is None
            or not hmac.compare_digest(token.encode(), found.verify_token.encode())
        ):
            raise Refused(403, "hub.mode must be 'subscribe' and hub.verify_token the channel's verify_token.")
        if not found.enabled:
            raise Refused(409, f"The channel {channel!r} is disabled; an admin can enable it under Admin → Channels.")
        if not challenge or len(challenge) > MAX_CHALLENGE:
            raise Refused(400, f"hub.challenge must be 1 to {MAX_CHALLENGE} characters.")
    except Refused as exc:
        return refused(exc)
    return PlainTextResponse(challenge)


@router.post("/webhooks/{channel}", include_in_schema=False, response_model=None)
async def receive(request: Request, channel: ChannelName) -> Response:
    """Store a signed push in the raw store (202); ``kith run`` processes it. Idempotent by item id."""
    engine = request.app.state.engine
    try:
        found = await run_in_threadpool(webhook_channel, engine, channel)
        body = await read_body(request)
        check_signature(found, {k.lower(): v for k, v in request.headers.items()}, body, time.time())
        if not found.enabled:
            raise Refused(409, f"The channel {channel!r} is disabled; an admin can enable it under Admin → Channels.")
        if not body.strip():
            raise Refused(400, "The body is empty; send the network's webhook payload.")
        try:
            result = await run_in_threadpool(do_ingest_payload, engine, channel, body, f"webhook:{channel}")
        except UnknownChannel as exc:
            raise Refused(404, str(exc)) from exc
        except ChannelDisabled as exc:
            raise Refused(409, str(exc)) from exc
    except Refused as exc:
        return refused(exc)
    c = result.counts
    answer = {"raw_item_ids": result.raw_item_ids, "new": c.new, "duplicate": c.duplicate, "quarantined": c.quarantined}
    return JSONResponse(answer, status_code=202)
