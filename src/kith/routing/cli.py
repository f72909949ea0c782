"""``kith routing …``: routing rules, routing pending conversations now, and the fallback department.

Errors are one line (plus a caret picture for a condition with a mistake) and exit status 2.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from kith.bootstrap import engine
from kith.config import get_settings
from kith.db import session_scope
from kith.enrichment.query import QuerySyntaxError
from kith.routing.rules import RuleError, RuleInput, add_rule, move_rule, ordered_rules, remove_rule, rule_by_ref
from kith.routing.service import preview, rule_counts
from kith.routing.settings import SettingError, fallback_department, set_fallback_department
from kith.routing.stage import route_pending

console = Console()
routing_app = typer.Typer(help="Routing: rules, running it now, settings (see docs/routing.md).", no_args_is_help=True)
rules_app = typer.Typer(help="Routing rules, evaluated top to bottom.", no_args_is_help=True)
routing_app.add_typer(rules_app, name="rules")


def fail(message: str, caret: str | None = None) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    if caret:
        typer.echo(caret, err=True)
    return typer.Exit(2)


@routing_app.callback()
def routing() -> None:
    """Routing: rules, running it now, settings (see docs/routing.md)."""


@rules_app.command("list")
def list_rules(as_json: Annotated[bool, typer.Option("--json", help="One JSON object per rule.")] = False) -> None:
    """The rules in evaluation order, with what each matched in the last 7 days."""
    with session_scope(engine()) as session:
        rules, counts = ordered_rules(session), rule_counts(session)
        if as_json:
            for r in rules:
                count = counts.get(r.id)
                row = {
                    "position": r.position,
                    "id": r.public_id,
                    "name": r.name,
                    "condition": r.condition,
                    "department": r.department,
                    "priority": r.priority,
                    "tag": r.tag,
                    "skill": r.skill,
                    "stop": r.stop,
                    "active": r.active,
                    "matched_7d": count.matched if count else 0,
                    "decided_7d": count.decided if count else 0,
                }
                typer.echo(json.dumps(row, ensure_ascii=False))
            return
        if not rules:
            console.print("No rules yet. Add one with [bold]kith routing rules add NAME CONDITION --department D[/].")
            return
        table = Table("#", "Name", "Condition", "Sets", "7 days")
        for r in rules:
            sets = " ".join(
                s
                for s in (
                    f"→{r.department}" if r.department else "",
                    f"priority:{r.priority}" if r.priority else "",
                    f"#{r.tag}" if r.tag else "",
                    f"skill:{r.skill}" if r.skill else "",
                    "stop" if r.stop else "",
                    "" if r.active else "(off)",
                )
                if s
            )
            count = counts.get(r.id)
            table.add_row(str(r.position), r.name, r.condition, sets, f"{count.matched if count else 0}")
        console.print(table)


@rules_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="A name people recognise, e.g. 'Battery complaints'.")],
    condition: Annotated[str, typer.Argument(help="e.g. 'intent:complaint AND (akku* OR battery)'.")],
    department: Annotated[str, typer.Option(help="Department slug it routes to.")] = "",
    priority: Annotated[str, typer.Option(help="urgent | high | normal | low.")] = "",
    tag: Annotated[str, typer.Option(help="Tag added to the conversation.")] = "",
    assignee: Annotated[str, typer.Option(help="E-mail of the user to assign to.")] = "",
    skill: Annotated[str, typer.Option(help="Skill the assigned agent needs.")] = "",
    stop: Annotated[bool, typer.Option("--stop", help="End evaluation when this rule matches.")] = False,
    position: Annotated[int | None, typer.Option(help="1-based place in the list (default: last).")] = None,
) -> None:
    """Add a rule."""
    given = RuleInput(name, condition, department, priority, tag, assignee, skill, stop)
    with session_scope(engine()) as session:
        try:
            rule = add_rule(session, given, position)
        except QuerySyntaxError as exc:
            raise fail(str(exc), exc.caret()) from None
        except RuleError as exc:
            raise fail(str(exc)) from None
        console.print(f"Added rule {rule.position}: {rule.name} ({rule.public_id})")


@rules_app.command("remove")
def remove(ref: Annotated[str, typer.Argument(help="Position, id or exact name.")]) -> None:
    """Delete a rule."""
    with session_scope(engine()) as session:
        rule = rule_by_ref(session, ref)
        if rule is None:
            raise fail(f"there is no rule {ref!r}; see kith routing rules list")
        name = rule.name
        remove_rule(session, rule)
    console.print(f"Removed rule {name}.")


@rules_app.command("move")
def move(
    ref: Annotated[str, typer.Argument(help="Position, id or exact name.")],
    to: Annotated[int, typer.Argument(help="New 1-based position.")],
) -> None:
    """Move a rule to another position (the others shift)."""
    with session_scope(engine()) as session:
        rule = rule_by_ref(session, ref)
        if rule is None:
            raise fail(f"there is no rule {ref!r}; see kith routing rules list")
        move_rule(session, rule, to)
        console.print(f"Moved {rule.name} to position {rule.position}.")


@rules_app.command("test")
def try_condition(
    condition: Annotated[str, typer.Argument(help="A condition to try on recently routed conversations.")],
    days: Annotated[int, typer.Option(help="How many days back.")] = 7,
) -> None:
    """How many conversations routed in the last days a condition matches, with examples (JSON lines)."""
    with session_scope(engine()) as session:
        try:
            found = preview(session, condition, days=days)
        except QuerySyntaxError as exc:
            raise fail(str(exc), exc.caret()) from None
    for item in found.items:
        row = {"conversation": item.conversation, "department": item.department, "text": item.text[:200]}
        typer.echo(json.dumps(row, ensure_ascii=False))
    typer.echo(f"{found.matched} of {found.looked_at} conversations routed in the last {days} days match.", err=True)


@routing_app.command("run")
def run() -> None:
    """Route every relevant conversation that is not routed yet, now."""
    report = route_pending(engine(), batch_size=get_settings().batch_size)
    console.print(report.summary())


@routing_app.command("settings")
def settings(
    fallback: Annotated[str | None, typer.Option(help="Department slug for what nothing else decides.")] = None,
) -> None:
    """Show the routing settings; change the fallback department with --fallback."""
    with session_scope(engine()) as session:
        if fallback is not None:
            try:
                set_fallback_department(session, fallback.strip())
            except SettingError as exc:
                raise fail(str(exc)) from None
        console.print(f"fallback department: {fallback_department(session)}")
