"""Command to mount: ``kith train intent`` (plain function with Typer annotations, like train_sentiment)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from kith.enrichment.intent.corrections import DEFAULT_CORRECTIONS
from kith.enrichment.intent.model import ARTIFACTS
from kith.enrichment.intent.train import DEFAULT_DATA


def train_intent(
    data: Annotated[Path, typer.Option(help="Folder with BANKING77's train.csv.")] = DEFAULT_DATA,
    out: Annotated[Path, typer.Option(help="Where to write model.npz and metrics.json.")] = ARTIFACTS,
    corrections: Annotated[
        Path, typer.Option(help="Agents' corrections CSV (text,intent); missing means none.")
    ] = DEFAULT_CORRECTIONS,
) -> None:
    """Retrain the intent model from the seed set, BANKING77 and corrections (needs scikit-learn; seconds)."""
    if importlib.util.find_spec("sklearn") is None:  # a training-only dependency, absent from plain installs
        raise typer.BadParameter("training needs scikit-learn: pip install 'scikit-learn>=1.5'")
    from kith.enrichment.intent.train import train

    err = Console(stderr=True)
    metrics = train(data, out, corrections, log=err.print)
    err.print(f"hold-out macro F1 {metrics['holdout']['macro_f1']:.4f}; wrote {out}")
