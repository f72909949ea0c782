"""Cut a query into tokens: operators, parentheses, terms, "phrases"~n, raw:, fields, #tags, @mentions.

Why a hand-written lexer: the messages. Each token keeps its offset, and the mistakes people make when
they come from other tools (``near/3``, ``-word``, ``word~3``, an unclosed quote) get a sentence that
says what to write instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kith.enrichment.query.errors import QuerySyntaxError, where

FIELDS = ("author", "channel", "lang", "country", "site", "url", "links")
OPERATORS = ("AND", "OR", "NOT")
QUOTES = {'"': '"', "\u201c": "\u201d", "\u201e": "\u201d"}  # "…", “…” and „…” as typed by word processors
MAX_NUMBER_DIGITS = 6

_FIELD = re.compile(r"([A-Za-z]+):")
_NEAR = re.compile(r"NEAR(?:/(\d*)([fF]?))?")
_STOP = frozenset(' \t\r\n()"\u201c\u201e')  # what ends a bare term


@dataclass(frozen=True)
class Tok:
    """One lexical token. ``kind`` is one of: ( ) AND OR NOT NEAR TERM PHRASE RAW FIELD TAG MENTION EOF."""

    kind: str
    pos: int
    end: int
    value: str = ""
    name: str = ""  # field name
    number: int | None = None  # NEAR distance or phrase ~n
    ordered: bool = False  # NEAR/nf


class Lexer:
    def __init__(self, query: str, extra_fields: tuple[str, ...] = ()) -> None:
        self.query = query
        self.i = 0
        self.fields = FIELDS + tuple(f for f in extra_fields if f not in FIELDS)  # e.g. routing's intent:

    def error(self, message: str, offset: int) -> QuerySyntaxError:
        return QuerySyntaxError(message.replace("{at}", where(self.query, offset)), self.query, offset)

    def tokens(self) -> list[Tok]:
        out: list[Tok] = []
        q = self.query
        while True:
            while self.i < len(q) and q[self.i].isspace():
                self.i += 1
            if q.startswith("<<<", self.i):  # Brandwatch-style comment: <<<why this term is here>>>
                close = q.find(">>>", self.i + 3)
                if close < 0:
                    raise self.error("comment opened with <<< at {at} is never closed with >>>", self.i)
                self.i = close + 3
                continue
            if self.i >= len(q):
                out.append(Tok("EOF", len(q), len(q)))
                return out
            ch = q[self.i]
            if ch in "()":
                out.append(Tok(ch, self.i, self.i + 1))
                self.i += 1
            elif ch in QUOTES:
                out.append(self.phrase())
            else:
                out.append(self.bare())

    def quoted(self) -> tuple[str, int, int]:
        """Read "…" at ``self.i``: (content, start, end after the closing quote)."""
        start = self.i
        close = self.query.find(QUOTES[self.query[start]], start + 1)
        if close < 0:
            raise self.error("the quote at {at} is never closed", start)
        self.i = close + 1
        return self.query[start + 1 : close], start, self.i

    def number(self, start: int, what: str, example: str) -> int:
        """Digits at ``self.i`` (``what`` needs them, as in ``example``)."""
        m = re.compile(r"\d+").match(self.query, self.i)
        if m is None:
            raise self.error(f"{what} needs a number, e.g. {example} ({{at}})", start)
        if len(m.group()) > MAX_NUMBER_DIGITS:
            raise self.error(f"the number after {what} at {{at}} is too large", start)
        self.i = m.end()
        return int(m.group())

    def phrase(self) -> Tok:
        text, start, end = self.quoted()
        if not text.strip():
            raise self.error("empty phrase at {at}", start)
        slop = None
        if self.query.startswith("~", self.i):
            self.i += 1
            slop = self.number(start, "~", '"apple juice"~3')
            end = self.i
        self.must_end(start)
        return Tok("PHRASE", start, end, text, number=slop)

    def must_end(self, start: int) -> None:
        """A phrase or quoted value must be followed by a space, a parenthesis or the end."""
        if self.i < len(self.query) and self.query[self.i] not in _STOP:
            raise self.error("missing space or operator after the quoted text at {at}", self.i)

    def bare(self) -> Tok:
        q, start = self.query, self.i
        while self.i < len(q) and q[self.i] not in _STOP:
            self.i += 1
        word = q[start : self.i]
        if word in OPERATORS:
            return Tok(word, start, self.i)
        if word.startswith("NEAR"):
            return self.near(word, start)
        field = _FIELD.match(word)
        if field:
            return self.field(field.group(1), word[field.end() :], start)
        if word[0] in "#@":
            if len(word) == 1:
                hint = "#kith" if word == "#" else "@kith"
                raise self.error(f"{word} at {{at}} needs a name after it, e.g. {hint}", start)
            return Tok("TAG" if word[0] == "#" else "MENTION", start, self.i, word[1:])
        if "~" in word:
            raise self.error('~n follows a quoted phrase: write "two words"~3 ({at})', start + word.index("~"))
        if word[0] == "-" and len(word) > 1 and word[1].isalnum():
            raise self.error(f"a leading '-' does not exclude: write NOT {word[1:]} ({{at}})", start)
        return Tok("TERM", start, self.i, word)

    def near(self, word: str, start: int) -> Tok:
        m = _NEAR.fullmatch(word)
        if m is None or m.group(1) is None or not m.group(1):
            if m is not None or word.startswith("NEAR/"):
                raise self.error("NEAR/ needs a number, e.g. NEAR/3 ({at})", start)
            return Tok("TERM", start, self.i, word)  # NEARBY, NEARLY ...: an ordinary word
        if len(m.group(1)) > MAX_NUMBER_DIGITS:
            raise self.error("the number after NEAR/ at {at} is too large", start)
        return Tok("NEAR", start, self.i, word, number=int(m.group(1)), ordered=bool(m.group(2)))

    def field(self, name: str, value: str, start: int) -> Tok:
        key = name.lower()
        if key in ("http", "https"):
            raise self.error("a link is not a search term: use links:example.com or url:example.com/path ({at})", start)
        if key != "raw" and key not in self.fields:
            if not value and (self.i >= len(self.query) or self.query[self.i] not in QUOTES):
                return Tok("TERM", start, self.i, name + ":")  # "Note:" at the end of a term is just a word
            known = ", ".join(f"{f}:" for f in self.fields)
            raise self.error(
                f"unknown field {name}: at {{at}} (known: raw:, {known}); to search the text, quote it", start
            )
        if not value and self.i < len(self.query) and self.query[self.i] in QUOTES:
            value, _, _ = self.quoted()
            self.must_end(start)
        if not value.strip():
            raise self.error(f"{key}: at {{at}} needs a value, e.g. {key}:kith", start)
        return Tok("RAW" if key == "raw" else "FIELD", start, self.i, value, name=key)


def lex(query: str, extra_fields: tuple[str, ...] = ()) -> list[Tok]:
    """Tokens of ``query``; ``extra_fields`` are field names a caller adds (routing adds intent:, value: …)."""
    return Lexer(query, extra_fields).tokens()
