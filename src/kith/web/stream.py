"""The Stream page (``/``), and the interaction cards every reading page shows.

The page is a thin view over :func:`kith.interactions.stream.stream_page`: it validates the query string
into a :class:`StreamFilter`, narrows it with ``visible_to`` (a department member never sees another
department's conversations, whatever the URL says) and renders one keyset page. Filters are a plain GET
form, so a filtered view is a link that can be bookmarked or shared, and every pager link carries them.

``cards`` turns stream rows into what ``_interaction.html`` renders; the conversation, identity and
department pages use it too, so an interaction looks (and is escaped) the same everywhere.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.datastructures import QueryParams

from kith.auth.models import Department, Role
from kith.auth.service import Principal
from kith.channels.service import DISPLAY_NAMES
from kith.enrichment.tags import tags_for
from kith.interactions.models import Interaction
from kith.interactions.service import Cursor
from kith.interactions.stream import (
    StreamFilter,
    StreamRow,
    channel_choices,
    language_choices,
    stream_page,
    visible_to,
)
from kith.web.deps import Reader, SessionDep
from kith.web.pages import render

router = APIRouter()
PAGE_SIZE = 50
SENTIMENTS = ("negative", "neutral", "positive", "unsupported")
RELEVANCE = {"": None, "yes": True, "no": False}
HAS_IDENTITY = {"": None, "any": None, "yes": True, "no": False}
MAX_Q = 200
NO_AT_SIGN = {"email", "csv"}  # channels whose handles are addresses or numbers, not @names
CHOICES_TTL = 60.0  # seconds: the language list aggregates the whole table, too dear for every page view


@dataclass(frozen=True)
class Card:
    """One interaction as a page shows it; built only from escaped-on-render fields."""

    public_id: str
    channel_key: str
    channel: str
    author: str
    handle: str | None
    author_url: str | None
    kind: str
    time: datetime
    dated: bool
    title: str | None
    text: str
    deleted: bool
    url: str | None
    thread_url: str | None
    thread_count: int
    sentiment: str | None
    depth: int = 0
    intent: str | None = None
    tags: tuple[str, ...] = ()  # topics matched and products mentioned


def web_url(url: str | None) -> str | None:
    """``url`` if it is an http(s) link (never ``javascript:`` or ``data:``), else ``None``."""
    return url if url and url.lower().startswith(("https://", "http://")) else None


def department_of(viewer: Principal) -> str | None:
    """The department a viewer is confined to (``None``: they see every department)."""
    return viewer.department_slug if viewer.role == Role.DEPARTMENT else None


def thread_sizes(session: Session, conversation_ids: set[int]) -> dict[int, int]:
    """How many interactions each conversation has: one grouped query on an indexed column."""
    if not conversation_ids:
        return {}
    stmt = (
        select(Interaction.conversation_id, func.count())
        .where(Interaction.conversation_id.in_(sorted(conversation_ids)))
        .group_by(Interaction.conversation_id)
    )
    return {cid: n for cid, n in session.execute(stmt).all() if cid is not None}


def card_of(row: StreamRow, thread_count: int = 0, depth: int = 0) -> Card:
    i = row.interaction
    handle = row.author_handle
    shown_handle = handle if handle and row.channel in NO_AT_SIGN else f"@{handle}" if handle else None
    author = row.author_name or handle or "unknown"
    return Card(
        public_id=i.public_id,
        channel_key=row.channel,
        channel=DISPLAY_NAMES.get(row.channel, row.channel),
        author=author,
        handle=shown_handle if shown_handle and handle != author else None,
        author_url=f"/identities/{row.author_public_id}" if row.author_public_id else None,
        kind=i.kind.replace("_", " "),
        time=i.sort_at,
        dated=i.created_at is not None,
        title=i.title,
        text=i.text,
        deleted=i.deleted_at is not None,
        url=web_url(i.url),
        thread_url=f"/conversations/{row.conversation_public_id}" if row.conversation_public_id else None,
        thread_count=thread_count,
        sentiment=i.sentiment if i.sentiment != "unsupported" else None,  # no badge where no model applies
        depth=depth,
        intent=i.intent.replace("_", " ") if i.intent and i.intent != "unsupported" else None,
    )


def cards(session: Session, rows: list[StreamRow]) -> list[Card]:
    """Cards for a page of stream rows, with the size of each one's thread and its topics and products."""
    sizes = thread_sizes(session, {r.interaction.conversation_id for r in rows if r.interaction.conversation_id})
    tags = tags_for(session, [r.interaction.id for r in rows])
    return [
        replace(
            card_of(r, sizes.get(r.interaction.conversation_id or 0, 0)), tags=tuple(tags.get(r.interaction.id, ()))
        )
        for r in rows
    ]


def read_cursor(after: str | None) -> Cursor | None:
    """The ``after`` query parameter as a keyset cursor; a mangled one is the user's 400, not our 500."""
    if not after:
        return None
    try:
        cursor = Cursor.decode(after)
    except ValueError as exc:
        raise HTTPException(400, "This page link is broken (bad 'after' cursor); start from the first page.") from exc
    if cursor.sort_at.tzinfo is None or not 0 < cursor.id < 2**63:
        raise HTTPException(400, "This page link is broken (bad 'after' cursor); start from the first page.")
    return cursor


def _date(params: QueryParams, name: str, label: str) -> date | None:
    value = (params.get(name) or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise HTTPException(400, f"The {label} date {value[:40]!r} is not a date; use YYYY-MM-DD.") from exc


def _text(params: QueryParams, name: str, limit: int = 64) -> str | None:
    value = (params.get(name) or "").replace("\x00", "").strip()
    if len(value) > limit:
        raise HTTPException(400, f"The '{name}' filter is too long (at most {limit} characters); shorten it.")
    return value or None


def filter_from_query(params: QueryParams, session: Session) -> StreamFilter:
    """Validate the Stream page's query string (q, channel…, since, until, lang, sentiment, department,
    has_identity) into a filter. Dates are whole UTC days; ``until`` is inclusive."""
    since, until = _date(params, "since", "'from'"), _date(params, "until", "'to'")
    if since and until and until < since:
        raise HTTPException(400, "The 'to' date is before the 'from' date; swap them or clear one.")
    sentiment = _text(params, "sentiment")
    if sentiment and sentiment not in SENTIMENTS:
        raise HTTPException(400, f"Unknown sentiment {sentiment!r}; choose one of: {', '.join(SENTIMENTS)}.")
    has_identity = (params.get("has_identity") or "").strip()
    if has_identity not in HAS_IDENTITY:
        raise HTTPException(400, "The 'has_identity' filter takes yes, no or any.")
    channels = []
    for value in params.getlist("channel"):
        name = value.replace("\x00", "").strip()
        if len(name) > 64:
            raise HTTPException(400, "A channel name in the filter is too long; pick channels from the list.")
        if name and name not in channels:
            channels.append(name)
    relevant = (params.get("relevant") or "").strip()
    if relevant not in RELEVANCE:
        raise HTTPException(400, "The 'relevant' filter takes yes, no or any.")
    topic = _text(params, "topic", 32)
    segment = _text(params, "segment")
    return StreamFilter(
        identity_ids=segment_authors(session, segment) if segment else None,
        topic_id=topic_id_of(session, topic) if topic else None,
        relevant=RELEVANCE[relevant],
        q=_text(params, "q", MAX_Q),
        channels=tuple(channels),
        since=datetime.combine(since, datetime.min.time(), UTC) if since else None,
        until=datetime.combine(until + timedelta(days=1), datetime.min.time(), UTC) if until else None,
        lang=_text(params, "lang", 16),
        sentiment=sentiment,
        department=_text(params, "department"),
        has_identity=HAS_IDENTITY[has_identity],
    )


def filter_query(params: QueryParams) -> list[tuple[str, str]]:
    """The filter parameters of the current URL (no cursor), to carry into pager links."""
    keep = (
        *("q", "channel", "since", "until", "lang", "sentiment", "department", "has_identity", "topic", "relevant"),
        "segment",
    )
    return [(k, v) for k, v in params.multi_items() if k in keep and v.strip()]


def page_url(path: str, query: list[tuple[str, str]], after: str | None = None) -> str:
    items = query + ([("after", after)] if after else [])
    return f"{path}?{urlencode(items)}" if items else path


def filter_choices(request: Request, session: Session) -> tuple[list[tuple[str, str]], list[str]]:
    """Channels (key, label) and languages for the filter form, recomputed at most once a minute."""
    cached = getattr(request.app.state, "stream_choices", None)
    if cached is None or time.monotonic() - cached[0] > CHOICES_TTL:
        channels = [(name, DISPLAY_NAMES.get(name, name)) for name in channel_choices(session)]
        cached = request.app.state.stream_choices = (time.monotonic(), channels, language_choices(session))
    return cached[1], cached[2]


@router.get("/", response_class=HTMLResponse)
def stream_view(request: Request, viewer: Reader, session: SessionDep) -> Response:
    params = request.query_params
    asked = filter_from_query(params, session)
    cursor = read_cursor(params.get("after"))
    confined = department_of(viewer)
    page = stream_page(session, visible_to(asked, confined), cursor, PAGE_SIZE)
    query = filter_query(params)
    filtering = asked != StreamFilter()
    channels, languages = filter_choices(request, session)
    context = {
        "items": cards(session, page.rows),
        "f": asked,
        "has_identity": (params.get("has_identity") or "").strip(),
        "relevant": (params.get("relevant") or "").strip(),
        "topic": (params.get("topic") or "").strip(),
        "topics": topic_choices(session),
        "segment": (params.get("segment") or "").strip(),
        "segments": segment_choices(session),
        "since": asked.since.date().isoformat() if asked.since else "",
        "until": (asked.until - timedelta(days=1)).date().isoformat() if asked.until else "",
        "filtering": filtering,
        "active": sum(1 for k, _ in query if k != "q"),
        "confined": confined,
        "first_page": cursor is None,
        "newest_url": page_url("/", query),
        "older_url": page_url("/", query, page.next_cursor) if page.next_cursor else None,
        "channels": channels,
        "languages": languages,
        "sentiments": SENTIMENTS,
        "departments": list(session.execute(select(Department.slug, Department.name).order_by(Department.name))),
        "has_any": bool(page.rows) or session.scalar(select(Interaction.id).limit(1)) is not None,
    }
    return render(request, "stream.html", context, viewer)


def topic_id_of(session: Session, public_id: str) -> int:
    from kith.enrichment.models import Topic

    found = session.scalar(select(Topic.id).where(Topic.public_id == public_id))
    if found is None:
        raise HTTPException(400, "Unknown topic in the filter; pick one from the list.")
    return found


def segment_authors(session: Session, slug: str) -> frozenset[int]:
    """The identities of a saved segment's members (``segment=<slug>``); an unknown slug is a 400."""
    from kith.profiles.segments import SegmentError, segment_identity_ids  # the profiles domain owns segments

    try:
        return segment_identity_ids(session, slug)
    except SegmentError:
        raise HTTPException(400, "Unknown segment in the filter; pick one from the list.") from None


def segment_choices(session: Session) -> list[tuple[str, str]]:
    from kith.profiles.segments import list_segments

    return [(s.slug, s.name) for s in list_segments(session)]


def topic_choices(session: Session) -> list[tuple[str, str]]:
    from kith.enrichment.models import Topic

    return [
        (t.public_id, t.name) for t in session.scalars(select(Topic).where(Topic.active.is_(True)).order_by(Topic.name))
    ]
