"""Users, departments and API tokens: the operations (``check_*`` validate, ``do_*`` act)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kith.auth.models import ApiToken, Department, Role, User
from kith.auth.security import hash_password, new_api_token, token_digest, verify_password
from kith.db import utcnow

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SCOPES = ("read", "ingest", "admin")
DEFAULT_DEPARTMENTS = {
    "service": "Customer service",
    "sales": "Sales",
    "marketing": "Marketing",
    "product": "Product design",
    "pr": "PR & communications",
    "legal": "Legal & compliance",
}
MIN_PASSWORD = 10


class AuthError(ValueError):
    """A request the user can correct; the message says how."""


@dataclass(frozen=True)
class Principal:
    """Who is acting: a signed-in user, or a user through an API token with some scopes."""

    user_id: int
    public_id: str
    email: str
    name: str
    role: Role
    department_id: int | None
    department_slug: str | None
    scopes: frozenset[str]  # all scopes for a browser session

    def can(self, scope: str) -> bool:
        return scope in self.scopes


def ensure_default_departments(session: Session) -> None:
    existing = set(session.scalars(select(Department.slug)))
    for slug, name in DEFAULT_DEPARTMENTS.items():
        if slug not in existing:
            session.add(Department(slug=slug, name=name))
    session.flush()


def check_new_user(session: Session, email: str, name: str, password: str, role: str, department: str | None) -> None:
    if not EMAIL.match(email.strip()):
        raise AuthError(f"{email!r} is not an e-mail address")
    if len(password) < MIN_PASSWORD:
        raise AuthError(f"the password must have at least {MIN_PASSWORD} characters")
    if role not in {r.value for r in Role}:
        raise AuthError(f"unknown role {role!r}; choose one of: {', '.join(r.value for r in Role)}")
    if role == Role.DEPARTMENT and not department:
        raise AuthError("a department member needs a department (--department SLUG)")
    if department and department_by_slug(session, department) is None:
        slugs = ", ".join(session.scalars(select(Department.slug).order_by(Department.slug)))
        raise AuthError(f"unknown department {department!r}; choose one of: {slugs}")
    if session.scalar(select(User.id).where(func.lower(User.email) == email.strip().lower())):
        raise AuthError(f"a user with the e-mail {email} already exists")
    if not name.strip():
        raise AuthError("the name must not be empty")


def do_create_user(
    session: Session, email: str, name: str, password: str, role: str, department: str | None = None
) -> User:
    ensure_default_departments(session)
    check_new_user(session, email, name, password, role, department)
    dept = department_by_slug(session, department) if department else None
    user = User(
        email=email.strip().lower(),
        name=name.strip(),
        password_hash=hash_password(password),
        role=role,
        department_id=dept.id if dept else None,
        active=True,
    )
    session.add(user)
    session.flush()
    return user


def department_by_slug(session: Session, slug: str | None) -> Department | None:
    if not slug:
        return None
    return session.scalar(select(Department).where(Department.slug == slug))


def authenticate(session: Session, email: str, password: str) -> User | None:
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        verify_password(_DUMMY_HASH, password)  # same work either way: no user enumeration by timing
        return None
    if not user.active or not verify_password(user.password_hash, password):
        return None
    user.last_login_at = utcnow()
    return user


_DUMMY_HASH = hash_password("not-a-real-password-just-timing")


def principal_for(session: Session, user: User, scopes: frozenset[str] | None = None) -> Principal:
    dept = session.get(Department, user.department_id) if user.department_id else None
    return Principal(
        user_id=user.id,
        public_id=user.public_id,
        email=user.email,
        name=user.name,
        role=Role(user.role),
        department_id=user.department_id,
        department_slug=dept.slug if dept else None,
        scopes=frozenset(SCOPES) if scopes is None else scopes,
    )


def do_create_token(session: Session, user: User, name: str, scopes: list[str]) -> tuple[ApiToken, str]:
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown:
        raise AuthError(f"unknown scope(s) {', '.join(unknown)}; choose from: {', '.join(SCOPES)}")
    if "admin" in scopes and user.role != Role.ADMIN:
        raise AuthError("only an admin can create a token with the admin scope")
    clear = new_api_token()
    token = ApiToken(
        user_id=user.id,
        name=name or "token",
        token_hash=token_digest(clear),
        prefix=clear[:12],
        scopes=sorted(set(scopes)),
    )
    session.add(token)
    session.flush()
    return token, clear


def principal_from_token(session: Session, clear: str) -> Principal | None:
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == token_digest(clear)))
    if token is None or token.revoked_at is not None:
        return None
    user = session.get(User, token.user_id)
    if user is None or not user.active:
        return None
    token.last_used_at = utcnow()
    return principal_for(session, user, frozenset(token.scopes))


def do_revoke_token(session: Session, user_id: int, public_id: str) -> bool:
    token = session.scalar(select(ApiToken).where(ApiToken.public_id == public_id, ApiToken.user_id == user_id))
    if token is None or token.revoked_at is not None:
        return False
    token.revoked_at = utcnow()
    return True


def user_by_public_id(session: Session, public_id: str) -> User | None:
    return session.scalar(select(User).where(User.public_id == public_id))
