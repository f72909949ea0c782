"""Property-style checks over generated queries and texts (seeded, so a failure replays exactly).

- the compiler raises QuerySyntaxError or nothing, whatever it is given;
- compiled queries never crash on any text, and spans always point inside it;
- the substring prefilter never changes an answer, only how fast it comes.
"""

from __future__ import annotations

import random

from kith.enrichment.query import Document, Query, QuerySyntaxError, compile_query

PIECES = [
    "AND", "OR", "NOT", "NEAR/", "NEAR/2", "NEAR/1f", "NEAR/x", "(", ")", '"', "\u201c", "\u201d", "~", "~2",
    "*", "?", "#", "@", "raw:", "author:", "site:", "url:", "links:", "lang:", "lang:en", "channel:", "country:",
    "title:", "http://", "<<<", ">>>", "-", "/", ":", "\\", "\n", "\t", " ", " ", " ", "kith", "Kith", "crm",
    "müller", "ソニー", "客服", "🚲", "👍🏽", "🇩🇪", "a", "b", "0", "9", "_", ".", ",", "!", "\u0301", "\ufe0f",
    "\u200d", "\x00", "\U0010ffff", "हि", "ß",
]  # fmt: skip
WORDS = ["kith", "crm", "müller", "apple", "juice", "ソニー", "カメラ", "客服", "🚲", "bike", "broke", "spam"]
TEXT_PIECES = [*WORDS, "Kith", "KITH", "MÜLLER", "#kith", "@kith", "https://kith.example/x", "C#", "👍🏽", "ｶﾞ", "!"]


def garbage(rnd: random.Random) -> str:
    return "".join(rnd.choice(PIECES) for _ in range(rnd.randint(0, 12)))


def text(rnd: random.Random) -> str:
    sep = rnd.choice([" ", "", ", ", "  "])
    return sep.join(rnd.choice(TEXT_PIECES) for _ in range(rnd.randint(0, 12)))


def valid_query(rnd: random.Random, depth: int = 0) -> str:
    """A random well-formed query over a small vocabulary."""
    choice = rnd.random() if depth < 3 else 0.0
    if choice < 0.35:
        return rnd.choice(
            [*WORDS, "kit*", "*ke", "b?ke", '"apple juice"', '"kith crm"~2', "#kith", "@kith", 'raw:"C#"', "ソ*"]
        )
    if choice < 0.45:
        return rnd.choice(["lang:en", "author:ana", "site:kith.example", "links:kith.example", "channel:x"])
    if choice < 0.55:
        return f"NOT {valid_query(rnd, depth + 1)}"
    if choice < 0.7:
        left, right = rnd.choice(WORDS), rnd.choice([*WORDS, "(apple OR bike)", '"kith crm"'])
        return f"{left} NEAR/{rnd.randint(0, 3)}{rnd.choice(['', 'f'])} {right}"
    op = rnd.choice(["AND", "OR", "NOT"])
    return f"({valid_query(rnd, depth + 1)} {op} {valid_query(rnd, depth + 1)})"


def test_garbage_raises_only_query_syntax_error() -> None:
    rnd = random.Random(20261125)
    compiled = 0
    errors: list[QuerySyntaxError] = []
    for _ in range(4000):
        query = garbage(rnd)
        try:
            q = compile_query(query)
        except QuerySyntaxError as exc:
            errors.append(exc)
            continue
        compiled += 1
        for _ in range(3):
            q.match(Document.from_text(text(rnd)))  # must not raise
    assert compiled > 200 and len(errors) > 2000  # both paths ran
    for exc in errors:  # every error has a place and a caret picture
        assert exc.column >= 1 and exc.line >= 1
        assert exc.caret().count("\n") == 1


def test_generated_queries_match_consistently() -> None:
    rnd = random.Random(7)
    matched = 0
    for _ in range(600):
        q = compile_query(valid_query(rnd))
        slow = compile_query(q.text, prefilter=False)
        for _ in range(8):
            sample = text(rnd)
            doc = Document.from_text(sample, lang="en", author="ana", url="https://kith.example/p", channel="x")
            fast_match, slow_match = q.match(doc), slow.match(doc)
            assert fast_match == slow_match, (q.text, sample)
            if fast_match is not None:
                matched += 1
                for start, end in fast_match.spans:
                    assert 0 <= start < end <= len(sample)
                assert fast_match.spans == sorted(fast_match.spans)
    assert matched > 500


def test_query_object_is_reusable_and_has_a_repr() -> None:
    q = compile_query("kith")
    assert isinstance(q, Query)
    assert repr(q) == "Query('kith')"
    assert q.match(Document("kith")) == q.match(Document("kith"))
