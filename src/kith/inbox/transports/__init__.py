"""Channel transports: deliver an outbox message on its network.

``transport_name`` picks the transport when a reply is queued (the inbox calls it); ``open_transport``
builds it when the sender delivers. A transport whose credentials are missing raises
:class:`~kith.inbox.transports.base.MissingCredential` naming the setting, and nothing goes on the network.
"""

from __future__ import annotations

from collections.abc import Mapping

import httpx

from kith.config import Settings
from kith.inbox.transports.base import MissingCredential, Outgoing, StrongRef, Transport, TransportError
from kith.inbox.transports.bluesky import BlueskyTransport
from kith.inbox.transports.local import LocalOutbox
from kith.inbox.transports.mastodon import MastodonTransport
from kith.inbox.transports.reddit import RedditTransport
from kith.inbox.transports.smtp import SmtpTransport
from kith.inbox.transports.x import XTransport

__all__ = [
    "TRANSPORTS",
    "MissingCredential",
    "Outgoing",
    "StrongRef",
    "Transport",
    "TransportError",
    "open_transport",
    "transport_name",
]

# channel name → transport name; anything unlisted goes to the local outbox (the mock transport)
TRANSPORTS = {"mastodon": "mastodon", "bluesky": "bluesky", "x": "x", "reddit": "reddit", "email": "smtp"}
_HTTP = {"mastodon": MastodonTransport, "bluesky": BlueskyTransport, "x": XTransport, "reddit": RedditTransport}
KNOWN = frozenset({"outbox", "smtp", *_HTTP})


def transport_name(channel: str) -> str:
    """The transport that answers on ``channel`` (``outbox``: kept locally, shown as sent by hand)."""
    return TRANSPORTS.get(channel, "outbox")


def open_transport(
    name: str, settings: Settings, client: httpx.Client, env: Mapping[str, str] | None = None
) -> Transport:
    """The transport called ``name``, configured from ``settings`` (SMTP: from ``env``, as the alert mail)."""
    if name == "outbox":
        return LocalOutbox()
    if name == "smtp":
        return SmtpTransport(settings, env)
    if name in _HTTP:
        return _HTTP[name](settings, client)
    raise TransportError(f"unknown transport {name!r}; known: {', '.join(sorted(KNOWN))}", retryable=False)
