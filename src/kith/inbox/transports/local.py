"""The local outbox: "sending" keeps the message for a person to post by hand (and for the demo and tests).

Why a mock transport in production code: channels without a send API (or without credentials yet) still get
a complete inbox flow — the answer is recorded, counted and shown as sent; a person copies it to the network.
"""

from __future__ import annotations

from kith.inbox.transports.base import Outgoing, Transport


class LocalOutbox(Transport):
    """Marks the message sent without any network; its external id says where it is kept."""

    name = "outbox"

    def __init__(self) -> None:
        self.sent: list[Outgoing] = []  # what this instance "sent", for the demo and tests

    def send(self, message: Outgoing) -> str:
        self.sent.append(message)
        return f"outbox:{message.idempotency_key}"
