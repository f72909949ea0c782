"""Runs one of the Playwright scripts in this folder against a running server, in Debian's Chromium.

Each script prints one JSON line of results as its last output; screenshots go to ``test-artifacts/``.
A missing browser is a failure, not a skip: ``make test`` installs Chromium and playwright-core.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).parents[3]
ARTIFACTS = ROOT / "test-artifacts"


def run_script(script: str, *args: str) -> dict[str, Any]:
    """Run ``node <script> *args`` and return its results keyed by each viewport's ``name``."""
    node = shutil.which("node")
    if (
        node is None
        or not Path("/usr/bin/chromium").exists()
        or not (ROOT / "node_modules" / "playwright-core").exists()
    ):
        pytest.fail("browser tests need node, /usr/bin/chromium and node_modules/playwright-core: run `make test`")
    ARTIFACTS.mkdir(exist_ok=True)
    done = subprocess.run(
        [node, str(Path(__file__).parent / script), *args],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    return {r["name"]: r for r in json.loads(done.stdout.strip().splitlines()[-1])}
