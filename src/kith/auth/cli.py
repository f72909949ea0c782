"""``kith user …`` and ``kith token …``: manage accounts from the shell (the first admin starts here)."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from kith.auth.models import Department, Role, User
from kith.auth.service import AuthError, do_create_token, do_create_user, ensure_default_departments
from kith.bootstrap import engine
from kith.db import session_scope

user_app = typer.Typer(help="Users of the web app and API.", no_args_is_help=True)
console = Console()


def _password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\n")
    from_env = os.environ.get("KITH_NEW_PASSWORD")
    if from_env:
        return from_env
    if not sys.stdin.isatty():
        raise AuthError("no password given: use --password-stdin, KITH_NEW_PASSWORD, or run in a terminal")
    first = typer.prompt("Password", hide_input=True)
    if typer.prompt("Repeat password", hide_input=True) != first:
        raise AuthError("the two passwords differ")
    return str(first)


@user_app.command("create")
def create(
    email: Annotated[str, typer.Argument(help="Sign-in e-mail address.")],
    name: Annotated[str, typer.Option(help="Display name.")] = "",
    role: Annotated[str, typer.Option(help="admin | agent | analyst | department | readonly")] = "agent",
    admin: Annotated[bool, typer.Option("--admin", help="Shortcut for --role admin.")] = False,
    department: Annotated[str | None, typer.Option(help="Department slug (required for role department).")] = None,
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from stdin.")] = False,
) -> None:
    """Create a user (the password is prompted, read from stdin or from KITH_NEW_PASSWORD)."""
    password = _password(password_stdin)
    with session_scope(engine()) as session:
        user = do_create_user(
            session, email, name or email.split("@")[0], password, Role.ADMIN if admin else role, department
        )
        console.print(f"Created {user.role} {user.email}")


@user_app.command("list")
def list_users() -> None:
    """List users with their role and department."""
    with session_scope(engine()) as session:
        ensure_default_departments(session)
        depts = {d.id: d.slug for d in session.scalars(select(Department))}
        table = Table("e-mail", "name", "role", "department", "active")
        for user in session.scalars(select(User).order_by(User.email)):
            table.add_row(user.email, user.name, user.role, depts.get(user.department_id or 0, ""), str(user.active))
        console.print(table)


@user_app.command("token")
def token(
    email: Annotated[str, typer.Argument(help="Whose token.")],
    name: Annotated[str, typer.Option(help="A label to recognise the token by.")] = "cli",
    scope: Annotated[list[str] | None, typer.Option(help="read | ingest | admin (repeatable).")] = None,
) -> None:
    """Create a personal API token for a user and print it once."""
    with session_scope(engine()) as session:
        user = session.scalar(select(User).where(User.email == email.strip().lower()))
        if user is None:
            raise AuthError(f"no user with the e-mail {email}; see `kith user list`")
        _, clear = do_create_token(session, user, name, scope or ["read"])
    sys.stdout.write(clear + "\n")
