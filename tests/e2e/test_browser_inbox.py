"""The inbox in a real headless Chromium at phone and desktop sizes: open the inbox, a conversation, reply,
note with an @mention, resolve; the mentioned colleague sees the count in the navigation. Screenshots are
kept in ``test-artifacts/``. A missing browser is a failure."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kith.db import make_engine
from tests.e2e.browser.runner import ARTIFACTS, run_script
from tests.e2e.server import PASSWORD, USERS, Server, create_users, running_server
from tests.integration.inbox_seed import seed

SHOTS = ("queue", "conversation", "replied", "resolved", "notifications")


@pytest.fixture(scope="module")
def browser_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    path: Path = tmp_path_factory.mktemp("inbox-browser") / "inbox.db"
    create_users(f"sqlite:///{path}")
    engine = make_engine(f"sqlite:///{path}")
    seed(engine)
    engine.dispose()
    with running_server(path) as running:
        yield running


def test_inbox_flow_in_chromium_on_phone_and_desktop(browser_server: Server) -> None:
    results = run_script(
        "inbox.mjs", browser_server.base, str(ARTIFACTS), USERS["service"][0], USERS["agent"][0], PASSWORD
    )
    assert set(results) == {"phone", "desktop"}
    for r in results.values():
        assert r["queueUrl"].endswith("/inbox/departments/service") and r["queueRows"] >= 2
        assert r["firstSla"].startswith("overdue by")  # the seed's SLAs are long past: overdue leads
        assert "/inbox/c/" in r["conversationUrl"] and r["threadItems"] >= 1
        assert r["replied"] == "Reply queued in the outbox." and r["statusAfterReply"] == "pending"
        assert r["noted"] == "Note added." and "@agent can you check the firmware?" in r["timelineNote"]
        assert r["statusAfterResolve"].startswith("resolved") and "sale" in r["statusAfterResolve"]
        assert r["navCount"] == "1 new" and r["notifications"] == 1
        assert not any(r["overflow"].values()), f"a page scrolls sideways: {r['overflow']}"
        assert r["errors"] == []
    for name in ("phone", "desktop"):
        for shot in SHOTS:
            assert (ARTIFACTS / f"inbox-{shot}-{name}.png").stat().st_size > 1000
