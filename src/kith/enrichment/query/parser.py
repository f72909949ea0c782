"""Parse query tokens into a syntax tree: NEAR > NOT > AND > OR, parentheses first.

Grammar (recursive descent; ``a NOT b`` is ``a AND NOT b``)::

    query   := or EOF
    or      := and ("OR" and)*
    and     := unary (("AND" | "NOT") unary)*        -- "NOT" here means AND NOT
    unary   := "NOT"* near
    near    := primary ("NEAR/n" primary | "NEAR/nf" primary)*
    primary := "(" or ")" | TERM | PHRASE | RAW | FIELD | TAG | MENTION

Why explicit operators (no implicit AND): Brandwatch and most listening suites refuse ``apple juice``
because half their users mean the phrase and half mean AND; a message that offers both is kinder than a
silent guess that fills a dashboard with the wrong mentions.
"""

from __future__ import annotations

from dataclasses import dataclass

from kith.enrichment.query.errors import QuerySyntaxError, where
from kith.enrichment.query.lexer import Tok, lex

MAX_DEPTH = 64  # nesting of parentheses, NOT chains and NEAR chains; keeps evaluation off the recursion limit
_OPERAND_START = frozenset(("(", "TERM", "PHRASE", "RAW", "FIELD", "TAG", "MENTION", "NOT"))
_LOWER_OPERATORS = {"and": "AND", "or": "OR", "not": "NOT"}


@dataclass(frozen=True)
class Term:
    text: str
    pos: int


@dataclass(frozen=True)
class Phrase:
    text: str
    slop: int | None  # "…"~n: how many word moves are allowed; None for an exact phrase
    pos: int


@dataclass(frozen=True)
class Raw:
    text: str
    pos: int


@dataclass(frozen=True)
class Field:
    name: str
    value: str
    pos: int


@dataclass(frozen=True)
class Tag:
    sign: str  # "#" or "@"
    value: str
    pos: int


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]
    pos: int
    op: int  # offset of the first AND (or infix NOT) keyword, for messages


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]
    pos: int


@dataclass(frozen=True)
class Not:
    child: Node
    pos: int


@dataclass(frozen=True)
class Near:
    left: Node
    right: Node
    distance: int  # at most this many words between the two sides
    ordered: bool  # NEAR/nf: the left side comes first
    pos: int


Node = Term | Phrase | Raw | Field | Tag | And | Or | Not | Near


def describe(tok: Tok) -> str:
    if tok.kind in ("TERM", "TAG", "MENTION", "RAW", "FIELD"):
        return {"TAG": "#", "MENTION": "@", "RAW": "raw:", "FIELD": f"{tok.name}:"}.get(tok.kind, "") + tok.value
    if tok.kind == "PHRASE":
        return f'"{tok.value}"'
    return {"EOF": "the end", "NEAR": tok.value}.get(tok.kind, tok.kind)


class Parser:
    def __init__(self, query: str, extra_fields: tuple[str, ...] = ()) -> None:
        self.query = query
        self.toks = lex(query, extra_fields)
        self.i = 0
        self.depth = 0

    def error(self, message: str, offset: int) -> QuerySyntaxError:
        return QuerySyntaxError(message.replace("{at}", where(self.query, offset)), self.query, offset)

    @property
    def tok(self) -> Tok:
        return self.toks[self.i]

    def take(self) -> Tok:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def parse(self) -> Node:
        if self.tok.kind == "EOF":
            raise self.error("empty query", 0)
        node = self.or_()
        tok = self.tok
        if tok.kind == ")":
            raise self.error("')' at {at} closes nothing: no '(' is open", tok.pos)
        if tok.kind != "EOF":  # pragma: no cover - every loop above stops only on EOF or ')'
            raise self.error(f"unexpected {describe(tok)} at {{at}}", tok.pos)
        return node

    def or_(self) -> Node:
        start = self.tok.pos
        children = [self.and_()]
        while self.tok.kind == "OR":
            op = self.take()
            self.operand_after(op)
            children.append(self.and_())
        return children[0] if len(children) == 1 else Or(tuple(children), start)

    def and_(self) -> Node:
        start = last = self.tok.pos
        children = [self.unary()]
        op_pos = -1
        while True:
            tok = self.tok
            if tok.kind in ("AND", "NOT"):  # a NOT b: AND NOT
                self.take()
                self.operand_after(tok)
                op_pos = tok.pos if op_pos < 0 else op_pos
                last = self.tok.pos
                if tok.kind == "AND" and self.tok.kind == "NOT":
                    last = self.toks[self.i + 1].pos
                child = self.unary()
                children.append(Not(child, tok.pos) if tok.kind == "NOT" else child)
            elif tok.kind in _OPERAND_START:
                raise self.missing_operator(last, tok)
            else:
                break
        return children[0] if len(children) == 1 else And(tuple(children), start, op_pos)

    def unary(self) -> Node:
        nots: list[Tok] = []
        while self.tok.kind == "NOT":
            nots.append(self.take())
            self.operand_after(nots[-1])
        if len(nots) > MAX_DEPTH:
            raise self.error("too many NOTs in a row at {at}", nots[0].pos)
        node = self.near()
        for tok in reversed(nots):
            node = Not(node, tok.pos)
        return node

    def near(self) -> Node:
        node = self.primary()
        chain = 0
        while self.tok.kind == "NEAR":
            op = self.take()
            self.operand_after(op)
            chain += 1
            if chain > MAX_DEPTH:
                raise self.error("too many NEARs in a row at {at}", op.pos)
            right = self.primary()
            for side in (node, right):
                self.check_near_operand(side, op)
            assert op.number is not None
            node = Near(node, right, op.number, op.ordered, node.pos)
        return node

    def primary(self) -> Node:
        tok = self.take()
        if tok.kind == "(":
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise self.error(f"parentheses nested more than {MAX_DEPTH} deep at {{at}}", tok.pos)
            if self.tok.kind == ")":
                raise self.error("empty parentheses at {at}", tok.pos)
            node = self.or_()
            if self.tok.kind != ")":
                if self.tok.kind == "EOF":
                    raise self.error("unbalanced parenthesis opened at {at}: add ')'", tok.pos)
                raise self.error(f"unexpected {describe(self.tok)} at {{at}}", self.tok.pos)  # pragma: no cover
            self.take()
            self.depth -= 1
            return node
        if tok.kind == "TERM":
            return Term(tok.value, tok.pos)
        if tok.kind == "PHRASE":
            return Phrase(tok.value, tok.number, tok.pos)
        if tok.kind == "RAW":
            return Raw(tok.value, tok.pos)
        if tok.kind == "FIELD":
            return Field(tok.name, tok.value, tok.pos)
        if tok.kind in ("TAG", "MENTION"):
            return Tag("#" if tok.kind == "TAG" else "@", tok.value, tok.pos)
        if tok.kind == ")":
            raise self.error("')' at {at} closes nothing: no '(' is open", tok.pos)
        if tok.kind == "EOF":
            raise self.error("the query ends where a term is expected ({at})", tok.pos)
        raise self.error(f"operator {describe(tok)} at {{at}} has no left-hand side", tok.pos)

    def operand_after(self, op: Tok) -> None:
        """The token after an operator must start an operand."""
        nxt = self.tok
        if nxt.kind == "NOT" and op.kind == "NEAR":
            raise self.error(
                f"{op.value} can only join words, phrases, tags and OR-groups of them; "
                "NOT at {at} is not allowed there (move it outside the NEAR)",
                nxt.pos,
            )
        if nxt.kind in ("EOF", ")", "AND", "OR", "NEAR"):
            if op.kind == "NOT":
                raise self.error("NOT at {at} has nothing to exclude", op.pos)
            raise self.error(f"operator {describe(op)} at {{at}} has no right-hand side", op.pos)

    def missing_operator(self, left_start: int, right: Tok) -> QuerySyntaxError:
        word = right.value if right.kind == "TERM" else ""
        if word in _LOWER_OPERATORS or word.lower().startswith("near/"):
            upper = _LOWER_OPERATORS.get(word, word.upper())
            return self.error(f"operators are written in capitals: {upper} at {{at}}", right.pos)
        lhs = self.query[left_start : right.pos].strip()
        rhs = describe(right)
        hint = f"write {lhs} AND {rhs} or {lhs} OR {rhs}"
        if right.kind == "TERM" and self.toks[self.i - 1].kind == "TERM" and " " not in lhs:
            hint = f'write {lhs} AND {rhs}, {lhs} OR {rhs}, or "{lhs} {rhs}" for the exact phrase'
        return self.error(f"missing operator before {rhs} at {{at}}: {hint}", right.pos)

    def check_near_operand(self, node: Node, op: Tok) -> None:
        """NEAR joins things with positions in the text: terms, phrases, raw:, tags, OR and NEAR of them."""
        if isinstance(node, Or):
            for child in node.children:
                self.check_near_operand(child, op)
            return
        if isinstance(node, And):
            what, at = self.query[node.op : node.op + 3], node.op
        elif isinstance(node, Not):
            what, at = "NOT", node.pos
        elif isinstance(node, Field):
            what, at = f"{node.name}:", node.pos
        else:
            return  # a term, phrase, raw:, tag, or a NEAR already checked when it was built
        raise self.error(
            f"{op.value} can only join words, phrases, tags and OR-groups of them; {what} at {{at}} "
            "is not allowed there (move it outside the NEAR)",
            at,
        )


def parse(query: str, extra_fields: tuple[str, ...] = ()) -> Node:
    """Parse ``query`` into a tree; raises :class:`QuerySyntaxError`. ``extra_fields``: see ``lex``."""
    return Parser(query, extra_fields).parse()
