"""The segment builder and the audience view in a real headless Chromium at phone and desktop sizes."""

from __future__ import annotations

from tests.e2e.browser.runner import ARTIFACTS, run_script
from tests.e2e.server import PASSWORD, USERS, Server
from tests.e2e.test_segments_pages import server  # noqa: F401  (the seeded `kith serve` fixture)


def test_an_analyst_builds_a_segment_and_reads_the_audience_in_chromium(server: Server) -> None:  # noqa: F811
    results = run_script("segments.mjs", server.base, str(ARTIFACTS), USERS["analyst"][0], PASSWORD)
    assert set(results) == {"phone", "desktop"}
    for name, r in results.items():
        assert r["previewCount"] == "1" and r["previewMembers"] == 1  # bboe: the one Reddit creator here
        assert r["savedUrl"].endswith(f"/segments/reddit-creators-{name}") and r["memberCount"] == "1"
        assert "segment=reddit-creators-" in r["streamUrl"] and r["streamItems"] >= 1
        assert r["charts"] >= 3 and r["bars"] > r["charts"] and r["tables"] >= 3
        assert not any(r["overflow"].values()), f"a page scrolls sideways at {name} size: {r['overflow']}"
        assert r["errors"] == []
        for shot in ("preview", "audience"):
            assert (ARTIFACTS / f"segments-{shot}-{name}.png").stat().st_size > 1000
