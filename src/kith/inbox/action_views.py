"""The conversation view's actions: plain HTML form POSTs (CSRF-checked by the ``Viewer`` dependency).

Each route refuses by role first (analysts and read-only users: 403), then by visibility (another
department's conversation: 404 like a missing one), performs one action from :mod:`kith.inbox.actions`,
:mod:`kith.inbox.reply`, :mod:`kith.inbox.merge` or :mod:`kith.routing.service`, and redirects back (303).
A refused action re-renders the page with a one-line reason and keeps what the person typed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from kith.auth.models import Department, User
from kith.auth.service import Principal
from kith.inbox.actions import add_note, add_tag, assign, remove_tag, set_status, snooze
from kith.inbox.answers import answer_for
from kith.inbox.conversation_views import render_conversation
from kith.inbox.merge import merge
from kith.inbox.reply import reply
from kith.inbox.service import InboxError, actionable, confined_to, conversation_for
from kith.interactions.models import Conversation
from kith.routing import service as routing
from kith.routing.models import RoutingDecision
from kith.web.deps import Reader, SessionDep

router = APIRouter()
Short = Annotated[str, Form(max_length=200)]
Long = Annotated[str, Form(max_length=20_000)]


def back(conversation: Conversation, done: str) -> Response:
    return RedirectResponse(f"/inbox/c/{conversation.public_id}?done={done}", status_code=303)


def refused(
    request: Request, session: Session, viewer: Principal, public_id: str, error: InboxError, **form: str
) -> Response:
    return render_conversation(request, session, viewer, public_id, error=str(error), form=form, status=400)


def acting_user(session: Session, viewer: Principal) -> User:
    user = session.get(User, viewer.user_id)
    if user is None:
        raise HTTPException(403, "Your account no longer exists.")
    return user


@router.post("/inbox/c/{public_id}/reply")
def post_reply(
    request: Request,
    public_id: str,
    viewer: Reader,
    session: SessionDep,
    body: Long = "",
    reply_token: Short = "",
    channel: Short = "",
    answer: Short = "",
) -> Response:
    conversation = actionable(session, viewer, public_id)
    used = answer_for(session, answer, confined_to(viewer)) if answer else None
    try:
        result = reply(
            session,
            conversation,
            user_id=viewer.user_id,
            body=body,
            token=reply_token,
            channel=channel or None,
            answer_id=used.id if used else None,
        )
    except InboxError as exc:
        return refused(request, session, viewer, public_id, exc, body=body)
    return back(conversation, "duplicate" if result.duplicate else "reply")


@router.post("/inbox/c/{public_id}/note")
def post_note(request: Request, public_id: str, viewer: Reader, session: SessionDep, note: Long = "") -> Response:
    conversation = actionable(session, viewer, public_id)
    try:
        add_note(session, conversation, acting_user(session, viewer), note)
    except InboxError as exc:
        return refused(request, session, viewer, public_id, exc, note=note)
    return back(conversation, "note")


@router.post("/inbox/c/{public_id}/tags")
def post_tags(
    request: Request, public_id: str, viewer: Reader, session: SessionDep, add: Short = "", remove: Short = ""
) -> Response:
    conversation = actionable(session, viewer, public_id)
    try:
        if add.strip():
            add_tag(session, conversation, viewer.user_id, add)
        if remove.strip():
            remove_tag(session, conversation, viewer.user_id, remove)
    except InboxError as exc:
        return refused(request, session, viewer, public_id, exc, tag=add)
    return back(conversation, "tags")


@router.post("/inbox/c/{public_id}/status")
def post_status(
    request: Request, public_id: str, viewer: Reader, session: SessionDep, status: Short = "", outcome: Short = ""
) -> Response:
    conversation = actionable(session, viewer, public_id)
    try:
        set_status(session, conversation, viewer.user_id, status, outcome or None)
    except InboxError as exc:
        return refused(request, session, viewer, public_id, exc)
    return back(conversation, "status")


def parse_until(value: str) -> datetime:
    """A ``datetime-local`` value (``YYYY-MM-DDTHH:MM``, read as UTC) or an ISO time with an offset."""
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise InboxError("Give the snooze time as a date and time (YYYY-MM-DD HH:MM, UTC).") from exc
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


@router.post("/inbox/c/{public_id}/snooze")
def post_snooze(request: Request, public_id: str, viewer: Reader, session: SessionDep, until: Short = "") -> Response:
    conversation = actionable(session, viewer, public_id)
    try:
        snooze(session, conversation, viewer.user_id, parse_until(until))
    except InboxError as exc:
        return refused(request, session, viewer, public_id, exc)
    return back(conversation, "snooze")


@router.post("/inbox/c/{public_id}/assign")
def post_assign(
    request: Request, public_id: str, viewer: Reader, session: SessionDep, assignee: Short = ""
) -> Response:
    """``assignee``: a user's public id, ``me`` (take it) or empty (unassign)."""
    conversation = actionable(session, viewer, public_id)
    actor = acting_user(session, viewer)
    target: User | None = None
    if assignee == "me":
        target = actor
    elif assignee:
        target = session.scalar(select(User).where(User.public_id == assignee[:32], User.active.is_(True)))
    try:
        if assignee and target is None:
            raise InboxError("There is no such active user to assign to.")
        assign(session, conversation, actor, target)
    except InboxError as exc:
        return refused(request, session, viewer, public_id, exc)
    return back(conversation, "assign")


@router.post("/inbox/c/{public_id}/route")
def post_route(
    request: Request, public_id: str, viewer: Reader, session: SessionDep, department: Short = "", reason: Short = ""
) -> Response:
    """Re-route to another department (a department member then loses sight of it: back to their inbox)."""
    conversation = actionable(session, viewer, public_id)
    slug = session.scalar(select(Department.slug).where(Department.slug == department.strip()))
    if slug is None:
        return refused(request, session, viewer, public_id, InboxError("Pick a department to route to."))
    if slug == conversation.department:
        return back(conversation, "route")
    routing.reroute(session, conversation, slug, viewer.user_id, reason.strip() or None)
    confined = confined_to(viewer)
    if confined is not None and confined != slug:
        return RedirectResponse(f"/inbox/departments/{confined}", status_code=303)
    return back(conversation, "route")


@router.post("/inbox/c/{public_id}/confirm")
def post_confirm(public_id: str, viewer: Reader, session: SessionDep) -> Response:
    conversation = actionable(session, viewer, public_id)
    routing.confirm(session, conversation, viewer.user_id)
    return back(conversation, "confirm")


@router.post("/inbox/c/{public_id}/accept-suggestion")
def post_accept_suggestion(
    request: Request, public_id: str, viewer: Reader, session: SessionDep, decision: Short = ""
) -> Response:
    """Accepting the learned router's suggestion is a re-route to its department (training data too)."""
    conversation = actionable(session, viewer, public_id)
    suggestion = session.scalar(
        select(RoutingDecision).where(
            RoutingDecision.id == (int(decision) if decision.isdigit() else -1),
            RoutingDecision.conversation_id == conversation.id,
            RoutingDecision.source == "suggestion",
        )
    )
    if suggestion is None or suggestion.department is None:
        return refused(request, session, viewer, public_id, InboxError("That suggestion no longer applies."))
    return post_route(request, public_id, viewer, session, suggestion.department, "accepted the router's suggestion")


@router.post("/inbox/c/{public_id}/merge")
def post_merge(request: Request, public_id: str, viewer: Reader, session: SessionDep, target: Short = "") -> Response:
    """Merge this conversation into ``target`` (a public id, typed or picked): the target must be visible too."""
    conversation = actionable(session, viewer, public_id)
    wanted = target.strip().rsplit("/", 1)[-1]  # a pasted /inbox/c/… link works as well as the id
    try:
        if not wanted:
            raise InboxError("Give the conversation to merge into (its id or link).")
        try:
            into = conversation_for(session, viewer, wanted)
        except HTTPException as exc:
            raise InboxError("There is no such conversation to merge into, or it is not one you may see.") from exc
        merge(session, conversation, into, viewer.user_id)
    except InboxError as exc:
        return refused(request, session, viewer, public_id, exc, target=target)
    return RedirectResponse(f"/inbox/c/{into.public_id}?done=merge", status_code=303)
