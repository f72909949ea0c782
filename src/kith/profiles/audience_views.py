"""The audience view ``/audience``: online audience vs customer base vs offline panel, with the gaps.

Every signed-in role may look: it is aggregate figures, no message content (a department member sees the
same company-wide mix; the names behind a bar are not shown). The period is a GET parameter, so a view is
a link people can share.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response

from kith.db import utcnow
from kith.enrichment.query.errors import QuerySyntaxError
from kith.profiles.audience import POPULATIONS, REFERENCE, audience_report
from kith.profiles.charts import grouped_bars
from kith.profiles.customer_facts import recent_customer_facts
from kith.profiles.segment_rules import Definition
from kith.profiles.segments import compile_for, list_segments
from kith.web.deps import Reader, SessionDep
from kith.web.pages import render

router = APIRouter(include_in_schema=False)
PERIODS = {
    "30": "last 30 days",
    "90": "last 90 days",
    "180": "last 180 days",
    "365": "last 365 days",
    "all": "all time",
}
DEFAULT_PERIOD = "365"
LABELS = {"online": "Online audience", "customers": "Customer base", "panel": "Offline panel"}


@router.get("/audience")
def audience_view(
    request: Request,
    session: SessionDep,
    viewer: Reader,
    period: Annotated[str, Query(max_length=8)] = DEFAULT_PERIOD,
) -> Response:
    if period not in PERIODS:
        raise HTTPException(400, f"Unknown period {period[:8]!r}; choose one of: {', '.join(PERIODS)}.")
    since = None if period == "all" else utcnow() - timedelta(days=int(period))
    facts = recent_customer_facts(session)
    saved: list[tuple[str, str, Definition]] = []
    for segment in list_segments(session):
        try:
            saved.append((segment.slug, segment.name, compile_for(session, segment.definition, segment.slug)))
        except QuerySyntaxError:
            continue  # the segment list says which segments no longer compile
    report = audience_report(session, since, None, saved, facts)
    charts = {
        b.key: grouped_bars(
            [r.category for r in b.rows], POPULATIONS, [[r.shares[p] for p in POPULATIONS] for r in b.rows]
        )
        for b in report.breakdowns
    }
    others = [p for p in POPULATIONS if p != REFERENCE]
    context = {
        "report": report,
        "charts": charts,
        "populations": POPULATIONS,
        "others": others,
        "labels": LABELS,
        "periods": PERIODS,
        "period": period,
        "reference": REFERENCE,
    }
    return render(request, "audience.html", context, viewer)
