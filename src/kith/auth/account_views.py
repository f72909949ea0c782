"""The Account page (/account): who am I, change my password, my personal API tokens. Any signed-in user.

Changes here need a browser session: a leaked read-only API token must not be able to change the password
or mint itself a stronger token. A new token is shown once, on the page that answers its creation (never in a
URL, never stored in clear), with ``Cache-Control: no-store`` so the browser does not keep it either.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from kith.auth.admin_service import check_new_token, check_own_password_change, do_set_password, list_tokens
from kith.auth.admin_views import done_message, finish, page_of
from kith.auth.models import User
from kith.auth.service import (
    SCOPES,
    AuthError,
    Principal,
    department_by_slug,
    do_create_token,
    do_revoke_token,
    user_by_public_id,
)
from kith.web.deps import SessionDep, Viewer
from kith.web.pages import render

router = APIRouter(prefix="/account", include_in_schema=False)

Field = Annotated[str, Form(max_length=1000)]
DONE = {
    "password-changed": "Your password was changed.",
    "token-revoked": "The token was revoked; programs using it can no longer sign in with it.",
}


def browser_only(request: Request) -> None:
    if "authorization" in request.headers:
        raise HTTPException(403, "Manage your account in the browser, not with an API token.")


def me(session: Session, viewer: Principal) -> User:
    user = user_by_public_id(session, viewer.public_id)
    if user is None:  # pragma: no cover - Viewer only lets existing, active users through
        raise HTTPException(403, "Your account no longer exists.")
    return user


def account_page(
    request: Request,
    viewer: Principal,
    session: Session,
    after: str | None = None,
    done: str | None = None,
    password_error: str | None = None,
    token_error: str | None = None,
    token_values: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    department = department_by_slug(session, viewer.department_slug)
    context = {
        "department": department.name if department else None,
        "tokens": page_of(list_tokens, session, viewer.user_id, after),
        "after": after,
        "done": done_message(DONE, done),
        "password_error": password_error,
        "token_error": token_error,
        "token_values": token_values or {"name": "", "scopes": ["read"]},
        "scopes": [s for s in SCOPES if s != "admin" or viewer.role == "admin"],
    }
    return render(request, "account.html", context, viewer, status)


@router.get("", response_class=HTMLResponse)
def account(
    request: Request,
    viewer: Viewer,
    session: SessionDep,
    after: Annotated[str | None, Query(max_length=64)] = None,
    done: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    return account_page(request, viewer, session, after, done)


@router.post("/password")
def change_password(
    request: Request,
    viewer: Viewer,
    session: SessionDep,
    current: Field = "",
    new: Field = "",
    repeat: Field = "",
) -> Response:
    browser_only(request)
    user = me(session, viewer)
    try:
        check_own_password_change(user, current, new, repeat)
    except AuthError as exc:
        error = f"Could not change your password: {exc}."
        return account_page(request, viewer, session, password_error=error, status=400)
    do_set_password(session, user, new)
    return finish(session, "/account?done=password-changed")


@router.post("/tokens", response_class=HTMLResponse)
def create_token(
    request: Request,
    viewer: Viewer,
    session: SessionDep,
    name: Field = "",
    scopes: Annotated[list[str] | None, Form(max_length=3)] = None,
) -> Response:
    browser_only(request)
    chosen = sorted(set(scopes or []))
    try:
        check_new_token(viewer, name, chosen)
    except AuthError as exc:
        values = {"name": name, "scopes": chosen}
        error = f"Could not create the token: {exc}."
        return account_page(request, viewer, session, token_error=error, token_values=values, status=400)
    token, clear = do_create_token(session, me(session, viewer), name.strip(), chosen)
    session.commit()  # the token must exist before the user can copy and use it
    response = render(request, "account_token.html", {"token": token, "clear": clear}, viewer)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/tokens/{public_id}/revoke")
def revoke_token(request: Request, viewer: Viewer, session: SessionDep, public_id: str) -> Response:
    browser_only(request)
    if not do_revoke_token(session, viewer.user_id, public_id):
        raise HTTPException(404, "You have no active token with this id; it may be revoked already.")
    return finish(session, "/account?done=token-revoked")
