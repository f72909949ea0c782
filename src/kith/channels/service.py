"""Channel operations used by the pipeline and the CLI."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kith.channels.models import Channel
from kith.db import insert_ignore, new_public_id, utcnow

DISPLAY_NAMES = {
    "x": "X (Twitter)",
    "facebook": "Facebook",
    "instagram": "Instagram",
    "youtube": "YouTube",
    "mastodon": "Mastodon",
    "bluesky": "Bluesky",
    "reddit": "Reddit",
    "feeds": "Blogs & review feeds",
    "email": "E-mail",
    "csv": "Offline records (CSV)",
}


def ensure_channel(session: Session, name: str) -> int:
    """The id of channel ``name``, creating the row on first use (safe under concurrent workers)."""
    found = session.scalar(select(Channel.id).where(Channel.name == name))
    if found is not None:
        return found
    row = {
        "name": name,
        "kind": name,
        "display_name": DISPLAY_NAMES.get(name, name),
        "public_id": new_public_id(),
        "enabled": True,
        "created_at": utcnow(),
    }
    insert_ignore(session, Channel.__table__, [row], keys=["name"])
    channel_id = session.scalar(select(Channel.id).where(Channel.name == name))
    assert channel_id is not None
    return channel_id


def channel_names(session: Session) -> dict[int, str]:
    return dict(session.execute(select(Channel.id, Channel.name)).all())
