"""Conversation thread page (``/conversations/{public_id}``) and department queue (``/departments/{slug}``).

A thread reads as a tree: each reply sits right under (and indented below) its parent when the parent is
in the thread, siblings oldest first. The tree order is computed from four narrow columns of the whole
thread, and a page continues after the last interaction shown (its public id), so inserts elsewhere in the
thread never shift what the next link shows the way an OFFSET would.

Visibility: a department member may only open conversations routed to their department; any other
conversation answers 404 exactly like a missing one, so its existence does not leak. Another department's
queue answers 403 (departments are not secret, their conversations are).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import and_, func, literal, or_, select
from sqlalchemy.orm import Session

from kith.auth.models import Department
from kith.channels.models import Channel
from kith.channels.service import DISPLAY_NAMES
from kith.db import UTCDateTime
from kith.identities.models import Identity
from kith.interactions.models import Conversation, Interaction
from kith.interactions.service import Cursor
from kith.interactions.stream import StreamFilter, StreamRow, stream_select, visible_to
from kith.routing.service import explanation_for
from kith.web.deps import Reader, SessionDep
from kith.web.pages import render
from kith.web.stream import Card, card_of, department_of, page_url, read_cursor

router = APIRouter()
THREAD_PAGE = 100
QUEUE_PAGE = 50
MAX_INDENT = 6  # deeper replies stay at this indent so text keeps a readable width on a phone
SNIPPET = 240
TITLE_WORDS = 80  # characters of the first text used as a thread's heading when it has no title
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # conversations with no dated item sort last in a queue


# ---- reading ------------------------------------------------------------------------------------------


def conversation_by_public_id(session: Session, public_id: str) -> Conversation | None:
    if len(public_id) > 32:
        return None
    return session.scalar(select(Conversation).where(Conversation.public_id == public_id))


def thread_order(session: Session, conversation_id: int) -> list[tuple[int, str, int]]:
    """(id, public id, depth) of every interaction of a conversation in reading order: depth-first from
    the roots, siblings oldest first. A reply whose parent is not in the thread is a root."""
    rows = session.execute(
        select(Interaction.id, Interaction.public_id, Interaction.external_id, Interaction.in_reply_to)
        .where(Interaction.conversation_id == conversation_id)
        .order_by(Interaction.sort_at, Interaction.id)
    ).all()
    present = {r.external_id for r in rows}
    children: dict[str | None, list[tuple[int, str, str]]] = {}
    for r in rows:
        parent = r.in_reply_to if r.in_reply_to in present and r.in_reply_to != r.external_id else None
        children.setdefault(parent, []).append((r.id, r.public_id, r.external_id))
    order: list[tuple[int, str, int]] = []
    seen: set[str] = set()

    def walk(roots: list[tuple[int, str, str]]) -> None:
        stack = [(node, 0) for node in reversed(roots)]
        while stack:
            (ident, public_id, external_id), depth = stack.pop()
            if external_id in seen:
                continue
            seen.add(external_id)
            order.append((ident, public_id, depth))
            stack.extend((child, depth + 1) for child in reversed(children.get(external_id, [])))

    walk(children.get(None, []))
    walk([(r.id, r.public_id, r.external_id) for r in rows if r.external_id not in seen])  # reply cycles
    return order


def rows_by_id(session: Session, f: StreamFilter, ids: list[int]) -> dict[int, StreamRow]:
    if not ids:
        return {}
    result = session.execute(stream_select(session, f).where(Interaction.id.in_(ids))).all()
    return {r[0].id: StreamRow(r[0], r[1], r[2], r[3], r[4], r[5]) for r in result}


@dataclass(frozen=True)
class QueueEntry:
    public_id: str
    channel: str
    status: str
    priority: str | None
    assignee: str | None
    last_activity: datetime | None
    count: int
    title: str | None
    author: str | None
    snippet: str
    deleted: bool


def queue_page(
    session: Session, slug: str, cursor: Cursor | None, limit: int = QUEUE_PAGE
) -> tuple[list[QueueEntry], str | None]:
    """Conversations routed to ``slug``, most recent activity first, with their latest interaction."""
    activity = func.coalesce(Conversation.last_activity_at, literal(EPOCH, UTCDateTime))
    stmt = select(Conversation, Channel.name).join(Channel, Channel.id == Conversation.channel_id)
    stmt = stmt.where(Conversation.department == slug)
    if cursor is not None:
        stmt = stmt.where(or_(activity < cursor.sort_at, and_(activity == cursor.sort_at, Conversation.id < cursor.id)))
    found = session.execute(stmt.order_by(activity.desc(), Conversation.id.desc()).limit(limit + 1)).all()
    page = found[:limit]
    latest = latest_interactions(session, [c.id for c, _ in page])
    entries = []
    for conversation, channel in page:
        interaction, author, count, title = latest.get(conversation.id, (None, None, 0, None))
        text = interaction.text if interaction else ""
        entries.append(
            QueueEntry(
                public_id=conversation.public_id,
                channel=DISPLAY_NAMES.get(channel, channel),
                status=conversation.status,
                priority=conversation.priority,
                assignee=conversation.assignee,
                last_activity=conversation.last_activity_at,
                count=count,
                title=title,
                author=author,
                snippet=text if len(text) <= SNIPPET else text[:SNIPPET].rstrip() + "…",
                deleted=interaction is not None and interaction.deleted_at is not None,
            )
        )
    next_cursor = None
    if len(found) > limit:
        last = page[-1][0]
        next_cursor = Cursor(last.last_activity_at or EPOCH, last.id).encode()
    return entries, next_cursor


def latest_interactions(session: Session, ids: list[int]) -> dict[int, tuple[Interaction, str | None, int, str | None]]:
    """Per conversation: the newest live interaction (a tombstone only if all are), its author's name, the
    thread's size and its title (the first title in the thread: replies rarely have one). One query."""
    if not ids:
        return {}
    thread = Interaction.conversation_id
    newest_first = (Interaction.deleted_at.is_not(None), Interaction.sort_at.desc(), Interaction.id.desc())
    ranked = (
        select(
            Interaction.id.label("iid"),
            func.row_number().over(partition_by=thread, order_by=newest_first).label("n"),
            func.count().over(partition_by=thread).label("size"),
            func.first_value(Interaction.title)
            .over(partition_by=thread, order_by=(Interaction.title.is_(None), Interaction.sort_at, Interaction.id))
            .label("title"),
        )
        .where(Interaction.conversation_id.in_(ids))
        .subquery()
    )
    stmt = (
        select(Interaction, func.coalesce(Identity.display_name, Identity.handle), ranked.c.size, ranked.c.title)
        .join(ranked, ranked.c.iid == Interaction.id)
        .outerjoin(Identity, Identity.id == Interaction.identity_id)
        .where(ranked.c.n == 1)
    )
    return {i.conversation_id: (i, author, size, title) for i, author, size, title in session.execute(stmt).all()}


def thread_title(items: list[Card]) -> str | None:
    """The thread's own title, else the start of its first words (a heading beats "Conversation on X")."""
    title = next((c.title for c in items if c.title), None)
    if title or not items or items[0].deleted or not items[0].text.strip():
        return title
    words = " ".join(items[0].text.split())
    return words if len(words) <= TITLE_WORDS else words[:TITLE_WORDS].rsplit(" ", 1)[0] + "…"


# ---- pages --------------------------------------------------------------------------------------------


@router.get("/conversations/{public_id}", response_class=HTMLResponse)
def conversation_view(request: Request, public_id: str, viewer: Reader, session: SessionDep) -> Response:
    confined = department_of(viewer)
    conversation = conversation_by_public_id(session, public_id)
    if conversation is None or (confined is not None and conversation.department != confined):
        raise HTTPException(404, "There is no such conversation, or it is not one you may see.")
    order = thread_order(session, conversation.id)
    after = request.query_params.get("after")
    start = 0
    if after:
        positions = {public: n for n, (_, public, _) in enumerate(order)}
        if after not in positions:
            raise HTTPException(400, "This page link is broken (bad 'after'); start from the thread's first page.")
        start = positions[after] + 1
    shown = order[start : start + THREAD_PAGE]
    only_this = visible_to(StreamFilter(conversation_id=conversation.id), confined)
    rows = rows_by_id(session, only_this, [i for i, _, _ in shown])
    items = [card_of(rows[i], depth=min(depth, MAX_INDENT)) for i, _, depth in shown if i in rows]
    channel = session.get(Channel, conversation.channel_id)
    department = session.scalar(select(Department).where(Department.slug == conversation.department))
    context = {
        "conversation": conversation,
        "channel": DISPLAY_NAMES.get(channel.name, channel.name) if channel else "",
        "department": department,
        "title": thread_title(items) if start == 0 else None,
        "items": items,
        "total": len(order),
        "start": start,
        "first_url": None if start == 0 else page_url(request.url.path, []),
        "next_url": page_url(request.url.path, [], shown[-1][1]) if start + THREAD_PAGE < len(order) else None,
        "hide_thread_link": True,
        "routing": explanation_for(session, conversation),
    }
    return render(request, "conversation.html", context, viewer)


@router.get("/departments/{slug}", response_class=HTMLResponse)
def department_view(request: Request, slug: str, viewer: Reader, session: SessionDep) -> Response:
    department = session.scalar(select(Department).where(Department.slug == slug[:64]))
    if department is None:
        raise HTTPException(404, f"There is no department called {slug[:64]!r}.")
    confined = department_of(viewer)
    if confined is not None and confined != department.slug:
        raise HTTPException(
            403, f"This is the {department.name} department's queue; your queue is at /departments/{confined}."
        )
    cursor = read_cursor(request.query_params.get("after"))
    entries, next_cursor = queue_page(session, department.slug, cursor)
    context = {
        "department": department,
        "entries": entries,
        "first_url": None if cursor is None else page_url(request.url.path, []),
        "next_url": page_url(request.url.path, [], next_cursor) if next_cursor else None,
    }
    return render(request, "department.html", context, viewer)
