"""Ingest through the API: store a payload as raw items and say which raw items it maps to.

``kith ingest`` only needs counts; an API client needs ids it can keep and compare, and the same ids
whenever it sends the same payload again (a retry after a lost answer must not look like new data). The
raw store is unique by (channel, external id), so we split the payload once, store the pieces, and read
the public ids back by those keys — whether this call inserted them or an earlier one did.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kith.channels.base import RawRecord
from kith.channels.models import Channel
from kith.channels.registry import channel_names, get_parser
from kith.db import session_scope
from kith.identities.service import chunks
from kith.pipeline.ingest import split_input, store_pieces
from kith.pipeline.models import RawItem
from kith.pipeline.raw_store import StoreCounts, quarantine_key


class UnknownChannel(LookupError):
    """No configured channel and no parser of that name; the message lists the valid ones."""


class ChannelDisabled(Exception):
    """An admin switched the channel off: it accepts nothing until switched on again."""


@dataclass(frozen=True)
class IngestResult:
    raw_item_ids: list[str]  # public ids, in the order of the payload, each once
    counts: StoreCounts


def ingest_channels(session: Session) -> list[str]:
    """Names that accept input: every registered parser, and configured channels of a registered kind."""
    parsers = channel_names()
    configured = session.execute(select(Channel.name, Channel.kind)).all()
    return sorted(set(parsers) | {name for name, kind in configured if (kind or name) in parsers})


def parser_kind(session: Session, channel: str) -> str:
    """The parser for ``channel`` (a channel's kind; an unconfigured channel is named after its parser)."""
    row = session.execute(select(Channel.kind, Channel.enabled).where(Channel.name == channel)).first()
    kind = (row[0] or channel) if row else channel
    if kind not in channel_names():
        valid = ", ".join(ingest_channels(session))
        raise UnknownChannel(f"Unknown channel {channel!r}; choose one of: {valid}.")
    if row is not None and not row[1]:
        raise ChannelDisabled(f"The channel {channel!r} is disabled; an admin can enable it under Admin → Channels.")
    return kind


def check_ingest(engine: Engine, channel: str) -> str:
    with session_scope(engine) as session:
        return parser_kind(session, channel)


def do_ingest_payload(engine: Engine, channel: str, data: bytes, source: str) -> IngestResult:
    """Split ``data`` with the channel's parser, store it, and return the raw items it maps to."""
    kind = check_ingest(engine, channel)
    pieces = list(split_input(get_parser(kind), data, source))
    keys = list(dict.fromkeys(p.external_id if isinstance(p, RawRecord) else quarantine_key(p.payload) for p in pieces))
    counts = store_pieces(engine, channel, iter(pieces), source)
    with session_scope(engine) as session:
        ids = raw_public_ids(session, channel, keys)
    return IngestResult([ids[k] for k in keys if k in ids], counts)


def raw_public_ids(session: Session, channel: str, external_ids: Sequence[str]) -> dict[str, str]:
    """external id → public id of the stored raw items of ``channel``."""
    channel_id = session.scalar(select(Channel.id).where(Channel.name == channel))
    found: dict[str, str] = {}
    if channel_id is None:
        return found
    for part in chunks(external_ids):
        stmt = select(RawItem.external_id, RawItem.public_id).where(
            RawItem.channel_id == channel_id, RawItem.external_id.in_(part)
        )
        found.update(session.execute(stmt).tuples().all())
    return found
