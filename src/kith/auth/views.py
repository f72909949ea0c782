"""Sign-in and sign-out pages."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kith.auth.ratelimit import FailureLimiter
from kith.auth.service import authenticate
from kith.web.deps import SessionDep, Viewer, csrf_token, sign_in, sign_out

router = APIRouter()
# an account locks after 5 failures in 15 min; an address after 50 (offices share one address behind NAT)
account_limiter = FailureLimiter(max_failures=5)
address_limiter = FailureLimiter(max_failures=50)


def safe_next(target: str | None) -> str:
    """Only same-site paths: an open redirect after sign-in is a phishing aid."""
    if not target or not target.startswith("/") or target.startswith("//") or urlsplit(target).netloc:
        return "/"
    return target


def render_login(request: Request, error: str | None = None, status: int = 200, email: str = "") -> Response:
    templates = request.app.state.templates
    return templates.TemplateResponse(  # type: ignore[no-any-return]
        request,
        "login.html",
        {
            "error": error,
            "csrf": csrf_token(request),
            "next": safe_next(request.query_params.get("next")),
            "email": email,
        },
        status_code=status,
    )


@router.get("/login", response_class=HTMLResponse, include_in_schema=False)
def login_page(request: Request) -> Response:
    return render_login(request)


@router.post("/login", include_in_schema=False)
def login(
    request: Request,
    session: SessionDep,
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=1000)],
    csrf_token_field: Annotated[str, Form(alias="csrf_token")] = "",
    next_url: Annotated[str, Form(alias="next")] = "/",
) -> Response:
    if not csrf_token_field or csrf_token_field != request.session.get("csrf"):
        return render_login(request, "The sign-in form expired; please try again.", 400, email)
    address = request.client.host if request.client else "?"
    account = email.strip().lower()
    wait = max(account_limiter.blocked_for(account), address_limiter.blocked_for(address))
    if wait:
        minutes = max(1, round(wait / 60))
        return render_login(request, f"Too many failed sign-ins. Try again in about {minutes} min.", 429, email)
    user = authenticate(session, email, password)
    if user is None:
        account_limiter.fail(account)
        address_limiter.fail(address)
        return render_login(request, "Wrong e-mail or password.", 401, email)
    account_limiter.succeed(account)
    sign_in(request, user)
    return RedirectResponse(safe_next(next_url), status_code=303)


@router.post("/logout", include_in_schema=False)
def logout(request: Request, principal: Viewer) -> Response:
    if principal is None:  # pragma: no cover - Viewer guarantees a principal
        raise HTTPException(401)
    sign_out(request)
    return RedirectResponse("/login", status_code=303)
