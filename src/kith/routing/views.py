"""The routing rules page (/admin/routing): everyone signed in may look, only admins change anything.

The list shows each rule's live count (what it matched and decided among the last 7 days' routing
decisions), a "test this condition" box that previews which recently routed conversations a condition
matches now, the fallback department and every department's service settings (working hours, SLA,
assignment). Changes answer with a 303 back to the list and a fixed ``done`` message, like the admin pages.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from kith.auth.models import Department, Role
from kith.auth.service import Principal
from kith.enrichment.query import QuerySyntaxError
from kith.routing.assignment import STRATEGIES
from kith.routing.conditions import ROUTING_FIELDS
from kith.routing.decisions import PRIORITIES
from kith.routing.departments import department_infos
from kith.routing.models import RoutingRule
from kith.routing.rules import (
    RuleError,
    RuleInput,
    add_rule,
    move_rule,
    ordered_rules,
    remove_rule,
    rule_input_of,
    update_rule,
)
from kith.routing.service import preview, rule_counts, rules_with_assignees
from kith.routing.settings import SettingError, fallback_department, set_fallback_department
from kith.routing.sla import DEFAULT_SLA_MINUTES, WorkingHoursError, describe, parse_working_hours
from kith.web.deps import AdminOnly, SessionDep, require
from kith.web.pages import render

router = APIRouter(prefix="/admin/routing", include_in_schema=False)

Text = Annotated[str, Form(max_length=4000)]
Short = Annotated[str, Form(max_length=320)]
DONE = {
    "rule-created": "The rule was added at the end of the list.",
    "rule-updated": "The rule was saved.",
    "rule-moved": "The rule was moved.",
    "rule-toggled": "The rule was switched.",
    "rule-deleted": "The rule was deleted.",
    "fallback-saved": "The fallback department was saved.",
    "department-saved": "The department's service settings were saved.",
}
MAX_SLA_MINUTES = 525_600  # a year
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def finish(session: Session, url: str) -> Response:
    session.commit()  # before the redirect, so the next GET sees the change
    return RedirectResponse(url, status_code=303)


def rule_or_404(session: Session, public_id: str) -> RoutingRule:
    rule = session.scalar(select(RoutingRule).where(RoutingRule.public_id == public_id[:32]))
    if rule is None:
        raise HTTPException(404, "There is no such rule; pick one from Admin → Routing.")
    return rule


def syntax_error(exc: QuerySyntaxError) -> dict[str, Any]:
    return {"message": str(exc), "caret": exc.caret(), "column": exc.column}


# Who may read the rules: the staff who see every department. The page's "test this condition" preview
# quotes recent conversations of all departments, so a department member must not open it.
Staff = Annotated[Principal, Depends(require(Role.ADMIN, Role.AGENT, Role.ANALYST))]


@router.get("", response_class=HTMLResponse)
def rules_page(
    request: Request,
    viewer: Staff,
    session: SessionDep,
    test: Annotated[str | None, Query(max_length=4000)] = None,
    done: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    rules = ordered_rules(session)
    result: Any = None
    error: dict[str, Any] | None = None
    if test:
        try:
            result = preview(session, test)
        except QuerySyntaxError as exc:
            error = syntax_error(exc)
    departments = department_infos(session)
    context = {
        "rules": rules,
        "counts": rule_counts(session),
        "assignees": rules_with_assignees(session, rules),
        "test": test or "",
        "preview": result,
        "test_error": error,
        "departments": list(departments.values()),
        "hours": {slug: describe(d.working_hours) for slug, d in departments.items()},
        "fallback": fallback_department(session),
        "done": DONE.get(done or ""),
        "can_edit": viewer.role == Role.ADMIN,
        "section": "routing",
        "fields": ROUTING_FIELDS,
    }
    return render(request, "routing_rules.html", context, viewer)


def rule_form(
    request: Request,
    viewer: Principal,
    session: Session,
    values: RuleInput,
    rule: RoutingRule | None = None,
    error: str | None = None,
    caret: str | None = None,
    status: int = 200,
) -> Response:
    context = {
        "values": values,
        "rule": rule,
        "error": error,
        "caret": caret,
        "departments": list(department_infos(session).values()),
        "priorities": PRIORITIES,
        "fields": ROUTING_FIELDS,
        "section": "routing",
    }
    return render(request, "routing_rule_form.html", context, viewer, status)


def input_of(
    name: str,
    condition: str,
    department: str,
    priority: str,
    tag: str,
    assignee: str,
    skill: str,
    stop: str,
    active: str,
) -> RuleInput:
    return RuleInput(
        name=name.strip(),
        condition=condition.strip(),
        department=department.strip(),
        priority=priority.strip(),
        tag=tag.strip(),
        assignee=assignee.strip(),
        skill=skill.strip(),
        stop=stop == "on",
        active=active == "on",
    )


@router.get("/rules/new", response_class=HTMLResponse)
def new_rule(request: Request, viewer: AdminOnly, session: SessionDep) -> Response:
    return rule_form(request, viewer, session, RuleInput(name="", condition=""))


@router.post("/rules")
def create_rule(
    request: Request,
    viewer: AdminOnly,
    session: SessionDep,
    name: Short = "",
    condition: Text = "",
    department: Short = "",
    priority: Short = "",
    tag: Short = "",
    assignee: Short = "",
    skill: Short = "",
    stop: Short = "",
    active: Short = "",
) -> Response:
    given = input_of(name, condition, department, priority, tag, assignee, skill, stop, active)
    try:
        add_rule(session, given)
    except QuerySyntaxError as exc:
        error = f"Could not add the rule: the condition has a mistake: {exc}"
        return rule_form(request, viewer, session, given, error=error, caret=exc.caret(), status=400)
    except RuleError as exc:
        return rule_form(request, viewer, session, given, error=f"Could not add the rule: {exc}.", status=400)
    return finish(session, "/admin/routing?done=rule-created")


@router.get("/rules/{public_id}", response_class=HTMLResponse)
def edit_rule(request: Request, viewer: AdminOnly, session: SessionDep, public_id: str) -> Response:
    rule = rule_or_404(session, public_id)
    return rule_form(request, viewer, session, rule_input_of(session, rule), rule)


@router.post("/rules/{public_id}")
def save_rule(
    request: Request,
    viewer: AdminOnly,
    session: SessionDep,
    public_id: str,
    name: Short = "",
    condition: Text = "",
    department: Short = "",
    priority: Short = "",
    tag: Short = "",
    assignee: Short = "",
    skill: Short = "",
    stop: Short = "",
    active: Short = "",
) -> Response:
    rule = rule_or_404(session, public_id)
    given = input_of(name, condition, department, priority, tag, assignee, skill, stop, active)
    try:
        update_rule(session, rule, given)
    except QuerySyntaxError as exc:
        error = f"Could not save the rule: the condition has a mistake: {exc}"
        return rule_form(request, viewer, session, given, rule, error, exc.caret(), 400)
    except RuleError as exc:
        return rule_form(request, viewer, session, given, rule, f"Could not save the rule: {exc}.", status=400)
    return finish(session, "/admin/routing?done=rule-updated")


@router.post("/rules/{public_id}/move")
def move(request: Request, viewer: AdminOnly, session: SessionDep, public_id: str, to: Short = "") -> Response:
    rule = rule_or_404(session, public_id)
    target = {"up": rule.position - 1, "down": rule.position + 1}.get(to)
    if target is None:
        raise HTTPException(400, "Move a rule 'up' or 'down'.")
    move_rule(session, rule, target)
    return finish(session, "/admin/routing?done=rule-moved")


@router.post("/rules/{public_id}/toggle")
def toggle(request: Request, viewer: AdminOnly, session: SessionDep, public_id: str) -> Response:
    rule = rule_or_404(session, public_id)
    rule.active = not rule.active
    return finish(session, "/admin/routing?done=rule-toggled")


@router.post("/rules/{public_id}/delete")
def delete(request: Request, viewer: AdminOnly, session: SessionDep, public_id: str) -> Response:
    remove_rule(session, rule_or_404(session, public_id))
    return finish(session, "/admin/routing?done=rule-deleted")


@router.post("/fallback")
def save_fallback(request: Request, viewer: AdminOnly, session: SessionDep, department: Short = "") -> Response:
    try:
        set_fallback_department(session, department.strip())
    except SettingError as exc:
        raise HTTPException(400, f"Could not save the fallback department: {exc}.") from None
    return finish(session, "/admin/routing?done=fallback-saved")


# ---- department service settings ---------------------------------------------------------------------


def department_or_404(session: Session, slug: str) -> Department:
    department_infos(session)
    found = session.scalar(select(Department).where(Department.slug == slug[:64]))
    if found is None:
        raise HTTPException(404, f"There is no department called {slug[:64]!r}.")
    return found


def department_values(department: Department) -> dict[str, Any]:
    hours = department.working_hours or {}
    return {
        "always": not hours,
        "tz": hours.get("tz", "Europe/Berlin"),
        "days": hours.get("days", [0, 1, 2, 3, 4]),
        "start": hours.get("start", "09:00"),
        "end": hours.get("end", "17:00"),
        "sla": {p: (department.sla_minutes or {}).get(p, "") for p in PRIORITIES},
        "assignment": department.assignment or "none",
        "email": department.email or "",
    }


def department_form(
    request: Request,
    viewer: Principal,
    department: Department,
    values: dict[str, Any],
    error: str | None = None,
    status: int = 200,
) -> Response:
    context = {
        "department": department,
        "values": values,
        "error": error,
        "priorities": PRIORITIES,
        "defaults": DEFAULT_SLA_MINUTES,
        "strategies": STRATEGIES,
        "weekdays": list(enumerate(WEEKDAYS)),
        "section": "routing",
    }
    return render(request, "routing_department_form.html", context, viewer, status)


@router.get("/departments/{slug}", response_class=HTMLResponse)
def edit_department(request: Request, viewer: AdminOnly, session: SessionDep, slug: str) -> Response:
    department = department_or_404(session, slug)
    return department_form(request, viewer, department, department_values(department))


@router.post("/departments/{slug}")
async def save_department(request: Request, viewer: AdminOnly, session: SessionDep, slug: str) -> Response:
    department = department_or_404(session, slug)
    form = await request.form()

    def text(key: str) -> str:
        value = form.get(key)
        return value.strip()[:320] if isinstance(value, str) else ""

    days = sorted({int(d) for d in form.getlist("days") if isinstance(d, str) and d.isdigit() and int(d) < 7})
    always, assignment, email = text("always") == "on", text("assignment"), text("email")
    sla_text = {p: text(f"sla_{p}") for p in PRIORITIES}
    values: dict[str, Any] = {
        "always": always,
        "tz": text("tz"),
        "days": days,
        "start": text("start"),
        "end": text("end"),
        "sla": sla_text,
        "assignment": assignment,
        "email": email,
    }
    hours: dict[str, Any] = (
        {} if always else {"tz": text("tz"), "days": days, "start": text("start"), "end": text("end")}
    )
    try:
        parse_working_hours(hours)
        sla: dict[str, int] = {}
        for priority, raw in sla_text.items():
            if raw:
                if not raw.isdigit() or not 0 < int(raw) <= MAX_SLA_MINUTES:
                    raise WorkingHoursError(f"the SLA for {priority} must be whole minutes, 1 to {MAX_SLA_MINUTES}")
                sla[priority] = int(raw)
        if assignment not in STRATEGIES:
            raise WorkingHoursError(f"assignment must be one of {', '.join(STRATEGIES)}")
        if email and ("@" not in email or " " in email):
            raise WorkingHoursError("the e-mail address does not look like one (name@example.com)")
    except WorkingHoursError as exc:
        return department_form(request, viewer, department, values, f"Could not save: {exc}.", 400)
    department.working_hours = hours
    department.sla_minutes = sla
    department.assignment = assignment
    department.email = email or None
    return finish(session, "/admin/routing?done=department-saved#departments")
