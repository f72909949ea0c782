"""``kith identities match``: suggest links between probable duplicate customers in the database.

Suggestions only: nothing is merged until an agent accepts one at /identities/review. The one automatic
link is the same customer-given e-mail on two channels (see ``kith.identities.matching``). Progress goes to
stderr as a Rich status; the one-line summary to stdout.
"""

from __future__ import annotations

from typing import Annotated

import duckdb
import typer
from rich.console import Console
from splink.internals.exceptions import SplinkException

from kith.config import get_settings
from kith.db import make_engine, session_scope
from kith.identities.columns import DedupeInputError
from kith.identities.dedupe import DEFAULT_THRESHOLD
from kith.identities.matching import do_match_customers
from kith.identities.social_match import DEFAULT_SOCIAL_THRESHOLD, SocialRun, do_match_social

err = Console(stderr=True)
out_console = Console()


def match_command(
    threshold: Annotated[
        float, typer.Option("--threshold", min=0.0, max=1.0, help="Least match probability suggested.")
    ] = DEFAULT_THRESHOLD,
    social: Annotated[
        bool, typer.Option("--social/--no-social", help="Also match social profiles to customers and to each other.")
    ] = True,
    social_threshold: Annotated[
        float, typer.Option("--social-threshold", min=0.0, max=1.0, help="Least probability of a social suggestion.")
    ] = DEFAULT_SOCIAL_THRESHOLD,
) -> None:
    """Suggest same-person links between customers and social profiles for review; link the same given e-mail."""
    engine = make_engine(get_settings().database_url)
    social_run: SocialRun | None = None
    try:
        with err.status("reading customers", spinner="dots") as status, session_scope(engine) as session:
            run = do_match_customers(session, threshold=threshold, on_stage=status.update)
            if social:
                social_run = do_match_social(session, threshold=social_threshold, on_stage=status.update)
    except (DedupeInputError, duckdb.Error, SplinkException) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        err.print(f"[red]error:[/] matching failed: {first}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    finally:
        engine.dispose()
    out_console.print(
        f"{run.customers} customers compared: {run.suggested} new suggestions "
        f"({run.updated} refreshed), {run.auto_linked} identities auto-linked on the same e-mail. "
        + (
            f"{social_run.profiles} identities compared on their public profiles: "
            f"{social_run.suggested} new suggestions "
            f"({social_run.updated} refreshed). "
            if social_run is not None
            else ""
        )
        + "Review them at /identities/review.",
        highlight=False,
        soft_wrap=True,
    )
