"""Saved answers (``/inbox/answers``: list, search, create, edit, delete) and notifications
(``/inbox/notifications``: mine, mark read).

Reading answers is for every signed-in role (a department member sees global ones and their
department's); writing is for admins, agents and department members (:mod:`kith.inbox.answers` keeps a
member to their own department). Notifications are always the viewer's own.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from kith.auth.service import Principal
from kith.inbox.answers import AnswerInput, answer_for, create_answer, delete_answer, list_answers, update_answer
from kith.inbox.models import SavedAnswer
from kith.inbox.notifications import mark_read, notifications_for
from kith.inbox.service import ACTORS, InboxError, confined_to, departments
from kith.web.deps import Reader, SessionDep
from kith.web.pages import render

router = APIRouter()
Short = Annotated[str, Form(max_length=300)]
Long = Annotated[str, Form(max_length=20_000)]
DONE = {"created": "The answer was saved.", "updated": "The answer was updated.", "deleted": "The answer was deleted."}


def writer(viewer: Principal) -> None:
    if viewer.role not in ACTORS:
        raise HTTPException(403, "Your role may read saved answers but not change them.")


def found(session: Session, viewer: Principal, public_id: str) -> SavedAnswer:
    answer = answer_for(session, public_id, confined_to(viewer))
    if answer is None:
        raise HTTPException(404, "There is no such saved answer, or it belongs to another department.")
    return answer


def form_page(
    request: Request,
    session: Session,
    viewer: Principal,
    answer: SavedAnswer | None,
    data: dict[str, Any],
    error: str | None = None,
) -> Response:
    context = {
        "answer": answer,
        "data": data,
        "error": error,
        "departments": departments(session),
        "confined": confined_to(viewer),
    }
    return render(request, "inbox_answer_form.html", context, viewer, 400 if error else 200)


@router.get("/inbox/answers", response_class=HTMLResponse)
def answers_list(request: Request, viewer: Reader, session: SessionDep) -> Response:
    q = (request.query_params.get("q") or "").replace("\x00", "").strip()[:200]
    context = {
        "answers": list_answers(session, confined_to(viewer), q or None),
        "q": q,
        "can_write": viewer.role in ACTORS,
        "done": DONE.get(request.query_params.get("done") or ""),
    }
    return render(request, "inbox_answers.html", context, viewer)


@router.get("/inbox/answers/new", response_class=HTMLResponse)
def answer_new(request: Request, viewer: Reader, session: SessionDep) -> Response:
    writer(viewer)
    return form_page(request, session, viewer, None, {"department": confined_to(viewer) or ""})


@router.post("/inbox/answers")
def answer_create(
    request: Request,
    viewer: Reader,
    session: SessionDep,
    title: Short = "",
    body: Long = "",
    department: Short = "",
    lang: Short = "",
) -> Response:
    writer(viewer)
    data = AnswerInput(title, body, department or None, lang or None)
    try:
        create_answer(session, data, confined_to(viewer), viewer.user_id)
    except InboxError as exc:
        return form_page(request, session, viewer, None, data.__dict__, str(exc))
    return RedirectResponse("/inbox/answers?done=created", status_code=303)


@router.get("/inbox/answers/{public_id}/edit", response_class=HTMLResponse)
def answer_edit(request: Request, public_id: str, viewer: Reader, session: SessionDep) -> Response:
    writer(viewer)
    answer = found(session, viewer, public_id)
    data = {
        "title": answer.title,
        "body": answer.body,
        "department": answer.department or "",
        "lang": answer.lang or "",
    }
    return form_page(request, session, viewer, answer, data)


@router.post("/inbox/answers/{public_id}")
def answer_update(
    request: Request,
    public_id: str,
    viewer: Reader,
    session: SessionDep,
    title: Short = "",
    body: Long = "",
    department: Short = "",
    lang: Short = "",
) -> Response:
    writer(viewer)
    answer = found(session, viewer, public_id)
    data = AnswerInput(title, body, department or None, lang or None)
    try:
        update_answer(session, answer, data, confined_to(viewer))
    except InboxError as exc:
        return form_page(request, session, viewer, answer, data.__dict__, str(exc))
    return RedirectResponse("/inbox/answers?done=updated", status_code=303)


@router.post("/inbox/answers/{public_id}/delete")
def answer_delete(public_id: str, viewer: Reader, session: SessionDep) -> Response:
    writer(viewer)
    answer = found(session, viewer, public_id)
    try:
        delete_answer(session, answer, confined_to(viewer))
    except InboxError as exc:
        raise HTTPException(403, str(exc)) from exc
    return RedirectResponse("/inbox/answers?done=deleted", status_code=303)


@router.get("/inbox/notifications", response_class=HTMLResponse)
def notifications_page(request: Request, viewer: Reader, session: SessionDep) -> Response:
    context = {"notifications": notifications_for(session, viewer.user_id)}
    return render(request, "inbox_notifications.html", context, viewer)


@router.post("/inbox/notifications/read")
def notifications_read(viewer: Reader, session: SessionDep, notification: Short = "") -> Response:
    """Mark one notification (its id) or, without one, all of mine read."""
    mark_read(session, viewer.user_id, int(notification) if notification.isdigit() else None)
    return RedirectResponse("/inbox/notifications", status_code=303)
