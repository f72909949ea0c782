"""The digest pages: ``/digest`` (pick a department and a period) and ``/digest/{slug}?period=weekly``.

Who sees what: a department member sees only their own department's digest (another one is a 403 naming
theirs, as the department queues do); every other role may read every department's. The figures come from
:func:`kith.inbox.digest.build_digest`, exactly as in the e-mail.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import func, select

from kith.auth.models import Department
from kith.inbox.digest import DigestError, build_digest, duration, normalise_period, outcome_summary, signed
from kith.interactions.models import Conversation
from kith.web.deps import Reader, SessionDep
from kith.web.pages import render
from kith.web.stream import department_of

router = APIRouter()


def _period(value: str) -> str:
    try:
        return normalise_period(value)
    except DigestError as exc:
        raise HTTPException(400, str(exc)) from exc


def _end(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise HTTPException(400, f"date must look like 2026-09-15, got {value[:20]!r}") from exc


@router.get("/digest", response_class=Response)
def digest_index(
    viewer: Reader,
    session: SessionDep,
    department: Annotated[str | None, Query(max_length=64)] = None,
    period: Annotated[str, Query(max_length=16)] = "weekly",
    on: Annotated[str | None, Query(alias="date", max_length=20)] = None,
) -> Response:
    """Without a department: the viewer's own, else the first; then the department's digest page."""
    slug = department or department_of(viewer) or viewer.department_slug
    if not slug:
        slug = session.scalar(select(Department.slug).order_by(Department.id).limit(1))
    if not slug:
        raise HTTPException(404, "There is no department yet; create one under Admin → Departments.")
    query = f"?period={_period(period)}" + (f"&date={_end(on)}" if on else "")
    return RedirectResponse(f"/digest/{slug}{query}", status_code=303)


@router.get("/digest/{slug}", response_class=Response)
def digest_page(
    request: Request,
    slug: str,
    viewer: Reader,
    session: SessionDep,
    period: Annotated[str, Query(max_length=16)] = "weekly",
    on: Annotated[str | None, Query(alias="date", max_length=20)] = None,
) -> Response:
    department = session.scalar(select(Department).where(Department.slug == slug[:64]))
    if department is None:
        raise HTTPException(404, f"There is no department called {slug[:64]!r}.")
    confined = department_of(viewer)
    if confined is not None and confined != department.slug:
        raise HTTPException(403, f"This is the {department.name} digest; yours is at /digest/{confined}.")
    name = _period(period)
    digest = build_digest(session, department, name, _end(on))
    shown = select(Department).order_by(Department.name)
    if confined is not None:
        shown = shown.where(Department.slug == confined)
    latest = None
    if digest.messages == 0:  # an empty period: point at the last one with activity (imports, demos, quiet weeks)
        latest = session.scalar(
            select(func.max(Conversation.last_activity_at)).where(Conversation.department == department.slug)
        )
    context = {
        "d": digest,
        "latest": latest.date() if latest is not None else None,
        "on": _end(on),
        "period": name,
        "departments": list(session.scalars(shown)),
        "base_url": "",
        "duration": duration,
        "signed": signed,
        "outcome_summary": outcome_summary,
    }
    return render(request, "digest.html", context, viewer)
