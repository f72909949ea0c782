"""/admin/router in a real headless Chromium at phone and desktop sizes: the figures render and the
threshold form works; screenshots go to ``test-artifacts/``."""

from __future__ import annotations

import re

from tests.e2e.browser.runner import ARTIFACTS, run_script
from tests.e2e.server import PASSWORD, USERS, Server
from tests.e2e.test_router_pages import server  # noqa: F401  (the running `kith serve` fixture)


def test_router_page_shows_metrics_and_sets_the_threshold(server: Server) -> None:  # noqa: F811
    results = run_script("router.mjs", server.base, str(ARTIFACTS), USERS["admin"][0], PASSWORD)
    assert set(results) == {"phone", "desktop"}
    assert results["phone"]["threshold"] == "90%" and results["desktop"]["threshold"] == "75%"
    for name, r in results.items():
        assert re.fullmatch(r"\d+\.\d%", r["accuracy"]), r["accuracy"]
        assert r["departments"] >= 3 and r["matrixCells"] >= 9
        assert r["notice"].startswith("The threshold was saved")
        assert not any(r["overflows"].values()), f"{name}: the page scrolls sideways: {r['overflows']}"
        assert r["errors"] == []
        for shot in ("router-admin", "router-threshold"):
            assert (ARTIFACTS / f"{shot}-{name}.png").stat().st_size > 1000
