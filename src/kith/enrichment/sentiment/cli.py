"""Commands to mount: ``kith train sentiment`` and ``kith classify sentiment FILE|-``.

Plain functions with Typer annotations, so the main CLI registers them where it likes, e.g.
``classify_app.command("sentiment")(classify_sentiment_command)``. Self-contained (no import of
``kith.enrichment.cli``) so that module can import this one without a cycle.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from kith.enrichment.sentiment.model import ARTIFACTS
from kith.enrichment.sentiment.train import DEFAULT_DATA

BATCH = 256


def train_sentiment(
    data: Annotated[
        Path, typer.Option(help="Folder with train_/val_ text and labels (TweetEval layout).")
    ] = DEFAULT_DATA,
    out: Annotated[Path, typer.Option(help="Where to write model.npz and metrics.json.")] = ARTIFACTS,
) -> None:
    """Retrain the sentiment model (needs scikit-learn; takes a few minutes on 2 cores)."""
    if importlib.util.find_spec("sklearn") is None:  # a training-only dependency, absent from plain installs
        raise typer.BadParameter("training needs scikit-learn: pip install 'scikit-learn>=1.5'")
    from kith.enrichment.sentiment.train import train

    err = Console(stderr=True)
    metrics = train(data, out, log=err.print)
    err.print(f"val macro recall {metrics['val']['macro_recall']:.4f}; wrote {out}")
