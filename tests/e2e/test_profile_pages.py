"""Stored profiles end to end: ``kith run`` refreshes them (pipeline hook), ``kith profiles refresh --all``
recomputes them, and the identity page served by a real ``kith serve`` shows each field with evidence."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

from sqlalchemy import func, select

from kith.cli import run_with_progress
from kith.db import make_engine, session_scope
from kith.identities.models import Identity
from kith.pipeline.ingest import ingest_bytes
from kith.profiles.models import CustomerProfile
from tests.conftest import FIXTURES
from tests.e2e.browser.runner import ARTIFACTS, run_script
from tests.e2e.server import PASSWORD, USERS, create_users, running_server
from tests.e2e.test_cli import kith


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def test_pipeline_refreshes_profiles_and_the_identity_page_shows_them(tmp_path: Path) -> None:
    path = tmp_path / "profiles.db"
    db = f"sqlite:///{path}"
    create_users(db)
    engine = make_engine(db)
    for name in ("products.csv", "customers.csv", "orders.csv"):
        ingest_bytes(engine, "csv", (FIXTURES / "csv" / name).read_bytes(), name)
    run_with_progress(engine)  # what `kith run` does, in-process: a CLI start costs seconds
    with session_scope(engine) as session:  # the pipeline hook stored one profile per customer
        customers = session.scalar(select(func.count()).select_from(Identity))
        assert customers and session.scalar(select(func.count()).select_from(CustomerProfile)) == customers
    everyone = kith("profiles", "refresh", "--all", db=db)
    assert everyone.returncode == 0, everyone.stderr
    assert everyone.stdout.startswith(f"{customers} profile(s) refreshed, 0 unchanged"), everyone.stdout
    assert "at least 20" in everyone.stdout  # too few customers for a CLV fit, and it says so

    with session_scope(engine) as session:
        anna = session.scalar(select(Identity.public_id).where(Identity.external_id == "customer:C1001"))
    engine.dispose()
    with running_server(path) as server, server.client("agent") as agent:
        page = agent.get(f"/identities/{anna}")
        assert page.status_code == 200
        assert '<link rel="stylesheet" href="/static/profiles.css">' in page.text
        section = text_of(page.text.split('id="customer-heading"', 1)[1].split("</section>", 1)[0])
        assert "Lifetime value not estimated" in section and "needs at least 20" in section
        assert "Willingness to pay" in section and "discounted lines: 1 of 2" in section
        assert "Kith Barista 100 espresso machine coffee machines bought 1" in section
        assert "Preferred sales channel store store: 1 order, 358.00" in section
        assert "Influence low no follower counts known" in section
        assert agent.get("/static/profiles.css").status_code == 200
        results = run_script(
            "profiles.mjs", server.base, str(ARTIFACTS), USERS["agent"][0], PASSWORD, f"/identities/{anna}"
        )
    assert set(results) == {"phone", "desktop"}
    for r in results.values():
        assert [f.split("\n")[0] for f in r["fields"]][:3] == ["LIFETIME VALUE", "WILLINGNESS TO PAY", "PRODUCTS"]
        assert r["salesChannel"] == "store" and r["band"].lower() in {"low", "mid", "high"}
        assert not r["overflow"], "the identity page scrolls sideways"
        assert r["errors"] == []
        assert (ARTIFACTS / f"profile-{r['name']}.png").stat().st_size > 1000
