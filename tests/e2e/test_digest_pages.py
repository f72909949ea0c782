"""The digest pages on a running ``kith serve``: figures, who may see which department, clear refusals, a
phone-and-desktop browser flow; and ``kith digest``/``kith outbox`` errors as one line."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kith.db import make_engine
from tests.e2e.browser.runner import ARTIFACTS, run_script
from tests.e2e.server import PASSWORD, USERS, Server, create_users, running_server
from tests.integration.test_digest import DAY, seed_digest

QUERY = f"period=weekly&date={DAY}"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    path = tmp_path_factory.mktemp("digest") / "digest.db"
    url = f"sqlite:///{path}"
    create_users(url)
    engine = make_engine(url)
    seed_digest(engine)
    engine.dispose()
    with running_server(path) as running:
        yield running


def test_the_digest_page_shows_the_figures_to_every_reader(server: Server) -> None:
    for who in ("agent", "analyst", "readonly", "admin"):
        with server.client(who) as client:
            page = client.get(f"/digest/service?{QUERY}")
            assert page.status_code == 200, who
            assert 'id="kpi-messages">6<' in page.text and 'id="kpi-sla">1 / 2<' in page.text
            assert "Aurora" in page.text and "Cargo rack for the Aurora" in page.text
            assert "/static/digest.css" in page.text
            assert 'value="sales"' in page.text  # may switch to any department


def test_a_department_member_sees_only_their_own_digest(server: Server) -> None:
    with server.client("service") as client:
        index = client.get("/digest")
        assert index.status_code == 303 and index.headers["location"] == "/digest/service?period=weekly"
        own = client.get(f"/digest/service?{QUERY}")
        assert own.status_code == 200 and 'value="sales"' not in own.text
        refused = client.get(f"/digest/sales?{QUERY}")
        assert refused.status_code == 403 and "/digest/service" in refused.text
    with server.client() as anonymous:
        assert anonymous.get("/digest/service").status_code in (303, 307)


def test_bad_parameters_are_clear_errors(server: Server) -> None:
    with server.client("agent") as client:
        assert client.get("/digest/nope").status_code == 404
        bad_period = client.get("/digest/service?period=monthly")
        assert bad_period.status_code == 400 and "daily or weekly" in bad_period.text
        assert client.get("/digest/service?date=yesterday").status_code == 400


def test_the_digest_in_chromium_on_phone_and_desktop(server: Server) -> None:
    results = run_script("digest.mjs", server.base, str(ARTIFACTS), USERS["service"][0], PASSWORD, str(DAY))
    assert set(results) == {"phone", "desktop"}
    for r in results.values():
        assert r["weeklyUrl"].endswith(f"/digest/service?{QUERY}")
        assert r["weekly"] == {"messages": "6", "sla": "1 / 2", "topics": 2, "options": 1}
        assert "period=daily" in r["dailyUrl"] and r["dailyMessages"] == "0"  # the day before "now"
        assert not r["overflow"], "the digest scrolls sideways"
        assert r["errors"] == []
    for name in ("phone", "desktop"):
        for shot in ("weekly", "daily"):
            assert (ARTIFACTS / f"digest-{shot}-{name}.png").stat().st_size > 1000


def kith(args: list[str], db: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("KITH_")}
    environ |= {"KITH_DATABASE_URL": f"sqlite:///{db}", "KITH_SECRET_FILE": str(db.with_suffix(".secret")), **env}
    return subprocess.run(
        [sys.executable, "-m", "kith", *args], capture_output=True, text=True, env=environ, timeout=120, check=False
    )


def test_cli_errors_are_one_line(tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    no_smtp = kith(["digest", "send", "--period", "weekly"], db)
    assert no_smtp.returncode == 2 and no_smtp.stderr.strip().count("\n") == 0
    assert "KITH_SMTP_HOST is not set" in no_smtp.stderr and "Traceback" not in no_smtp.stderr
    bad_date = kith(["digest", "send", "--date", "soon"], db, KITH_SMTP_HOST="127.0.0.1")
    assert bad_date.returncode == 2 and "--date must look like" in bad_date.stderr
    unknown = kith(["outbox", "retry", "nope"], db)
    assert unknown.returncode == 2 and "no outbox message 'nope'" in unknown.stderr
    assert unknown.stderr.strip().count("\n") == 0
    empty = kith(["outbox", "send"], db)
    assert empty.returncode == 0 and "0 sent, 0 failed (will retry), 0 given up." in empty.stdout
    check = kith(["sla", "check"], db)
    assert check.returncode == 0 and "No new breaches." in check.stdout
