"""Inbox pages: the queues (``/inbox``, ``/inbox/mine``, ``/inbox/all``, ``/inbox/departments/{slug}``) and the
conversation view (``/inbox/c/{public_id}``). Actions, saved answers and notifications live in sibling
modules whose routers are included here, so the app registers one inbox router.

Who sees what is the stream's rule (:mod:`kith.inbox.service`): a department member sees only their
department's queue and conversations — another department's conversation is a 404 like a missing one,
another department's queue a 403 (departments are not secret, their conversations are).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import QueryParams

from kith.auth.models import Department, Role
from kith.auth.service import Principal
from kith.inbox import action_views, answer_views, conversation_views
from kith.inbox.queues import PRIORITIES, STATUSES, QueueFilter, inbox_page, queue_counts, wake_snoozed
from kith.inbox.service import confined_to
from kith.interactions.models import Conversation
from kith.web.deps import Reader, SessionDep
from kith.web.pages import render
from kith.web.stream import read_cursor, segment_authors, segment_choices

router = APIRouter()
router.include_router(conversation_views.router)
router.include_router(action_views.router)
router.include_router(answer_views.router)


@router.get("/inbox")
def inbox_home(viewer: Reader, session: SessionDep) -> Response:
    """The viewer's natural inbox: their department's; "Mine" for agents and admins with open work
    assigned to them (else everything, so a first visit never lands on an empty page); all for readers."""
    confined = confined_to(viewer)
    if confined is not None:
        return RedirectResponse(f"/inbox/departments/{confined}", status_code=303)
    if viewer.role in (Role.ADMIN, Role.AGENT) and session.scalar(
        select(Conversation.id)
        .where(Conversation.assignee_id == viewer.user_id, Conversation.status.in_(("open", "pending")))
        .limit(1)
    ):
        return RedirectResponse("/inbox/mine", status_code=303)
    return RedirectResponse("/inbox/all", status_code=303)


def queue_filter(params: QueryParams, base: QueueFilter, session: Session) -> QueueFilter:
    status = (params.get("status") or "open").strip()
    if status not in (*STATUSES, "any"):
        raise HTTPException(400, f"Unknown status {status[:20]!r}; use one of: {', '.join(STATUSES)}, any.")
    priority = (params.get("priority") or "").strip() or None
    if priority is not None and priority not in PRIORITIES:
        raise HTTPException(400, f"Unknown priority {priority[:20]!r}; use one of: {', '.join(PRIORITIES)}.")
    unassigned = (params.get("unassigned") or "") in ("1", "yes", "on")
    segment = (params.get("segment") or "").strip()[:64]
    return QueueFilter(
        department=base.department,
        assignee_id=base.assignee_id,
        status=None if status == "any" else status,
        priority=priority,
        unassigned=unassigned,
        identity_ids=segment_authors(session, segment) if segment else None,
    )


def render_queue(
    request: Request, session: SessionDep, viewer: Principal, base: QueueFilter, heading: str, scope: str
) -> Response:
    params = request.query_params
    wake_snoozed(session)
    f = queue_filter(params, base, session)
    cursor = read_cursor(params.get("after"))
    entries, next_cursor = inbox_page(session, f, cursor)
    keep = [(k, v) for k, v in params.multi_items() if k in ("status", "priority", "unassigned", "segment") and v]
    path = request.url.path

    def link(**changes: str | None) -> str:
        items = dict(keep)
        items.pop("after", None)
        for key, value in changes.items():
            if value is None:
                items.pop(key, None)
            else:
                items[key] = value
        return f"{path}?{urlencode(items)}" if items else path

    context: dict[str, Any] = {
        "heading": heading,
        "scope": scope,
        "entries": entries,
        "f": f,
        "status": params.get("status") or "open",
        "counts": queue_counts(session, f),
        "statuses": STATUSES,
        "priorities": PRIORITIES,
        "segment": (params.get("segment") or "").strip(),
        "segments": segment_choices(session),
        "link": link,
        "first_url": link() if cursor is not None else None,
        "next_url": f"{link()}{'&' if '?' in link() else '?'}after={next_cursor}" if next_cursor else None,
        "departments": list(session.scalars(select(Department).order_by(Department.name))),
        "confined": confined_to(viewer),
    }
    return render(request, "inbox_queue.html", context, viewer)


@router.get("/inbox/mine", response_class=HTMLResponse)
def inbox_mine(request: Request, viewer: Reader, session: SessionDep) -> Response:
    base = QueueFilter(assignee_id=viewer.user_id, department=confined_to(viewer))
    return render_queue(request, session, viewer, base, "Mine", "mine")


@router.get("/inbox/all", response_class=HTMLResponse)
def inbox_all(request: Request, viewer: Reader, session: SessionDep) -> Response:
    confined = confined_to(viewer)
    if confined is not None:
        return RedirectResponse(f"/inbox/departments/{confined}", status_code=303)
    return render_queue(request, session, viewer, QueueFilter(), "All departments", "all")


@router.get("/inbox/departments/{slug}", response_class=HTMLResponse)
def inbox_department(request: Request, slug: str, viewer: Reader, session: SessionDep) -> Response:
    department = session.scalar(select(Department).where(Department.slug == slug[:64]))
    if department is None:
        raise HTTPException(404, f"There is no department called {slug[:64]!r}.")
    confined = confined_to(viewer)
    if confined is not None and confined != department.slug:
        raise HTTPException(
            403, f"This is the {department.name} department's inbox; yours is at /inbox/departments/{confined}."
        )
    base = QueueFilter(department=department.slug)
    return render_queue(request, session, viewer, base, department.name, department.slug)
