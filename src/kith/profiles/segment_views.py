"""The segment builder: ``/segments`` (list), ``/segments/new``, ``/segments/{slug}`` (members, edit, delete).

Who may do what: admins, agents and analysts create, change and delete segments (they are the people who
target campaigns and differentiated service); department members and read-only users see the list and
the members. "Preview" evaluates the definition being typed without saving it: the member count and the
first members, each linking to their identity page — the quickest way to see whether a rule means what
its author thinks. Both buttons post the same form (with the CSRF token), so nothing needs JavaScript.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from kith.auth.models import Role
from kith.auth.service import Principal
from kith.enrichment.query.errors import QuerySyntaxError
from kith.profiles.customer_facts import CustomerFacts, recent_customer_facts
from kith.profiles.segment_rules import SEGMENT_FIELDS
from kith.profiles.segments import (
    Evaluation,
    SegmentError,
    compile_for,
    create_segment,
    delete_segment,
    evaluate,
    get_segment,
    list_segments,
    members_of,
    update_segment,
)
from kith.profiles.segments_models import Segment
from kith.web.deps import Reader, SessionDep, require
from kith.web.pages import render

router = APIRouter(include_in_schema=False)
EDITORS = (Role.ADMIN, Role.AGENT, Role.ANALYST)
PREVIEW_MEMBERS = 20
DETAIL_MEMBERS = 100
Text = Annotated[str, Form(max_length=4000)]
# the role check is a dependency so it runs before the form is validated: a reader gets 403, not 422
Editor = Annotated[Principal, Depends(require(*EDITORS))]
EXAMPLES = (
    "tier:creator AND channel:instagram",
    "value:high AND country:DE",
    "wtp:high AND clv:>=200 AND product:aurora*",
    "stage:collaboration AND NOT segment:vip",
)


@dataclass(frozen=True)
class Member:
    name: str
    url: str
    tier: str
    value: str
    segment: str
    country: str | None


@dataclass(frozen=True)
class Preview:
    count: int
    customers: int
    members: list[Member]


def may_edit(viewer: Principal) -> bool:
    return viewer.role in EDITORS


def _member(f: CustomerFacts) -> Member:
    return Member(f.name, f"/identities/{f.public_id}", f.tier, f.value, f.segment, f.country)


def _preview(result: Evaluation, limit: int) -> Preview:
    return Preview(len(result.members), result.customers, [_member(f) for f in result.members[:limit]])


def _form(
    request: Request,
    viewer: Principal,
    *,
    segment: Segment | None,
    name: str,
    definition: str,
    description: str,
    preview: Preview | None = None,
    error: str | None = None,
    error_column: int | None = None,
    status: int = 200,
) -> Response:
    context = {
        "segment": segment,
        "name": name,
        "definition": definition,
        "description": description,
        "preview": preview,
        "error": error,
        "error_column": error_column,
        "fields": SEGMENT_FIELDS,
        "examples": EXAMPLES,
        "action": f"/segments/{segment.slug}/edit" if segment else "/segments/new",
    }
    return render(request, "segments_form.html", context, viewer, status)


@router.get("/segments")
def segments_list(request: Request, session: SessionDep, viewer: Reader) -> Response:
    facts = recent_customer_facts(session)  # gathered once, every segment counted against it
    rows = []
    for segment in list_segments(session):
        try:
            count: int | None = len(members_of(session, segment, facts).members)
        except QuerySyntaxError:
            count = None  # a referenced segment changed: the list shows "does not compile"
        rows.append((segment, count))
    context = {"rows": rows, "customers": len(facts), "can_edit": may_edit(viewer)}
    return render(request, "segments_list.html", context, viewer)


@router.get("/segments/new")
def segment_new(request: Request, viewer: Editor) -> Response:
    return _form(request, viewer, segment=None, name="", definition="", description="")


def _submit(
    request: Request,
    session: Session,
    viewer: Principal,
    segment: Segment | None,
    name: str,
    definition: str,
    description: str,
    action: str,
) -> Response:
    try:
        if action == "preview":
            compiled = compile_for(session, definition, segment.slug if segment else None)
            shown = _preview(evaluate(session, compiled, recent_customer_facts(session)), PREVIEW_MEMBERS)
            return _form(
                request,
                viewer,
                segment=segment,
                name=name,
                definition=definition,
                description=description,
                preview=shown,
            )
        if segment is None:
            segment = create_segment(
                session,
                name,
                definition,
                description=description,
                created_by=viewer.email,
                created_by_id=viewer.user_id,
            )
        else:
            update_segment(session, segment, name, definition, description)
    except QuerySyntaxError as exc:
        return _form(
            request,
            viewer,
            segment=segment,
            name=name,
            definition=definition,
            description=description,
            error=str(exc),
            error_column=exc.column,
            status=422,
        )
    except SegmentError as exc:
        return _form(
            request,
            viewer,
            segment=segment,
            name=name,
            definition=definition,
            description=description,
            error=str(exc),
            status=422,
        )
    session.commit()
    return RedirectResponse(f"/segments/{segment.slug}", status_code=303)


@router.post("/segments/new")
def segment_create(
    request: Request,
    session: SessionDep,
    viewer: Editor,
    definition: Text,
    name: Annotated[str, Form(max_length=200)] = "",
    description: Text = "",
    action: Annotated[str, Form(max_length=16)] = "save",
) -> Response:
    return _submit(request, session, viewer, None, name, definition, description, action)


def _segment(session: Session, slug: str) -> Segment:
    try:
        return get_segment(session, slug)
    except SegmentError:
        raise HTTPException(404, "No such segment.") from None


@router.get("/segments/{slug}")
def segment_detail(request: Request, session: SessionDep, viewer: Reader, slug: str) -> Response:
    segment = _segment(session, slug)
    problem = None
    preview = None
    try:
        preview = _preview(members_of(session, segment, recent_customer_facts(session)), DETAIL_MEMBERS)
    except QuerySyntaxError as exc:
        problem = str(exc)
    context = {"segment": segment, "preview": preview, "problem": problem, "can_edit": may_edit(viewer)}
    return render(request, "segments_detail.html", context, viewer)


@router.get("/segments/{slug}/edit")
def segment_edit(request: Request, session: SessionDep, viewer: Editor, slug: str) -> Response:
    segment = _segment(session, slug)
    return _form(
        request,
        viewer,
        segment=segment,
        name=segment.name,
        definition=segment.definition,
        description=segment.description,
    )


@router.post("/segments/{slug}/edit")
def segment_update(
    request: Request,
    session: SessionDep,
    viewer: Editor,
    slug: str,
    definition: Text,
    name: Annotated[str, Form(max_length=200)] = "",
    description: Text = "",
    action: Annotated[str, Form(max_length=16)] = "save",
) -> Response:
    segment = _segment(session, slug)
    return _submit(request, session, viewer, segment, name, definition, description, action)


@router.post("/segments/{slug}/delete")
def segment_delete(request: Request, session: SessionDep, viewer: Editor, slug: str) -> Response:
    segment = _segment(session, slug)
    try:
        delete_segment(session, segment)
    except SegmentError as exc:
        raise HTTPException(409, str(exc)) from None
    session.commit()
    return RedirectResponse("/segments", status_code=303)
