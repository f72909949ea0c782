"""The routing rules page and the routing explanation in a real headless Chromium, at phone and desktop sizes."""

from __future__ import annotations

from tests.e2e.browser.runner import ARTIFACTS, run_script
from tests.e2e.server import PASSWORD, USERS, Server
from tests.e2e.test_routing_pages import server  # noqa: F401  (the running `kith serve` fixture)


def test_admin_creates_a_rule_tests_it_and_reads_a_conversations_explanation(server: Server) -> None:  # noqa: F811
    results = run_script("routing.mjs", server.base, str(ARTIFACTS), USERS["admin"][0], PASSWORD)
    assert set(results) == {"phone", "desktop"}
    for name, r in results.items():
        assert "NOT at column 13 has nothing to exclude" in r["formError"]
        assert r["notice"] == "The rule was added at the end of the list."
        assert f"Negative batteries ({name})" in r["rowText"] and f"#neg-{name}" in r["rowText"]
        assert r["seededCount"] == "1 matched"
        assert r["preview"].startswith("1 of 1 conversations")
        assert "Decided by rule «Battery complaints»" in r["why"] and "#battery" in r["why"]
        assert not any(r["overflows"].values()), f"a page scrolls sideways: {r['overflows']}"
        assert r["errors"] == []
    for page in ("routing-rule-form", "routing-rules", "routing-explanation"):
        for name in ("phone", "desktop"):
            assert (ARTIFACTS / f"{page}-{name}.png").stat().st_size > 1000
