"""/admin/router: the learned router's state, held-out figures, threshold, retrain and rollback.

Admins act (set the threshold, retrain, activate an older version); analysts may look — the figures are
what they report on. Every change answers with a 303 back to the page and a ``done`` code that maps to a
fixed message (never echoing request text), like the other admin pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from kith.auth.models import Role
from kith.auth.service import Principal
from kith.routing.learned_history import available_samples
from kith.routing.learned_service import (
    RouterSettingError,
    check_threshold,
    do_activate,
    do_set_threshold,
    do_train_router,
    label_of,
    threshold,
    updates_of,
    versions,
)
from kith.routing.learned_train import MIN_DEPARTMENTS, MIN_SAMPLES, TooLittleHistory
from kith.routing.models import RouterModel
from kith.web.deps import AdminOnly, SessionDep, require
from kith.web.pages import render

router = APIRouter(prefix="/admin/router", include_in_schema=False)
RouterReader = Annotated[Principal, Depends(require(Role.ADMIN, Role.ANALYST))]
Done = Annotated[str | None, Query(max_length=64)]
DONE = {
    "retrained": "The router was retrained; the new version is active.",
    "threshold-saved": "The threshold was saved; it applies to conversations routed from now on.",
    "suggest-only": "The router now only suggests; people decide.",
    "activated": "That version is active now.",
}


@dataclass(frozen=True)
class VersionRow:
    version: str
    label: str
    trained_at: datetime
    samples: int
    accuracy: float | None
    macro_f1: float | None
    updates: int
    active: bool


def _version_rows(models: list[RouterModel]) -> list[VersionRow]:
    rows = []
    for row in models:
        holdout = (row.metrics or {}).get("holdout") or {}
        rows.append(
            VersionRow(
                row.version,
                label_of(row.version, row.metrics or {}),
                row.trained_at,
                row.samples,
                holdout.get("accuracy"),
                holdout.get("macro_f1"),
                updates_of(row.metrics or {}),
                row.active,
            )
        )
    return rows


def router_page(
    request: Request,
    session: Session,
    viewer: Principal,
    done: str | None = None,
    error: str | None = None,
    threshold_input: str | None = None,
    status: int = 200,
) -> Response:
    models = versions(session)
    rows = _version_rows(models)
    active = next((r for r in rows if r.active), None)
    metrics: dict[str, Any] = next((dict(m.metrics or {}) for m in models if m.active), {})
    current = threshold(session)
    context = {
        "section": "router",
        "done": DONE.get(done or ""),
        "error": error,
        "active": active,
        "metrics": metrics,
        "holdout": metrics.get("holdout"),
        "incremental": metrics.get("incremental") or {},
        "versions": rows,
        "threshold": current,
        "threshold_input": threshold_input if threshold_input is not None else ("" if current is None else current),
        "available": available_samples(session),
        "min_samples": MIN_SAMPLES,
        "min_departments": MIN_DEPARTMENTS,
        "can_act": viewer.role == Role.ADMIN,
    }
    return render(request, "router_admin.html", context, viewer, status)


def _back(session: Session, done: str) -> Response:
    session.commit()  # before the redirect, so the browser's GET sees the change
    return RedirectResponse(f"/admin/router?done={done}", status_code=303)


@router.get("", response_class=HTMLResponse)
def router_admin(request: Request, viewer: RouterReader, session: SessionDep, done: Done = None) -> Response:
    return router_page(request, session, viewer, done=done)


@router.post("/threshold")
def set_threshold(
    request: Request,
    viewer: AdminOnly,
    session: SessionDep,
    threshold_value: Annotated[str, Form(alias="threshold", max_length=40)] = "",
) -> Response:
    try:
        value = check_threshold(threshold_value)
    except RouterSettingError as exc:
        return router_page(request, session, viewer, error=str(exc), threshold_input=threshold_value, status=400)
    do_set_threshold(session, value)
    return _back(session, "suggest-only" if value is None else "threshold-saved")


@router.post("/retrain")
def retrain(request: Request, viewer: AdminOnly, session: SessionDep) -> Response:
    try:
        do_train_router(session)
    except TooLittleHistory as exc:
        return router_page(request, session, viewer, error=str(exc), status=400)
    return _back(session, "retrained")


@router.post("/activate")
def activate(viewer: AdminOnly, session: SessionDep, version: Annotated[str, Form(max_length=64)] = "") -> Response:
    try:
        do_activate(session, version)
    except RouterSettingError as exc:
        raise HTTPException(404, str(exc)) from exc
    return _back(session, "activated")
