"""Compile a query once, match many documents: ``compile_query(text).match(doc) -> Match | None``.

Why compile: a topic is matched against every incoming interaction, so everything that depends only on
the query (folding its words, wildcard regexes, field rules) happens here, once. Per document the text
is tokenised once; each leaf looks its words up in that document's index and remembers its hits so the
boolean test and the highlighting share the work. AND and OR stop early; only a matching document pays
for collecting spans.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from kith.enrichment.query import parser as ast
from kith.enrichment.query.document import Document
from kith.enrichment.query.errors import QuerySyntaxError, where
from kith.enrichment.query.fields import FieldValueError, Predicate, predicate
from kith.enrichment.query.prefilter import Sketch, all_of, any_of, compile_sketch
from kith.enrichment.query.terms import (
    AnyOf,
    Leaf,
    Near,
    Node,
    Phrase,
    Piece,
    Raw,
    Sloppy,
    Span,
    Tag,
    merge_spans,
    pieces_of,
)
from kith.enrichment.query.text import MARKS, Analysed, fold, query_tokens

_HASHTAG = re.compile(f"[\\w*?{MARKS}]+")
_MENTION = re.compile(f"[\\w*?.\\-@{MARKS}]+")


@dataclass(frozen=True)
class Match:
    """Why a document matched: character offsets into ``doc.text`` of the words that did it.

    Sorted, overlapping spans merged. Empty when only fields (author:, site: ...) or a NOT decided.
    """

    spans: list[Span] = field(default_factory=list)


class AllOf(Node):
    def __init__(self, children: list[Node]) -> None:
        self.children = children

    def test(self, ctx: Analysed) -> bool:
        for child in self.children:  # noqa: SIM110 - a loop is faster than all() here, per document
            if not child.test(ctx):
                return False
        return True

    def collect(self, ctx: Analysed, out: list[Span]) -> None:
        for child in self.children:
            child.collect(ctx, out)

    def sketch(self) -> Sketch | None:
        return all_of(child.sketch() for child in self.children)


class EitherOf(Node):
    def __init__(self, children: list[Node]) -> None:
        self.children = children

    def test(self, ctx: Analysed) -> bool:
        for child in self.children:  # noqa: SIM110 - a loop is faster than any() here, per document
            if child.test(ctx):
                return True
        return False

    def collect(self, ctx: Analysed, out: list[Span]) -> None:
        for child in self.children:
            if child.test(ctx):  # leaves remember their hits: no second search
                child.collect(ctx, out)

    def sketch(self) -> Sketch | None:
        return any_of(child.sketch() for child in self.children)


class NoneOf(Node):
    def __init__(self, child: Node) -> None:
        self.child = child

    def test(self, ctx: Analysed) -> bool:
        return not self.child.test(ctx)

    def collect(self, ctx: Analysed, out: list[Span]) -> None:
        return  # what is absent has no place in the text


class FieldTest(Node):
    def __init__(self, check: Predicate) -> None:
        self.check = check

    def test(self, ctx: Analysed) -> bool:
        return self.check(ctx)

    def collect(self, ctx: Analysed, out: list[Span]) -> None:
        return  # fields are not in the text


def haystack(doc: Document) -> str:
    """What the prefilter searches: the folded text, plus hashtags and mentions the source lists."""
    text = doc.text
    hay = text.lower() if text.isascii() else fold(text)
    if doc.hashtags or doc.mentions:
        hay = "\n".join((hay, *map(fold, doc.hashtags), *map(fold, doc.mentions)))
    return hay


class Prepared:
    """One document folded and tokenised once, for matching it against many queries (e.g. 200 routing rules).

    Not thread-safe: each query's scratch space (``memo``) is reset on the shared analysis per match.
    """

    __slots__ = ("_ctx", "doc", "hay")

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.hay = haystack(doc)
        self._ctx: Analysed | None = None

    def context(self, slots: int) -> Analysed:
        if self._ctx is None:
            self._ctx = Analysed(self.doc.text)
            self._ctx.doc = self.doc
        self._ctx.memo = [None] * slots
        return self._ctx


class Query:
    """A compiled query. Thread-safe: matching keeps its scratch space on the per-call document."""

    def __init__(self, text: str, root: Node, slots: int, *, prefilter: bool = True) -> None:
        self.text = text
        self._root = root
        self._slots = slots
        sketch = root.sketch() if prefilter else None
        self.sketch = sketch  # what the prefilter looks for; None when it cannot rule anything out
        self._possible = compile_sketch(sketch) if sketch is not None else None

    def __repr__(self) -> str:
        return f"Query({self.text!r})"

    def match(self, doc: Document) -> Match | None:
        possible = self._possible
        if possible is not None and not possible(haystack(doc)):
            return None
        ctx = Analysed(doc.text)
        ctx.doc = doc
        ctx.memo = [None] * self._slots
        return self._finish(ctx)

    def match_prepared(self, prepared: Prepared) -> Match | None:
        """``match`` on a document folded and tokenised once for many queries (same answers)."""
        possible = self._possible
        if possible is not None and not possible(prepared.hay):
            return None
        return self._finish(prepared.context(self._slots))

    def _finish(self, ctx: Analysed) -> Match | None:
        if not self._root.test(ctx):
            return None
        spans: list[Span] = []
        self._root.collect(ctx, spans)
        return Match(merge_spans(spans))

    def match_many(self, docs: Iterable[Document]) -> Iterator[Match | None]:
        """``match`` for each document, in order (lazily: pipe a stream through it)."""
        match = self.match
        for doc in docs:
            yield match(doc)

    def match_text(self, text: str) -> Match | None:
        """Match plain text, with hashtags, mentions and links read from it."""
        return self.match(Document.from_text(text))


FieldFactory = Callable[[str], Predicate]  # value -> test; raises FieldValueError for a value that cannot work


class Compiler:
    def __init__(self, query: str, fields: Mapping[str, FieldFactory] | None = None) -> None:
        self.query = query
        self.slots = 0
        self.fields = dict(fields or {})

    def slot(self) -> int:
        self.slots += 1
        return self.slots - 1

    def error(self, message: str, offset: int) -> QuerySyntaxError:
        return QuerySyntaxError(message.replace("{at}", where(self.query, offset)), self.query, offset)

    def node(self, node: ast.Node) -> Node:
        if isinstance(node, ast.And):
            return AllOf([self.node(child) for child in node.children])
        if isinstance(node, ast.Or):
            return EitherOf([self.node(child) for child in node.children])
        if isinstance(node, ast.Not):
            return NoneOf(self.node(node.child))
        if isinstance(node, ast.Field):
            try:
                factory = self.fields.get(node.name)
                return FieldTest(factory(node.value) if factory else predicate(node.name, node.value))
            except FieldValueError as exc:
                raise self.error(f"{exc} ({{at}})", node.pos) from None
        return self.leaf(node)

    def leaf(self, node: ast.Node) -> Leaf:
        if isinstance(node, ast.Term):
            return Phrase(self.slot(), self.pieces(node.text, node.pos, "term"))
        if isinstance(node, ast.Phrase):
            pieces = self.pieces(node.text, node.pos, "phrase")
            if not node.slop or len(pieces) == 1:  # ~0 is the exact phrase
                return Phrase(self.slot(), pieces)
            return Sloppy(self.slot(), pieces, node.slop)
        if isinstance(node, ast.Raw):
            return Raw(self.slot(), node.text)
        if isinstance(node, ast.Tag):
            self.check_tag(node)
            return Tag(self.slot(), node.sign, node.value)
        if isinstance(node, ast.Near):
            return Near(self.slot(), self.leaf(node.left), self.leaf(node.right), node.distance, node.ordered)
        if isinstance(node, ast.Or):
            return AnyOf(self.slot(), [self.leaf(child) for child in node.children])
        raise self.error("this cannot be used inside NEAR ({at})", node.pos)  # pragma: no cover - parser checks

    def pieces(self, text: str, pos: int, what: str) -> list[Piece]:
        tokens = query_tokens(text)
        shown = text if what == "term" else f'"{text}"'
        if not tokens:
            raise self.error(
                f"{what} {shown} at {{at}} has no letters, digits or emoji to search for; "
                f'use raw:"{text}" to match punctuation',
                pos,
            )
        if all(not folded.strip("*?") for _, folded in tokens):
            raise self.error(f"{what} {shown} at {{at}} is only wildcards: it would match every word", pos)
        return pieces_of(tokens)

    def check_tag(self, node: ast.Tag) -> None:
        if not (_HASHTAG if node.sign == "#" else _MENTION).fullmatch(node.value):
            kind = "hashtag" if node.sign == "#" else "mention"
            raise self.error(
                f"{kind} {node.sign}{node.value} at {{at}} can only contain letters, digits, _ and wildcards",
                node.pos,
            )
        if not node.value.strip("*?"):
            raise self.error(f"{node.sign}{node.value} at {{at}} is only wildcards", node.pos)


def compile_query(text: str, *, prefilter: bool = True, fields: Mapping[str, FieldFactory] | None = None) -> Query:
    """Parse and compile ``text``; raises :class:`QuerySyntaxError` with the column of the problem.

    ``prefilter=False`` skips the substring pre-check (same answers, slower): for tests and benchmarks.
    ``fields`` adds field filters beyond the listening ones (name -> factory of a predicate over the
    analysed document); routing rules use it for intent:, value:, influence: and the like.
    """
    compiler = Compiler(text, fields)
    root = compiler.node(ast.parse(text, tuple(fields or ())))
    return Query(text, root, compiler.slots, prefilter=prefilter)
