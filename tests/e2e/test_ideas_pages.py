"""The ideas board on a running ``kith serve``: who reads, who changes, what a change does; and the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from kith.auth.models import Role
from kith.auth.service import do_create_user
from kith.db import make_engine, session_scope
from kith.ideas.models import Idea
from kith.ideas.stage import collect_ideas
from kith.inbox.models import OutboxMessage
from kith.schema import upgrade
from tests.e2e.server import PASSWORD, Server, create_users, csrf_of, running_server, sign_in
from tests.ideas_seed import seed

PRODUCT_USER = "designer@test.example"
RENTAL = "A rental option for the Aurora 500 before buying would be great"


def seeded(path: Path, users: bool = True) -> str:
    url = f"sqlite:///{path}"
    if users:
        create_users(url)
        engine = make_engine(url)
        with session_scope(engine) as session:
            do_create_user(session, PRODUCT_USER, "Dana Designer", PASSWORD, Role.DEPARTMENT, "product")
    else:
        engine = make_engine(url)
        upgrade(engine)
    seed(engine)
    collect_ideas(engine)
    engine.dispose()
    return url


def idea_id(url: str, title_start: str) -> str:
    engine = make_engine(url)
    with session_scope(engine) as session:
        found = session.scalars(select(Idea.public_id).where(Idea.title.startswith(title_start))).one()
    engine.dispose()
    return found


@pytest.fixture(scope="module")
def ideas_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    path = tmp_path_factory.mktemp("ideas") / "ideas.db"
    seeded(path)
    with running_server(path) as running:
        yield running


def test_everyone_reads_the_board_but_only_product_design_and_admins_change_ideas(ideas_server: Server) -> None:
    rental = idea_id(ideas_server.db_url, "A rental")
    for who in ("agent", "analyst", "sales", "readonly"):
        with ideas_server.client(who) as client:
            board = client.get("/ideas")
            assert board.status_code == 200 and RENTAL in board.text and "/static/ideas.css" in board.text
            page = client.get(f"/ideas/{rental}")
            assert page.status_code == 200 and "Save status" not in page.text
            refused = client.post(
                f"/ideas/{rental}/status",
                data={"status": "declined", "reason": "no", "csrf_token": csrf_of(page.text)},
            )
            assert refused.status_code == 403, who
            for action, data in (("edit", {"title": "x"}), ("merge", {"duplicate": rental}), ("product", {})):
                assert (
                    client.post(
                        f"/ideas/{rental}/{action}", data={**data, "csrf_token": csrf_of(page.text)}
                    ).status_code
                    == 403
                )
    with ideas_server.client() as anonymous:
        assert anonymous.get("/ideas").status_code in (303, 307)
    engine = make_engine(ideas_server.db_url)
    with session_scope(engine) as session:
        assert session.scalars(select(Idea.status).where(Idea.public_id == rental)).one() == "new"
    engine.dispose()


def test_a_product_designer_ships_an_idea_and_the_customers_are_told_once(ideas_server: Server) -> None:
    rental = idea_id(ideas_server.db_url, "A rental")
    with ideas_server.client() as client:
        sign_in(client, PRODUCT_USER, PASSWORD)
        page = client.get(f"/ideas/{rental}")
        assert "Save status" in page.text and "Merge a duplicate" in page.text
        token = csrf_of(page.text)
        assert (
            client.post(f"/ideas/{rental}/status", data={"status": "shipped", "reason": "x"}).status_code == 403
        )  # no CSRF
        bad = client.post(f"/ideas/{rental}/status", data={"status": "someday", "reason": "x", "csrf_token": token})
        assert bad.status_code == 400 and "choose one of: new, under_review, planned, shipped, declined" in bad.text
        form = {
            "status": "shipped",
            "reason": "Rentals in every store",
            "message": "It is here <b>now</b>!",
            "csrf_token": token,
        }
        done = client.post(f"/ideas/{rental}/status", data=form)
        assert done.status_code == 303 and done.headers["location"].endswith("done=status&told=2")
        again = client.post(f"/ideas/{rental}/status", data=form)
        assert again.headers["location"].endswith("told=0")
        page = client.get(f"/ideas/{rental}")
        assert "Told it shipped" in page.text and page.text.count("told via mastodon") == 4
        assert "status new → shipped: Rentals in every store" in page.text and "Dana Designer" in page.text
        shipped = client.get("/ideas?status=shipped")
        assert RENTAL in shipped.text and "bottle-cage" not in shipped.text
    engine = make_engine(ideas_server.db_url)
    with session_scope(engine) as session:
        bodies = session.scalars(select(OutboxMessage.body)).all()
    engine.dispose()
    assert bodies == ["It is here <b>now</b>!"] * 2


def test_a_department_member_sees_only_quotes_from_their_departments_conversations(ideas_server: Server) -> None:
    rental = idea_id(ideas_server.db_url, "A rental")
    with ideas_server.client("sales") as client:
        page = client.get(f"/ideas/{rental}")
        assert "4 more mention(s) are in conversations routed to another department" in page.text
        assert "honestly" not in page.text
    with ideas_server.client("agent") as client:
        assert "honestly" in client.get(f"/ideas/{rental}").text


def kith(*args: str, db: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KITH_DATABASE_URL": db, "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "kith", *args], env=env, capture_output=True, text=True, timeout=120)


def test_the_cli_lists_shows_and_changes_ideas_with_one_line_errors(tmp_path: Path) -> None:
    db = seeded(tmp_path / "cli.db", users=False)
    listed = kith("ideas", "list", db=db)
    assert listed.returncode == 0 and RENTAL[:40] in listed.stdout and "bottle-cage" in listed.stdout
    rental = idea_id(db, "A rental")
    shown = kith("ideas", "show", rental, db=db)
    assert shown.returncode == 0 and "2 vote(s), 4 mention(s)" in shown.stdout and "Aurora 500" in shown.stdout
    wrong = kith("ideas", "status", rental, "someday", "--reason", "x", db=db)
    assert wrong.returncode == 2 and "Traceback" not in wrong.stderr
    assert wrong.stderr.strip().count("\n") == 0 and "new, under_review, planned, shipped, declined" in wrong.stderr
    changed = kith("ideas", "status", rental, "shipped", "--reason", "Rentals from May", db=db)
    assert changed.returncode == 0 and "2 message(s) queued (2 by mastodon)" in changed.stdout
    again = kith("ideas", "status", rental, "shipped", "--reason", "Rentals from May", db=db)
    assert "(unchanged)" in again.stdout and "0 message(s) queued" in again.stdout and "2 already told" in again.stdout
    only = kith("ideas", "list", "--status", "shipped", db=db)
    assert RENTAL[:40] in only.stdout and "bottle-cage" not in only.stdout
