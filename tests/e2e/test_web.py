"""The web app served by ``kith serve`` and read with a real HTTP client."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kith.db import make_engine
from kith.pipeline.ingest import ingest_bytes
from kith.pipeline.runner import run_pending

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = tmp_path_factory.mktemp("web") / "web.db"
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    from kith.schema import upgrade

    upgrade(engine)
    statuses = [
        {
            "id": str(500 + i),
            "created_at": f"2026-08-01T10:{i:02d}:00.000Z",
            "content": f"<p>Post {i} 🚲 日本語</p>" if i != 7 else f"<p>{XSS.replace('<', '&lt;')}</p>",
            "visibility": "public",
            "in_reply_to_id": None,
            "spoiler_text": "",
            "edited_at": None,
            "url": f"https://example.social/@a/{500 + i}",
            "account": {"id": "9", "username": "a", "acct": "a", "display_name": XSS},
        }
        for i in range(60)
    ]
    ingest_bytes(engine, "mastodon", json.dumps(statuses).encode(), "web-test")
    run_pending(engine)
    engine.dispose()
    port = free_port()
    env = {**os.environ, "KITH_DATABASE_URL": url}
    proc = subprocess.Popen(
        [sys.executable, "-m", "kith", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.05)
    else:
        proc.kill()
        pytest.fail(f"kith serve did not start: {proc.stderr.read().decode() if proc.stderr else ''}")
    yield base
    proc.terminate()
    proc.wait(timeout=10)


def test_stream_lists_latest_first_with_channel_author_text_time(server: str) -> None:
    page = httpx.get(server + "/")
    assert page.status_code == 200
    html = page.text
    assert html.index("Post 59 🚲 日本語") < html.index("Post 58 🚲 日本語")
    assert "Mastodon" in html and "2026-08-01 10:59 UTC" in html


def test_user_text_is_escaped_and_headers_are_strict(server: str) -> None:
    page = httpx.get(server + "/")
    assert "<script>alert" not in page.text and "onerror=alert(1)>" not in page.text
    assert "&lt;script&gt;alert" in page.text
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert page.headers["x-frame-options"] == "DENY"


def test_pagination_with_a_stable_cursor(server: str) -> None:
    first = httpx.get(server + "/").text
    assert "Post 10 " in first and "Post 9 " not in first
    marker = 'rel="next" href="'
    start = first.index(marker) + len(marker)
    link = first[start : first.index('"', start)].replace("&amp;", "&")
    second = httpx.get(server + link).text
    assert "Post 9 " in second and "Post 0 " in second and "Post 10 " not in second
    assert 'rel="next"' not in second


def test_a_broken_cursor_gets_a_friendly_page(server: str) -> None:
    page = httpx.get(server + "/?after=garbage")
    assert page.status_code == 400
    assert "start from the first page" in page.text and "Traceback" not in page.text
    missing = httpx.get(server + "/nowhere")
    assert missing.status_code == 404 and "Back to the stream" in missing.text


def test_static_css_is_served_locally(server: str) -> None:
    css = httpx.get(server + "/static/kith.css")
    assert css.status_code == 200 and "Kith base styles" in css.text
    assert Path(__file__).exists()
