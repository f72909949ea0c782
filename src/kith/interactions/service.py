"""Interaction and conversation operations: write a batch of normalised items, read the stream.

Threading: a conversation is keyed by the external id of its root item. The root is what the source
says (``thread_root``); failing that, the parent's conversation (in this batch or already stored);
failing that, the parent itself — so a reply that arrives before its parent still lands in the thread
the parent will join. Versions: an item's ``revision`` only moves forward, so replaying an old version
or the original after an edit or a deletion changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select, update
from sqlalchemy.orm import Session

from kith.channels.base import InteractionRecord
from kith.db import earliest, latest, new_public_id, upsert, utcnow
from kith.identities.service import chunks
from kith.interactions.models import TOMBSTONE_REVISION, Conversation, Interaction


@dataclass(frozen=True)
class Sighting:
    """An interaction record with the raw item it came from and its author's identity row."""

    record: InteractionRecord
    raw_item_id: int
    identity_id: int | None
    received_at: datetime  # when the raw item arrived: orders undated items in the stream


def revision_of(record: InteractionRecord) -> str:
    if record.deleted:
        return TOMBSTONE_REVISION
    return record.edited_at.isoformat() if record.edited_at else ""


def record_interactions(session: Session, channel_id: int, sightings: list[Sighting]) -> None:
    """Upsert a batch of interactions of one channel with their conversations."""
    # the newest live version and the deletion of each item (later raw item wins ties); both are written,
    # live first, so a deletion in the same batch as its post still keeps who, where and when
    latest_live: dict[str, Sighting] = {}
    deletions: dict[str, Sighting] = {}
    for sighting in sightings:
        chosen = deletions if sighting.record.deleted else latest_live
        key = sighting.record.external_id
        if key not in chosen or revision_of(sighting.record) >= revision_of(chosen[key].record):
            chosen[key] = sighting
    live = list(latest_live.values())
    tombstones = list(deletions.values())

    thread_keys = _thread_keys(session, channel_id, [s.record for s in live])
    conversation_ids = _record_conversations(session, channel_id, live, thread_keys)
    now = utcnow()
    rows = [_row(s, channel_id, conversation_ids[thread_keys[s.record.external_id]], now) for s in live]
    table = Interaction.__table__
    upsert(session, table, rows, keys=["channel_id", "external_id"], update=[], merge=_LIVE_MERGE)
    upsert(
        session,
        table,
        [{**_row(s, channel_id, None, now), "deleted_at": s.record.edited_at or s.received_at} for s in tombstones],
        keys=["channel_id", "external_id"],
        update=["raw_item_id", "text", "title", "deleted_at", "revision", "metrics", "attributes"],
        where=lambda t, excluded: excluded.revision >= t.c.revision,
    )


# Columns of the item's content: a newer-or-equal revision replaces them; an older one never does.
_CONTENT = ("raw_item_id", "text", "title", "lang", "edited_at", "revision", "metrics", "attributes")
# Who/where/when: also taken from an older version when the stored row is a placeholder tombstone (a
# deletion that arrived before the item itself), so the tombstone learns its author, thread and time.
_CONTEXT = (
    "identity_id",
    "conversation_id",
    "kind",
    "url",
    "in_reply_to",
    "visibility",
    "basis",
    "created_at",
    "sort_at",
)


def _newer(t: Any, new: Any) -> Any:
    return new.revision >= t.c.revision


def _placeholder(t: Any) -> Any:
    return and_(t.c.deleted_at.is_not(None), t.c.created_at.is_(None))


def _take_content(name: str) -> Callable[[Any, Any], Any]:
    return lambda t, new: case((_newer(t, new), new[name]), else_=t.c[name])


def _take_context(name: str) -> Callable[[Any, Any], Any]:
    return lambda t, new: case((or_(_newer(t, new), _placeholder(t)), new[name]), else_=t.c[name])


def _reset_enrichment(t: Any, new: Any) -> Any:
    """New content must be enriched again: a newer revision clears the enrichment mark."""
    return case((_newer(t, new), None), else_=t.c.enriched_at)


_LIVE_MERGE = {
    **{c: _take_content(c) for c in _CONTENT},
    **{c: _take_context(c) for c in _CONTEXT},
    "enriched_at": _reset_enrichment,
}


def _row(s: Sighting, channel_id: int, conversation_id: int | None, now: datetime) -> dict[str, Any]:
    r = s.record
    return {
        "public_id": new_public_id(),
        "channel_id": channel_id,
        "external_id": r.external_id,
        "raw_item_id": s.raw_item_id,
        "identity_id": s.identity_id,
        "conversation_id": conversation_id,
        "kind": str(r.kind),
        "text": "" if r.deleted else r.text,
        "title": None if r.deleted else r.title,
        "lang": r.lang,
        "url": r.url,
        "in_reply_to": r.in_reply_to,
        "visibility": str(r.visibility),
        "basis": str(r.basis),
        "created_at": r.created_at,
        "sort_at": r.created_at or s.received_at,
        "edited_at": r.edited_at,
        "deleted_at": None,
        "revision": revision_of(r),
        "metrics": dict(r.metrics),
        "attributes": {} if r.deleted else dict(r.attributes),
        "ingested_at": now,
        "enriched_at": None,
    }


def _thread_keys(session: Session, channel_id: int, records: list[InteractionRecord]) -> dict[str, str]:
    by_id = {r.external_id: r for r in records}
    wanted = sorted({r.in_reply_to for r in records if r.in_reply_to and not r.thread_root} - set(by_id))
    stored_parent_keys: dict[str, str] = {}
    for part in chunks(wanted):
        stored_parent_keys.update(
            session.execute(
                select(Interaction.external_id, Conversation.thread_key)
                .join(Conversation, Conversation.id == Interaction.conversation_id)
                .where(Interaction.channel_id == channel_id, Interaction.external_id.in_(part))
            ).all()
        )
    keys: dict[str, str] = {}

    def key_of(record: InteractionRecord, depth: int = 0) -> str:
        if record.external_id in keys:
            return keys[record.external_id]
        if record.thread_root:
            key = record.thread_root
        elif not record.in_reply_to:
            key = record.external_id
        elif record.in_reply_to in by_id and depth < 200:
            key = key_of(by_id[record.in_reply_to], depth + 1)
        else:
            key = stored_parent_keys.get(record.in_reply_to, record.in_reply_to)
        keys[record.external_id] = key
        return key

    for record in records:
        key_of(record)
    return keys


def _record_conversations(
    session: Session, channel_id: int, sightings: list[Sighting], thread_keys: dict[str, str]
) -> dict[str, int]:
    spans: dict[str, tuple[datetime | None, datetime | None]] = {}
    for s in sightings:
        key = thread_keys[s.record.external_id]
        first, last = spans.get(key, (None, None))
        t = s.record.created_at
        spans[key] = (_earlier(first, t), _later(last, t))
    rows = [
        {
            "public_id": new_public_id(),
            "channel_id": channel_id,
            "thread_key": key,
            "started_at": first,
            "last_activity_at": last,
            "status": "open",
        }
        for key, (first, last) in sorted(spans.items())
    ]
    returned = upsert(
        session,
        Conversation.__table__,
        rows,
        keys=["channel_id", "thread_key"],
        update=[],
        merge={
            "started_at": lambda t, new: earliest(t.c.started_at, new.started_at),
            "last_activity_at": lambda t, new: latest(t.c.last_activity_at, new.last_activity_at),
        },
        returning=[Conversation.thread_key, Conversation.id],
    )
    return dict(returned)


def _earlier(a: datetime | None, b: datetime | None) -> datetime | None:
    return b if a is None else a if b is None else min(a, b)


def _later(a: datetime | None, b: datetime | None) -> datetime | None:
    return b if a is None else a if b is None else max(a, b)


# ---- reading -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cursor:
    """Keyset position in the stream (newest first): stable under inserts, unlike OFFSET."""

    sort_at: datetime
    id: int

    def encode(self) -> str:
        return f"{self.sort_at.isoformat()}_{self.id}"

    @classmethod
    def decode(cls, text: str) -> Cursor:
        stamp, _, ident = text.rpartition("_")
        return cls(datetime.fromisoformat(stamp), int(ident))


def stream_query(cursor: Cursor | None = None) -> Select[Interaction]:
    """Interactions newest first, continuing after ``cursor``."""
    stmt = select(Interaction)
    if cursor is not None:
        after: ColumnElement[bool] = or_(
            Interaction.sort_at < cursor.sort_at,
            and_(Interaction.sort_at == cursor.sort_at, Interaction.id < cursor.id),
        )
        stmt = stmt.where(after)
    return stmt.order_by(Interaction.sort_at.desc(), Interaction.id.desc())


# ---- enrichment ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ToEnrich:
    id: int
    text: str
    title: str | None
    visibility: str
    channel_id: int
    channel: str
    deleted: bool
    author: str | None  # handle, else display name
    lang: str | None  # as the source declared it
    url: str | None
    country: str | None
    attributes: dict[str, Any]


def claim_for_enrichment(session: Session, limit: int) -> list[ToEnrich]:
    """Interactions whose current content has not been enriched yet, oldest first."""
    from kith.channels.models import Channel
    from kith.identities.models import Identity

    stmt = (
        select(Interaction, Channel.name, Identity.handle, Identity.display_name, Identity.attributes)
        .join(Channel, Channel.id == Interaction.channel_id)
        .outerjoin(Identity, Identity.id == Interaction.identity_id)
        .where(Interaction.enriched_at.is_(None))
        .order_by(Interaction.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True, of=Interaction)
    found = []
    for row, channel, handle, display_name, author_attributes in session.execute(stmt).all():
        country = (author_attributes or {}).get("country") or (author_attributes or {}).get("location")
        found.append(
            ToEnrich(
                id=row.id,
                text=row.text or "",
                title=row.title,
                visibility=row.visibility,
                channel_id=row.channel_id,
                channel=channel,
                deleted=row.deleted_at is not None,
                author=handle or display_name,
                lang=row.lang,
                url=row.url,
                country=country if isinstance(country, str) else None,
                attributes=dict(row.attributes or {}),
            )
        )
    return found


def record_enrichment(session: Session, results: list[dict[str, Any]]) -> None:
    """Store per-interaction enrichment (``id`` plus the enrichment columns) in one executemany."""
    if not results:
        return
    session.execute(update(Interaction), results)  # ORM bulk UPDATE by primary key


def pending_enrichment(session: Session) -> int:
    return session.scalar(select(func.count()).where(Interaction.enriched_at.is_(None))) or 0
