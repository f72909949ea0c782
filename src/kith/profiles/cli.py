"""``kith profiles refresh``: bring the stored customer profiles up to date (the pipeline does it too).

Incremental by default — only customers whose interactions or orders changed since their last refresh —
so it is cheap to run after every import; ``--all`` recomputes everyone, e.g. to re-date every CLV
estimate with today's model fit.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from kith.bootstrap import engine
from kith.profiles.refresh import refresh_profiles

console = Console()
profiles_app = typer.Typer(help="Stored customer profiles: CLV, willingness to pay, preferences, influence.")


@profiles_app.callback()
def profiles() -> None:
    """Stored customer profiles (a group, so `refresh` stays a subcommand when mounted)."""


@profiles_app.command("refresh")
def refresh(
    everyone: Annotated[bool, typer.Option("--all", help="Recompute every profile, changed or not.")] = False,
) -> None:
    """Recompute the profiles of customers whose interactions or orders changed (all with --all)."""
    report = refresh_profiles(engine(), full=everyone)
    console.print(
        f"{report.refreshed} profile(s) refreshed, {report.unchanged} unchanged, {report.removed} removed "
        f"({report.customers} customers)"
    )
    model = report.clv_model
    if "bgnbd" in model:
        b = model["bgnbd"]
        console.print(
            f"CLV model: BG/NBD r={b['r']:.3f} alpha={b['alpha']:.3f} a={b['a']:.3f} b={b['b']:.3f} "
            f"over {b['customers']} customers with orders"
        )
    if model.get("problem"):
        console.print(f"CLV: {model['problem']}")
