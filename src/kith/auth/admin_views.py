"""Admin pages for users and departments (/admin, /admin/users, /admin/departments). Admins only.

Views parse forms, authorise (``AdminOnly``) and turn ``AuthError`` into the form again with a 400; the
services in ``admin_service`` act. After a change the browser is sent back to the list (303) with a
``done`` code that maps to a fixed message, so no request text is ever echoed as a notice.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from kith.auth.admin_service import (
    BrokenCursor,
    Page,
    check_new_department,
    check_new_user_form,
    check_password_reset,
    check_user_update,
    counts,
    department_by_public_id,
    department_choices,
    do_create_department,
    do_rename_department,
    do_set_password,
    do_update_user,
    list_departments,
    list_users,
    members_count,
)
from kith.auth.admin_service import check_department_name as check_name
from kith.auth.models import Role, User
from kith.auth.service import AuthError, Principal, do_create_user, user_by_public_id
from kith.channels.admin_service import count_channels
from kith.web.deps import AdminOnly, SessionDep
from kith.web.pages import render

router = APIRouter(prefix="/admin", include_in_schema=False)

After = Annotated[str | None, Query(max_length=64)]
Done = Annotated[str | None, Query(max_length=64)]
Field = Annotated[str, Form(max_length=1000)]

DONE = {
    "user-created": "The user was created. They can sign in with the password you set.",
    "user-updated": "The user was updated.",
    "password-reset": "The password was reset. Tell the user their new password through a safe channel.",
    "department-created": "The department was created.",
    "department-renamed": "The department was renamed.",
}
ROLES = [r.value for r in Role]


def done_message(messages: dict[str, str], code: str | None) -> str | None:
    """A fixed message per code; an unknown code shows nothing (never the query text itself)."""
    return messages.get(code or "")


def finish(session: Session, url: str) -> Response:
    """Commit, then send the browser to ``url`` (303: the next request is a GET).

    The request's session would otherwise commit only after the response is sent, and the browser's
    follow-up GET could arrive first and miss the change.
    """
    session.commit()
    return RedirectResponse(url, status_code=303)


def page_of(fetch: Any, *args: Any) -> Page[Any]:
    try:
        page: Page[Any] = fetch(*args)
    except BrokenCursor as exc:
        raise HTTPException(400, "This page link is broken (bad 'after' cursor); start from the first page.") from exc
    return page


@router.get("", response_class=HTMLResponse)
def overview(request: Request, viewer: AdminOnly, session: SessionDep) -> Response:
    department_choices(session)  # a fresh install shows its default departments in the count
    total, enabled = count_channels(session)
    context = {"counts": counts(session), "channels": total, "channels_enabled": enabled, "section": "overview"}
    return render(request, "admin_overview.html", context, viewer)


# ---- users -------------------------------------------------------------------------------------------


@router.get("/users", response_class=HTMLResponse)
def users(request: Request, viewer: AdminOnly, session: SessionDep, after: After = None, done: Done = None) -> Response:
    page = page_of(list_users, session, after)
    context = {"page": page, "after": after, "done": done_message(DONE, done), "section": "users"}
    return render(request, "admin_users.html", context, viewer)


def user_form(
    request: Request,
    viewer: Principal,
    session: Session,
    values: dict[str, Any],
    error: str | None = None,
    user: User | None = None,
    status: int = 200,
) -> Response:
    context = {
        "values": values,
        "error": error,
        "user": user,
        "roles": ROLES,
        "departments": department_choices(session),
        "is_self": user is not None and user.id == viewer.user_id,
        "section": "users",
    }
    return render(request, "admin_user_form.html", context, viewer, status)


@router.get("/users/new", response_class=HTMLResponse)
def new_user(request: Request, viewer: AdminOnly, session: SessionDep) -> Response:
    return user_form(request, viewer, session, {"role": Role.AGENT.value, "department": "", "active": True})


@router.post("/users")
def create_user(
    request: Request,
    viewer: AdminOnly,
    session: SessionDep,
    email: Field = "",
    name: Field = "",
    role: Field = "",
    department: Field = "",
    password: Field = "",
) -> Response:
    values = {"email": email, "name": name, "role": role, "department": department, "active": True}
    try:
        check_new_user_form(session, email, name, password, role, department or None)
    except AuthError as exc:
        return user_form(request, viewer, session, values, f"Could not create the user: {exc}.", status=400)
    do_create_user(session, email, name, password, role, department or None)
    return finish(session, "/admin/users?done=user-created")


def user_or_404(session: Session, public_id: str) -> User:
    user = user_by_public_id(session, public_id)
    if user is None:
        raise HTTPException(404, "There is no such user; pick one from the list under Admin → Users.")
    return user


def values_of(session: Session, user: User) -> dict[str, Any]:
    dept = next((d for d in department_choices(session) if d.id == user.department_id), None)
    return {"email": user.email, "name": user.name, "role": user.role, "department": dept.slug if dept else ""}


@router.get("/users/{public_id}", response_class=HTMLResponse)
def edit_user(request: Request, viewer: AdminOnly, session: SessionDep, public_id: str) -> Response:
    user = user_or_404(session, public_id)
    return user_form(request, viewer, session, {**values_of(session, user), "active": user.active}, user=user)


@router.post("/users/{public_id}")
def update_user(
    request: Request,
    viewer: AdminOnly,
    session: SessionDep,
    public_id: str,
    role: Field = "",
    department: Field = "",
    active: Field = "",
) -> Response:
    user = user_or_404(session, public_id)
    is_active = active == "on"
    try:
        check_user_update(session, viewer, user, role, department or None, is_active)
    except AuthError as exc:
        values = {**values_of(session, user), "role": role, "department": department, "active": is_active}
        return user_form(request, viewer, session, values, f"Could not update the user: {exc}.", user, 400)
    do_update_user(session, user, role, department or None, is_active)
    return finish(session, "/admin/users?done=user-updated")


@router.post("/users/{public_id}/password")
def reset_password(
    request: Request, viewer: AdminOnly, session: SessionDep, public_id: str, password: Field = ""
) -> Response:
    user = user_or_404(session, public_id)
    try:
        check_password_reset(viewer, user, password)
    except AuthError as exc:
        values = {**values_of(session, user), "active": user.active}
        return user_form(request, viewer, session, values, f"Could not reset the password: {exc}.", user, 400)
    do_set_password(session, user, password)
    return finish(session, "/admin/users?done=password-reset")


# ---- departments -------------------------------------------------------------------------------------


def departments_page(
    request: Request,
    viewer: Principal,
    session: Session,
    after: str | None = None,
    done: str | None = None,
    error: str | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    page = page_of(list_departments, session, after)
    context = {
        "page": page,
        "after": after,
        "done": done_message(DONE, done),
        "error": error,
        "values": values or {"slug": "", "name": ""},
        "section": "departments",
    }
    return render(request, "admin_departments.html", context, viewer, status)


@router.get("/departments", response_class=HTMLResponse)
def departments(
    request: Request, viewer: AdminOnly, session: SessionDep, after: After = None, done: Done = None
) -> Response:
    return departments_page(request, viewer, session, after, done)


@router.post("/departments")
def create_department(
    request: Request, viewer: AdminOnly, session: SessionDep, slug: Field = "", name: Field = ""
) -> Response:
    slug = slug.strip()
    try:
        check_new_department(session, slug, name)
    except AuthError as exc:
        error = f"Could not create the department: {exc}."
        return departments_page(request, viewer, session, error=error, values={"slug": slug, "name": name}, status=400)
    do_create_department(session, slug, name)
    return finish(session, "/admin/departments?done=department-created")


@router.get("/departments/{public_id}", response_class=HTMLResponse)
def edit_department(request: Request, viewer: AdminOnly, session: SessionDep, public_id: str) -> Response:
    department = department_by_public_id(session, public_id)
    if department is None:
        raise HTTPException(404, "There is no such department; pick one from Admin → Departments.")
    context = {
        "department": department,
        "members": members_count(session, department),
        "values": {"name": department.name},
        "error": None,
        "section": "departments",
    }
    return render(request, "admin_department_form.html", context, viewer)


@router.post("/departments/{public_id}")
def rename_department(
    request: Request, viewer: AdminOnly, session: SessionDep, public_id: str, name: Field = ""
) -> Response:
    department = department_by_public_id(session, public_id)
    if department is None:
        raise HTTPException(404, "There is no such department; pick one from Admin → Departments.")
    try:
        check_name(name)
    except AuthError as exc:
        context = {
            "department": department,
            "members": members_count(session, department),
            "values": {"name": name},
            "error": f"Could not rename the department: {exc}.",
            "section": "departments",
        }
        return render(request, "admin_department_form.html", context, viewer, 400)
    do_rename_department(session, department, name)
    return finish(session, "/admin/departments?done=department-renamed")
