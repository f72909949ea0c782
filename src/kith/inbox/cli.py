"""``kith outbox …``, ``kith sla check`` and ``kith digest send``: delivery and measurement from the shell.

All three are made for cron or a systemd timer: ``outbox send`` delivers what agents queued (at most once),
``sla check`` notices each breach once, ``digest send`` mails the daily or weekly summary. Errors a user can
fix are one line with a hint and exit code 2, never a traceback.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from kith.bootstrap import engine
from kith.config import get_settings
from kith.db import session_scope
from kith.enrichment.alert_mail import mail_settings
from kith.inbox.digest import DigestError
from kith.inbox.digest_mail import send_digests
from kith.inbox.sender import STATUSES, list_messages, retry, send_pending
from kith.inbox.sla_breach import check_breaches, mail_breaches

console = Console()
err = Console(stderr=True, soft_wrap=True)  # an error stays one line, however narrow the terminal
outbox_app = typer.Typer(help="Answers waiting to be delivered, and their delivery.", no_args_is_help=True)
sla_app = typer.Typer(help="Service-level deadlines of conversations.", no_args_is_help=True)
digest_app = typer.Typer(help="Daily and weekly department digests.", no_args_is_help=True)


@contextmanager
def one_line_errors() -> Iterator[None]:
    """Turn the errors a user can fix into one line on stderr and exit code 2."""
    try:
        yield
    except (DigestError, LookupError, ValueError) as exc:
        err.print(f"[red]error:[/] {exc}", highlight=False)
        raise typer.Exit(2) from None


@outbox_app.callback()
def outbox() -> None:
    """Answers waiting to be delivered (a group, so its commands stay subcommands when mounted)."""


@sla_app.callback()
def sla() -> None:
    """Service-level deadlines of conversations."""


@digest_app.callback()
def digest() -> None:
    """Daily and weekly department digests."""


@outbox_app.command("send")
def send(
    limit: Annotated[int, typer.Option(min=1, help="Deliver at most this many messages.")] = 100,
) -> None:
    """Deliver queued answers (and failed ones whose retry is due) through their channel's transport."""
    report = send_pending(engine(), get_settings(), limit=limit)
    for line in report.lines:
        console.print(line, highlight=False, markup=False)
    for variable, count in sorted(report.waiting.items()):
        console.print(f"{count} message(s) wait: {variable} is not set", highlight=False)
    console.print(f"{report.sent} sent, {report.failed} failed (will retry), {report.gave_up} given up.")


@outbox_app.command("list")
def list_command(
    status: Annotated[str | None, typer.Option(help=f"Only this status: {', '.join(STATUSES)}.")] = None,
    limit: Annotated[int, typer.Option(min=1)] = 50,
) -> None:
    """The newest outbox messages with status, attempts and the last error."""
    if status is not None and status not in STATUSES:
        err.print(f"[red]error:[/] unknown status {status!r}; use one of {', '.join(STATUSES)}", highlight=False)
        raise typer.Exit(2)
    with session_scope(engine()) as session:
        messages = list_messages(session, status, limit)
        if not messages:
            console.print("The outbox is empty." if status is None else f"No {status} messages.")
            return
        table = Table("id", "status", "transport", "to", "attempts", "created", "external id / error")
        for m in messages:
            table.add_row(
                m.public_id,
                m.status,
                m.transport,
                m.recipient or m.in_reply_to or "",
                str(m.attempts),
                f"{m.created_at:%Y-%m-%d %H:%M}",
                (m.external_id or m.error or "")[:80],
            )
        console.print(table)


@outbox_app.command("retry")
def retry_command(public_id: Annotated[str, typer.Argument(help="The message id from `kith outbox list`.")]) -> None:
    """Queue a stuck (``sending`` after a crash) or given-up message again, once you checked it did not arrive."""
    with one_line_errors(), session_scope(engine()) as session:
        message = retry(session, public_id)
        console.print(f"{message.public_id} queued again; `kith outbox send` delivers it.")


@sla_app.command("check")
def sla_check() -> None:
    """Notice conversations past their SLA: record a breach event, notify, e-mail the department once."""
    with session_scope(engine()) as session:
        breaches = check_breaches(session)
        for b in breaches:
            console.print(
                f"[bold red]breach[/] {b.public_id} ({b.department or 'no department'}, {b.priority or 'normal'}) "
                f"due {b.due:%Y-%m-%d %H:%M} UTC; {b.notified} notified",
                highlight=False,
            )
        mailed = mail_breaches(session, breaches)
    console.print(f"{len(breaches)} new breach(es)." if breaches else "No new breaches.")
    if breaches and mail_settings() is None:
        console.print("Mail is off (no KITH_SMTP_HOST): breaches show as notifications only.")
    elif mailed:
        console.print(f"{mailed} department e-mail(s) sent.")


@digest_app.command("send")
def digest_send(
    period: Annotated[str, typer.Option(help="daily | weekly")] = "daily",
    department: Annotated[str | None, typer.Option(help="Only this department (slug).")] = None,
    to: Annotated[str | None, typer.Option(help="Send to this address instead of the department's.")] = None,
    on: Annotated[
        str | None, typer.Option("--date", help="The period ends with this day (YYYY-MM-DD); default: now.")
    ] = None,
) -> None:
    """E-mail the digest (HTML and text) to each department's address, or to --to."""
    with one_line_errors():
        try:
            end = date.fromisoformat(on) if on else None
        except ValueError:
            raise DigestError(f"--date must look like 2026-09-15, got {on!r}") from None
        with session_scope(engine()) as session:
            sent, skipped = send_digests(session, period, department=department, to=to, end=end)
    for mail in sent:
        console.print(f"sent {mail.subject!r} to {mail.to}", highlight=False, markup=False)
    if skipped:
        console.print(f"skipped (no e-mail address): {', '.join(skipped)}")
    console.print(f"{len(sent)} digest(s) sent.")
