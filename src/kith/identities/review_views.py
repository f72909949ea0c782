"""Review queue for match suggestions (``/identities/review``): an agent accepts or rejects each pair.

Why a queue: the matcher only suggests; a person decides, and the decision is kept (a rejected pair is never
suggested again, an accepted one links the identities with the agent as evidence). Only admins and agents
review or unlink: linking builds a customer profile, which analysts and read-only users must not change.
Both identities are shown side by side with the fields that agreed, so the decision is made on evidence.
"""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from kith.auth.models import Role
from kith.auth.service import Principal
from kith.channels.models import Channel
from kith.channels.service import DISPLAY_NAMES
from kith.identities.matching import MatchError, do_accept, do_reject, do_unlink, review_page
from kith.web.deps import SessionDep, require
from kith.web.pages import render
from kith.web.stream import page_url

router = APIRouter()
Reviewer = Annotated[Principal, Depends(require(Role.ADMIN, Role.AGENT))]
PAGE_SIZE = 25
REVIEW_URL = "/identities/review"


def read_review_cursor(after: str | None) -> tuple[float, int] | None:
    """``probability_id`` from the page link; a mangled one is the user's 400, not our 500."""
    if not after:
        return None
    probability, _, ident = after.rpartition("_")
    try:
        cursor = (float(probability), int(ident))
    except ValueError:
        cursor = (math.nan, 0)
    if not (0.0 <= cursor[0] <= 1.0 and 0 < cursor[1] < 2**63):
        raise HTTPException(400, "This page link is broken (bad 'after' cursor); start from the first page.")
    return cursor


def channel_labels(session: Session) -> dict[int, str]:
    return {cid: DISPLAY_NAMES.get(name, name) for cid, name in session.execute(select(Channel.id, Channel.name))}


@router.get(REVIEW_URL, response_class=HTMLResponse)
def review_queue(request: Request, viewer: Reviewer, session: SessionDep) -> Response:
    after = request.query_params.get("after")
    page = review_page(session, read_review_cursor(after), PAGE_SIZE)
    context = {
        "rows": page.rows,
        "channels": channel_labels(session),
        "first_url": REVIEW_URL if after else None,
        "next_url": page_url(REVIEW_URL, [], page.next_cursor) if page.next_cursor else None,
        "notice": {"accepted": "Linked.", "rejected": "Rejected; it will not be suggested again."}.get(
            request.query_params.get("done", "")
        ),
    }
    return render(request, "identity_review.html", context, viewer)


def _done(session: Session, url: str) -> Response:
    session.commit()  # before the redirect, so the next page already sees the decision
    return RedirectResponse(url, status_code=303)


@router.post(REVIEW_URL + "/{public_id}/accept")
def accept(public_id: str, viewer: Reviewer, session: SessionDep) -> Response:
    try:
        do_accept(session, public_id, viewer.email)
    except MatchError as exc:
        raise HTTPException(409 if "already" in str(exc) else 404, str(exc)) from None
    return _done(session, REVIEW_URL + "?done=accepted")


@router.post(REVIEW_URL + "/{public_id}/reject")
def reject(public_id: str, viewer: Reviewer, session: SessionDep) -> Response:
    try:
        do_reject(session, public_id, viewer.email)
    except MatchError as exc:
        raise HTTPException(409 if "already" in str(exc) else 404, str(exc)) from None
    return _done(session, REVIEW_URL + "?done=rejected")


@router.post("/identities/{public_id}/unlink")
def unlink(public_id: str, viewer: Reviewer, session: SessionDep) -> Response:
    try:
        identity = do_unlink(session, public_id, viewer.email)
    except MatchError as exc:
        raise HTTPException(404 if "no such" in str(exc) else 409, str(exc)) from None
    return _done(session, f"/identities/{identity.public_id}")
