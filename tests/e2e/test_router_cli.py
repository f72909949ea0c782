"""``kith train router`` as a user runs it: figures on success, one line and exit 2 on too little history."""

from __future__ import annotations

from pathlib import Path

from kith.db import make_engine, session_scope
from kith.schema import upgrade
from tests.e2e.test_cli import assert_one_line_error, kith
from tests.integration.test_learned_router_storage import seed_history


def seeded(tmp_path: Path, n: int) -> str:
    url = f"sqlite:///{tmp_path / 'router.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with session_scope(engine) as session:
        seed_history(session, n=n)
    engine.dispose()
    return url


def test_train_router_prints_samples_held_out_accuracy_and_departments(tmp_path: Path) -> None:
    db = seeded(tmp_path, 90)
    result = kith("train", "router", db=db)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Trained router-1 on 72 samples" in out
    assert "Held-out (newest 15 decisions, trained on the 57 before them): accuracy" in out
    for department in ("legal", "product", "sales", "service"):
        assert department in out
    again = kith("train", "router", db=db)
    assert again.returncode == 0 and "Trained router-2" in again.stdout


def test_train_router_with_too_little_history_is_one_line_and_exit_2(tmp_path: Path) -> None:
    db = seeded(tmp_path, 5)
    result = kith("train", "router", db=db)
    assert result.returncode == 2
    assert_one_line_error(result, "error:", "at least 30 routing decisions", "found 4", "re-route conversations")
