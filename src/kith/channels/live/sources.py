"""Configured live sources: one ``connector_cursor`` row each, holding its parameters and position.

Why the cursor row is the configuration: a source and where it stopped are created, listed and removed
together, and the unique (channel, source) key makes adding the same source twice a clear error.
``state`` is ``{"params": {...}, "position": {...}, "last_error": "..."}``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kith.auth.security import decrypt
from kith.channels.live.base import Poller, PollError, SourceError
from kith.channels.live.bluesky_jetstream import JetstreamSource
from kith.channels.live.facebook import FacebookPagePoller
from kith.channels.live.feeds import FeedPoller
from kith.channels.live.imap import ImapPoller
from kith.channels.live.instagram import InstagramCommentsPoller
from kith.channels.live.mastodon import MastodonPoller
from kith.channels.live.mastodon_stream import MastodonStreamSource
from kith.channels.live.reddit import RedditPoller
from kith.channels.live.x import XSearchPoller
from kith.channels.live.youtube import YouTubeCommentsPoller
from kith.channels.models import Channel, ConnectorCursor
from kith.channels.service import ensure_channel, parser_kind

POLLERS: dict[str, Poller] = {
    p.kind: p
    for p in (
        MastodonPoller(),
        FeedPoller(),
        RedditPoller(),
        XSearchPoller(),
        YouTubeCommentsPoller(),
        FacebookPagePoller(),
        InstagramCommentsPoller(),
        ImapPoller(),
        MastodonStreamSource(),
        JetstreamSource(),
    )
}


@dataclass(frozen=True)
class SourceRow:
    channel: str
    source: str
    params: dict[str, Any]
    failures: int
    next_poll_at: datetime | None
    last_error: str | None


def poller_for_source(source: str) -> Poller:
    """The poller named by the source's prefix (``mastodon:…``, ``feed:…``, ``reddit:…``, ``x:…``, ``youtube:…``)."""
    kind = source.split(":", 1)[0]
    if kind not in POLLERS:
        raise SourceError(f"unknown source kind {kind!r}; choose one of: {', '.join(sorted(POLLERS))}")
    return POLLERS[kind]


def source_name(kind: str, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Check ``params`` for a poller ``kind`` and derive the source's name: what ``kith sources add`` uses."""
    if kind not in POLLERS:
        raise SourceError(f"unknown source kind {kind!r}; choose one of: {', '.join(sorted(POLLERS))}")
    checked = POLLERS[kind].check_params(params)
    return POLLERS[kind].source_for(checked), checked


def do_add_source(session: Session, channel_name: str, source: str, params: dict[str, Any]) -> ConnectorCursor:
    """Add a live source to a channel; its parser must read what the poller fetches."""
    poller = poller_for_source(source)
    checked = poller.check_params(params)
    kind = parser_kind(session, channel_name)  # raises UnknownChannel / ChannelDisabled with a hint
    if kind != poller.parser:
        raise SourceError(
            f"channel {channel_name!r} reads {kind!r} data but a {poller.kind} source needs a {poller.parser!r} channel"
        )
    channel_id = ensure_channel(session, channel_name)
    exists = session.scalar(
        select(ConnectorCursor.id).where(ConnectorCursor.channel_id == channel_id, ConnectorCursor.source == source)
    )
    if exists is not None:
        raise SourceError(f"channel {channel_name!r} already listens to {source}")
    row = ConnectorCursor(channel_id=channel_id, source=source, state={"params": checked}, failures=0)
    session.add(row)
    session.flush()
    return row


def list_sources(session: Session) -> list[SourceRow]:
    rows = session.execute(
        select(Channel.name, ConnectorCursor)
        .join(Channel, Channel.id == ConnectorCursor.channel_id)
        .order_by(Channel.name, ConnectorCursor.source)
    ).all()
    return [
        SourceRow(
            name,
            cursor.source,
            dict((cursor.state or {}).get("params") or {}),
            cursor.failures,
            cursor.next_poll_at,
            (cursor.state or {}).get("last_error"),
        )
        for name, cursor in rows
    ]


def channel_credentials(channel: Channel) -> str | None:
    """The channel's token: the named environment variable, else the encrypted stored value."""
    if channel.credentials_ref:
        value = os.environ.get(channel.credentials_ref)
        if not value:
            raise PollError(f"environment variable {channel.credentials_ref} (the channel's credentials) is not set")
        return value
    if channel.credentials_encrypted:
        return decrypt(channel.credentials_encrypted)
    return None
