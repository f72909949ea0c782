"""``kith train router``: retrain the learned router from the routing history and print its figures."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from kith.bootstrap import engine
from kith.db import session_scope
from kith.routing.learned_service import do_train_router
from kith.routing.learned_train import TooLittleHistory


def train_router() -> None:
    """Retrain the learned router from every manual or confirmed routing decision (seconds)."""
    console, err = Console(), Console(stderr=True)
    try:
        with session_scope(engine()) as session:
            row = do_train_router(session)
            version, samples, metrics = row.version, row.samples, dict(row.metrics)
    except TooLittleHistory as exc:
        err.print(f"[red]error:[/] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    departments = ", ".join(f"{d} {n}" for d, n in metrics.get("departments", {}).items())
    console.print(f"Trained [bold]{version}[/] on {samples} samples ({departments})", highlight=False)
    holdout = metrics.get("holdout")
    if not holdout:
        console.print(metrics.get("holdout_note", "no held-out check"))
        return
    console.print(
        f"Held-out (newest {holdout['size']} decisions, trained on the {holdout['train_size']} before them): "
        f"accuracy {holdout['accuracy']:.1%}, macro F1 {holdout['macro_f1']:.3f}",
        highlight=False,
    )
    table = Table("department", "precision", "recall", "F1", "held-out samples")
    for d in holdout["per_department"]:
        table.add_row(
            d["department"], f"{d['precision']:.2f}", f"{d['recall']:.2f}", f"{d['f1']:.2f}", str(d["support"])
        )
    console.print(table)
    console.print(f"Active now. See /admin/router; weights {metrics.get('size_bytes', 0) / 1024:.0f} KiB.")
