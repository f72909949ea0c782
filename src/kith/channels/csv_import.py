"""Offline data as CSV: products, customers, order lines, store visits, call-centre calls, panel answers.

Why this parser looks the way it does:

* CSV files come from spreadsheets and other systems, not from an API, so nothing in them can be trusted:
  the kind of file is detected from its header (exact column names, any order, extra columns allowed), and
  every value is validated with a message that names the file line, the column and what was expected — a
  person has to fix the file, and the rest of it still lands.
* The delimiter (``,``, ``;`` or tab) is whichever one makes the header match a kind: spreadsheets in many
  locales write ``;``. UTF-8 with or without a byte-order mark; anything else is refused, because guessing a
  legacy encoding garbles names.
* Times are ISO 8601 dates or date-times; one without an offset is UTC.
* The raw payload is the row as read (``{"kind": ..., "row": {column: text}}``), so a replay after a parser
  fix sees the original text; ``normalise`` therefore validates again and raises :class:`ParseError`.

``docs/csv-imports.md`` documents every kind and column for users.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from kith.channels.base import (
    Basis,
    IdentityRecord,
    InteractionRecord,
    Kind,
    Normalised,
    OrderLineRecord,
    PanelResponseRecord,
    ParseError,
    Parser,
    ProductRecord,
    RawRecord,
    Rejected,
    Visibility,
    dump,
    load,
    parse_time,
)

_DELIMITERS = (",", ";", "\t")
_INT = re.compile(r"^\+?\d+$")
_NUMBER = re.compile(r"^\+?\d+(?:[.,]\d+)?$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_BOOLS = {"yes": True, "true": True, "1": True, "no": False, "false": False, "0": False}


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # text | int | count | money | time | bool | email | currency | choice
    required: bool = False
    choices: tuple[str, ...] = ()


# Each kind's columns as "name:type" ("text" when no type); "*" marks a required column; a choice lists its
# values after "=". The documentation in docs/csv-imports.md mirrors this table.
_SPEC = {
    "products": "*sku *name category price:money currency:currency aliases description",
    "customers": "*customer_id *name email:email phone city country loyalty_card joined_at:time consent_marketing:bool",
    "orders": "*order_id *line_no:count *ordered_at:time *sku *quantity:count *unit_price:money "
    "currency:currency customer_id email:email sales_channel:choice=store|webshop|marketplace|phone "
    "store_id discount:money",
    "store_visits": "*visit_id *visited_at:time *store_id customer_id loyalty_card note",
    "calls": "*call_id *started_at:time customer_id phone direction:choice=inbound|outbound "
    "duration_seconds:int agent reason notes",
    "panel": "*response_id *panel *respondent_id *answered_at:time *question_id *question *answer customer_id "
    "email:email",
}


def _column(spec: str) -> Column:
    name, _, type_ = spec.lstrip("*").partition(":")
    type_, _, choices = (type_ or "text").partition("=")
    return Column(name, type_, required=spec.startswith("*"), choices=tuple(filter(None, choices.split("|"))))


KINDS: dict[str, tuple[Column, ...]] = {
    kind: tuple(_column(spec) for spec in specs.split()) for kind, specs in _SPEC.items()
}

_EXPECTED = {
    "text": "a non-empty value",
    "int": "a whole number 0 or more, such as 180",
    "count": "a whole number greater than 0, such as 2",
    "money": "a number 0 or more with . or , as the decimal separator and no thousands separator, such as 19.99",
    "time": "an ISO 8601 date or date-time such as 2024-05-01 or 2024-05-01T14:30:00+02:00 "
    "(without an offset it is UTC)",
    "bool": "yes, no, true, false, 1 or 0",
    "email": "an e-mail address such as anna@example.com",
    "currency": "a three-letter ISO 4217 code such as EUR",
}


def _column_name(header: str) -> str:
    """Header names are matched case-insensitively, trimmed, spaces and hyphens read as underscores."""
    return re.sub(r"[\s\-]+", "_", header.strip().lower())


def _convert(column: Column, text: str) -> Any:
    """The typed value of one cell; raises ParseError naming the column and what is expected."""
    value = text.strip().replace("\r\n", "\n")
    if "\x00" in value:
        raise ParseError(f"column {column.name}: the value contains a NUL byte; expected text")
    if not value:
        if column.required:
            raise ParseError(f"column {column.name}: the value is missing; expected {_EXPECTED[column.type]}")
        return None
    kind = column.type
    problem: str | None = None
    result: Any = value
    if kind in ("int", "count"):
        if not _INT.match(value) or (kind == "count" and int(value) == 0):
            problem = f"{value!r} is not {'a positive' if kind == 'count' else 'a'} whole number"
        else:
            result = int(value)
    elif kind == "money":
        if not _NUMBER.match(value):
            problem = f"{value!r} is not a number 0 or more"
        else:
            result = Decimal(value.replace(",", "."))
    elif kind == "time":
        try:
            result = parse_time(value)
        except ParseError:
            problem = f"{value!r} is not an ISO 8601 date or date-time"
    elif kind == "bool":
        if value.lower() not in _BOOLS:
            problem = f"{value!r} is not yes or no"
        else:
            result = _BOOLS[value.lower()]
    elif kind == "email":
        if not _EMAIL.match(value):
            problem = f"{value!r} is not an e-mail address"
        else:
            result = value.lower()
    elif kind == "currency":
        if not re.fullmatch(r"[A-Za-z]{3}", value):
            problem = f"{value!r} is not a currency code"
        else:
            result = value.upper()
    elif kind == "choice":
        if value.lower() not in column.choices:
            problem = f"{value!r} is not allowed"
        else:
            result = value.lower()
    if problem:
        expected = f"one of {', '.join(column.choices)}" if kind == "choice" else _EXPECTED[kind]
        raise ParseError(f"column {column.name}: {problem}; expected {expected}")
    return result


def validate(kind: str, row: dict[str, str]) -> dict[str, Any]:
    """Typed values of a row's known columns (``None`` for empty optional ones); extras untouched."""
    if kind not in KINDS:
        raise ParseError(f"unknown CSV kind {kind!r}; expected one of {', '.join(KINDS)}")
    return {column.name: _convert(column, str(row.get(column.name) or "")) for column in KINDS[kind]}


def record_id(kind: str, values: dict[str, Any]) -> str:
    """The raw external id, also the stable id of interactions and panel answers: ``kind:id``."""
    if kind == "orders":
        return f"orders:{values['order_id']}:{values['line_no']}"
    first_column = KINDS[kind][0].name
    return f"{kind}:{values[first_column]}"


class CsvParser(Parser):
    name = "csv"
    suffixes = (".csv",)

    def split(self, data: bytes, source: str) -> Iterator[RawRecord | Rejected]:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ParseError(
                f"{source}: not valid UTF-8 (byte {exc.start}: {data[exc.start : exc.start + 1]!r}); "
                "save the file as UTF-8 (in a spreadsheet: 'CSV UTF-8') and import it again"
            ) from exc
        lines = list(io.StringIO(text, newline=""))
        header_index = next((i for i, line in enumerate(lines) if line.strip()), None)
        if header_index is None:
            raise ParseError(f"{source}: the file is empty; expected a header line and rows")
        kind, delimiter, header = _detect(lines[header_index], source)
        # strict: an unclosed quote must not swallow the rest of the file into one value
        reader = csv.reader(lines[header_index + 1 :], delimiter=delimiter, strict=True)
        first_line = header_index + 2  # file lines count from 1 and the header is one of them
        seen: dict[str, tuple[int, bytes]] = {}
        while True:
            start = first_line + reader.line_num
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                end = first_line + reader.line_num - 1
                bad = "".join(lines[start - 1 : end]).encode()
                yield Rejected(
                    f"{source} line {start}: unreadable CSV ({exc}); expected values separated by "
                    f'{delimiter!r}, quoted with " where needed and each quote closed'
                    + (f" (the row runs on to line {end})" if end > start else ""),
                    bad,
                )
                continue
            raw = "".join(lines[start - 1 : first_line + reader.line_num - 1]).encode()
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(header):
                end = first_line + reader.line_num - 1
                hint = f" (the row runs on to line {end}: is a quote left open?)" if end > start else ""
                yield Rejected(
                    f"{source} line {start}: the row has {len(cells)} values but the header has "
                    f"{len(header)} columns ({', '.join(header)}){hint}; expected one value per column — "
                    f"quote values that contain the delimiter {delimiter!r}",
                    raw,
                )
                continue
            row = dict(zip(header, cells, strict=True))
            try:
                external_id = record_id(kind, validate(kind, row))
            except ParseError as exc:
                yield Rejected(f"{source} line {start}: {exc}", raw)
                continue
            payload = dump({"kind": kind, "row": row})
            if external_id in seen:
                first_seen, first_payload = seen[external_id]
                if first_payload != payload:
                    yield Rejected(
                        f"{source} line {start}: id {external_id!r} was already used on line {first_seen} "
                        "with different values; expected each id once per file",
                        raw,
                    )
                continue
            seen[external_id] = (start, payload)
            yield RawRecord(external_id, payload)

    def normalise(self, payload: bytes) -> list[Normalised]:
        doc = load(payload)
        if not isinstance(doc, dict) or not isinstance(doc.get("row"), dict):
            raise ParseError("not a CSV payload: expected an object with 'kind' and 'row'")
        kind, row = str(doc.get("kind")), {str(k): str(v) for k, v in doc["row"].items()}
        values = validate(kind, row)
        known = {column.name for column in KINDS[kind]}
        extras = {key: value for key, value in row.items() if key not in known and value.strip()}
        return [_BUILDERS[kind](values, extras)]


def _detect(line: str, source: str) -> tuple[str, str, list[str]]:
    """(kind, delimiter, column names) from the header line, or a ParseError that tells how to fix it."""
    widest: list[str] = []
    for delimiter in _DELIMITERS:
        raw = next(csv.reader([line], delimiter=delimiter), [])
        names = [_column_name(name) or f"column_{i}" for i, name in enumerate(raw, start=1)]
        widest = names if len(names) > len(widest) else widest
        present = set(names)
        matches = [k for k, cols in KINDS.items() if all(c.name in present for c in cols if c.required)]
        if not matches:
            continue
        best = max(_required_count(k) for k in matches)
        top = [k for k in matches if _required_count(k) == best]
        if len(top) > 1:
            raise ParseError(
                f"{source}: the header fits more than one kind of file ({' and '.join(top)}); "
                "remove the columns of the kind this file is not"
            )
        doubles = sorted({name for name in names if names.count(name) > 1})
        if doubles:
            raise ParseError(f"{source}: the header names {', '.join(doubles)} more than once")
        return top[0], delimiter, names
    kinds = "; ".join(f"{kind}: {', '.join(c.name for c in cols if c.required)}" for kind, cols in KINDS.items())
    raise ParseError(
        f"{source}: the header matches no kind of Kith CSV file. "
        f"Columns found: {', '.join(widest) or 'none'}. "
        f"Required columns per kind (any order, extra columns allowed, separated by , or ;) — {kinds}. "
        "Rename or add columns so the header has all the required columns of one kind"
    )


def _required_count(kind: str) -> int:
    return sum(column.required for column in KINDS[kind])


def _identity(external_id: str, basis: Basis = Basis.CONTRACT, **fields: Any) -> IdentityRecord:
    attributes = {key: value for key, value in fields.pop("attributes", {}).items() if value is not None}
    return IdentityRecord(external_id, Visibility.OFFLINE, basis, attributes=attributes, **fields)


def _pick(values: dict[str, Any], names: str) -> dict[str, Any]:
    """The named values, for record fields that are named like their columns."""
    return {name: values[name] for name in names.split()}


def _products(v: dict[str, Any], extras: dict[str, str]) -> Normalised:
    aliases = tuple(alias.strip() for alias in (v["aliases"] or "").split("|") if alias.strip())
    return ProductRecord(**_pick(v, "sku name category price currency description"), aliases=aliases)


def _customers(v: dict[str, Any], extras: dict[str, str]) -> Normalised:
    joined = v["joined_at"].isoformat() if v["joined_at"] else None
    attributes = {**_pick(v, "city country loyalty_card"), "joined_at": joined, **extras}
    attributes["consent_marketing"] = v["consent_marketing"]
    name, email, phone = v["name"], v["email"], v["phone"]
    return _identity(f"customer:{v['customer_id']}", display_name=name, email=email, phone=phone, attributes=attributes)


def _orders(v: dict[str, Any], extras: dict[str, str]) -> Normalised:
    customer = None
    if v["customer_id"]:
        customer = _identity(f"customer:{v['customer_id']}", email=v["email"])
    elif v["email"]:
        customer = _identity(v["email"], email=v["email"])
    return OrderLineRecord(
        **_pick(v, "order_id line_no ordered_at sku quantity unit_price sales_channel store_id"),
        currency=v["currency"] or "EUR",
        customer=customer,
        discount=v["discount"] or Decimal("0"),
    )


def _store_visits(v: dict[str, Any], extras: dict[str, str]) -> Normalised:
    author = None
    if v["customer_id"]:
        author = _identity(f"customer:{v['customer_id']}")
    elif v["loyalty_card"]:
        card = v["loyalty_card"]
        author = _identity(f"loyalty_card:{card}", attributes={"loyalty_card": card})
    attributes = {"store_id": v["store_id"], "loyalty_card": v["loyalty_card"], **extras}
    return InteractionRecord(
        external_id=record_id("store_visits", v),
        kind=Kind.STORE_VISIT,
        text=v["note"] or "",
        created_at=v["visited_at"],
        visibility=Visibility.OFFLINE,
        basis=Basis.CONTRACT,
        author=author,
        attributes=_present(attributes),
    )


def _calls(v: dict[str, Any], extras: dict[str, str]) -> Normalised:
    author = None
    if v["customer_id"]:
        author = _identity(f"customer:{v['customer_id']}", phone=v["phone"])
    elif v["phone"]:
        author = _identity(f"phone:{v['phone']}", phone=v["phone"])
    attributes = {**_pick(v, "direction duration_seconds agent phone"), **extras}
    return InteractionRecord(
        external_id=record_id("calls", v),
        kind=Kind.CALL,
        text=v["notes"] or "",
        created_at=v["started_at"],
        visibility=Visibility.OFFLINE,
        basis=Basis.CONTRACT,
        author=author,
        title=v["reason"],
        attributes=_present(attributes),
    )


def _panel(v: dict[str, Any], extras: dict[str, str]) -> Normalised:
    panel_id = f"panel:{v['panel']}:{v['respondent_id']}"
    respondent_id = f"customer:{v['customer_id']}" if v["customer_id"] else panel_id
    respondent = _identity(
        respondent_id,
        Basis.CONSENT,
        email=v["email"],
        attributes={"panel": v["panel"], "respondent_id": v["respondent_id"]},
    )
    return PanelResponseRecord(
        external_id=record_id("panel", v),
        respondent=respondent,
        **_pick(v, "panel question_id question answer answered_at"),
    )


def _present(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


_BUILDERS: dict[str, Callable[[dict[str, Any], dict[str, str]], Normalised]] = {
    "products": _products,
    "customers": _customers,
    "orders": _orders,
    "store_visits": _store_visits,
    "calls": _calls,
    "panel": _panel,
}

parser = CsvParser()
