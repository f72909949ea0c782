"""The stream: interactions newest first, filtered and searched, one keyset page at a time.

Shared by the Stream page, the identity and department pages and ``GET /api/v1/interactions``, so that
every list applies the same filters and the same visibility rule: a department member only ever sees
interactions of conversations routed to their department.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, func, literal_column, or_, select
from sqlalchemy.orm import Session

from kith.channels.models import Channel
from kith.identities.models import Identity
from kith.interactions.models import Conversation, Interaction
from kith.interactions.service import Cursor

MAX_PAGE = 200
StreamSelect = Select[Interaction, str, str | None, str | None, str | None, str | None]


@dataclass(frozen=True)
class StreamFilter:
    q: str | None = None  # full-text search (words; "quoted phrases" and -exclusions on PostgreSQL)
    channels: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None
    lang: str | None = None
    sentiment: str | None = None
    department: str | None = None
    has_identity: bool | None = None
    identity_id: int | None = None
    conversation_id: int | None = None
    topic_id: int | None = None  # tagged with this listening topic
    relevant: bool | None = None  # matched a topic or addressed to us (enrichment)
    identity_ids: frozenset[int] | None = None  # authors among these (a segment's identities); None: anyone


@dataclass(frozen=True)
class StreamRow:
    interaction: Interaction
    channel: str
    author_name: str | None
    author_handle: str | None
    author_public_id: str | None
    conversation_public_id: str | None


@dataclass(frozen=True)
class StreamPage:
    rows: list[StreamRow]
    next_cursor: str | None


def visible_to(f: StreamFilter, department_slug: str | None) -> StreamFilter:
    """Narrow a filter to what a department member may see (``None`` = sees every department)."""
    return f if department_slug is None else replace(f, department=department_slug)


def _search(session: Session, q: str) -> ColumnElement[bool]:
    if session.get_bind().dialect.name == "postgresql":
        simple: ColumnElement[Any] = literal_column("'simple'::regconfig")
        # the very expression of the GIN index (migration 0003), with inline constants so the planner matches it
        title = func.coalesce(Interaction.title, literal_column("''"))
        document = func.to_tsvector(simple, title.op("||")(literal_column("' '")).op("||")(Interaction.text))
        return document.op("@@")(func.websearch_to_tsquery(simple, q))
    words = [w for w in q.split() if w]
    clauses = []
    for word in words:
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        clauses.append(or_(Interaction.text.ilike(pattern, escape="\\"), Interaction.title.ilike(pattern, escape="\\")))
    return and_(*clauses)


def stream_select(session: Session, f: StreamFilter, cursor: Cursor | None = None) -> StreamSelect:
    stmt = (
        select(
            Interaction,
            Channel.name,
            Identity.display_name,
            Identity.handle,
            Identity.public_id,
            Conversation.public_id,
        )
        .join(Channel, Channel.id == Interaction.channel_id)
        .outerjoin(Identity, Identity.id == Interaction.identity_id)
        .outerjoin(Conversation, Conversation.id == Interaction.conversation_id)
    )
    if f.q and f.q.strip():
        stmt = stmt.where(_search(session, f.q.strip()))
    if f.channels:
        stmt = stmt.where(Channel.name.in_(f.channels))
    if f.since is not None:
        stmt = stmt.where(Interaction.sort_at >= f.since)
    if f.until is not None:
        stmt = stmt.where(Interaction.sort_at < f.until)
    if f.lang:  # what Kith detected, or what the source declared when not yet enriched
        stmt = stmt.where(func.coalesce(Interaction.detected_lang, Interaction.lang) == f.lang)
    if f.sentiment:
        stmt = stmt.where(Interaction.sentiment == f.sentiment)
    if f.department:
        stmt = stmt.where(Conversation.department == f.department)
    if f.has_identity is not None:
        stmt = stmt.where(Interaction.identity_id.is_not(None) if f.has_identity else Interaction.identity_id.is_(None))
    if f.identity_id is not None:
        stmt = stmt.where(Interaction.identity_id == f.identity_id)
    if f.topic_id is not None:
        from kith.enrichment.models import InteractionTopic  # the enrichment domain owns topic tags

        tagged = select(InteractionTopic.interaction_id).where(InteractionTopic.topic_id == f.topic_id)
        stmt = stmt.where(Interaction.id.in_(tagged))
    if f.relevant is not None:
        stmt = stmt.where(Interaction.relevant.is_(f.relevant))
    if f.identity_ids is not None:  # inlined integers: a large segment must not hit bound-parameter limits
        authors = sorted(f.identity_ids)
        stmt = stmt.where(
            Interaction.identity_id.in_(bindparam("segment_authors", authors, expanding=True, literal_execute=True))
        )
    if f.conversation_id is not None:
        stmt = stmt.where(Interaction.conversation_id == f.conversation_id)
    if cursor is not None:
        stmt = stmt.where(
            or_(
                Interaction.sort_at < cursor.sort_at,
                and_(Interaction.sort_at == cursor.sort_at, Interaction.id < cursor.id),
            )
        )
    return stmt.order_by(Interaction.sort_at.desc(), Interaction.id.desc())


def stream_page(session: Session, f: StreamFilter, cursor: Cursor | None = None, limit: int = 50) -> StreamPage:
    """One page of the filtered stream and the cursor of the next one (``None`` on the last page)."""
    limit = max(1, min(limit, MAX_PAGE))
    result = session.execute(stream_select(session, f, cursor).limit(limit + 1)).all()
    rows = [StreamRow(r[0], r[1], r[2], r[3], r[4], r[5]) for r in result[:limit]]
    next_cursor = None
    if len(result) > limit:
        last = rows[-1].interaction
        next_cursor = Cursor(last.sort_at, last.id).encode()
    return StreamPage(rows, next_cursor)


def channel_choices(session: Session) -> list[str]:
    return list(session.scalars(select(Channel.name).order_by(Channel.name)))


def language_choices(session: Session) -> list[str]:
    lang = func.coalesce(Interaction.detected_lang, Interaction.lang)
    stmt = select(lang).where(lang.is_not(None), lang != "und").group_by(lang)
    return sorted(code for code in session.scalars(stmt.order_by(func.count().desc()).limit(40)) if code)
