"""The alert pages: ``/alerts`` (newest first), ``/alerts/{id}`` with its sample posts, and acknowledging.

Who sees what: a department member sees only the alerts of topics their department owns (whatever the
URL says — another department's alert is a 404, so its existence does not leak); every other role sees
all. Acknowledging ("someone is on it") is for admins, agents and members of the owning department;
analysts and read-only users may look but not act. The sample posts go through the stream's visibility
rule too, so an alert never shows a department member a conversation routed elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from kith.auth.models import Role
from kith.auth.service import Principal
from kith.enrichment.models import Alert, Topic
from kith.interactions.models import Interaction
from kith.interactions.service import Cursor
from kith.interactions.stream import StreamFilter, StreamRow, stream_select, visible_to
from kith.web.deps import Reader, SessionDep
from kith.web.pages import render
from kith.web.stream import cards, department_of, read_cursor

router = APIRouter()
PAGE_SIZE = 30
ACKNOWLEDGERS = (Role.ADMIN, Role.AGENT, Role.DEPARTMENT)


@dataclass(frozen=True)
class AlertEntry:
    public_id: str
    topic: str
    kind: str
    window_start: datetime
    window_end: datetime
    observed: int
    baseline: float
    score: float
    department: str | None
    acknowledged_by: str | None
    notified: bool


def _entry(alert: Alert, topic: str) -> AlertEntry:
    return AlertEntry(
        alert.public_id,
        topic,
        alert.kind,
        alert.window_start,
        alert.window_end,
        int(alert.observed),
        alert.baseline,
        alert.score,
        alert.department,
        alert.acknowledged_by,
        alert.notified_at is not None,
    )


def alert_page(
    session: Session, department: str | None, cursor: Cursor | None, limit: int = PAGE_SIZE
) -> tuple[list[AlertEntry], str | None]:
    """One keyset page of alerts newest first (``department``: only that department's)."""
    stmt = select(Alert, Topic.name).join(Topic, Topic.id == Alert.topic_id)
    if department is not None:
        stmt = stmt.where(Alert.department == department)
    if cursor is not None:
        stmt = stmt.where(
            or_(Alert.created_at < cursor.sort_at, and_(Alert.created_at == cursor.sort_at, Alert.id < cursor.id))
        )
    rows = session.execute(stmt.order_by(Alert.created_at.desc(), Alert.id.desc()).limit(limit + 1)).all()
    entries = [_entry(alert, name) for alert, name in rows[:limit]]
    next_cursor = None
    if len(rows) > limit:
        last = rows[limit - 1][0]
        next_cursor = Cursor(last.created_at, last.id).encode()
    return entries, next_cursor


def visible_alert(session: Session, viewer: Principal, public_id: str) -> tuple[Alert, str]:
    """The alert if this viewer may see it, else 404 (another department's alert is not acknowledged to exist)."""
    found = session.execute(
        select(Alert, Topic.name).join(Topic, Topic.id == Alert.topic_id).where(Alert.public_id == public_id)
    ).first()
    department = department_of(viewer)
    if found is None or (department is not None and found[0].department != department):
        raise HTTPException(404, "No such alert, or it belongs to another department.")
    return found[0], found[1]


def may_acknowledge(viewer: Principal, alert: Alert) -> bool:
    if viewer.role not in ACKNOWLEDGERS:
        return False
    return viewer.role != Role.DEPARTMENT or (
        viewer.department_slug is not None and viewer.department_slug == alert.department
    )


@router.get("/alerts")
def alerts_list(
    request: Request, session: SessionDep, viewer: Reader, after: Annotated[str | None, Query()] = None
) -> Response:
    entries, next_cursor = alert_page(session, department_of(viewer), read_cursor(after))
    context = {
        "entries": entries,
        "next_url": f"/alerts?after={next_cursor}" if next_cursor else None,
        "first_url": "/alerts" if after else None,
        "department": department_of(viewer),
    }
    return render(request, "alerts.html", context, viewer)


@router.get("/alerts/{public_id}")
def alert_detail(request: Request, session: SessionDep, viewer: Reader, public_id: str) -> Response:
    alert, topic = visible_alert(session, viewer, public_id)
    samples = [str(s) for s in alert.samples]
    f = visible_to(StreamFilter(), department_of(viewer))
    result = session.execute(stream_select(session, f).where(Interaction.public_id.in_(samples))).all()
    rows = [StreamRow(r[0], r[1], r[2], r[3], r[4], r[5]) for r in result]
    order = {pid: i for i, pid in enumerate(samples)}
    rows.sort(key=lambda r: order.get(r.interaction.public_id, len(order)))
    context = {
        "alert": _entry(alert, topic),
        "items": cards(session, rows),
        "hidden": len(samples) - len(rows),
        "can_ack": may_acknowledge(viewer, alert) and alert.acknowledged_by is None,
    }
    return render(request, "alert.html", context, viewer)


@router.post("/alerts/{public_id}/ack")
def alert_ack(session: SessionDep, viewer: Reader, public_id: str) -> Response:
    if viewer.role not in (Role.ADMIN, Role.AGENT, Role.DEPARTMENT):  # refuse by role before any lookup
        raise HTTPException(403, "Only admins, agents and the owning department can acknowledge an alert.")
    alert, _ = visible_alert(session, viewer, public_id)
    if not may_acknowledge(viewer, alert):
        raise HTTPException(403, "Only admins, agents and the owning department can acknowledge an alert.")
    if alert.acknowledged_by is None:
        alert.acknowledged_by = viewer.email
    return RedirectResponse(f"/alerts/{alert.public_id}", status_code=303)
