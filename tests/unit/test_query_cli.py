"""``kith topics test``: JSON Lines for matching lines, a one-line error and exit 2 for bad queries."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from kith.enrichment.query.cli import topics_app

runner = CliRunner()

LINES = ["Kith is great", "nothing here", "müller loves KITH 🚲", "", "#kith launch"]


def test_prints_matching_lines_as_json(tmp_path: Path) -> None:
    sample = tmp_path / "posts.txt"
    sample.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    result = runner.invoke(topics_app, ["test", "kith OR 🚲", str(sample)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows == [
        {"line": 1, "spans": [[0, 4]], "text": "Kith is great"},
        {"line": 3, "spans": [[13, 17], [18, 19]], "text": "müller loves KITH 🚲"},
        {"line": 5, "spans": [[1, 5]], "text": "#kith launch"},
    ]
    assert "🚲" in result.stdout  # not \\u escapes: readable in a terminal


def test_reads_stdin_and_handles_crlf() -> None:
    result = runner.invoke(topics_app, ["test", '"kith crm"', "-"], input="a Kith CRM\r\nno\r\n")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"line": 1, "spans": [[2, 10]], "text": "a Kith CRM"}


def test_no_match_prints_nothing() -> None:
    result = runner.invoke(topics_app, ["test", "kith", "-"], input="nothing\n")
    assert result.exit_code == 0
    assert result.stdout == ""


def test_syntax_error_is_one_line_plus_caret_and_exit_2() -> None:
    result = runner.invoke(topics_app, ["test", "kith AND (crm", "-"], input="kith crm\n")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == "error: unbalanced parenthesis opened at column 10: add ')'\nkith AND (crm\n         ^\n"
    assert "Traceback" not in result.output


def test_missing_file_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    result = runner.invoke(topics_app, ["test", "kith", str(tmp_path / "nope.txt")])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: cannot read")


def test_invalid_utf8_is_replaced_not_fatal(tmp_path: Path) -> None:
    sample = tmp_path / "bad.txt"
    sample.write_bytes(b"kith \xff\xfe ok\n")
    result = runner.invoke(topics_app, ["test", "kith", str(sample)])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["spans"] == [[0, 4]]
