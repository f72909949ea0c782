"""The contract every channel implements: split an input into raw items, normalise one raw item.

Why two steps: the raw store keeps every item exactly as received (one row per channel + external id),
so a parser bug or a schema change never loses data — we fix the parser and replay. ``split`` runs at
ingest time and must be cheap and forgiving; ``normalise`` runs in the pipeline and is pure: bytes in,
frozen records out, no database, no network. Both raise :class:`ParseError` with a sentence a user can
act on; the caller turns it into a quarantine entry.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any


class Visibility(StrEnum):
    """Where the data came from, which decides who may see it and how it may be used."""

    PUBLIC = "public"  # a public post, comment, review or feed entry
    PRIVATE = "private"  # a direct/private message on a network
    EMAIL = "email"  # an e-mail or web-form message sent to us
    OFFLINE = "offline"  # store, call centre, orders, panels: our own records


class Basis(StrEnum):
    """The ground on which Kith collected the data (GDPR art. 6 in plain words)."""

    PUBLIC_CONTENT = "public_content"  # published by the person for everyone to read
    DIRECT_CONTACT = "direct_contact"  # the person wrote to the company
    CONTRACT = "contract"  # customer record, order, service contact
    CONSENT = "consent"  # e.g. a market-research panel answer


class Kind(StrEnum):
    """What an interaction is."""

    POST = "post"  # an original public post, tweet, toot, submission, video comment thread root
    COMMENT = "comment"  # a reply or comment under someone's post
    SHARE = "share"  # retweet / reblog / repost
    DIRECT_MESSAGE = "direct_message"
    EMAIL = "email"
    ARTICLE = "article"  # a blog or review-site entry
    STORE_VISIT = "store_visit"
    CALL = "call"
    NOTIFICATION = "notification"  # e.g. a follow or favourite: activity without text of its own


class ParseError(ValueError):
    """Input that cannot be understood. The message is shown to users: say what and how to fix."""


# a field of an unexpected type deep in a payload (a number where text belongs...): reported, never a crash
SHAPE_ERRORS = (TypeError, AttributeError, KeyError, IndexError)


def why_failed(exc: Exception) -> str:
    """The quarantine reason for a parse failure: the parser's own words, or the unexpected shape."""
    return str(exc) if isinstance(exc, ParseError) else f"unexpected structure ({type(exc).__name__}: {exc})"


@dataclass(frozen=True)
class RawRecord:
    """One item for the raw store.

    ``external_id`` is unique within the channel. An edited version or a deletion of an item gets its
    own raw external id (e.g. ``"123@2024-05-01T10:00:00Z"`` or ``"123@deleted"``) so every version is
    kept; the normalised interaction keeps the item's stable id and is updated in place.
    ``payload`` is self-contained bytes (usually compact JSON) that ``normalise`` understands alone.
    """

    external_id: str
    payload: bytes


@dataclass(frozen=True)
class Rejected:
    """A piece of an input that could not be split; it is quarantined with ``reason``."""

    reason: str
    payload: bytes


@dataclass(frozen=True)
class IdentityRecord:
    """One handle/address/customer number: an individual. Never merged with another here."""

    external_id: str  # stable id on the network: user id, DID, lower-cased e-mail, "customer:C1001"
    visibility: Visibility
    basis: Basis
    handle: str | None = None
    display_name: str | None = None
    profile_url: str | None = None
    email: str | None = None
    phone: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)  # followers, bio, location, city, ...


@dataclass(frozen=True)
class InteractionRecord:
    external_id: str  # stable id of the item (no version suffix)
    kind: Kind
    text: str
    created_at: datetime | None  # UTC-aware
    visibility: Visibility
    basis: Basis
    author: IdentityRecord | None = None
    url: str | None = None
    title: str | None = None  # e-mail subject, article title
    lang: str | None = None  # as declared by the source, if any
    in_reply_to: str | None = None  # external id of the parent item on the same channel
    thread_root: str | None = None  # external id of the conversation's first item, when the source says
    edited_at: datetime | None = None
    deleted: bool = False  # a tombstone: the source says the item was deleted/removed
    metrics: dict[str, int] = field(default_factory=dict)  # likes, replies, shares, views, ...
    attributes: dict[str, Any] = field(default_factory=dict)  # hashtags, mentions, links, media, ...


@dataclass(frozen=True)
class ProductRecord:
    sku: str
    name: str
    category: str | None = None
    price: Decimal | None = None
    currency: str | None = None
    aliases: tuple[str, ...] = ()
    description: str | None = None


@dataclass(frozen=True)
class OrderLineRecord:
    """One line of an order; the order header is created from the first line seen."""

    order_id: str
    line_no: int
    ordered_at: datetime
    sku: str
    quantity: int
    unit_price: Decimal
    currency: str
    customer: IdentityRecord | None = None
    sales_channel: str | None = None  # store | webshop | marketplace | phone
    store_id: str | None = None
    discount: Decimal = Decimal("0")


@dataclass(frozen=True)
class PanelResponseRecord:
    external_id: str
    panel: str
    question_id: str
    question: str
    answer: str
    answered_at: datetime
    respondent: IdentityRecord


Normalised = InteractionRecord | IdentityRecord | ProductRecord | OrderLineRecord | PanelResponseRecord


class Parser:
    """Base class of channel parsers. Subclasses set ``name`` and implement ``split`` and ``normalise``."""

    name: str = ""
    # file suffixes read when a directory is ingested (lower case, with dot); empty = every file
    suffixes: tuple[str, ...] = ()

    def split(self, data: bytes, source: str) -> Iterator[RawRecord | Rejected]:
        """Cut one input (a file's bytes, or stdin) into raw items.

        Raise :class:`ParseError` when the whole input is unusable; yield :class:`Rejected` for a bad
        piece so the rest still lands.
        """
        raise NotImplementedError  # abstract: every registered parser overrides it

    def normalise(self, payload: bytes) -> list[Normalised]:
        """Turn one raw item's payload into records. Pure; raises :class:`ParseError`."""
        raise NotImplementedError  # abstract: every registered parser overrides it


class JsonParser(Parser):
    """Parser for JSON APIs: the input is one response body, or JSON Lines of bodies or single items.

    The ``{"request": ..., "body": ...}`` wrapper of recorded fixtures is accepted and unwrapped.
    Subclasses implement ``split_document`` for one decoded JSON value.
    """

    suffixes: tuple[str, ...] = (".json", ".jsonl", ".ndjson")

    def split(self, data: bytes, source: str) -> Iterator[RawRecord | Rejected]:
        for doc_bytes, doc in iter_json_documents(data, source):
            if isinstance(doc, Rejected):
                yield doc
                continue
            try:
                yield from self.split_document(unwrap_recording(doc))
            except ParseError as exc:
                yield Rejected(f"{source}: {exc}", doc_bytes)

    def split_document(self, doc: Any) -> list[RawRecord]:
        raise NotImplementedError  # abstract: every JSON parser overrides it


def iter_json_documents(data: bytes, source: str) -> Iterator[tuple[bytes, Any | Rejected]]:
    """Yield ``(bytes, value)`` for a JSON file or each line of a JSON Lines file.

    A whole-file decode is tried first; if it fails the input is read line by line, and each line that
    does not decode is yielded as :class:`Rejected` with the line number and the decoder's complaint.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParseError(
            f"{source}: not valid UTF-8 (byte {exc.start}: {data[exc.start : exc.start + 1]!r}); "
            "save the file as UTF-8 and ingest it again"
        ) from exc
    if not text.strip():
        raise ParseError(f"{source}: the input is empty")
    try:
        yield data, json.loads(text)
        return
    except json.JSONDecodeError as whole_error:
        lines = [line for line in text.splitlines() if line.strip()]
        if len(lines) <= 1:
            raise ParseError(
                f"{source}: not valid JSON ({whole_error.msg} at line {whole_error.lineno}, "
                f"column {whole_error.colno}); the file may be truncated"
            ) from whole_error
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield line.encode(), json.loads(line)
        except json.JSONDecodeError as exc:
            yield (
                line.encode(),
                Rejected(f"{source} line {number}: not valid JSON ({exc.msg} at column {exc.colno})", line.encode()),
            )


def unwrap_recording(doc: Any) -> Any:
    """Accept the ``{"request": ..., "body": ...}`` shape of recorded API exchanges."""
    if isinstance(doc, dict) and set(doc) == {"request", "body"}:
        return doc["body"]
    return doc


def dump(value: Any) -> bytes:
    """Compact, deterministic JSON bytes for raw payloads (keeps non-ASCII text as is)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def load(payload: bytes) -> Any:
    try:
        return json.loads(payload)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ParseError(f"payload is not valid JSON: {exc}") from exc


def parse_time(value: Any, *, field_name: str = "time") -> datetime:
    """Parse ISO 8601 (``Z``, ``+0000`` and ``+00:00`` offsets) or epoch seconds to an aware UTC datetime.

    A time without an offset is taken as UTC: every API Kith reads documents UTC for such values.
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(float(value), tz=UTC)
    if not isinstance(value, str) or not value.strip():
        raise ParseError(f"{field_name} is missing or not a string: {value!r}")
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    if len(text) > 5 and text[-5] in "+-" and text[-4:].isdigit() and text[-3] != ":":
        text = text[:-2] + ":" + text[-2:]  # +0000 -> +00:00 (Graph API style)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError as exc:
        raise ParseError(f"{field_name} {value!r} is not an ISO 8601 time") from exc
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)
