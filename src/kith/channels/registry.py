"""Find channel parsers by name.

Parsers are registered as ``kith.channels`` entry points (see pyproject.toml), so a third-party package can
add a channel without touching Kith — the Datasette/Dispatch plugin habit. Each is loaded on first use.
"""

from __future__ import annotations

from functools import cache
from importlib.metadata import EntryPoint, entry_points

from kith.channels.base import Parser

BUILTIN = ("x", "facebook", "instagram", "youtube", "mastodon", "bluesky", "reddit", "feeds", "email", "csv")


@cache
def _entry_points() -> dict[str, EntryPoint]:
    return {ep.name: ep for ep in entry_points(group="kith.channels")}


def channel_names() -> list[str]:
    """Every registered channel: the built-in ones first, in their documented order."""
    names = list(_entry_points())
    return [n for n in BUILTIN if n in names] + sorted(n for n in names if n not in BUILTIN)


@cache
def get_parser(name: str) -> Parser:
    """The parser for ``name``; ``KeyError`` with the valid names when unknown."""
    found = _entry_points()
    if name not in found:
        raise KeyError(f"unknown channel {name!r}; choose one of: {', '.join(channel_names())}")
    parser = found[name].load()
    if not isinstance(parser, Parser):
        raise TypeError(f"entry point kith.channels:{name} does not point at a kith Parser instance")
    return parser
