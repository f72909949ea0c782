"""The Stream page: the latest interactions, newest first, paginated with a keyset cursor."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from kith.channels.models import Channel
from kith.channels.service import DISPLAY_NAMES
from kith.db import session_scope
from kith.identities.models import Identity
from kith.interactions.models import Interaction
from kith.interactions.service import Cursor, stream_query
from kith.web.deps import Reader
from kith.web.pages import render

router = APIRouter()
PAGE_SIZE = 50


@router.get("/", response_class=HTMLResponse)
def stream_page(
    request: Request, viewer: Reader, after: Annotated[str | None, Query(max_length=80)] = None
) -> Response:
    try:
        cursor = Cursor.decode(after) if after else None
    except ValueError as exc:
        raise HTTPException(400, "This page link is broken (bad 'after' cursor); start from the first page.") from exc
    with session_scope(request.app.state.engine) as session:
        stmt = (
            stream_query(cursor)
            .add_columns(Channel.name, Identity.display_name, Identity.handle)
            .join(Channel, Channel.id == Interaction.channel_id)
            .outerjoin(Identity, Identity.id == Interaction.identity_id)
            .limit(PAGE_SIZE + 1)
        )
        rows = session.execute(stmt).all()
        total = session.scalar(select(Interaction.id).limit(1)) is not None
    items = [
        {
            "channel": DISPLAY_NAMES.get(name, name),
            "channel_key": name,
            "author": display_name or handle or "unknown",
            "handle": handle,
            "text": interaction.text,
            "title": interaction.title,
            "kind": interaction.kind.replace("_", " "),
            "time": interaction.sort_at,
            "dated": interaction.created_at is not None,
            "deleted": interaction.deleted_at is not None,
            "url": interaction.url if (interaction.url or "").startswith(("https://", "http://")) else None,
        }
        for interaction, name, display_name, handle in rows[:PAGE_SIZE]
    ]
    next_cursor = None
    if len(rows) > PAGE_SIZE:
        last = rows[PAGE_SIZE - 1][0]
        next_cursor = Cursor(last.sort_at, last.id).encode()
    return render(
        request,
        "stream.html",
        {"items": items, "next_cursor": next_cursor, "first_page": after is None, "has_any": total},
        viewer,
    )
