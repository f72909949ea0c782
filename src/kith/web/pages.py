"""Rendering pages: every template gets who is viewing and the CSRF token for its forms."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import Response

from kith.auth.service import Principal
from kith.web.deps import csrf_token


def render(
    request: Request, template: str, context: dict[str, Any], viewer: Principal | None, status: int = 200
) -> Response:
    templates = request.app.state.templates
    return templates.TemplateResponse(  # type: ignore[no-any-return]
        request, template, {**context, "viewer": viewer, "csrf": csrf_token(request)}, status_code=status
    )
