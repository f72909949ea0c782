"""The ideas board ``/ideas`` and an idea's page ``/ideas/{id}`` with the changes product design makes.

Who: everyone signed in reads the board and the idea pages. Changing an idea (status with a reason,
title and summary, merging a duplicate, linking a product) is for product design's members and admins
(``service.may_manage``); others see no forms and get 403 on POST, refused by role before any lookup.
A department member outside product design sees the quotes only of mentions in their own department's
conversations (the stream's confinement rule); the others are counted, not shown.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from kith.auth.service import Principal
from kith.commerce.models import Product
from kith.ideas.models import Idea
from kith.ideas.notify import check_message, default_message, do_notify_shipped
from kith.ideas.service import (
    PRODUCT_DEPARTMENT,
    SORTS,
    STATUSES,
    IdeaError,
    MentionRow,
    all_products,
    board,
    card_of,
    check_status,
    do_change_status,
    do_edit,
    do_link_product,
    do_merge,
    history_of,
    idea_by_public_id,
    may_manage,
    mentions_of,
    products_on_board,
    status_counts,
)
from kith.web.deps import Reader, SessionDep
from kith.web.pages import render
from kith.web.stream import department_of

router = APIRouter()
REFUSED = "Only product design and admins can change ideas."
DONE = {
    "status": "Status saved.",
    "edit": "Title and summary saved.",
    "merge": "Duplicate merged into this idea.",
    "product": "Product saved.",
}


@router.get("/ideas")
def ideas_board(
    request: Request,
    session: SessionDep,
    viewer: Reader,
    status: Annotated[str | None, Query()] = None,
    product: Annotated[str | None, Query()] = None,
    sort: Annotated[str, Query()] = "votes",
) -> Response:
    status = status if status in STATUSES else None
    sort = sort if sort in SORTS else "votes"
    context = {
        "cards": board(session, status=status, product=product or None, sort=sort),
        "counts": status_counts(session),
        "statuses": STATUSES,
        "products": products_on_board(session),
        "chosen": {"status": status or "", "product": product or "", "sort": sort},
    }
    return render(request, "ideas_board.html", context, viewer)


def _idea(session: Session, public_id: str) -> Idea:
    try:
        return idea_by_public_id(session, public_id)
    except LookupError:
        raise HTTPException(404, "No such idea; it may have been merged into another.") from None


def _visible(viewer: Principal, mention: MentionRow) -> bool:
    department = department_of(viewer)
    return department is None or department == PRODUCT_DEPARTMENT or mention.department == department


def _detail(
    request: Request, session: Session, viewer: Principal, idea: Idea, error: str | None = None, status: int = 200
) -> Response:
    mentions = mentions_of(session, idea)
    shown = [m for m in mentions if _visible(viewer, m)]
    manage = may_manage(viewer)
    others = (
        session.execute(
            select(Idea.public_id, Idea.title, Idea.votes)
            .where(Idea.id != idea.id, Idea.mentions > 0)
            .order_by(Idea.votes.desc(), Idea.id.desc())
            .limit(300)
        ).all()
        if manage
        else []
    )
    context = {
        "idea": card_of(session, idea),
        "mentions": shown,
        "hidden": len(mentions) - len(shown),
        "told": [m for m in shown if m.notified_at is not None],
        "history": history_of(session, idea),
        "manage": manage,
        "statuses": STATUSES,
        "products": all_products(session) if manage else [],
        "others": others,
        "default_message": default_message(idea),
        "error": error,
        "done": DONE.get(request.query_params.get("done", "")),
        "notice": request.query_params.get("told"),
    }
    return render(request, "ideas_detail.html", context, viewer, status=status)


@router.get("/ideas/{public_id}")
def idea_page(request: Request, session: SessionDep, viewer: Reader, public_id: str) -> Response:
    return _detail(request, session, viewer, _idea(session, public_id))


def _manager(viewer: Principal) -> None:
    if not may_manage(viewer):
        raise HTTPException(403, REFUSED)


@router.post("/ideas/{public_id}/status")
def idea_status(
    request: Request,
    session: SessionDep,
    viewer: Reader,
    public_id: str,
    status: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    message: Annotated[str | None, Form()] = None,
) -> Response:
    _manager(viewer)
    idea = _idea(session, public_id)
    try:  # everything is validated before anything changes: an error leaves the idea as it was
        shipping = check_status(status, reason) == "shipped"
        text = check_message(message if message is not None else default_message(idea)) if shipping else None
        do_change_status(session, idea, status, reason, viewer.user_id)
        told = ""
        if shipping:
            report = do_notify_shipped(session, idea, text, viewer.user_id)
            told = f"&told={report.queued}"
    except IdeaError as exc:
        return _detail(request, session, viewer, idea, error=str(exc), status=400)
    return RedirectResponse(f"/ideas/{idea.public_id}?done=status{told}", status_code=303)


@router.post("/ideas/{public_id}/edit")
def idea_edit(
    request: Request,
    session: SessionDep,
    viewer: Reader,
    public_id: str,
    title: Annotated[str, Form()] = "",
    summary: Annotated[str, Form()] = "",
) -> Response:
    _manager(viewer)
    idea = _idea(session, public_id)
    try:
        do_edit(session, idea, title, summary, viewer.user_id)
    except IdeaError as exc:
        return _detail(request, session, viewer, idea, error=str(exc), status=400)
    return RedirectResponse(f"/ideas/{idea.public_id}?done=edit", status_code=303)


@router.post("/ideas/{public_id}/merge")
def idea_merge(
    request: Request,
    session: SessionDep,
    viewer: Reader,
    public_id: str,
    duplicate: Annotated[str, Form()] = "",
) -> Response:
    _manager(viewer)
    idea = _idea(session, public_id)
    try:
        do_merge(session, idea, _idea(session, duplicate), viewer.user_id)
    except IdeaError as exc:
        return _detail(request, session, viewer, idea, error=str(exc), status=400)
    return RedirectResponse(f"/ideas/{idea.public_id}?done=merge", status_code=303)


@router.post("/ideas/{public_id}/product")
def idea_product(
    request: Request,
    session: SessionDep,
    viewer: Reader,
    public_id: str,
    product: Annotated[str, Form()] = "",
) -> Response:
    _manager(viewer)
    idea = _idea(session, public_id)
    product_id = session.scalar(select(Product.id).where(Product.public_id == product)) if product else None
    try:
        if product and product_id is None:
            raise IdeaError("unknown product; pick one from the list")
        do_link_product(session, idea, product_id, viewer.user_id)
    except IdeaError as exc:
        return _detail(request, session, viewer, idea, error=str(exc), status=400)
    return RedirectResponse(f"/ideas/{idea.public_id}?done=product", status_code=303)
