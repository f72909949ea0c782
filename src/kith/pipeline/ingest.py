"""``kith ingest``: read files (or stdin), split them with the channel's parser, fill the raw store.

Each file is committed in chunks; a file that cannot be split at all, or a piece of it that is
malformed, is quarantined with the reason while the rest of the batch still lands.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from sqlalchemy import Engine

from kith.channels.base import ParseError, Parser, RawRecord, Rejected
from kith.channels.registry import get_parser
from kith.channels.service import ensure_channel, parser_kind
from kith.db import session_scope
from kith.pipeline.raw_store import StoreCounts, quarantine_input, store_raw

CHUNK = 1000


class InputError(Exception):
    """A path that cannot be read: the CLI prints the message and exits non-zero."""


def input_files(target: str, parser: Parser) -> list[Path]:
    """The files to read for ``target``: one file, or every matching file below a directory."""
    path = Path(target)
    if not path.exists():
        raise InputError(f"{target}: no such file or directory")
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise InputError(f"{target}: not a regular file or directory")
    files = [
        p
        for p in sorted(path.rglob("*"))
        if p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(path).parts)
        and (not parser.suffixes or p.suffix.lower() in parser.suffixes or not p.suffix)
    ]
    if not files:
        wanted = ", ".join(parser.suffixes) or "any"
        raise InputError(f"{target}: no files to import for channel {parser.name!r} (looked for {wanted})")
    return files


def read_input(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from exc


def ingest_bytes(engine: Engine, channel: str, data: bytes, source: str) -> StoreCounts:
    return store_pieces(engine, channel, split_input(parser_for(engine, channel), data, source), source)


def parser_for(engine: Engine, channel: str) -> Parser:
    """The parser of a channel: its configured kind, or the parser of the same name."""
    with session_scope(engine) as session:
        return get_parser(parser_kind(session, channel))


def store_pieces(engine: Engine, channel: str, pieces: Iterator[RawRecord | Rejected], source: str) -> StoreCounts:
    """Write split pieces to the raw store in chunks of ``CHUNK`` (one transaction each)."""
    counts = StoreCounts()
    with session_scope(engine) as session:
        channel_id = ensure_channel(session, channel)
    while True:
        chunk = [piece for _, piece in zip(range(CHUNK), pieces, strict=False)]
        if not chunk:
            break
        with session_scope(engine) as session:
            records = [p for p in chunk if isinstance(p, RawRecord)]
            counts.add(store_raw(session, channel_id, records, source))
            for bad in (p for p in chunk if isinstance(p, Rejected)):
                counts.add(quarantine_input(session, channel_id, bad.payload, bad.reason, source))
    return counts


def split_input(parser: Parser, data: bytes, source: str) -> Iterator[RawRecord | Rejected]:
    try:
        yield from parser.split(data, source)
    except ParseError as exc:
        reason = str(exc) if source in str(exc) else f"{source}: {exc}"
        yield Rejected(reason, data)


def ingest(
    engine: Engine,
    channel: str,
    target: str,
    on_file: Callable[[str, StoreCounts], None] | None = None,
) -> StoreCounts:
    """Ingest a file, a directory (recursively) or ``-`` (stdin) for ``channel``."""
    parser = parser_for(engine, channel)
    total = StoreCounts()
    if target == "-":
        sources: list[tuple[str, bytes]] = [("<stdin>", sys.stdin.buffer.read())]
        for name, data in sources:
            counts = ingest_bytes(engine, channel, data, name)
            total.add(counts)
            if on_file:
                on_file(name, counts)
        return total
    for path in input_files(target, parser):
        counts = ingest_bytes(engine, channel, read_input(path), str(path))
        total.add(counts)
        if on_file:
            on_file(str(path), counts)
    return total
