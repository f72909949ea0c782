"""``kith ideas list|show|status``: the ideas board from the command line.

Errors are one line on stderr with a hint and exit code 2 (an unknown status lists the valid ones).
A status change from here has no signed-in user: it is recorded as done by the system.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from kith.bootstrap import engine
from kith.db import session_scope
from kith.ideas.notify import default_message, do_notify_shipped
from kith.ideas.service import (
    STATUSES,
    IdeaError,
    board,
    card_of,
    check_status,
    do_change_status,
    history_of,
    idea_by_public_id,
    mentions_of,
)

console = Console()
err = Console(stderr=True)
ideas_app = typer.Typer(help="Customers' ideas: the board product design owns.", no_args_is_help=True)


def _fail(message: str) -> typer.Exit:
    err.print(f"[red]error:[/] {message}", highlight=False)
    return typer.Exit(2)


@ideas_app.command("list")
def list_ideas(
    status: Annotated[str | None, typer.Option(help=f"only ideas in this status ({', '.join(STATUSES)})")] = None,
    sort: Annotated[str, typer.Option(help="votes or newest")] = "votes",
) -> None:
    """Ideas with votes, mentions, status and product, most votes first."""
    if status is not None and status not in STATUSES:
        raise _fail(f"unknown status {status!r}; choose one of: {', '.join(STATUSES)}")
    if sort not in ("votes", "newest"):
        raise _fail(f"unknown sort {sort!r}; choose votes or newest")
    with session_scope(engine()) as session:
        cards = board(session, status=status, sort=sort)
    if not cards:
        console.print("No ideas yet." if status is None else f"No ideas with the status {status}.")
        return
    table = Table("id", "votes", "mentions", "status", "product", "title")
    for card in cards:
        table.add_row(card.public_id, str(card.votes), str(card.mentions), card.status, card.product or "-", card.title)
    console.print(table)


@ideas_app.command("show")
def show(
    idea_id: Annotated[str, typer.Argument(metavar="ID", help="the idea's id, as `kith ideas list` shows it")],
) -> None:
    """One idea: its status with the reason, its mentions and its history."""
    with session_scope(engine()) as session:
        try:
            idea = idea_by_public_id(session, idea_id)
        except LookupError:
            raise _fail(f"no idea {idea_id!r}; `kith ideas list` shows the ids") from None
        card = card_of(session, idea)
        mentions = mentions_of(session, idea)
        history = history_of(session, idea)
    console.print(f"[bold]{card.title}[/]  ({card.public_id})", highlight=False)
    console.print(
        f"status {card.status}{f' — {card.status_reason}' if card.status_reason else ''} · "
        f"{card.votes} vote(s), {card.mentions} mention(s) · product {card.product or '-'}",
        highlight=False,
    )
    if card.summary:
        console.print(card.summary, highlight=False)
    console.print("[bold]Mentions[/]")
    for m in mentions:
        told = f" · told via {m.notify_via}" if m.notify_via else ""
        text = "(deleted)" if m.deleted else " ".join(m.text.split())[:160]
        console.print(f"  {m.channel} · {m.author or 'unknown'} · {m.similarity:.2f}{told}: {text}", highlight=False)
    console.print("[bold]History[/]")
    for h in history:
        who = f" by {h.who}" if h.who else ""
        console.print(f"  {h.at:%Y-%m-%d %H:%M} {h.text}{who}", highlight=False)


@ideas_app.command("status")
def status(
    idea_id: Annotated[str, typer.Argument(metavar="ID", help="the idea's id")],
    new_status: Annotated[str, typer.Argument(metavar="STATUS", help=", ".join(STATUSES))],
    reason: Annotated[str, typer.Option("--reason", help="why (required; shown to colleagues)")] = "",
    message: Annotated[
        str | None, typer.Option(help="for shipped: the message to the people who raised it (default: a thank-you)")
    ] = None,
) -> None:
    """Change an idea's status with a reason; "shipped" also tells the people who raised it."""
    with session_scope(engine()) as session:
        try:
            check_status(new_status, reason)
            idea = idea_by_public_id(session, idea_id)
            changed = do_change_status(session, idea, new_status, reason, None)
            report = (
                do_notify_shipped(session, idea, message or default_message(idea), None)
                if idea.status == "shipped"
                else None
            )
        except IdeaError as exc:
            raise _fail(str(exc)) from None
        except LookupError:
            raise _fail(f"no idea {idea_id!r}; `kith ideas list` shows the ids") from None
        title, final = idea.title, idea.status
    console.print(f"{title}: {final}" + ("" if changed else " (unchanged)"), highlight=False)
    if report is not None:
        via = ", ".join(f"{n} by {channel}" for channel, n in sorted(report.via.items())) or "nobody new"
        console.print(
            f"{report.queued} message(s) queued ({via}); {report.already} already told; "
            f"{report.unreachable} not reachable",
            highlight=False,
        )
