"""kill -9 in the middle of ``kith run`` loses and duplicates nothing (on SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from kith.db import make_engine, session_scope
from kith.pipeline.ingest import ingest
from kith.pipeline.models import RawItem
from kith.pipeline.runner import run_pending
from tests.snapshot import snapshot

pytestmark = [pytest.mark.storage, pytest.mark.slow]
N = 6000


def write_statuses(path: Path) -> None:
    """N Mastodon statuses as JSON Lines: roots and replies from 300 accounts, some non-Latin."""
    with path.open("w", encoding="utf-8") as out:
        for i in range(N):
            parent = str(100000 + i - 1 - i % 7) if i % 3 else None
            status = {
                "id": str(100000 + i),
                "created_at": f"2026-0{5 + i % 5}-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:00.000Z",
                "content": f"<p>Nachricht {i} über den Akku 🚲 — 番号{i}</p>",
                "visibility": "public",
                "in_reply_to_id": parent,
                "spoiler_text": "",
                "edited_at": None,
                "account": {"id": str(i % 300), "username": f"u{i % 300}", "acct": f"u{i % 300}@example.social"},
            }
            out.write(json.dumps(status, ensure_ascii=False) + "\n")


def done_count(engine: Engine) -> int:
    with session_scope(engine) as session:
        return session.scalar(select(func.count()).where(RawItem.status == "done")) or 0


def test_kill_9_mid_run_leaves_the_same_rows_as_a_clean_run(db_factory: Callable[[], str], tmp_path: Path) -> None:
    data = tmp_path / "statuses.jsonl"
    write_statuses(data)
    crashed_url, clean_url = db_factory(), db_factory()
    crashed, clean = make_engine(crashed_url), make_engine(clean_url)
    for engine in (crashed, clean):
        assert ingest(engine, "mastodon", str(data)).new == N

    env = {**os.environ, "KITH_DATABASE_URL": crashed_url, "KITH_BATCH_SIZE": "25"}
    proc = subprocess.Popen([sys.executable, "-m", "kith", "run"], env=env, stdout=subprocess.DEVNULL)
    killed_at = None
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        count = done_count(crashed)
        if count >= 200:
            proc.send_signal(signal.SIGKILL)
            killed_at = count
            break
        time.sleep(0.02)
    proc.wait(timeout=30)
    assert killed_at is not None, "the run ended before it could be killed; raise N"
    assert proc.returncode == -signal.SIGKILL
    assert done_count(crashed) < N, "the kill came after the last batch"

    run_pending(crashed)  # the restart
    run_pending(clean)
    assert done_count(crashed) == done_count(clean) == N
    assert snapshot(crashed) == snapshot(clean)
    crashed.dispose()
    clean.dispose()
