"""Syntax: what parses, and every error's sentence and column (people fix queries from these)."""

from __future__ import annotations

import pytest

from kith.enrichment.query import QuerySyntaxError, compile_query
from kith.enrichment.query.lexer import lex
from kith.enrichment.query.parser import And, Near, Not, Or, Phrase, Term, parse


def error(query: str) -> QuerySyntaxError:
    with pytest.raises(QuerySyntaxError) as info:
        compile_query(query)
    return info.value


@pytest.mark.parametrize(
    ("query", "message", "column"),
    [
        ("", "empty query", 1),
        ("   ", "empty query", 1),
        ("(apple OR pie", "unbalanced parenthesis opened at column 1", 1),
        ("kith AND (apple OR (pie)", "unbalanced parenthesis opened at column 10", 10),
        ("apple OR pie)", "')' at column 13 closes nothing", 13),
        ("()", "empty parentheses at column 1", 1),
        ("apple AND", "operator AND at column 7 has no right-hand side", 7),
        ("apple AND )", "operator AND at column 7 has no right-hand side", 7),
        ("(apple OR) AND pie", "operator OR at column 8 has no right-hand side", 8),
        ("apple OR OR pie", "operator OR at column 7 has no right-hand side", 7),
        ("AND apple", "operator AND at column 1 has no left-hand side", 1),
        ("OR apple", "operator OR at column 1 has no left-hand side", 1),
        ("NEAR/3 apple", "operator NEAR/3 at column 1 has no left-hand side", 1),
        ("apple NOT", "NOT at column 7 has nothing to exclude", 7),
        ("NOT", "NOT at column 1 has nothing to exclude", 1),
        ("apple NEAR/ pie", "NEAR/ needs a number, e.g. NEAR/3", 7),
        ("apple NEAR/x pie", "NEAR/ needs a number, e.g. NEAR/3", 7),
        ("apple NEAR/f pie", "NEAR/ needs a number, e.g. NEAR/3", 7),
        ("apple NEAR pie", "NEAR/ needs a number, e.g. NEAR/3", 7),
        ("apple NEAR/3", "operator NEAR/3 at column 7 has no right-hand side", 7),
        ("apple NEAR/1234567 pie", "too large", 7),
        ('""', "empty phrase at column 1", 1),
        ('kith OR "  "', "empty phrase at column 9", 9),
        ('kith OR "apple juice', "the quote at column 9 is never closed", 9),
        ('"apple juice"~', '~ needs a number, e.g. "apple juice"~3', 1),
        ('"apple juice"~x', '~ needs a number, e.g. "apple juice"~3', 1),
        ('"apple juice"kith', "missing space or operator after the quoted text at column 14", 14),
        ("apple~3", '~n follows a quoted phrase: write "two words"~3 (column 6)', 6),
        ("apple juice", "missing operator before juice at column 7", 7),
        ("(a OR b) c", "missing operator before c at column 10", 10),
        ('kith "crm"', 'missing operator before "crm" at column 6', 6),
        ("apple and juice", "operators are written in capitals: AND at column 7", 7),
        ("apple or juice", "operators are written in capitals: OR at column 7", 7),
        ("apple near/3 juice", "operators are written in capitals: NEAR/3 at column 7", 7),
        ("(a AND b) NEAR/3 c", "NEAR/3 can only join words, phrases, tags and OR-groups of them; AND at column 4", 4),
        ("a NEAR/3 (b NOT c)", "NOT at column 13 is not allowed there", 13),
        ("a NEAR/3 NOT b", "NOT at column 10 is not allowed there", 10),
        ("author:bob NEAR/2 kith", "author: at column 1 is not allowed there", 1),
        ("kith NEAR/2 (crm OR lang:en)", "lang: at column 21 is not allowed there", 21),
        ("*", "term * at column 1 is only wildcards", 1),
        ("kith OR ?*", "term ?* at column 9 is only wildcards", 9),
        ('"* ?"', 'phrase "* ?" at column 1 is only wildcards', 1),
        ("kith OR !!!", "term !!! at column 9 has no letters, digits or emoji", 9),
        ('"..."', 'phrase "..." at column 1 has no letters', 1),
        ("-spam", "a leading '-' does not exclude: write NOT spam", 1),
        ("title:kith", "unknown field title: at column 1", 1),
        ("https://kith.example", "a link is not a search term: use links:", 1),
        ("author:", "author: at column 1 needs a value", 1),
        ('author:""', "author: at column 1 needs a value", 1),
        ("raw:", "raw: at column 1 needs a value", 1),
        ("#", "# at column 1 needs a name after it, e.g. #kith", 1),
        ("kith OR @", "@ at column 9 needs a name after it", 9),
        ("#kith!", "hashtag #kith! at column 1 can only contain letters, digits, _ and wildcards", 1),
        ("#*", "#* at column 1 is only wildcards", 1),
        ("lang:english!", "lang: takes a language code such as en or pt-BR (column 1)", 1),
        ("site:kith.example/blog", "site: takes a domain such as example.com; use url: for a path", 1),
        ("kith <<< note", "comment opened with <<< at column 6 is never closed", 6),
    ],
)
def test_error_message_and_column(query: str, message: str, column: int) -> None:
    exc = error(query)
    assert message in str(exc)
    assert exc.column == column
    assert exc.line == 1


def test_multiline_query_reports_line_and_column() -> None:
    exc = error("kith\nOR (crm\n  AND NOT spam")
    assert str(exc) == "unbalanced parenthesis opened at line 2, column 4: add ')'"
    assert (exc.line, exc.column, exc.offset) == (2, 4, 8)
    assert exc.caret() == "OR (crm\n   ^"


def test_caret_points_at_the_column_and_keeps_tabs() -> None:
    exc = error("\tkith AND")
    assert exc.caret() == "\tkith AND\n\t     ^"
    exc = error("apple juice")
    assert exc.caret() == "apple juice\n      ^"


def test_error_is_a_value_error() -> None:
    assert isinstance(error("("), ValueError)


# --- what parses ----------------------------------------------------------------------------------


def test_precedence_tree() -> None:
    tree = parse("a OR b AND NOT c")
    assert isinstance(tree, Or)
    left, right = tree.children
    assert left == Term("a", 0)
    assert isinstance(right, And)
    assert right.children[0] == Term("b", 5)
    assert right.children[1] == Not(Term("c", 15), 11)


def test_near_binds_tighter_than_not_and_and() -> None:
    tree = parse("NOT a NEAR/2 b AND c")
    assert isinstance(tree, And)
    negated = tree.children[0]
    assert isinstance(negated, Not)
    assert isinstance(negated.child, Near)
    assert negated.child.distance == 2
    assert not negated.child.ordered


def test_near_ordered_flag_and_phrase_slop() -> None:
    tree = parse('"a b"~4 NEAR/3f c')
    assert isinstance(tree, Near)
    assert tree.ordered
    assert tree.left == Phrase("a b", 4, 0)


def test_operators_are_case_sensitive_words() -> None:
    # NEARBY and NOTE are words, not operators
    assert parse("NEARBY") == Term("NEARBY", 0)
    assert parse("NOTE") == Term("NOTE", 0)
    assert compile_query("NOTE OR NEARBY").match_text("a note") is not None


def test_comments_are_ignored() -> None:
    q = compile_query("kith <<<our brand>>> OR <<<the old name>>> kin")
    assert q.match_text("kin") is not None


def test_quoted_words_that_look_like_operators_are_searchable() -> None:
    assert compile_query('"AND"').match_text("this and that") is not None


def test_unknown_prefix_with_empty_value_is_a_word() -> None:
    assert compile_query("note:").match_text("a note: hello") is not None


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    exc = error("(" * 200 + "a" + ")" * 200)
    assert "nested more than 64 deep" in str(exc)
    exc = error("NOT " * 100 + "a")
    assert "too many NOTs" in str(exc)
    exc = error(" NEAR/1 ".join(["a"] * 100))
    assert "too many NEARs" in str(exc)


def test_lexer_tokens() -> None:
    kinds = [(t.kind, t.value) for t in lex('(#kith OR @kith) AND raw:"C#" NEAR/2f author:"A B" NOT x')]
    assert kinds == [
        ("(", ""),
        ("TAG", "kith"),
        ("OR", ""),
        ("MENTION", "kith"),
        (")", ""),
        ("AND", ""),
        ("RAW", "C#"),
        ("NEAR", "NEAR/2f"),
        ("FIELD", "A B"),
        ("NOT", ""),
        ("TERM", "x"),
        ("EOF", ""),
    ]
