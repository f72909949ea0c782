"""The Stream page in a real headless Chromium (Debian's, driven by playwright-core) at phone and desktop sizes.

Screenshots are kept in ``test-artifacts/``. A missing browser is a failure: ``make test`` installs it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.e2e.server import PASSWORD, USERS, Server
from tests.e2e.test_web import server  # noqa: F401  (the running `kith serve` fixture)

ROOT = Path(__file__).parents[2]
SCRIPT = Path(__file__).parent / "browser" / "stream.mjs"
ARTIFACTS = ROOT / "test-artifacts"


def test_stream_page_in_chromium_on_phone_and_desktop(server: Server) -> None:  # noqa: F811
    node = shutil.which("node")
    if (
        node is None
        or not Path("/usr/bin/chromium").exists()
        or not (ROOT / "node_modules" / "playwright-core").exists()
    ):
        pytest.fail("browser tests need node, /usr/bin/chromium and node_modules/playwright-core: run `make test`")
    ARTIFACTS.mkdir(exist_ok=True)
    done = subprocess.run(
        [node, str(SCRIPT), server.base, str(ARTIFACTS), USERS["agent"][0], PASSWORD],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    results = {r["name"]: r for r in json.loads(done.stdout.strip().splitlines()[-1])}
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
