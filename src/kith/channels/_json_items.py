"""A :class:`JsonParser` whose documents are split item by item, so one bad item is quarantined alone.

Why: API pages hold many items, and one item without an id (or a truncated line of a JSON Lines file)
must not take its siblings to quarantine with it. ``JsonParser.split_document`` can only accept or reject a
whole document; parsers built on this class implement ``split_items`` and return :class:`Rejected` for the
pieces they cannot use. Used by the X, Facebook, Instagram and YouTube parsers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from kith.channels.base import (
    JsonParser,
    ParseError,
    RawRecord,
    Rejected,
    dump,
    iter_json_documents,
    unwrap_recording,
)

_HASHTAG = re.compile(r"(?<![\w&])#(\w*[^\W\d]\w*)")  # "#10432" is an order number, not a tag
_MENTION = re.compile(r"(?<![\w.@])@([\w.]+\w)")


class ItemJsonParser(JsonParser):
    """Subclasses implement ``split_items``; ``split`` adds the source name to every rejection."""

    def split(self, data: bytes, source: str) -> Iterator[RawRecord | Rejected]:
        for doc_bytes, doc in iter_json_documents(data, source):
            if isinstance(doc, Rejected):
                yield doc
                continue
            try:
                pieces = self.split_items(unwrap_recording(doc))
            except ParseError as exc:
                yield Rejected(f"{source}: {exc}", doc_bytes)
                continue
            for piece in pieces:
                if isinstance(piece, Rejected):
                    yield Rejected(f"{source}: {piece.reason}", piece.payload)
                else:
                    yield piece

    def split_document(self, doc: Any) -> list[RawRecord]:
        """The usable items of one document (rejected pieces are left out here; ``split`` reports them)."""
        return [piece for piece in self.split_items(doc) if isinstance(piece, RawRecord)]

    def split_items(self, doc: Any) -> list[RawRecord | Rejected]:
        raise NotImplementedError  # abstract: every subclass overrides it


def reject(reason: str, item: Any) -> Rejected:
    """A rejected item, keeping its JSON so it can be replayed once the parser is fixed."""
    return Rejected(reason, dump(item))


def describe(value: Any) -> str:
    """A short description of an unexpected JSON value for error messages."""
    if isinstance(value, dict):
        keys = ", ".join(sorted(str(k) for k in value)[:12]) or "no keys"
        return f"an object with keys {keys}"
    if isinstance(value, list):
        return f"a list of {len(value)} items"
    return f"a {type(value).__name__} value"


def as_dict(value: Any) -> dict[str, Any]:
    """``value`` if it is a JSON object, else an empty dict (optional sub-objects may be absent or null)."""
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def opt_str(value: Any) -> str | None:
    """A non-empty string form of an id or text field, or None (ids arrive as strings or numbers)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | str):
        text = str(value).strip()
        return text or None
    return None


def count(value: Any) -> int | None:
    """An integer metric, or None when absent or not a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def text_tags(text: str) -> dict[str, list[str]]:
    """Hashtags and @mentions written in plain text, for APIs that return no entities (Graph API, YouTube)."""
    tags = {"hashtags": _HASHTAG.findall(text), "mentions": _MENTION.findall(text)}
    return {k: v for k, v in tags.items() if v}
