"""Channel transports: deliver an outbox message on its network (stub names: filled in by the transport work)."""

from __future__ import annotations

# channel name → transport name; anything unlisted goes to the local outbox (the mock transport)
TRANSPORTS = {"mastodon": "mastodon", "bluesky": "bluesky", "x": "x", "reddit": "reddit", "email": "smtp"}


def transport_name(channel: str) -> str:
    """The transport that answers on ``channel`` (``outbox``: kept locally, shown as sent by hand)."""
    return TRANSPORTS.get(channel, "outbox")
