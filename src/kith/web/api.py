"""The REST API: every domain's ``/api/v1`` router, its OpenAPI description and interactive docs.

The app is created with ``openapi_url=None`` because FastAPI's own schema would describe the HTML pages
too; ours covers the ``/api/`` routes only and is built once per app. The docs page is Swagger UI served
from ``/static/vendor`` (no CDN: the CSP allows scripts from 'self' only, and none inline), and sends the
page's CSRF token with "Try it out" requests, so a signed-in user can call write endpoints from it.
"""

from __future__ import annotations

from html import escape
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi import routing as fastapi_routing
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from kith import __version__
from kith.auth import api as auth_api
from kith.auth.service import Principal
from kith.channels import api as channels_api
from kith.identities import api as identities_api
from kith.interactions import api as interactions_api
from kith.pipeline import api as pipeline_api
from kith.web.deps import Reader, csrf_token, optional_viewer

router = APIRouter()
for domain in (interactions_api, identities_api, channels_api, pipeline_api, auth_api):
    router.include_router(domain.router)

DESCRIPTION = """Kith's REST API. Every endpoint needs a signed-in browser session or a personal API token
(`Authorization: Bearer kith_…`, created under Account or with `POST /api/v1/me/tokens`); a token acts
with its scopes (`read`, `ingest`, `admin`). Lists page with a keyset cursor: pass a page's `next_cursor`
as `cursor`. Errors are JSON `{"detail": "…"}`. Everything is identified by its public id."""

DOCS_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="csrf-token" content="{csrf}">
  <title>Kith API</title>
  <link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="/static/vendor/swagger-ui/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"><p><a href="/api/openapi.json">OpenAPI description (JSON)</a> · <a href="/">Kith</a></p></div>
  <script src="/static/vendor/swagger-ui/swagger-ui-bundle.js"></script>
  <script src="/static/api-docs.js"></script>
</body>
</html>
"""


def api_routes(app: FastAPI) -> list[Any]:
    """The app's routes under ``/api/`` (FastAPI ≥ 0.120 keeps included routers as route contexts)."""
    iterate = getattr(fastapi_routing, "iter_route_contexts", None)
    routes = list(iterate(app.routes)) if iterate is not None else list(app.routes)
    return [r for r in routes if (getattr(r, "path", None) or "").startswith("/api/")]


def openapi_schema(app: FastAPI) -> dict[str, Any]:
    cached: dict[str, Any] | None = getattr(app.state, "api_openapi", None)
    if cached is None:
        cached = get_openapi(title="Kith API", version=__version__, description=DESCRIPTION, routes=api_routes(app))
        components = cached.setdefault("components", {})
        components["securitySchemes"] = {
            "token": {"type": "http", "scheme": "bearer", "description": "A personal API token (kith_…)."},
            "session": {"type": "apiKey", "in": "cookie", "name": "kith_session"},
        }
        cached["security"] = [{"token": []}, {"session": []}]
        app.state.api_openapi = cached
    return cached


@router.get("/api/openapi.json", include_in_schema=False)
def openapi_json(request: Request, viewer: Reader) -> JSONResponse:
    return JSONResponse(openapi_schema(request.app))


@router.get("/api/docs", include_in_schema=False, response_class=HTMLResponse)
def api_docs(request: Request, viewer: Annotated[Principal | None, Depends(optional_viewer)]) -> Response:
    """Swagger UI for a signed-in user (others sign in first, as for any page)."""
    if viewer is None:
        return RedirectResponse("/login?next=/api/docs", status_code=303)
    return HTMLResponse(DOCS_PAGE.format(csrf=escape(csrf_token(request))))
