"""Channel operations used by the pipeline and the CLI."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kith.channels.models import Channel
from kith.channels.registry import channel_names as parser_names
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


def channel_id_of(session: Session, name: str) -> int | None:
    return session.scalar(select(Channel.id).where(Channel.name == name))


def channel_names(session: Session) -> dict[int, str]:
    return dict(session.execute(select(Channel.id, Channel.name)).all())


class UnknownChannel(LookupError):
    """No configured channel and no parser of that name; the message lists the valid ones."""


class ChannelDisabled(Exception):
    """An admin switched the channel off: it accepts nothing until switched on again."""


def ingest_channels(session: Session) -> list[str]:
    """Names that accept input: every registered parser, and configured channels of a registered kind."""
    parsers = parser_names()
    configured = session.execute(select(Channel.name, Channel.kind)).all()
    return sorted(set(parsers) | {name for name, kind in configured if (kind or name) in parsers})


def parser_kind(session: Session, channel: str) -> str:
    """The parser for ``channel`` (a channel's kind; an unconfigured channel is named after its parser)."""
    row = session.execute(select(Channel.kind, Channel.enabled).where(Channel.name == channel)).first()
    kind = (row[0] or channel) if row else channel
    if kind not in parser_names():
        valid = ", ".join(ingest_channels(session))
        raise UnknownChannel(f"Unknown channel {channel!r}; choose one of: {valid}.")
    if row is not None and not row[1]:
        raise ChannelDisabled(f"The channel {channel!r} is disabled; an admin can enable it under Admin → Channels.")
    return kind


def channel_kinds(session: Session) -> dict[int, str]:
    """Channel id → the parser that reads it (a configured channel's kind, else its name)."""
    return {cid: kind or name for cid, name, kind in session.execute(select(Channel.id, Channel.name, Channel.kind))}


def our_accounts(session: Session) -> dict[int, set[str]]:
    """Channel id → the company's own handles there (lower case, without "@")."""
    accounts: dict[int, set[str]] = {}
    for channel_id, account in session.execute(select(Channel.id, Channel.account).where(Channel.account.is_not(None))):
        accounts[channel_id] = {a.strip().lower().lstrip("@") for a in str(account).split(",") if a.strip()}
    return accounts


def is_ours(label: str | None, ours: set[str]) -> bool:
    """A handle, name or mention is one of our accounts (``ours``: one channel's set from ``our_accounts``);
    a fediverse ``name@instance`` counts by its local part too, as accounts are usually written bare."""
    bare = (label or "").strip().lower().lstrip("@")
    return bool(bare) and (bare in ours or bare.split("@")[0] in ours)
