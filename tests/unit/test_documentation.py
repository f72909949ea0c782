"""Fails when a CLI command, a setting or a channel is not documented in the README (Datasette's habit)."""

from __future__ import annotations

from pathlib import Path

import typer.main

from kith.channels.registry import channel_names
from kith.cli import app
from kith.config import Settings

README = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")


def command_paths() -> list[str]:
    group = typer.main.get_command(app)
    paths: list[str] = []
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        sub = getattr(command, "commands", None)
        if sub:
            paths.extend(f"{name} {child}" for child in sub)
        else:
            paths.append(name)
    return paths


def test_every_cli_command_is_in_the_readme() -> None:
    paths = command_paths()
    assert {"init", "ingest", "run", "serve", "demo", "stats", "quarantine list"} <= set(paths)
    missing = [p for p in paths if f"`kith {p}" not in README]
    assert missing == []


def test_every_setting_is_in_the_readme() -> None:
    missing = [name for name in Settings.model_fields if f"`KITH_{name.upper()}`" not in README]
    assert missing == []


def test_every_channel_is_in_the_readme() -> None:
    names = channel_names()
    assert len(names) >= 10
    missing = [name for name in names if f"| `{name}` |" not in README]
    assert missing == []
