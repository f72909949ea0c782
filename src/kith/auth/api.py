"""``/api/v1/users`` (admins) and ``/api/v1/me`` (anyone signed in): accounts and personal API tokens.

Tokens are minted only from a browser session, as on the Account page: a leaked token must not be able to
mint itself successors that outlive its revocation. Revoking works with a token too (it only takes access
away). The clear token is in the creation answer once, with ``Cache-Control: no-store``.
"""

from __future__ import annotations

from fastapi import HTTPException, Request, Response
from sqlalchemy import select

from kith.auth.admin_service import BrokenCursor, UserRow, check_new_token, list_tokens, list_users
from kith.auth.models import Department, User
from kith.auth.schemas import MeOut, TokenCreate, TokenCreated, TokenOut, TokenPage, UserCreate, UserOut, UserPage
from kith.auth.service import AuthError, do_create_token, do_create_user, do_revoke_token
from kith.web.api_common import (
    DEFAULT_LIMIT,
    CursorParam,
    Limit,
    PublicId,
    api_router,
    broken_cursor,
    not_found,
    sentence,
)
from kith.web.deps import AdminOnly, Reader, SessionDep, Viewer

router = api_router("accounts")


@router.get("/users", response_model=UserPage, summary="List users (admin)")
def get_users(
    session: SessionDep, admin: AdminOnly, cursor: CursorParam = None, limit: Limit = DEFAULT_LIMIT
) -> UserPage:
    try:
        page = list_users(session, cursor, limit)
    except BrokenCursor as exc:
        raise broken_cursor() from exc
    return UserPage(items=[UserOut.of(r) for r in page.rows], next_cursor=page.next_after)


@router.post("/users", response_model=UserOut, status_code=201, summary="Create a user (admin)")
def create_user(session: SessionDep, admin: AdminOnly, body: UserCreate) -> UserOut:
    try:
        user = do_create_user(session, body.email, body.name, body.password, body.role, body.department or None)
    except AuthError as exc:
        raise HTTPException(400, sentence(exc)) from exc
    department = session.get(Department, user.department_id) if user.department_id else None
    return UserOut.of(
        UserRow(
            public_id=user.public_id,
            email=user.email,
            name=user.name,
            role=user.role,
            department_slug=department.slug if department else None,
            department_name=department.name if department else None,
            active=user.active,
            created_at=user.created_at,
            last_login_at=user.last_login_at,
        )
    )


@router.get("/me", response_model=MeOut, summary="Who am I")
def get_me(viewer: Viewer) -> MeOut:
    return MeOut.of(viewer)


@router.get("/me/tokens", response_model=TokenPage, summary="My API tokens")
def get_my_tokens(
    session: SessionDep, viewer: Reader, cursor: CursorParam = None, limit: Limit = DEFAULT_LIMIT
) -> TokenPage:
    try:
        page = list_tokens(session, viewer.user_id, cursor, limit)
    except BrokenCursor as exc:
        raise broken_cursor() from exc
    return TokenPage(items=[TokenOut.of(t) for t in page.rows], next_cursor=page.next_after)


@router.post("/me/tokens", response_model=TokenCreated, status_code=201, summary="Create an API token")
def create_my_token(
    request: Request, response: Response, session: SessionDep, viewer: Viewer, body: TokenCreate
) -> TokenCreated:
    """Browser session only (send the page's CSRF token as ``X-CSRF-Token``)."""
    if "authorization" in request.headers:
        raise HTTPException(403, "Create API tokens from a browser session (Account page or /api/docs), not a token.")
    scopes: list[str] = sorted(set(body.scopes))
    try:
        check_new_token(viewer, body.name, scopes)
    except AuthError as exc:
        raise HTTPException(400, sentence(exc)) from exc
    user = session.scalar(select(User).where(User.id == viewer.user_id))
    if user is None:  # pragma: no cover - Viewer only lets existing users through
        raise HTTPException(403, "Your account no longer exists.")
    token, clear = do_create_token(session, user, body.name.strip(), scopes)
    response.headers["Cache-Control"] = "no-store"
    return TokenCreated(**TokenOut.of(token).model_dump(), token=clear)


@router.delete("/me/tokens/{public_id}", status_code=204, summary="Revoke one of my API tokens")
def revoke_my_token(session: SessionDep, viewer: Viewer, public_id: PublicId) -> Response:
    if not do_revoke_token(session, viewer.user_id, public_id):
        raise not_found("active token of yours")
    return Response(status_code=204)
