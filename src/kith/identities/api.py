"""``/api/v1/identities``: find identities by handle or name, and read one with its interactions.

A department member may see an identity only if at least one of its interactions is in a conversation of
their department (the rule of the identity page); any other answers 404 like a missing one.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Query
from sqlalchemy import ColumnElement, Select, exists, or_, select
from sqlalchemy.orm import Session

from kith.channels.models import Channel
from kith.identities.models import Identity, Person
from kith.identities.schemas import IdentityDetail, IdentityOut, IdentityPage
from kith.interactions.api import department_of
from kith.interactions.models import Conversation, Interaction
from kith.interactions.schemas import InteractionOut
from kith.interactions.stream import StreamFilter, stream_page, visible_to
from kith.web.api_common import (
    DEFAULT_LIMIT,
    CursorParam,
    Limit,
    PublicId,
    api_router,
    decode_cursor,
    like_pattern,
    not_found,
)
from kith.web.deps import Reader, SessionDep

router = api_router("identities")
IdentitySelect = Select[Identity, str, str | None]


def _identities() -> IdentitySelect:
    return (
        select(Identity, Channel.name, Person.public_id)
        .join(Channel, Channel.id == Identity.channel_id)
        .outerjoin(Person, Person.id == Identity.person_id)
    )


def _seen_by(department: str) -> ColumnElement[bool]:
    """The identity wrote in at least one conversation routed to ``department``."""
    return exists(
        select(Interaction.id)
        .join(Conversation, Conversation.id == Interaction.conversation_id)
        .where(Interaction.identity_id == Identity.id, Conversation.department == department)
    )


@router.get("/identities", response_model=IdentityPage, summary="Search identities")
def list_identities(
    session: SessionDep,
    viewer: Reader,
    q: Annotated[str | None, Query(max_length=300, description="Part of a handle or display name.")] = None,
    cursor: CursorParam = None,
    limit: Limit = DEFAULT_LIMIT,
) -> IdentityPage:
    """In public-id order: a keyset that stays stable while new identities arrive."""
    stmt = _identities()
    if q and q.strip():
        pattern = like_pattern(q.strip())
        stmt = stmt.where(
            or_(Identity.handle.ilike(pattern, escape="\\"), Identity.display_name.ilike(pattern, escape="\\"))
        )
    department = department_of(viewer)
    if department is not None:
        stmt = stmt.where(_seen_by(department))
    if cursor:
        stmt = stmt.where(Identity.public_id > cursor)
    found = session.execute(stmt.order_by(Identity.public_id).limit(limit + 1)).all()
    items = [IdentityOut.of(identity, channel, person) for identity, channel, person in found[:limit]]
    return IdentityPage(items=items, next_cursor=items[-1].public_id if len(found) > limit else None)


@router.get("/identities/{public_id}", response_model=IdentityDetail, summary="An identity and its interactions")
def get_identity(
    session: SessionDep, viewer: Reader, public_id: PublicId, cursor: CursorParam = None, limit: Limit = DEFAULT_LIMIT
) -> IdentityDetail:
    """The identity and its interactions newest first (a department member: their department's only)."""
    found = identity_with_channel(session, public_id)
    department = department_of(viewer)
    if found is None:
        raise not_found("identity")
    identity, channel, person = found
    visible = visible_to(StreamFilter(identity_id=identity.id), department)
    if department is not None and not stream_page(session, visible, None, 1).rows:
        raise not_found("identity")
    page = stream_page(session, visible, decode_cursor(cursor), limit)
    return IdentityDetail(
        identity=IdentityOut.of(identity, channel, person),
        items=[InteractionOut.of(r) for r in page.rows],
        next_cursor=page.next_cursor,
    )


def identity_with_channel(session: Session, public_id: str) -> tuple[Identity, str, str | None] | None:
    row = session.execute(_identities().where(Identity.public_id == public_id)).first()
    return None if row is None else (row[0], row[1], row[2])
