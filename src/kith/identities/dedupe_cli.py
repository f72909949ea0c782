"""``kith identities dedupe``: the same-person pairs of a CSV customer list, for review or import.

Progress goes to stderr (a Rich status naming the current stage), the one-line summary to stdout, and any
error the user can fix (missing file, unknown id column, unreadable CSV, bad mapping) is one line with
exit code 2, never a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import duckdb
import typer
from rich.console import Console
from splink.internals.exceptions import SplinkException

from kith.identities.columns import FIELDS, DedupeInputError, parse_mapping
from kith.identities.dedupe import DEFAULT_THRESHOLD, dedupe_csv
from kith.identities.match_cli import match_command

identities_app = typer.Typer(no_args_is_help=True)  # a group even with one command, as `kith identities`
err = Console(stderr=True)
out_console = Console()


def dedupe_command(
    file: Annotated[Path, typer.Argument(help="CSV customer list with a header row.")],
    id_column: Annotated[str, typer.Option("--id-column", help="Column holding each record's unique id.")],
    out: Annotated[Path, typer.Option("--out", help="Where to write left_id,right_id,probability.")],
    columns: Annotated[
        str | None,
        typer.Option(
            "--columns",
            help=f"SOURCE=FIELD pairs, comma-separated, where the guess is wrong; FIELD is one of {', '.join(FIELDS)}.",
        ),
    ] = None,
    threshold: Annotated[
        float, typer.Option("--threshold", min=0.0, max=1.0, help="Least match probability written.")
    ] = DEFAULT_THRESHOLD,
) -> None:
    """Find pairs of records in a customer list that are the same person (Splink, trained on the list itself)."""
    try:
        mapping = parse_mapping(columns)
        with err.status("starting", spinner="dots") as status:
            report = dedupe_csv(
                file, out, id_column=id_column, columns=mapping, threshold=threshold, on_stage=status.update
            )
    except DedupeInputError as exc:
        err.print(f"[red]error:[/] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    except (duckdb.Error, SplinkException) as exc:  # data the model cannot handle, e.g. a column of one value
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        err.print(f"[red]error:[/] deduplication failed: {first}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    out_console.print(
        f"{report.records} records compared on {', '.join(report.fields)}: "
        f"{report.pairs} pairs with probability ≥ {threshold} written to {out}",
        highlight=False,
        soft_wrap=True,
    )


@identities_app.callback()
def identities() -> None:
    """Customer identities: find the records that are the same person."""


identities_app.command("dedupe")(dedupe_command)
identities_app.command("match")(match_command)
