"""``kith topics add|list|remove|test`` and ``kith classify …``: manage topics, try the classifiers."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Annotated, TextIO

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from kith.bootstrap import engine
from kith.db import session_scope
from kith.enrichment.labels import Label
from kith.enrichment.language import classify_language
from kith.enrichment.query.cli import topics_app
from kith.enrichment.sentiment_gate import intent_by_language, sentiment_by_language
from kith.enrichment.topics import KINDS, do_add_topic, do_remove_topic, list_topics

console = Console()
classify_app = typer.Typer(help="Run a classifier on texts (one per line), print JSON Lines.", no_args_is_help=True)
BATCH = 256


@topics_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="A name, e.g. 'Nordlicht brand'.")],
    query: Annotated[str, typer.Argument(help="The boolean query (docs/query-language.md).")],
    kind: Annotated[str, typer.Option(help=f"One of: {', '.join(KINDS)}.")] = "brand",
    department: Annotated[str | None, typer.Option(help="Department that owns the topic's alerts.")] = None,
) -> None:
    """Save a listening topic (it tags interactions from the next `kith run`)."""
    with session_scope(engine()) as session:
        topic = do_add_topic(session, name, kind, query, department)
        console.print(f"Topic [bold]{topic.name}[/] saved")


@topics_app.command("list")
def list_command() -> None:
    """List topics with their queries."""
    with session_scope(engine()) as session:
        table = Table("name", "kind", "department", "active", "query")
        for topic in list_topics(session):
            table.add_row(topic.name, topic.kind, topic.department or "", str(topic.active), topic.query)
        console.print(table)


@topics_app.command("remove")
def remove(name: Annotated[str, typer.Argument(help="The topic's name.")]) -> None:
    """Deactivate a topic (what it tagged stays tagged)."""
    with session_scope(engine()) as session:
        if not do_remove_topic(session, name):
            raise typer.BadParameter(f"no topic named {name!r}; see `kith topics list`")
    console.print(f"Topic [bold]{name}[/] deactivated")


def read_lines(source: str) -> list[str]:
    stream: TextIO
    if source == "-":
        stream = sys.stdin
        return [line.rstrip("\r\n") for line in stream]
    try:
        with open(source, encoding="utf-8", errors="replace") as stream:
            return [line.rstrip("\r\n") for line in stream]
    except OSError as exc:
        raise typer.BadParameter(f"cannot read {source}: {exc.strerror or exc}") from exc


def batches(texts: Sequence[str], size: int = BATCH) -> Iterator[Sequence[str]]:
    for start in range(0, len(texts), size):
        yield texts[start : start + size]


def print_labels(texts: Sequence[str], classify: Callable[[Sequence[str]], list[Label]]) -> None:
    """Classify batch-wise with a progress bar on stderr; one JSON object per input line, in order."""
    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("Classifying", total=len(texts))
        for batch in batches(texts):
            for label in classify(batch):
                sys.stdout.write(json.dumps(label.as_dict(), ensure_ascii=False) + "\n")
            progress.advance(task, len(batch))


@classify_app.command("language")
def language(source: Annotated[str, typer.Argument(help="A text file, one text per line, or - for stdin.")]) -> None:
    """Identify the language of each line (ISO 639-1, or 'und')."""
    print_labels(read_lines(source), classify_language)


@classify_app.command("sentiment")
def sentiment(source: Annotated[str, typer.Argument(help="A text file, one text per line, or - for stdin.")]) -> None:
    """Sentiment of each line (negative/neutral/positive, or 'unsupported' for non-English text)."""
    print_labels(read_lines(source), sentiment_by_language)


@classify_app.command("intent")
def intent(source: Annotated[str, typer.Argument(help="A text file, one text per line, or - for stdin.")]) -> None:
    """Intent of each line (question, complaint, purchase_intent, praise, suggestion, price, churn, spam)."""
    print_labels(read_lines(source), intent_by_language)
