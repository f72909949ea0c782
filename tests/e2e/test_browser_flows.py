"""Reading flows in a real headless Chromium (Debian's, driven by playwright-core) at phone and desktop sizes:
search, a thread opened from a result, the author's identity page, and a department member refused another
department's queue. Screenshots are kept in ``test-artifacts/``. A missing browser is a failure.
"""

from __future__ import annotations

from tests.e2e.browser.runner import ARTIFACTS, run_script
from tests.e2e.server import PASSWORD, USERS, Server
from tests.e2e.test_pages import pages_server  # noqa: F401  (the seeded `kith serve` fixture)

SHOTS = ("filters", "search", "thread", "identity", "hostile", "queue", "refused")


def test_reading_flows_in_chromium_on_phone_and_desktop(pages_server: Server) -> None:  # noqa: F811
    results = run_script(
        "flows.mjs", pages_server.base, str(ARTIFACTS), USERS["agent"][0], USERS["service"][0], PASSWORD
    )
    assert set(results) == {"phone", "desktop"}
    for r in results.values():
        assert "q=PRAW" in r["searchUrl"]
        assert r["found"] == 1 and r["foundText"].startswith("PRAW client developers")
        assert "/conversations/" in r["threadUrl"] and r["threadItems"] == 3
        left = r["indents"]
        assert left[0] < left[1] < left[2], "replies are not indented under their parent"
        assert "Reddit" in r["threadFacts"] and "Customer service" in r["threadFacts"]
        assert "/identities/" in r["identityUrl"] and r["identityName"] == "bboe" and r["identityItems"] == 2
        assert r["hostileName"].startswith('<script>alert("x")</script>')
        assert r["queueItems"] == 1
        assert r["memberItems"] == 3
        assert r["refusedStatus"] == 403 and "Sales department's queue" in r["refusal"]
        assert r["ownQueue"] == 1
        assert not any(r["overflow"].values()), f"a page scrolls sideways: {r['overflow']}"
        assert r["dialogs"] == 0, "user text executed script"
        assert r["errors"] == []
    for name in ("phone", "desktop"):
        for shot in SHOTS:
            assert (ARTIFACTS / f"flows-{shot}-{name}.png").stat().st_size > 1000
