"""Find channel parsers by name.

Parsers are registered as ``kith.channels`` entry points (see pyproject.toml), so a third-party package can
add a channel without touching Kith — the Datasette/Dispatch plugin habit.
"""

from __future__ import annotations

from functools import cache
from importlib.metadata import entry_points

from kith.channels.base import Parser

BUILTIN = ("x", "facebook", "instagram", "youtube", "mastodon", "bluesky", "reddit", "feeds", "email", "csv")


@cache
def parsers() -> dict[str, Parser]:
    """All registered parsers by channel name (loaded once per process)."""
    found: dict[str, Parser] = {}
    for ep in entry_points(group="kith.channels"):
        parser = ep.load()
        if not isinstance(parser, Parser):
            raise TypeError(f"entry point {ep.name} does not point at a kith Parser instance")
        found[ep.name] = parser
    return found


def get_parser(name: str) -> Parser:
    """The parser for ``name``; ``KeyError`` with the valid names when unknown."""
    found = parsers()
    if name not in found:
        raise KeyError(f"unknown channel {name!r}; choose one of: {', '.join(sorted(found))}")
    return found[name]
