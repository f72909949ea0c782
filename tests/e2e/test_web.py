"""The web app served by ``kith serve`` and read with a real HTTP client."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kith.db import make_engine
from kith.pipeline.ingest import ingest_bytes
from kith.pipeline.runner import run_pending
from tests.e2e.server import PASSWORD, Server, create_users, csrf_of, running_server, sign_in

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    path = tmp_path_factory.mktemp("web") / "web.db"
    create_users(f"sqlite:///{path}")
    engine = make_engine(f"sqlite:///{path}")
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
    with running_server(path) as running:
        yield running


@pytest.fixture
def agent(server: Server) -> Iterator[httpx.Client]:
    with server.client("agent") as client:
        yield client


def test_stream_lists_latest_first_with_channel_author_text_time(agent: httpx.Client) -> None:
    page = agent.get("/")
    assert page.status_code == 200
    html = page.text
    assert html.index("Post 59 🚲 日本語") < html.index("Post 58 🚲 日本語")
    assert "Mastodon" in html and "2026-08-01 10:59 UTC" in html


def test_user_text_is_escaped_and_headers_are_strict(agent: httpx.Client) -> None:
    page = agent.get("/")
    assert "<script>alert" not in page.text and "onerror=alert(1)>" not in page.text
    assert "&lt;script&gt;alert" in page.text
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert page.headers["x-frame-options"] == "DENY"


def test_pagination_with_a_stable_cursor(agent: httpx.Client) -> None:
    first = agent.get("/").text
    assert "Post 10 " in first and "Post 9 " not in first
    marker = 'rel="next" href="'
    start = first.index(marker) + len(marker)
    link = first[start : first.index('"', start)].replace("&amp;", "&")
    second = agent.get(link).text
    assert "Post 9 " in second and "Post 0 " in second and "Post 10 " not in second
    assert 'rel="next"' not in second


def test_a_broken_cursor_gets_a_friendly_page(agent: httpx.Client) -> None:
    page = agent.get("/?after=garbage")
    assert page.status_code == 400
    assert "start from the first page" in page.text and "Traceback" not in page.text
    missing = agent.get("/nowhere")
    assert missing.status_code == 404 and "Back to the stream" in missing.text


def test_static_css_is_served_locally(server: Server) -> None:
    css = httpx.get(server.base + "/static/kith.css")
    assert css.status_code == 200 and "Kith base styles" in css.text
    assert Path(__file__).exists()


def test_pages_need_sign_in_and_wrong_passwords_are_refused(server: Server) -> None:
    with server.client() as anonymous:
        page = anonymous.get("/")
        assert page.status_code == 303
        assert page.headers["location"] == "/login?next=/"
        login = anonymous.get("/login")
        assert "Sign in" in login.text
        form = {"email": "agent@test.example", "password": "wrong", "csrf_token": csrf_of(login.text)}
        refused = anonymous.post("/login", data=form)
        assert refused.status_code == 401 and "Wrong e-mail or password" in refused.text
        assert anonymous.post("/login", data={**form, "csrf_token": "forged"}).status_code == 400


def test_session_cookie_is_httponly_and_samesite(server: Server) -> None:
    with server.client() as client:
        response = sign_in(client, "agent@test.example", "correct horse battery staple")
        cookie = response.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=lax" in cookie


def test_sign_out_needs_the_csrf_token(server: Server) -> None:
    with server.client("agent") as client:
        assert client.post("/logout").status_code == 403
        page = client.get("/")
        assert client.post("/logout", data={"csrf_token": csrf_of(page.text)}).status_code == 303
        assert client.get("/").status_code == 303


def test_sign_in_is_throttled_per_account(server: Server) -> None:
    with server.client() as client:
        for _ in range(5):
            page = client.get("/login")
            form = {"email": "analyst@test.example", "password": "guess", "csrf_token": csrf_of(page.text)}
            assert client.post("/login", data=form).status_code == 401
        page = client.get("/login")
        right = {"email": "analyst@test.example", "password": PASSWORD, "csrf_token": csrf_of(page.text)}
        locked = client.post("/login", data=right)
        assert locked.status_code == 429 and "Too many failed sign-ins" in locked.text
    with server.client("readonly") as other:  # another account from the same address still signs in
        assert other.get("/").status_code == 200
