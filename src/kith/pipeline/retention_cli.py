"""``kith retention apply``: delete old non-relevant interactions (rules in :mod:`kith.pipeline.retention`).

Why a command and not a step of ``kith run``: deleting is irreversible, so it runs when an operator (or
their cron job) asks for it, with ``--dry-run`` to see first what would go.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from kith.bootstrap import engine
from kith.channels.service import channel_names
from kith.config import get_settings
from kith.db import session_scope
from kith.pipeline.retention import apply_retention

retention_app = typer.Typer(help="Retention of non-relevant interactions.", no_args_is_help=True)
console = Console()


@retention_app.command("apply")
def apply_command(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Count what would be deleted; delete nothing.")] = False,
    days: Annotated[
        int | None, typer.Option("--days", min=1, help="Override KITH_RETENTION_DAYS_IRRELEVANT for this run.")
    ] = None,
) -> None:
    """Delete non-relevant interactions older than the retention limit, with their raw items."""
    limit = days if days is not None else get_settings().retention_days_irrelevant
    if limit < 1:
        console.print("[red]error:[/] KITH_RETENTION_DAYS_IRRELEVANT must be at least 1", highlight=False)
        raise typer.Exit(2)
    db = engine()
    report = apply_retention(db, limit, dry_run=dry_run)
    with session_scope(db) as session:
        names = channel_names(session)
    if report.by_channel_day:
        table = Table("Channel", "Day", "Interactions")
        for (channel_id, day), count in sorted(report.by_channel_day.items(), key=lambda kv: (kv[0][1], kv[0][0])):
            table.add_row(names.get(channel_id, str(channel_id)), day, str(count))
        console.print(table)
    verb = "would delete" if dry_run else "deleted"
    extra = "" if dry_run else f", {report.raw_items} raw items, {report.enrichment_rows} enrichment rows"
    console.print(
        f"Retention ({limit} days, before {report.cutoff:%Y-%m-%d %H:%M} UTC): {verb} "
        f"{report.interactions} non-relevant interactions{extra}."
    )
