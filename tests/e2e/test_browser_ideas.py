"""The ideas flow in a real headless Chromium at phone and desktop sizes: board → idea → status with a reason."""

from __future__ import annotations

from tests.e2e.browser.runner import ARTIFACTS, run_script
from tests.e2e.server import PASSWORD, Server
from tests.e2e.test_ideas_pages import PRODUCT_USER, ideas_server  # noqa: F401  (the seeded `kith serve` fixture)


def test_a_designer_changes_an_ideas_status_in_chromium(ideas_server: Server) -> None:  # noqa: F811
    results = run_script("ideas.mjs", ideas_server.base, str(ARTIFACTS), PRODUCT_USER, PASSWORD)
    assert set(results) == {"phone", "desktop"}
    for name, expected in (("phone", "under review"), ("desktop", "planned")):
        r = results[name]
        assert r["cards"] == 2 and r["firstVotes"] == "2"
        assert r["notice"] == "Status saved."
        assert r["shownStatus"].lower() == expected and r["shownReason"] == r["reason"]
        assert r["reason"] in r["history"]
        assert not any(r["overflows"].values()), f"a page scrolls sideways: {r['overflows']}"
        assert r["errors"] == []
        for shot in ("board", "idea"):
            assert (ARTIFACTS / f"ideas-{shot}-{name}.png").stat().st_size > 1000
    assert "new → under_review" in results["desktop"]["history"]  # the phone's change came first
