"""``kith topics test QUERY FILE|-``: try a topic query on sample texts before it goes live.

Why JSON Lines out: the output feeds ``jq``, a notebook or a diff between two versions of a query; the
spans let an editor highlight why a line matched. Errors are one line plus a caret picture, exit 2.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, TextIO

import typer

from kith.enrichment.query.document import Document
from kith.enrichment.query.errors import QuerySyntaxError
from kith.enrichment.query.matcher import compile_query

topics_app = typer.Typer(
    help="Topics: boolean listening queries (see docs/query-language.md).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@topics_app.callback()
def topics() -> None:
    """Topics: boolean listening queries (see docs/query-language.md)."""


def _lines(stream: TextIO) -> Iterator[str]:
    for line in stream:
        yield line.rstrip("\r\n")


@topics_app.command("test")
def test(
    query: Annotated[str, typer.Argument(help="The query, e.g. '(kith OR \"kith crm\") AND NOT job*'.")],
    source: Annotated[str, typer.Argument(help="A text file with one text per line, or - for stdin.")],
) -> None:
    """Print each matching line as JSON: {"line": n, "spans": [[start, end], ...], "text": ...}."""
    try:
        compiled = compile_query(query)
    except QuerySyntaxError as exc:
        typer.echo(f"error: {exc}", err=True)
        typer.echo(exc.caret(), err=True)
        raise typer.Exit(2) from None
    try:
        # closed by the ``with`` below; stdin is left open
        path = Path(source)
        opened = contextlib.nullcontext(sys.stdin) if source == "-" else path.open(encoding="utf-8", errors="replace")
    except OSError as exc:
        typer.echo(f"error: cannot read {source}: {exc.strerror or exc}", err=True)
        raise typer.Exit(2) from None
    with opened as stream:
        for n, text in enumerate(_lines(stream), 1):
            found = compiled.match(Document.from_text(text))
            if found is not None:
                spans = [list(span) for span in found.spans]
                typer.echo(json.dumps({"line": n, "spans": spans, "text": text}, ensure_ascii=False))
