"""Rule conditions: the listening query language plus routing fields (intent:, value:, influence: …).

Why reuse the listening language: people who write topic queries already know it (words, phrases,
AND/OR/NOT, NEAR, channel:, lang:, author:), its errors name the column and say what to write instead,
and its matcher is fast. Routing only adds fields about what enrichment and the customer profile found:

=================  ==========================================================================
``intent:``        enrichment intent: question, complaint, purchase_intent, praise, suggestion, price, churn, spam
``sentiment:``     negative, neutral, positive
``product:``       a product mentioned, by SKU or name (wildcards allowed: ``product:NL-EB-*``)
``topic:``         a listening topic that matched, by name (``topic:"Batteries & range"``)
``value:``         customer value tier high | medium | low | none, or the order total: ``value:>=1000``
``segment:``       vip | loyal | customer | engaged | prospect, or the slug of a saved segment (/segments)
``influence:``     high | medium | low, or followers: ``influence:>=10000``
``visibility:``    public | private | email | offline (``private`` is a direct message)
=================  ==========================================================================
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from kith.enrichment.intent import CLASSES as INTENTS
from kith.enrichment.query import Document, Query, QuerySyntaxError, compile_query
from kith.enrichment.query.fields import FieldValueError, Predicate, value_matcher
from kith.enrichment.query.matcher import FieldFactory
from kith.enrichment.query.text import Analysed
from kith.profiles.value import INFLUENCE_TIERS, SEGMENTS, VALUE_TIERS

SENTIMENTS = ("negative", "neutral", "positive")
VISIBILITIES = ("public", "private", "email", "offline")
ROUTING_FIELDS = ("intent", "sentiment", "product", "topic", "value", "segment", "influence", "visibility")
_COMPARISON = re.compile(r"(>=|<=|>|<|=)?\s*(\d+(?:\.\d+)?)")
_OPS: dict[str, Callable[[Decimal, Decimal], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    ">": operator.gt,
    "<": operator.lt,
    "=": operator.eq,
}

__all__ = ["ROUTING_FIELDS", "QuerySyntaxError", "RoutingDocument", "compile_condition"]


@dataclass(frozen=True)
class RoutingDocument(Document):
    """A document plus what enrichment and the customer's profile say about it."""

    intent: str | None = None
    sentiment: str | None = None
    products: tuple[str, ...] = ()  # SKUs and names of products mentioned
    topics: tuple[str, ...] = ()  # names of listening topics that matched
    value: str = "none"  # value tier
    monetary: Decimal = Decimal(0)
    segment: str = "prospect"
    followers: int = 0
    influence: str = "low"
    visibility: str = "public"
    saved_segments: frozenset[str] = frozenset()  # slugs of the saved segments the author belongs to


def _doc(ctx: Analysed) -> RoutingDocument | None:
    doc = ctx.doc
    return doc if isinstance(doc, RoutingDocument) else None


def _choice(name: str, choices: tuple[str, ...]) -> FieldFactory:
    """A field whose value is one of ``choices`` (folded; wildcards allowed)."""

    def factory(value: str) -> Predicate:
        same = value_matcher(value)
        if not any(same(c) for c in choices):
            raise FieldValueError(f"{name}: takes one of {', '.join(choices)}")

        def test(ctx: Analysed) -> bool:
            doc = _doc(ctx)
            got = getattr(doc, name) if doc is not None else None
            return got is not None and same(got)

        return test

    return factory


def _many(name: str) -> FieldFactory:
    """A field that holds when any of the document's values (products, topics) equals the value."""

    def factory(value: str) -> Predicate:
        same = value_matcher(value)

        def test(ctx: Analysed) -> bool:
            doc = _doc(ctx)
            return doc is not None and any(same(v) for v in getattr(doc, name))

        return test

    return factory


def _tier_or_number(name: str, tiers: tuple[str, ...], number: Callable[[RoutingDocument], Decimal]) -> FieldFactory:
    """A tier (``value:high``) or a comparison with the number behind it (``value:>=1000``)."""
    tier_of = _choice(name, tiers)
    example = "1000" if name == "value" else "10000"

    def factory(value: str) -> Predicate:
        found = _COMPARISON.fullmatch(value.strip())
        if found is None:
            try:
                return tier_of(value)
            except FieldValueError:
                raise FieldValueError(
                    f"{name}: takes {' | '.join(tiers)} or a comparison such as {name}:>={example}"
                ) from None
        try:
            limit = Decimal(found.group(2))
        except InvalidOperation:  # pragma: no cover - the pattern only lets digits through
            raise FieldValueError(f"{name}: needs a number such as {name}:>={example}") from None
        compare = _OPS[found.group(1) or "="]

        def test(ctx: Analysed) -> bool:
            doc = _doc(ctx)
            return doc is not None and compare(number(doc), limit)

        return test

    return factory


SAVED_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")


def _segment(value: str) -> Predicate:
    """A built-in value class (``segment:vip``) or a saved segment's slug (``segment:reddit-creators``).

    A slug is not checked against the saved segments here (compiling needs no database); saving a rule
    checks it (``rules.check_rule``), and an unknown slug simply matches nobody."""
    wanted = value.strip().lower()
    if any(value_matcher(value)(c) for c in SEGMENTS):
        return _choice("segment", SEGMENTS)(value)
    if not SAVED_SLUG.fullmatch(wanted):
        raise FieldValueError(f"segment: takes one of {', '.join(SEGMENTS)} or the slug of a saved segment")

    def test(ctx: Analysed) -> bool:
        doc = _doc(ctx)
        return doc is not None and wanted in doc.saved_segments

    return test


def saved_segment_slugs(condition: str) -> set[str]:
    """The saved segments a condition names (``segment:`` values that are not built-in classes)."""
    found = {m.lower() for m in re.findall(r"segment:([A-Za-z0-9-]+)", condition)}
    return found - set(SEGMENTS)


FIELDS: dict[str, FieldFactory] = {
    "intent": _choice("intent", INTENTS),
    "sentiment": _choice("sentiment", SENTIMENTS),
    "product": _many("products"),
    "topic": _many("topics"),
    "value": _tier_or_number("value", VALUE_TIERS, lambda doc: doc.monetary),
    "segment": _segment,
    "influence": _tier_or_number("influence", INFLUENCE_TIERS, lambda doc: Decimal(doc.followers)),
    "visibility": _choice("visibility", VISIBILITIES),
}


def compile_condition(text: str) -> Query:
    """Compile a rule condition; raises ``QuerySyntaxError`` (message with the column, and a hint)."""
    return compile_query(text, fields=FIELDS)
