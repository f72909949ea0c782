"""The Admin area in a real headless Chromium (Debian's, driven by playwright-core) at phone and desktop sizes.

An admin signs in, adds a channel through the form and finds it listed; screenshots of the admin pages and
the Account page are kept in ``test-artifacts/``. A missing browser is a failure: ``make test`` installs it.
"""

from __future__ import annotations

from tests.e2e.browser.runner import ARTIFACTS, run_script
from tests.e2e.server import PASSWORD, USERS, Server
from tests.e2e.test_admin import server  # noqa: F401  (the running `kith serve` fixture)


def test_admin_adds_a_channel_in_chromium_on_phone_and_desktop(server: Server) -> None:  # noqa: F811
    results = run_script("admin.mjs", server.base, str(ARTIFACTS), USERS["admin"][0], PASSWORD)
    assert set(results) == {"phone", "desktop"}
    for name, r in results.items():
        assert r["notice"] == "The channel was added."
        assert r["listed"] == 1
        assert f"Mastodon support ({name})" in r["rowText"] and "set (encrypted)" in r["rowText"]
        assert "@help@acme.social" in r["rowText"] and "enabled" in r["rowText"]
        assert r["secretShown"] is False
        assert not any(r["overflows"].values()), f"a page scrolls sideways: {r['overflows']}"
        assert r["errors"] == []
    for page in ("admin-overview", "admin-channel-form", "admin-channels", "admin-users", "account"):
        for name in ("phone", "desktop"):
            assert (ARTIFACTS / f"{page}-{name}.png").stat().st_size > 1000
