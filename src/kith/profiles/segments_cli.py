"""``kith segments list|add|show|remove|members``: saved customer segments from the command line.

Errors are one line on stderr with a hint and exit code 2; a definition error names the column and
prints the definition with a caret under it, as ``kith topics test`` does for queries.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from kith.bootstrap import engine
from kith.db import session_scope
from kith.enrichment.query.errors import QuerySyntaxError
from kith.profiles.segments import (
    SegmentError,
    create_segment,
    delete_segment,
    get_segment,
    list_segments,
    members_of,
)

console = Console()
err = Console(stderr=True)
segments_app = typer.Typer(help="Saved customer segments (rule-based, usable as filters).", no_args_is_help=True)


def _fail(message: str) -> typer.Exit:
    err.print(f"[red]error:[/] {escape(message)}", highlight=False)
    return typer.Exit(2)


def _definition_error(exc: QuerySyntaxError) -> typer.Exit:
    err.print(f"[red]error:[/] {escape(str(exc))}", highlight=False)
    err.print(escape(exc.caret()), highlight=False)
    return typer.Exit(2)


@segments_app.command("list")
def list_command() -> None:
    """Saved segments with their definition and the last member count."""
    with session_scope(engine()) as session:
        segments = list_segments(session)
        if not segments:
            console.print('No segments yet: `kith segments add NAME "tier:creator AND value:high"`.')
            return
        table = Table("slug", "name", "members", "counted", "definition")
        for s in segments:
            counted = s.counted_at.strftime("%Y-%m-%d %H:%M") if s.counted_at else "-"
            members = str(s.member_count) if s.member_count is not None else "-"
            table.add_row(s.slug, escape(s.name), members, counted, escape(s.definition))
        console.print(table)


@segments_app.command("add")
def add_command(
    name: Annotated[str, typer.Argument(help="a name people recognise, e.g. 'German creators'")],
    definition: Annotated[str, typer.Argument(help='e.g. "tier:creator AND country:DE"')],
    slug: Annotated[str | None, typer.Option(help="the short name used in filters (default: from the name)")] = None,
    description: Annotated[str, typer.Option(help="what the segment is for")] = "",
) -> None:
    """Save a segment and print how many customers it has now."""
    with session_scope(engine()) as session:
        try:
            segment = create_segment(session, name, definition, slug=slug, description=description, created_by="cli")
        except QuerySyntaxError as exc:
            raise _definition_error(exc) from None
        except SegmentError as exc:
            raise _fail(str(exc)) from None
        result = members_of(session, segment)
        console.print(f"Saved segment {segment.slug}: {len(result.members)} of {result.customers} customers.")


@segments_app.command("show")
def show_command(slug: Annotated[str, typer.Argument(help="the segment's slug")]) -> None:
    """One segment: definition, description and member count now."""
    with session_scope(engine()) as session:
        try:
            segment = get_segment(session, slug)
            result = members_of(session, segment)
        except SegmentError as exc:
            raise _fail(str(exc)) from None
        except QuerySyntaxError as exc:
            raise _fail(f"the segment's definition no longer compiles: {exc}") from None
        console.print(f"[bold]{escape(segment.name)}[/] ({segment.slug})")
        console.print(f"definition: {escape(segment.definition)}")
        if segment.description:
            console.print(f"description: {escape(segment.description)}")
        console.print(f"members: {len(result.members)} of {result.customers} customers")


@segments_app.command("remove")
def remove_command(slug: Annotated[str, typer.Argument(help="the segment's slug")]) -> None:
    """Delete a segment (refused while another segment's definition refers to it)."""
    with session_scope(engine()) as session:
        try:
            delete_segment(session, get_segment(session, slug))
        except SegmentError as exc:
            raise _fail(str(exc)) from None
    console.print(f"Removed segment {slug}.")


@segments_app.command("members")
def members_command(
    slug: Annotated[str, typer.Argument(help="the segment's slug")],
    limit: Annotated[int, typer.Option(min=0, help="at most this many (0: all)")] = 0,
) -> None:
    """The segment's members as JSON lines (subject, name, identity public id, tier, value, country)."""
    with session_scope(engine()) as session:
        try:
            result = members_of(session, get_segment(session, slug))
        except SegmentError as exc:
            raise _fail(str(exc)) from None
        except QuerySyntaxError as exc:
            raise _fail(f"the segment's definition no longer compiles: {exc}") from None
    shown = result.members[:limit] if limit else result.members
    for f in shown:
        row = {
            "subject": f.subject,
            "name": f.name,
            "identity": f.public_id,
            "tier": f.tier,
            "value": f.value,
            "segment": f.segment,
            "country": f.country,
        }
        typer.echo(json.dumps(row, ensure_ascii=False))
    err.print(f"{len(result.members)} member(s) of {result.customers} customers")
