"""The Stream page in a real headless Chromium (Debian's, driven by playwright-core) at phone and desktop sizes.

Screenshots are kept in ``test-artifacts/``. A missing browser is a failure: ``make test`` installs it.
"""

from __future__ import annotations

from tests.e2e.browser.runner import ARTIFACTS, run_script
from tests.e2e.server import PASSWORD, USERS, Server
from tests.e2e.test_web import server  # noqa: F401  (the running `kith serve` fixture)


def test_stream_page_in_chromium_on_phone_and_desktop(server: Server) -> None:  # noqa: F811
    results = run_script("stream.mjs", server.base, str(ARTIFACTS), USERS["agent"][0], PASSWORD)
    assert set(results) == {"phone", "desktop"}
    for r in results.values():
        assert r["loginUrl"].endswith("/login?next=/")
        assert r["items"] == 50
        assert r["first"] == "Post 59 🚲 日本語"
        assert r["olderItems"] == 10
        assert r["olderFirst"] == "Post 9 🚲 日本語"
        assert "after=" in r["url"]
        assert r["overflow"] is False, "the page scrolls sideways"
        assert r["dialogs"] == 0, "user text executed script"
        assert r["errors"] == []
    for name in ("phone", "desktop"):
        assert (ARTIFACTS / f"stream-{name}.png").stat().st_size > 1000
