"""What every ``/api/v1`` router shares: readable 422s, the page envelope, cursor and limit parameters.

Why a route class rather than an app-level handler: FastAPI raises ``RequestValidationError`` inside the
route handler, so catching it there keeps the API's error format with the API's routes (pages keep theirs)
and needs nothing from the app factory. Its default 422 body is a list of pydantic errors that echo the
input — a password too, for a bad ``POST /users`` — so we answer a sentence and the error locations only.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Sequence
from datetime import UTC, datetime
from typing import Annotated, Any, Generic, TypeVar

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel

from kith.interactions.service import Cursor

T = TypeVar("T")
API_PREFIX = "/api/v1"
DEFAULT_LIMIT = 50
MAX_LIMIT = 200

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"Items per page (1–{MAX_LIMIT}).")]
CursorParam = Annotated[
    str | None, Query(max_length=200, description="The `next_cursor` of the previous page; omit for the first.")
]
PublicId = Annotated[str, Path(min_length=1, max_length=64, description="A public id (32 hex characters).")]

_PLACES = {"query": "query parameter", "path": "path parameter", "header": "header", "cookie": "cookie"}


class ErrorOut(BaseModel):
    """Every API error: a sentence saying what was wrong and how to fix it."""

    detail: str


class ErrorLocation(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorOut(ErrorOut):
    """A 422: the sentence, and each error's location (the input itself is never echoed)."""

    errors: list[ErrorLocation]


class Page(BaseModel, Generic[T]):
    """One page of a list; pass ``next_cursor`` as ``cursor`` for the next (``null`` on the last page)."""

    items: list[T]
    next_cursor: str | None


ERRORS: dict[int | str, dict[str, Any]] = {
    **{
        status: {"model": ErrorOut, "description": text}
        for status, text in (
            (400, "Bad request (e.g. a broken cursor)"),
            (401, "Not signed in, or the API token is unknown or revoked"),
            (403, "Role or token scope not allowed"),
            (404, "Not found (or not visible to you)"),
        )
    },
    422: {"model": ValidationErrorOut, "description": "Invalid parameters or body"},
}


def describe_errors(errors: Sequence[Any]) -> str:
    """``query parameter 'limit': Input should be less than or equal to 200; …``"""
    parts = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        if loc and loc[0] in _PLACES and len(loc) > 1:
            where = f"{_PLACES[loc[0]]} '{'.'.join(loc[1:])}'"
        elif loc and loc[0] == "body":
            where = f"body field '{'.'.join(loc[1:])}'" if len(loc) > 1 else "request body"
        else:
            where = ".".join(loc) or "request"
        message = str(error.get("msg", "is invalid"))
        context = error.get("ctx") or {}
        if error.get("type") == "json_invalid" and "error" in context:
            message += f" ({context['error']})"
        parts.append(f"{where}: {message}")
    return "; ".join(parts) or "the request is invalid"


def validation_response(exc: RequestValidationError) -> JSONResponse:
    errors = [
        {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
        for e in exc.errors()
    ]
    return JSONResponse({"detail": describe_errors(exc.errors()), "errors": errors}, status_code=422)


class ApiRoute(APIRoute):
    """An API route whose validation errors answer ``{"detail": "<readable sentence>", "errors": [...]}``."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as exc:
                return validation_response(exc)

        return route_handler


def api_router(tag: str) -> APIRouter:
    """A router for one domain's part of ``/api/v1`` (shared prefix, error docs and 422 format)."""
    return APIRouter(prefix=API_PREFIX, tags=[tag], route_class=ApiRoute, responses=ERRORS)


def decode_cursor(text: str | None) -> Cursor | None:
    if not text:
        return None
    try:
        return Cursor.decode(text)
    except ValueError as exc:
        raise HTTPException(400, "The cursor is broken; pass the next_cursor of a previous page, or none.") from exc


def broken_cursor() -> HTTPException:
    return HTTPException(400, "The cursor names nothing (edited, or the row is gone); start from the first page.")


def not_found(what: str) -> HTTPException:
    return HTTPException(404, f"No {what} with this id (or it is not visible to you).")


def sentence(exc: Exception) -> str:
    """A service's message (``a channel named 'x' already exists``) as an API detail sentence."""
    text = str(exc).strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith((".", "!", "?")) else ".")


def as_utc(value: datetime | None) -> datetime | None:
    """Query times without a zone are read as UTC (every stored time is UTC)."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def like_pattern(text: str) -> str:
    """A ``LIKE … ESCAPE '\\'`` pattern matching ``text`` anywhere, wildcards in it taken literally."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
