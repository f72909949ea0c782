"""``kith listen`` and ``kith sources …``: continuous intake from the shell.

Errors a user can fix (unknown channel or kind, missing parameter, duplicate source) print one line and
exit with status 2; a failing source during ``listen`` is reported and backed off, never fatal.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from kith.bootstrap import engine
from kith.channels.live.base import SourceError
from kith.channels.live.runner import ListenReport, listen_forever, listen_once
from kith.channels.live.sources import POLLERS, do_add_source, list_sources, source_name
from kith.channels.service import ChannelDisabled, UnknownChannel
from kith.db import session_scope

sources_app = typer.Typer(help="Live sources that `kith listen` polls.", no_args_is_help=True)
console = Console()
err = Console(stderr=True, soft_wrap=True)  # one-line errors, however narrow the terminal


def _fail(message: str) -> typer.Exit:
    err.print(f"[red]error:[/] {message}", highlight=False)
    return typer.Exit(2)


def _parse_params(pairs: list[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise SourceError(f"--param {pair!r} is not KEY=VALUE (e.g. --param tag=nordlicht)")
        params[key.strip()] = value.strip()
    return params


@sources_app.command("add")
def add_source(
    channel: Annotated[str, typer.Argument(help="The channel that receives the items, e.g. mastodon.")],
    kind: Annotated[str, typer.Argument(help=f"One of: {', '.join(sorted(POLLERS))}.")],
    param: Annotated[
        list[str] | None,
        typer.Option(
            "--param",
            "-p",
            help="KEY=VALUE, repeatable: mastodon base_url, timeline|tag, types; feed url; reddit subreddit; "
            "x query; youtube channel_id; facebook page_id, posts; instagram ig_user_id, media; "
            "imap host, user, mailbox, security, port; mastodon-stream as mastodon (+ streaming_url); "
            "bluesky-jetstream dids, keywords, url.",
        ),
    ] = None,
) -> None:
    """Add a live source to a channel (polled by `kith listen`)."""
    try:
        source, params = source_name(kind, _parse_params(param or []))
        with session_scope(engine()) as session:
            do_add_source(session, channel, source, params)
    except (SourceError, UnknownChannel, ChannelDisabled) as exc:
        raise _fail(str(exc)) from None
    console.print(f"Added [bold]{source}[/] to channel {channel}; `kith listen` polls it.")


@sources_app.command("list")
def list_command() -> None:
    """List live sources with their failures and next poll time."""
    with session_scope(engine()) as session:
        rows = list_sources(session)
    if not rows:
        console.print("No live sources yet; add one with `kith sources add CHANNEL KIND --param KEY=VALUE`.")
        return
    table = Table("Channel", "Source", "Failures", "Next poll (UTC)", "Last error")
    for row in rows:
        when = row.next_poll_at.strftime("%Y-%m-%d %H:%M:%S") if row.next_poll_at else "now"
        table.add_row(row.channel, row.source, str(row.failures), when, row.last_error or "")
    console.print(table)


def _print_report(report: ListenReport) -> None:
    c = report.counts
    console.print(
        f"polled {report.polled}, failed {report.failed}, rate-limited {report.rate_limited}: "
        f"{c.new} new, {c.duplicate} duplicate, {c.quarantined} quarantined; "
        f"normalised {report.processed}, enriched {report.enriched}"
    )
    for line in report.errors:
        err.print(f"[yellow]warning:[/] {line}", highlight=False)


def listen_command(
    once: Annotated[bool, typer.Option("--once", help="Poll the due sources once and exit.")] = False,
    interval: Annotated[float, typer.Option("--interval", min=1.0, help="Seconds between polls of a source.")] = 60.0,
) -> None:
    """Poll live sources and keep stream sources connected; after each round send due replies from the outbox
    and notice SLA breaches. Stop with Ctrl-C or SIGTERM."""
    from kith.inbox.worker import inbox_round  # the worker also sends answers and notices SLA breaches

    db = engine()

    def after(report: ListenReport) -> None:
        _print_report(report)
        for line in inbox_round(db):
            console.print(line, highlight=False)

    if once:
        after(listen_once(db, interval_s=interval))
        return
    console.print(f"Listening every {interval:g} s; Ctrl-C or SIGTERM stops after the current round.")
    listen_forever(db, interval_s=interval, on_round=after)
    console.print("Stopped.")
