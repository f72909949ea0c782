"""Typed dependencies for routes: the database session, who is asking, and what they may do.

``Viewer`` (a signed-in user or an API token) is required by every page and API route except sign-in and
health; ``require(...)`` narrows it to roles or token scopes. A route signature states its rule in one line
and authorisation cannot be forgotten (full-stack-fastapi-template's habit).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from sqlalchemy.orm import Session

from kith.auth.models import Role, User
from kith.auth.service import Principal, principal_for, principal_from_token, user_by_public_id
from kith.db import session_factory

SESSION_USER = "uid"
SESSION_CSRF = "csrf"


class LoginRequired(Exception):
    """A page needs a signed-in user: the app redirects to the sign-in page."""


def get_session(request: Request) -> Iterator[Session]:
    factory = getattr(request.app.state, "session_factory", None)
    if factory is None:
        factory = request.app.state.session_factory = session_factory(request.app.state.engine)
    with factory() as session, session.begin():
        yield session


# "function" scope: commit before the response leaves, so a redirect never outruns its own change
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def optional_viewer(request: Request, session: SessionDep) -> Principal | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        principal = principal_from_token(session, header[7:].strip())
        if principal is None:
            raise HTTPException(401, "The API token is unknown or revoked; create a new one under your profile.")
        return principal
    uid = request.session.get(SESSION_USER)
    if not uid:
        return None
    user = user_by_public_id(session, str(uid))
    if user is None or not user.active:
        request.session.clear()
        return None
    return principal_for(session, user)


async def viewer(request: Request, principal: Annotated[Principal | None, Depends(optional_viewer)]) -> Principal:
    if principal is None:
        if is_api(request):
            raise HTTPException(401, "Sign in, or send an API token as 'Authorization: Bearer kith_…'.")
        raise LoginRequired
    if request.method not in ("GET", "HEAD", "OPTIONS") and "authorization" not in request.headers:
        await check_csrf(request)
    return principal


Viewer = Annotated[Principal, Depends(viewer)]


def require(*roles: Role, scope: str = "read") -> Callable[[Principal], Principal]:
    """A dependency allowing only ``roles`` (all roles when none given) holding the token ``scope``."""

    def dependency(principal: Viewer) -> Principal:
        if roles and principal.role not in roles:
            raise HTTPException(403, "Your role does not give access to this page.")
        if not principal.can(scope):
            raise HTTPException(403, f"This API token lacks the '{scope}' scope.")
        return principal

    return dependency


AdminOnly = Annotated[Principal, Depends(require(Role.ADMIN, scope="admin"))]
Reader = Annotated[Principal, Depends(require())]


def csrf_token(request: Request) -> str:
    token = request.session.get(SESSION_CSRF)
    if not token:
        token = request.session[SESSION_CSRF] = secrets.token_urlsafe(32)
    return str(token)


async def check_csrf(request: Request) -> None:
    """Cookie-authenticated changes must carry the session's CSRF token (form field or header).

    Starlette caches the parsed form, so reading it here costs the route nothing.
    """
    expected = request.session.get(SESSION_CSRF)
    given: object = request.headers.get("x-csrf-token")
    if not given and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        given = (await request.form()).get("csrf_token")
    if not expected or not given or not secrets.compare_digest(str(expected), str(given)):
        raise HTTPException(403, "The form expired or did not come from Kith (CSRF check failed); reload and retry.")


def sign_in(request: Request, user: User) -> None:
    request.session.clear()  # a fresh session on sign-in: no fixation
    request.session[SESSION_USER] = user.public_id
    csrf_token(request)


def sign_out(request: Request) -> None:
    request.session.clear()
