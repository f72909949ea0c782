"""FastAPI application factory: server-rendered pages (Jinja2, autoescaped) over the domain services."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.middleware.sessions import SessionMiddleware

from kith import __version__
from kith.auth import account_views, admin_views
from kith.auth import views as auth_views
from kith.auth.security import secret_key
from kith.auth.service import Principal, principal_for, user_by_public_id
from kith.channels import views as channel_views
from kith.channels import webhooks
from kith.config import get_settings
from kith.db import session_scope
from kith.enrichment import alerts_views
from kith.ideas import views as idea_views
from kith.identities import person_views, review_views
from kith.identities import views as identity_views
from kith.inbox import digest_views
from kith.inbox import views as inbox_views
from kith.inbox.notifications import unread_for_template
from kith.interactions import views as interaction_views
from kith.profiles import audience_views, segment_views
from kith.routing import router_views
from kith.routing import views as routing_views
from kith.web import api, stream
from kith.web.deps import SESSION_USER, LoginRequired
from kith.web.pages import render

ROUTERS = (
    auth_views.router,
    stream.router,
    interaction_views.router,
    review_views.router,  # before identity_views: /identities/review is not an identity id
    identity_views.router,
    person_views.router,  # /people/… and /identities/{id}/person
    channel_views.router,
    admin_views.router,
    account_views.router,
    api.router,
    alerts_views.router,
    inbox_views.router,
    digest_views.router,
    routing_views.router,
    router_views.router,
    idea_views.router,
    segment_views.router,
    audience_views.router,
    webhooks.router,  # no session auth: the HMAC signature authenticates (docs/webhooks.md)
)

HERE = Path(__file__).parent
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


class SecurityHeaders(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response


def create_app(engine: Engine) -> FastAPI:
    settings = get_settings()
    app = FastAPI(title="Kith", version=__version__, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.engine = engine
    app.state.templates = Jinja2Templates(directory=HERE / "templates")
    app.state.templates.env.globals["unread_notifications"] = unread_for_template  # the nav's count
    app.add_middleware(SecurityHeaders)
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret_key(settings),
        session_cookie="kith_session",
        max_age=14 * 24 * 3600,
        same_site="lax",
        https_only=settings.secure_cookies,
    )
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for router in ROUTERS:
        app.include_router(router)

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)
        context = {"status": exc.status_code, "detail": exc.detail}
        return render(request, "error.html", context, _viewer_for_error_page(request), exc.status_code)

    return app


def _viewer_for_error_page(request: Request) -> Principal | None:
    """Who is signed in, so an error page keeps the navigation (never raises: it is already an error)."""
    uid = request.session.get(SESSION_USER) if "session" in request.scope else None
    if not uid:
        return None
    try:
        with session_scope(request.app.state.engine) as session:
            user = user_by_public_id(session, str(uid))
            return principal_for(session, user) if user is not None and user.active else None
    except SQLAlchemyError:
        return None
