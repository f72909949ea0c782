"""Segment definitions: the listening query language's fields and operators, over customer facts.

Why not a new syntax: Kith already has one boolean language (listening topics) that routing extends with
``value:``, ``segment:``, ``influence:`` and ``product:``. A segment reuses its lexer and parser — the same
``AND``/``OR``/``NOT``, parentheses, quoting, wildcards and positioned error messages — and only adds
fields about a customer. Words, phrases, hashtags and ``NEAR`` search text, and a customer is not a text,
so they are refused with a hint.

=================  ====================================================================================
``tier:``          participation tier: creator | contributor | lurker
``stage:``         engagement stage: consumption | curation | creation | collaboration
``value:``         value tier high | medium | low | none, or the order total: ``value:>=1000``
``segment:``       vip | loyal | customer | engaged | prospect, or a saved segment's slug
``influence:``     high | medium | low, or followers: ``influence:>=10000``
``channel:``       has an identity on that channel: ``channel:instagram``
``wtp:``           willingness to pay: low | mid | high | unknown
``clv:``           lifetime value (next 52 weeks) compared with a number: ``clv:>=200``
``orders:``        number of orders compared with a number: ``orders:>=3``
``country:``       ``country:DE`` (as the customer list states it); ``city:Berlin``
``product:``       a product bought or mentioned, by name or SKU (wildcards: ``product:aurora*``)
``category:``      a product category bought or mentioned
=================  ====================================================================================
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from kith.enrichment.query.errors import QuerySyntaxError, where
from kith.enrichment.query.fields import value_matcher
from kith.enrichment.query.lexer import FIELDS as LISTENING_FIELDS
from kith.enrichment.query.parser import And, Field, Near, Node, Not, Or, Phrase, Raw, Tag, Term, parse
from kith.profiles.metrics import STAGES
from kith.profiles.value import INFLUENCE_TIERS, SEGMENTS, VALUE_TIERS

TIERS = ("creator", "contributor", "lurker")
WTP_BANDS = ("low", "mid", "high", "unknown")
SEGMENT_FIELDS = (
    "tier",
    "stage",
    "value",
    "segment",
    "influence",
    "channel",
    "wtp",
    "clv",
    "orders",
    "country",
    "city",
    "product",
    "category",
)
MAX_NESTING = 8  # segment:a referring to b referring to c …
_COMPARISON = re.compile(r"(>=|<=|>|<|=)?\s*(\d+(?:\.\d+)?)")
_BARE_COMPARISON = re.compile(r"([A-Za-z]+)(>=|<=|>|<|=)(.+)")
_OPS: dict[str, Callable[[Decimal, Decimal], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    ">": operator.gt,
    "<": operator.lt,
    "=": operator.eq,
}

# ``CustomerFacts`` (or anything with its attributes); typed loosely so tests can pass small stand-ins
Facts = object
Test = Callable[[Facts], bool]
Resolver = Callable[[str], str | None]  # saved segment slug → its definition, None when there is none

__all__ = ["SEGMENT_FIELDS", "Definition", "QuerySyntaxError", "compile_definition"]


@dataclass(frozen=True)
class Definition:
    """A compiled segment definition: ``definition(facts)`` says whether a customer belongs."""

    text: str
    test: Test
    uses: tuple[str, ...]  # saved segments it refers to, by slug

    def __call__(self, facts: Facts) -> bool:
        return self.test(facts)


class _Compiler:
    def __init__(self, text: str, resolve: Resolver | None, seen: tuple[str, ...]) -> None:
        self.text = text
        self.resolve = resolve
        self.seen = seen
        self.uses: list[str] = []

    def error(self, message: str, offset: int) -> QuerySyntaxError:
        return QuerySyntaxError(message.replace("{at}", where(self.text, offset)), self.text, offset)

    def node(self, node: Node) -> Test:
        if isinstance(node, And):
            parts = [self.node(c) for c in node.children]
            return lambda f: all(p(f) for p in parts)
        if isinstance(node, Or):
            parts = [self.node(c) for c in node.children]
            return lambda f: any(p(f) for p in parts)
        if isinstance(node, Not):
            inner = self.node(node.child)
            return lambda f: not inner(f)
        if isinstance(node, Field):
            return self.field(node)
        if isinstance(node, Term):
            bare = _BARE_COMPARISON.fullmatch(node.text)
            if bare and bare.group(1).lower() in SEGMENT_FIELDS:
                name, op, number = bare.group(1).lower(), bare.group(2), bare.group(3)
                raise self.error(f"write {name}:{op}{number} (with a colon) at {{at}}", node.pos)
            raise self.error(f"{node.text!r} at {{at}} is a word; {self.known()}", node.pos)
        if isinstance(node, Phrase | Raw | Tag):
            raise self.error(f"text search at {{at}} does not apply to customers; {self.known()}", node.pos)
        if isinstance(node, Near):  # pragma: no cover - NEAR only joins text, refused above
            raise self.error("NEAR at {at} does not apply to customers", node.pos)
        raise self.error("unexpected part at {at}", 0)  # pragma: no cover - the parser has no other nodes

    def known(self) -> str:
        return "a segment is made of fields: " + ", ".join(f"{f}:" for f in SEGMENT_FIELDS)

    def field(self, node: Field) -> Test:
        name, value = node.name, node.value.strip()
        if name not in SEGMENT_FIELDS:
            raise self.error(f"{name}: at {{at}} is a listening field; {self.known()}", node.pos)
        try:
            return self.field_test(name, value, node.pos)
        except _ValueProblem as problem:
            raise self.error(f"{problem} ({{at}})", node.pos) from None

    def field_test(self, name: str, value: str, pos: int) -> Test:
        if name == "tier":
            return _choice("tier", TIERS, value)
        if name == "stage":
            return _choice("stage", STAGES, value)
        if name == "wtp":
            return _choice("wtp", WTP_BANDS, value)
        if name == "value":
            return _tier_or_number("value", VALUE_TIERS, value, "monetary", "1000")
        if name == "influence":
            return _tier_or_number("influence", INFLUENCE_TIERS, value, "followers", "10000")
        if name in ("clv", "orders"):
            return _number(name, value, "200" if name == "clv" else "3")
        if name == "segment":
            return self.segment(value, pos)
        if name in ("country", "city"):
            same = value_matcher(value)
            return lambda f: (got := getattr(f, name)) is not None and same(got)
        same = value_matcher(value)
        attribute = {"channel": "channels", "product": "products", "category": "categories"}[name]
        return lambda f: any(same(v) for v in getattr(f, attribute))

    def segment(self, value: str, pos: int) -> Test:
        if value.casefold() in SEGMENTS:
            return _choice("segment", SEGMENTS, value)
        slug = value.casefold()
        if slug in self.seen:
            raise _ValueProblem(f"segment:{value} refers back to itself")
        if len(self.seen) >= MAX_NESTING:
            raise _ValueProblem(f"segment:{value} nests saved segments more than {MAX_NESTING} deep")
        definition = self.resolve(slug) if self.resolve else None
        if definition is None:
            raise _ValueProblem(
                f"segment:{value} is neither a built-in class ({' | '.join(SEGMENTS)}) nor a saved segment"
            )
        try:
            inner = compile_definition(definition, self.resolve, (*self.seen, slug))
        except QuerySyntaxError as exc:
            raise _ValueProblem(f"the saved segment {slug} does not compile: {exc}") from None
        self.uses.extend([slug, *inner.uses])
        return inner.test


class _ValueProblem(ValueError):
    """A field value that cannot work; the compiler adds the position."""


def _choice(name: str, choices: tuple[str, ...], value: str) -> Test:
    same = value_matcher(value)
    if not any(same(c) for c in choices):
        raise _ValueProblem(f"{name}: takes one of {', '.join(choices)}")
    return lambda f: same(getattr(f, name))


def _compare(value: str) -> tuple[Callable[[Decimal, Decimal], bool], Decimal] | None:
    found = _COMPARISON.fullmatch(value)
    return (_OPS[found.group(1) or "="], Decimal(found.group(2))) if found else None


def _number(name: str, value: str, example: str) -> Test:
    parsed = _compare(value)
    if parsed is None:
        raise _ValueProblem(f"{name}: takes a comparison such as {name}:>={example}")
    compare, limit = parsed
    return lambda f: (got := getattr(f, name)) is not None and compare(Decimal(got), limit)


def _tier_or_number(name: str, tiers: tuple[str, ...], value: str, attribute: str, example: str) -> Test:
    parsed = _compare(value)
    if parsed is None:
        try:
            return _choice(name, tiers, value)
        except _ValueProblem:
            raise _ValueProblem(
                f"{name}: takes {' | '.join(tiers)} or a comparison such as {name}:>={example}"
            ) from None
    compare, limit = parsed
    return lambda f: compare(Decimal(getattr(f, attribute)), limit)


def compile_definition(text: str, resolve: Resolver | None = None, seen: tuple[str, ...] = ()) -> Definition:
    """Compile a segment definition; raises ``QuerySyntaxError`` whose message names the column and a hint.

    ``resolve`` looks up saved segments for ``segment:<slug>``; ``seen`` is the chain of slugs being
    compiled (a segment may not refer to itself, directly or through others).
    """
    extra = tuple(f for f in SEGMENT_FIELDS if f not in LISTENING_FIELDS)
    try:
        tree = parse(text, extra)
    except QuerySyntaxError as exc:
        if exc.message.startswith("unknown field"):
            name = exc.message.split(":", 1)[0].removeprefix("unknown field ")
            message = f"unknown field {name}: at {where(text, exc.offset)}; " + _Compiler(text, None, ()).known()
            raise QuerySyntaxError(message, text, exc.offset) from None
        raise
    compiler = _Compiler(text, resolve, seen)
    test = compiler.node(tree)
    return Definition(text=text, test=test, uses=tuple(dict.fromkeys(compiler.uses)))
