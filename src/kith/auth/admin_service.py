"""Administration of users, departments and one's own account: the operations behind /admin and /account.

Kept apart from ``service.py`` (sign-in, principals, token look-up) because these are the rarely used,
admin-facing changes; ``check_*`` validates and raises ``AuthError`` with a message the form can show,
``do_*`` acts, and the list functions page with a keyset cursor (the public id of the last row shown, so a
link stays opaque and stable while rows are added).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from kith.auth.models import ApiToken, Department, Role, User
from kith.auth.security import hash_password, verify_password
from kith.auth.service import (
    MIN_PASSWORD,
    SCOPES,
    AuthError,
    Principal,
    check_new_user,
    department_by_slug,
    ensure_default_departments,
)

T = TypeVar("T")
PAGE_SIZE = 50
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_NAME = 200
MAX_SLUG = 64
MAX_EMAIL = 320


class BrokenCursor(ValueError):
    """A page link whose ``after`` names no row (edited by hand, or the row is gone)."""


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list and the cursor of the next page (``None`` on the last page)."""

    rows: list[T]
    next_after: str | None


@dataclass(frozen=True)
class UserRow:
    public_id: str
    email: str
    name: str
    role: str
    department_slug: str | None
    department_name: str | None
    active: bool
    created_at: datetime
    last_login_at: datetime | None


@dataclass(frozen=True)
class Counts:
    users: int
    active_users: int
    departments: int


def counts(session: Session) -> Counts:
    return Counts(
        users=session.scalar(select(func.count(User.id))) or 0,
        active_users=session.scalar(select(func.count(User.id)).where(User.active.is_(True))) or 0,
        departments=session.scalar(select(func.count(Department.id))) or 0,
    )


# ---- users -------------------------------------------------------------------------------------------


def list_users(session: Session, after: str | None = None, limit: int = PAGE_SIZE) -> Page[UserRow]:
    """Users by e-mail (unique, stored lower-case): a stable order an admin can scan."""
    stmt = (
        select(User, Department.slug, Department.name)
        .outerjoin(Department, Department.id == User.department_id)
        .order_by(User.email)
        .limit(limit + 1)
    )
    if after:
        last = session.scalar(select(User.email).where(User.public_id == after))
        if last is None:
            raise BrokenCursor(after)
        stmt = stmt.where(User.email > last)
    found = session.execute(stmt).all()
    rows = [
        UserRow(
            public_id=user.public_id,
            email=user.email,
            name=user.name,
            role=user.role,
            department_slug=slug,
            department_name=dept_name,
            active=user.active,
            created_at=user.created_at,
            last_login_at=user.last_login_at,
        )
        for user, slug, dept_name in found[:limit]
    ]
    return Page(rows, rows[-1].public_id if len(found) > limit else None)


def department_choices(session: Session) -> list[Department]:
    """Every department for a select box (creating the defaults first, so a fresh install has some)."""
    ensure_default_departments(session)
    return list(session.scalars(select(Department).order_by(Department.name)))


def check_new_user_form(
    session: Session, email: str, name: str, password: str, role: str, department: str | None
) -> None:
    """The form's wording first (the shared check speaks to the CLI), then the shared rules."""
    if role == Role.DEPARTMENT and not department:
        raise AuthError("a department member needs a department; choose one")
    if len(email.strip()) > MAX_EMAIL:
        raise AuthError(f"the e-mail address must have at most {MAX_EMAIL} characters")
    if len(name.strip()) > MAX_NAME:
        raise AuthError(f"the name must have at most {MAX_NAME} characters")
    check_password(password)
    check_new_user(session, email, name, password, role, department)


def check_user_update(
    session: Session, actor: Principal, user: User, role: str, department: str | None, active: bool
) -> None:
    """An admin may change anyone's role, department and state, except lock themself out."""
    if role not in {r.value for r in Role}:
        raise AuthError(f"unknown role {role!r}; choose one of: {', '.join(r.value for r in Role)}")
    if user.id == actor.user_id and role != Role.ADMIN:
        raise AuthError("you cannot remove your own admin role; ask another admin to do it")
    if user.id == actor.user_id and not active:
        raise AuthError("you cannot deactivate your own account; ask another admin to do it")
    if role == Role.DEPARTMENT and not department:
        raise AuthError("a department member needs a department; choose one")
    if department and department_by_slug(session, department) is None:
        raise AuthError(f"unknown department {department!r}; choose one from the list")


def do_update_user(session: Session, user: User, role: str, department: str | None, active: bool) -> None:
    """Deactivation, never deletion: interactions and notes keep their author."""
    dept = department_by_slug(session, department)
    user.role = role
    user.department_id = dept.id if dept else None
    user.active = active
    session.flush()


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AuthError(f"the password must have at least {MIN_PASSWORD} characters")
    if len(password) > 1000:
        raise AuthError("the password must have at most 1000 characters")


def check_password_reset(actor: Principal, user: User, password: str) -> None:
    """An admin's own password changes under Account, where the current one is asked for."""
    if user.id == actor.user_id:
        raise AuthError("change your own password under Account, where the current one is asked for")
    check_password(password)


def do_set_password(session: Session, user: User, password: str) -> None:
    check_password(password)
    user.password_hash = hash_password(password)
    session.flush()


def check_own_password_change(user: User, current: str, new: str, repeat: str) -> None:
    """Changing one's own password needs the current one: a borrowed session must not take the account."""
    if not verify_password(user.password_hash, current):
        raise AuthError("the current password is wrong")
    if new != repeat:
        raise AuthError("the new password and its repetition differ")
    check_password(new)
    if new == current:
        raise AuthError("the new password must differ from the current one")


# ---- departments -------------------------------------------------------------------------------------


def list_departments(session: Session, after: str | None = None, limit: int = PAGE_SIZE) -> Page[Department]:
    ensure_default_departments(session)
    stmt = select(Department).order_by(Department.slug).limit(limit + 1)
    if after:
        last = session.scalar(select(Department.slug).where(Department.public_id == after))
        if last is None:
            raise BrokenCursor(after)
        stmt = stmt.where(Department.slug > last)
    found = list(session.scalars(stmt))
    return Page(found[:limit], found[limit - 1].public_id if len(found) > limit else None)


def department_by_public_id(session: Session, public_id: str) -> Department | None:
    return session.scalar(select(Department).where(Department.public_id == public_id))


def members_count(session: Session, department: Department) -> int:
    return session.scalar(select(func.count(User.id)).where(User.department_id == department.id)) or 0


def check_department_name(name: str) -> None:
    if not name.strip():
        raise AuthError("the name must not be empty")
    if len(name.strip()) > MAX_NAME:
        raise AuthError(f"the name must have at most {MAX_NAME} characters")


def check_new_department(session: Session, slug: str, name: str) -> None:
    if not SLUG.match(slug) or len(slug) > MAX_SLUG:
        raise AuthError(
            f"the slug must be 1–{MAX_SLUG} lower-case letters, digits and single hyphens (like 'after-sales')"
        )
    if department_by_slug(session, slug) is not None:
        raise AuthError(f"a department with the slug {slug!r} already exists")
    check_department_name(name)


def do_create_department(session: Session, slug: str, name: str) -> Department:
    department = Department(slug=slug, name=name.strip())
    session.add(department)
    session.flush()
    return department


def do_rename_department(session: Session, department: Department, name: str) -> None:
    """Only the name changes: the slug is in URLs, routing rules and conversations."""
    department.name = name.strip()
    session.flush()


# ---- personal API tokens -----------------------------------------------------------------------------


def check_new_token(principal: Principal, name: str, scopes: list[str]) -> None:
    if not name.strip():
        raise AuthError("give the token a name, so you can tell it apart later (e.g. 'nightly export')")
    if len(name.strip()) > MAX_NAME:
        raise AuthError(f"the name must have at most {MAX_NAME} characters")
    if not scopes:
        raise AuthError("choose at least one scope")
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown:
        raise AuthError(f"unknown scope(s) {', '.join(unknown)}; choose from: {', '.join(SCOPES)}")
    if "admin" in scopes and principal.role != Role.ADMIN:
        raise AuthError("only an admin can create a token with the admin scope")


def list_tokens(session: Session, user_id: int, after: str | None = None, limit: int = PAGE_SIZE) -> Page[ApiToken]:
    """A user's tokens, newest first, revoked ones included (so a user sees what was switched off)."""
    stmt = (
        select(ApiToken)
        .where(ApiToken.user_id == user_id)
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        .limit(limit + 1)
    )
    if after:
        last = session.execute(
            select(ApiToken.created_at, ApiToken.id).where(ApiToken.public_id == after, ApiToken.user_id == user_id)
        ).first()
        if last is None:
            raise BrokenCursor(after)
        created, ident = last
        stmt = stmt.where(or_(ApiToken.created_at < created, and_(ApiToken.created_at == created, ApiToken.id < ident)))
    found = list(session.scalars(stmt))
    return Page(found[:limit], found[limit - 1].public_id if len(found) > limit else None)
