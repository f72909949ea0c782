"""``/api/v1/interactions`` and ``/api/v1/conversations``: the stream and threads as JSON.

The list is the Stream page's query (``kith.interactions.stream``), so the API filters, searches and
hides exactly what the pages do. A department member only ever sees conversations routed to their
department; anything else answers 404 like a missing id, so its existence does not leak.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import Query
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from kith.auth.models import Role
from kith.auth.service import Principal
from kith.channels.models import Channel
from kith.interactions.models import Conversation, Interaction
from kith.interactions.schemas import ConversationOut, ConversationPage, InteractionOut, InteractionPage
from kith.interactions.service import Cursor
from kith.interactions.stream import StreamFilter, StreamRow, stream_page, stream_select, visible_to
from kith.web.api_common import (
    DEFAULT_LIMIT,
    CursorParam,
    Limit,
    PublicId,
    api_router,
    as_utc,
    decode_cursor,
    not_found,
)
from kith.web.deps import Reader, SessionDep

router = api_router("interactions")


def department_of(principal: Principal) -> str | None:
    """The department a principal is confined to (``None``: sees every department)."""
    return principal.department_slug if principal.role == Role.DEPARTMENT else None


@router.get("/interactions", response_model=InteractionPage, summary="List and search interactions")
def list_interactions(
    session: SessionDep,
    viewer: Reader,
    q: Annotated[
        str | None, Query(max_length=500, description='Full-text search (PostgreSQL: "phrases", -exclusions).')
    ] = None,
    channel: Annotated[list[str] | None, Query(description="Channel name; repeat for several.")] = None,
    since: Annotated[datetime | None, Query(description="ISO 8601; from this time (inclusive).")] = None,
    until: Annotated[datetime | None, Query(description="ISO 8601; before this time (exclusive).")] = None,
    lang: Annotated[str | None, Query(max_length=16, description="Language code, e.g. de.")] = None,
    sentiment: Literal["negative", "neutral", "positive"] | None = None,
    department: Annotated[str | None, Query(max_length=64, description="Routed to this department.")] = None,
    has_identity: Annotated[bool | None, Query(description="Only with (true) or without (false) an author.")] = None,
    cursor: CursorParam = None,
    limit: Limit = DEFAULT_LIMIT,
) -> InteractionPage:
    """Newest first. A department member sees only their department's conversations, whatever is asked."""
    f = StreamFilter(
        q=q,
        channels=tuple(channel or ()),
        since=as_utc(since),
        until=as_utc(until),
        lang=lang,
        sentiment=sentiment,
        department=department,
        has_identity=has_identity,
    )
    page = stream_page(session, visible_to(f, department_of(viewer)), decode_cursor(cursor), limit)
    return InteractionPage(items=[InteractionOut.of(r) for r in page.rows], next_cursor=page.next_cursor)


@router.get("/interactions/{public_id}", response_model=InteractionOut, summary="One interaction")
def get_interaction(session: SessionDep, viewer: Reader, public_id: PublicId) -> InteractionOut:
    stmt = stream_select(session, visible_to(StreamFilter(), department_of(viewer)))
    found = session.execute(stmt.where(Interaction.public_id == public_id).limit(1)).first()
    if found is None:
        raise not_found("interaction")
    return InteractionOut.of(StreamRow(*found))


@router.get("/conversations/{public_id}", response_model=ConversationPage, summary="A conversation, oldest first")
def get_conversation(
    session: SessionDep, viewer: Reader, public_id: PublicId, cursor: CursorParam = None, limit: Limit = DEFAULT_LIMIT
) -> ConversationPage:
    found = session.execute(
        select(Conversation, Channel.name)
        .join(Channel, Channel.id == Conversation.channel_id)
        .where(Conversation.public_id == public_id)
    ).first()
    department = department_of(viewer)
    if found is None or (department is not None and found[0].department != department):
        raise not_found("conversation")
    conversation, channel = found
    rows, next_cursor = thread_page(session, conversation.id, decode_cursor(cursor), limit)
    return ConversationPage(
        conversation=ConversationOut.of(conversation, channel),
        items=[InteractionOut.of(r) for r in rows],
        next_cursor=next_cursor,
    )


def thread_page(
    session: Session, conversation_id: int, cursor: Cursor | None, limit: int
) -> tuple[list[StreamRow], str | None]:
    """A conversation's interactions oldest first (the stream's columns, the other way round)."""
    stmt = stream_select(session, StreamFilter(conversation_id=conversation_id)).order_by(None)
    if cursor is not None:
        stmt = stmt.where(
            or_(
                Interaction.sort_at > cursor.sort_at,
                and_(Interaction.sort_at == cursor.sort_at, Interaction.id > cursor.id),
            )
        )
    stmt = stmt.order_by(Interaction.sort_at, Interaction.id).limit(limit + 1)
    rows = [StreamRow(*r) for r in session.execute(stmt).all()]
    next_cursor = None
    if len(rows) > limit:
        last = rows[limit - 1].interaction
        next_cursor = Cursor(last.sort_at, last.id).encode()
    return rows[:limit], next_cursor
