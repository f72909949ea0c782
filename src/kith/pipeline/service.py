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
from kith.channels.registry import get_parser
from kith.channels.service import channel_id_of, parser_kind
from kith.db import session_scope
from kith.identities.service import chunks
from kith.pipeline.ingest import split_input, store_pieces
from kith.pipeline.models import RawItem
from kith.pipeline.raw_store import StoreCounts, quarantine_key


@dataclass(frozen=True)
class IngestResult:
    raw_item_ids: list[str]  # public ids, in the order of the payload, each once
    counts: StoreCounts


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
    channel_id = channel_id_of(session, channel)
    found: dict[str, str] = {}
    if channel_id is None:
        return found
    for part in chunks(external_ids):
        stmt = select(RawItem.external_id, RawItem.public_id).where(
            RawItem.channel_id == channel_id, RawItem.external_id.in_(part)
        )
        found.update(session.execute(stmt).tuples().all())
    return found
