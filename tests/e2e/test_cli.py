"""The ``kith`` CLI as a user runs it: real subprocesses, real files, one-line errors, no tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, PAYLOADS

KITH = [sys.executable, "-m", "kith"]


def kith(*args: str, db: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KITH_DATABASE_URL": db, "COLUMNS": "200"}
    return subprocess.run(
        [*KITH, *args], env=env, input=stdin.decode() if stdin else None, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli.db'}"


def assert_one_line_error(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


def test_ingest_reports_new_then_duplicate_and_run_processes(db: str) -> None:
    fixture = str(PAYLOADS / "x" / "v2-search-recent.json")
    first = kith("ingest", "x", fixture, db=db)
    assert first.returncode == 0, first.stderr
    assert "10 new, 0 duplicate, 0 quarantined" in first.stdout
    second = kith("ingest", "x", fixture, db=db)
    assert "0 new, 10 duplicate, 0 quarantined" in second.stdout
    run = kith("run", db=db)
    assert run.returncode == 0 and "10 processed, 0 quarantined" in run.stdout
    stats = json.loads(kith("stats", "--json", db=db).stdout)
    assert stats["tables"]["interaction"] == 10
    assert stats["channels"]["x"]["interactions"] == 10
    assert stats["channels"]["x"]["raw_done"] == 10


def test_stdin_and_json_lines(db: str) -> None:
    lines = b'{"id": "s1", "text": "one", "edit_history_tweet_ids": ["s1"]}\n{"id": "s2", "text": "two"}\n'
    result = kith("ingest", "x", "-", db=db, stdin=lines)
    assert result.returncode == 0, result.stderr
    assert "2 new" in result.stdout


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (("ingest", "myspace", "x.json"), ("Unknown channel", "mastodon")),
        (("ingest", "x", "/no/such/file.json"), ("no such file",)),
        (("quarantine", "show", "nope"), ("no quarantined item",)),
        (("quarantine", "replay"), ("--all",)),
    ],
)
def test_user_errors_are_one_line(db: str, args: tuple[str, ...], needles: tuple[str, ...]) -> None:
    assert_one_line_error(kith(*args, db=db), *needles)


def test_empty_directory_and_bad_database_urls(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert_one_line_error(kith("ingest", "x", str(empty), db=f"sqlite:///{tmp_path / 'a.db'}"), "no files")
    assert_one_line_error(kith("stats", db="nonsense://"), "KITH_DATABASE_URL")
    assert_one_line_error(kith("stats", db="postgresql://nobody@127.0.0.1:1/x"), "KITH_DATABASE_URL")


def test_wrong_arguments_give_usage_not_traceback(db: str) -> None:
    result = kith("ingest", db=db)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "Missing argument" in result.stderr


def test_quarantine_list_show_replay_from_the_cli(db: str, tmp_path: Path) -> None:
    bad = tmp_path / "customers.csv"
    bad.write_text("id;full name;mail\n1;Ana;ana@example.com\n", encoding="utf-8")
    result = kith("ingest", "csv", str(bad), db=db)
    assert result.returncode == 0 and "1 quarantined" in result.stdout
    listing = kith("quarantine", "list", db=db)
    assert "customers.csv" in listing.stdout
    item_id = next(word for word in listing.stdout.split() if len(word) == 32 and word.isalnum())
    shown = kith("quarantine", "show", item_id, db=db)
    assert "full name" in shown.stdout and "reason" in shown.stdout
    good = FIXTURES / "csv" / "customers.csv"
    replayed = kith("quarantine", "replay", item_id, "--payload", str(good), db=db)
    assert replayed.returncode == 0, replayed.stderr
    assert "0 still quarantined" in replayed.stdout
    assert "The quarantine is empty" in kith("quarantine", "list", db=db).stdout
