"""docs/query-language.md stays true: its error table and examples are checked against the code."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kith.enrichment.query import Document, QuerySyntaxError, compile_query

DOC = (Path(__file__).parents[2] / "docs" / "query-language.md").read_text(encoding="utf-8")


def table(heading: str) -> list[list[str]]:
    """Rows of the first table under ``## heading`` (cells without their backticks)."""
    section = DOC.split(f"## {heading}\n", 1)[1]
    lines = section.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("|"))
    end = next((i for i in range(start, len(lines)) if not lines[i].startswith("|")), len(lines))
    rows = lines[start + 2 : end]  # after the header and the |---| line
    return [[cell.strip().strip("`") for cell in row.strip("|").split(" | ")] for row in rows]


ERRORS = table("Errors")


def test_error_table_is_not_empty() -> None:
    assert len(ERRORS) >= 10


@pytest.mark.parametrize(("query", "message"), ERRORS)
def test_documented_error_messages_are_the_real_ones(query: str, message: str) -> None:
    with pytest.raises(QuerySyntaxError) as info:
        compile_query(query)
    assert str(info.value) == message


def test_every_operator_in_the_operator_table_has_a_working_example() -> None:
    for operator, example, _ in table("Operators"):
        first = example.split("`, `")[0]
        assert compile_query(first), operator


def test_every_field_is_documented() -> None:
    from kith.enrichment.query.lexer import FIELDS

    documented = {row[0].rstrip(":") for row in table("Field filters")}
    assert documented == set(FIELDS)


def test_documented_python_example() -> None:
    topic = compile_query('(kith OR "kith crm") AND NOT job* AND lang:en')
    match = topic.match(Document.from_text("We moved to Kith CRM", lang="en"))
    assert match is not None and match.spans == [(12, 20)]
    assert topic.match(Document("Kith jobs: apply now", lang="en")) is None


def test_documented_cli_spans() -> None:
    q = compile_query('(kith OR "kith crm") AND NOT job*')
    for line in re.findall(r'^(\{"line": \d+.*\})$', DOC, flags=re.MULTILINE):
        row = json.loads(line)
        if "kith" in row["text"].lower() and row["spans"] != [[2, 10]]:
            m = q.match_text(row["text"])
            assert m is not None and [list(s) for s in m.spans] == row["spans"]


def _examples(cell: str) -> list[str]:
    """``Kith, KITH, #kith (a note)`` -> the examples, without the parenthesised note."""
    return [part.strip() for part in re.sub(r"\(.*?\)", "", cell).split(",") if part.strip()]


@pytest.mark.parametrize("row", table("Words"), ids=lambda row: row[0])
def test_word_table(row: list[str]) -> None:
    query, good, bad = row
    q = compile_query(query)
    for text in _examples(good):
        assert q.match_text(text) is not None, text
    for text in _examples(bad):
        assert q.match_text(text) is None, text


@pytest.mark.parametrize("row", table("Languages written without spaces"), ids=lambda row: row[0])
def test_no_space_script_table(row: list[str]) -> None:
    query, text, found = row
    m = compile_query(query).match_text(text)
    assert m is not None and [text[a:b] for a, b in m.spans] == [found.split(" (")[0]]


@pytest.mark.parametrize("row", table("Phrases and proximity"), ids=lambda row: f"{row[0]} {row[1]}")
def test_proximity_table(row: list[str]) -> None:
    query, text, expected = row
    assert (compile_query(query).match_text(text) is not None) is expected.startswith("yes")
