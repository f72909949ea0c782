"""The REST API under /api/v1, served by a real ``kith serve`` and called with a real HTTP client.

Data comes through the real pipeline (raw API payloads from tests/fixtures/payloads → ingest → run);
only the department routing of some conversations is set directly, as the routing step would.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update

from kith.channels.models import Channel
from kith.db import make_engine, session_scope
from kith.interactions.models import Conversation
from kith.pipeline.ingest import ingest_bytes
from kith.pipeline.runner import run_pending
from tests.conftest import PAYLOADS
from tests.e2e.server import Server, create_users, csrf_of, running_server

SEED = [
    ("x", "v2-search-recent.json"),
    ("x", "v2_page_with_expansions_mentions_includes.json"),
    ("mastodon", "notifications-mentions.json"),
    ("reddit", "submission-comments.json"),
    ("youtube", "commentThreads_list_by_video_page1.json"),
]
SECRET = "sk-live-never-show-me-0123456789"


def payload(channel: str, name: str) -> bytes:
    """The response body exactly as the network's API returned it (fixtures wrap it with the request)."""
    return json.dumps(json.loads((PAYLOADS / channel / name).read_bytes())["body"]).encode()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    path = tmp_path_factory.mktemp("api") / "api.db"
    url = f"sqlite:///{path}"
    create_users(url)
    engine = make_engine(url)
    for channel, name in SEED:
        ingest_bytes(engine, channel, payload(channel, name), name)
    run_pending(engine)
    with session_scope(engine) as session:  # what routing would do: reddit → service, youtube → sales
        for channel, department in (("reddit", "service"), ("youtube", "sales")):
            channel_id = select(Channel.id).where(Channel.name == channel).scalar_subquery()
            session.execute(
                update(Conversation).where(Conversation.channel_id == channel_id).values(department=department)
            )
    engine.dispose()
    with running_server(path) as running:
        yield running


def run_pipeline(server: Server) -> None:
    engine = make_engine(server.db_url)
    run_pending(engine)
    engine.dispose()


def new_token(server: Server, who: str, scopes: list[str], name: str = "test") -> str:
    with server.client(who) as browser:
        csrf = csrf_of(browser.get("/").text)
        made = browser.post("/api/v1/me/tokens", json={"name": name, "scopes": scopes}, headers={"X-CSRF-Token": csrf})
        assert made.status_code == 201, made.text
        assert made.headers["cache-control"] == "no-store"
        return str(made.json()["token"])


@pytest.fixture(scope="module")
def tokens(server: Server) -> dict[str, str]:
    return {
        "agent": new_token(server, "agent", ["read", "ingest"]),
        "agent-read": new_token(server, "agent", ["read"]),
        "agent-ingest": new_token(server, "agent", ["ingest"]),
        "admin": new_token(server, "admin", ["read", "ingest", "admin"]),
        "admin-read": new_token(server, "admin", ["read"]),
        "service": new_token(server, "service", ["read"]),
        "readonly-ingest": new_token(server, "readonly", ["read", "ingest"]),
    }


def api(server: Server, token: str) -> httpx.Client:
    return httpx.Client(base_url=server.base, headers={"Authorization": f"Bearer {token}"}, timeout=30)


def get(server: Server, token: str, path: str, **params: Any) -> httpx.Response:
    with api(server, token) as client:
        return client.get(path, params=params)


def all_pages(server: Server, token: str, path: str, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    with api(server, token) as client:
        for _ in range(100):
            page = client.get(path, params={**params, **({"cursor": cursor} if cursor else {})})
            assert page.status_code == 200, page.text
            items += page.json()["items"]
            cursor = page.json()["next_cursor"]
            if cursor is None:
                return items
    raise AssertionError("pagination did not end")


def assert_error(response: httpx.Response, status: int, *words: str) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    detail = response.json()["detail"]
    assert isinstance(detail, str) and detail
    for word in words:
        assert word in detail, detail
    return detail


# ---- tokens and scopes --------------------------------------------------------------------------------


def test_a_token_made_through_the_api_works_until_revoked(server: Server) -> None:
    with server.client("analyst") as browser:
        csrf = csrf_of(browser.get("/").text)
        refused = browser.post("/api/v1/me/tokens", json={"name": "cli", "scopes": ["read"]})
        assert_error(refused, 403, "CSRF")
        made = browser.post(
            "/api/v1/me/tokens", json={"name": "cli", "scopes": ["read"]}, headers={"X-CSRF-Token": csrf}
        ).json()
        assert made["token"].startswith("kith_") and made["scopes"] == ["read"]
        assert_error(
            browser.post("/api/v1/me/tokens", json={"name": "x", "scopes": ["admin"]}, headers={"X-CSRF-Token": csrf}),
            400,
            "admin",
        )
    token = made["token"]
    me = get(server, token, "/api/v1/me")
    assert me.json()["email"] == "analyst@test.example" and me.json()["scopes"] == ["read"]
    listed = get(server, token, "/api/v1/me/tokens").json()["items"]
    assert [t["public_id"] for t in listed] == [made["public_id"]]
    assert "token" not in listed[0] and token not in json.dumps(listed) and listed[0]["prefix"] == token[:12]
    with api(server, token) as client:
        minted = client.post("/api/v1/me/tokens", json={"name": "child", "scopes": ["read"]})
        assert_error(minted, 403, "browser")  # a leaked token cannot mint successors
        assert client.delete(f"/api/v1/me/tokens/{made['public_id']}").status_code == 204
        assert_error(client.get("/api/v1/me"), 401, "token")
    with server.client("analyst") as browser:
        again = browser.delete(
            f"/api/v1/me/tokens/{made['public_id']}", headers={"X-CSRF-Token": csrf_of(browser.get("/").text)}
        )
        assert_error(again, 404, "token")


def test_scopes_and_roles_decide_who_may_ingest(server: Server, tokens: dict[str, str]) -> None:
    body = payload("mastodon", "status.json")
    for who, status, word in (
        ("agent-read", 403, "'ingest' scope"),
        ("readonly-ingest", 403, "role"),
        ("admin-read", 403, "'ingest' scope"),
    ):
        with api(server, tokens[who]) as client:
            assert_error(client.post("/api/v1/ingest/mastodon", content=body), status, word)
    with api(server, tokens["agent-ingest"]) as client:
        assert client.post("/api/v1/ingest/mastodon", content=body).status_code == 202
        assert_error(client.get("/api/v1/interactions"), 403, "'read' scope")  # ingest-only: no reading
    with api(server, tokens["agent-read"]) as client:
        assert_error(client.get("/api/v1/users"), 403)
    with api(server, tokens["admin-read"]) as client:
        assert_error(client.get("/api/v1/users"), 403, "'admin' scope")


# ---- ingest -------------------------------------------------------------------------------------------


def test_ingest_is_idempotent_and_feeds_the_pipeline(server: Server, tokens: dict[str, str]) -> None:
    body = payload("x", "v2-get-tweets.json")
    with api(server, tokens["agent"]) as client:
        first = client.post("/api/v1/ingest/x", content=body, headers={"Content-Type": "application/json"})
        assert first.status_code == 202, first.text
        again = client.post("/api/v1/ingest/x", content=body)
    one, two = first.json(), again.json()
    assert len(one["raw_item_ids"]) == 2 and one["new"] == 2 and one["duplicate"] == 0
    assert two["raw_item_ids"] == one["raw_item_ids"] and two["new"] == 0 and two["duplicate"] == 2
    assert get(server, tokens["agent"], "/api/v1/interactions", q="TwitterAPI").json()["items"] == []  # 202: later
    run_pipeline(server)
    found = get(server, tokens["agent"], "/api/v1/interactions", q="TwitterAPI").json()["items"]
    assert found and all(i["channel"] == "x" for i in found)


def test_ingest_jsonl_and_quarantine(server: Server, tokens: dict[str, str]) -> None:
    page = json.loads(payload("x", "v2-get-tweets.json"))
    lines = "\n".join([json.dumps(page["data"][0]), "{not json"]).encode()
    with api(server, tokens["admin"]) as client:
        result = client.post("/api/v1/ingest/x", content=lines, headers={"Content-Type": "application/x-ndjson"})
        assert result.status_code == 202, result.text
        assert result.json()["quarantined"] == 1 and len(result.json()["raw_item_ids"]) == 2
        again = client.post("/api/v1/ingest/x", content=lines).json()
        assert again["raw_item_ids"] == result.json()["raw_item_ids"] and again["new"] == again["quarantined"] == 0


def test_ingest_refuses_unknown_channels_and_bad_bodies(server: Server, tokens: dict[str, str]) -> None:
    with api(server, tokens["agent"]) as client:
        assert_error(client.post("/api/v1/ingest/myspace", content=b"{}"), 404, "myspace", "mastodon", "x")
        assert_error(client.post("/api/v1/ingest/x", content=b""), 400, "empty")
        assert_error(client.post("/api/v1/ingest/x", content=b"  \n"), 400, "empty")
        assert_error(client.post("/api/v1/ingest/x", content=b"[" + b" " * (10 * 1024 * 1024)), 413, "10 MB")

        def chunks() -> Iterator[bytes]:  # no Content-Length: the limit holds while streaming
            for _ in range(11):
                yield b" " * (1024 * 1024)

        assert_error(client.post("/api/v1/ingest/x", content=chunks()), 413, "10 MB")


# ---- reading --------------------------------------------------------------------------------------------


def test_interactions_filter_and_paginate_with_a_cursor(server: Server, tokens: dict[str, str]) -> None:
    token = tokens["agent"]
    everything = all_pages(server, token, "/api/v1/interactions", limit=200)
    x_items = all_pages(server, token, "/api/v1/interactions", channel="x", limit=3)
    assert len(x_items) == len({i["public_id"] for i in x_items}) >= 10
    assert {i["channel"] for i in x_items} == {"x"}
    assert [i["public_id"] for i in x_items] == [i["public_id"] for i in everything if i["channel"] == "x"]
    order = [(i["sort_at"], i["public_id"]) for i in everything]
    assert [t for t, _ in order] == sorted((t for t, _ in order), reverse=True)  # newest first
    two = all_pages(server, token, "/api/v1/interactions", channel=["x", "reddit"])
    assert {i["channel"] for i in two} == {"x", "reddit"}
    assert len(two) == len([i for i in everything if i["channel"] in ("x", "reddit")])

    praw = get(server, token, "/api/v1/interactions", q="PRAW").json()["items"]
    assert praw and all(i["channel"] == "reddit" for i in praw)
    english = get(server, token, "/api/v1/interactions", lang="en").json()["items"]
    assert english and all(i["lang"] == "en" for i in english)
    anonymous = get(server, token, "/api/v1/interactions", has_identity="false").json()["items"]
    assert all(i["author"] is None for i in anonymous)
    authored = get(server, token, "/api/v1/interactions", has_identity="true", limit=200).json()["items"]
    assert authored and all(i["author"]["public_id"] for i in authored)
    middle = everything[len(everything) // 2]["sort_at"]
    older = all_pages(server, token, "/api/v1/interactions", until=middle)
    newer = all_pages(server, token, "/api/v1/interactions", since=middle)
    assert len(older) + len(newer) == len(everything)
    assert all(datetime.fromisoformat(i["sort_at"]) < datetime.fromisoformat(middle) for i in older)
    sales = all_pages(server, token, "/api/v1/interactions", department="sales")
    assert sales and {i["channel"] for i in sales} == {"youtube"}

    one = everything[0]
    assert get(server, token, f"/api/v1/interactions/{one['public_id']}").json() == one
    assert set(one) >= {"public_id", "channel", "kind", "text", "title", "lang", "url", "created_at", "edited_at"}
    assert set(one) >= {"deleted", "visibility", "basis", "author", "conversation_id"}
    assert "id" not in one and "raw_item_id" not in one


def test_conversations_are_oldest_first_and_paginated(server: Server, tokens: dict[str, str]) -> None:
    token = tokens["agent"]
    reddit = all_pages(server, token, "/api/v1/interactions", channel="reddit")
    conversation_id = reddit[0]["conversation_id"]
    first = get(server, token, f"/api/v1/conversations/{conversation_id}", limit=2).json()
    assert first["conversation"]["public_id"] == conversation_id
    assert first["conversation"]["department"] == "service" and first["conversation"]["channel"] == "reddit"
    thread = all_pages(server, token, f"/api/v1/conversations/{conversation_id}", limit=2)
    assert len(thread) == len(reddit) == 3
    assert [i["sort_at"] for i in thread] == sorted(i["sort_at"] for i in thread)
    assert_error(get(server, token, "/api/v1/conversations/" + "0" * 32), 404, "conversation")


def test_identities_search_and_detail(server: Server, tokens: dict[str, str]) -> None:
    token = tokens["agent"]
    authored = get(server, token, "/api/v1/interactions", channel="reddit").json()["items"]
    author = next(i["author"] for i in authored if i["author"])
    word = (author["handle"] or author["display_name"])[1:5]
    found = all_pages(server, token, "/api/v1/identities", q=word.upper())
    assert author["public_id"] in {i["public_id"] for i in found}
    everyone = all_pages(server, token, "/api/v1/identities", limit=2)
    assert [i["public_id"] for i in everyone] == sorted(i["public_id"] for i in everyone)
    detail = get(server, token, f"/api/v1/identities/{author['public_id']}").json()
    assert detail["identity"]["channel"] == "reddit"
    assert detail["items"] and all(i["author"]["public_id"] == author["public_id"] for i in detail["items"])
    assert get(server, token, "/api/v1/identities", q="%").json()["items"] == []  # wildcards are literal
    assert_error(get(server, token, "/api/v1/identities/nobody"), 404, "identity")


def test_a_department_member_sees_only_their_department(server: Server, tokens: dict[str, str]) -> None:
    agent, member = tokens["agent"], tokens["service"]
    seen = all_pages(server, member, "/api/v1/interactions")
    assert seen and {i["channel"] for i in seen} == {"reddit"}
    asked = all_pages(server, member, "/api/v1/interactions", department="sales")  # cannot widen the view
    assert {i["channel"] for i in asked} <= {"reddit"}
    youtube = get(server, agent, "/api/v1/interactions", channel="youtube").json()["items"][0]
    for path in (
        f"/api/v1/conversations/{youtube['conversation_id']}",
        f"/api/v1/interactions/{youtube['public_id']}",
        f"/api/v1/identities/{youtube['author']['public_id']}",
    ):
        assert get(server, agent, path).status_code == 200
        missing = assert_error(get(server, member, path), 404)
        assert missing == assert_error(get(server, member, path.rsplit("/", 1)[0] + "/" + "f" * 32), 404)
    assert get(server, member, f"/api/v1/conversations/{seen[0]['conversation_id']}").status_code == 200
    identities = all_pages(server, member, "/api/v1/identities")
    assert identities and {i["channel"] for i in identities} == {"reddit"}


# ---- administration -----------------------------------------------------------------------------------


def test_channels_never_return_credentials(server: Server, tokens: dict[str, str]) -> None:
    admin = tokens["admin"]
    with api(server, admin) as client:
        made = client.post(
            "/api/v1/channels",
            json={"name": "x-support", "kind": "x", "display_name": "X support", "credentials": SECRET},
        )
        assert made.status_code == 201, made.text
        channel = made.json()
        assert channel["has_credentials"] is True and channel["credentials_ref"] is None
        assert_error(
            client.post("/api/v1/channels", json={"name": "x-support", "kind": "x", "display_name": "Again"}),
            409,
            "already exists",
        )
        assert_error(
            client.post("/api/v1/channels", json={"name": "fax", "kind": "fax", "display_name": "Fax"}),
            400,
            "mastodon",
        )
        assert_error(client.post("/api/v1/channels", json={"name": "x2", "kind": "x"}), 422, "display_name")
        changed = client.patch(
            f"/api/v1/channels/{channel['public_id']}", json={"credentials_ref": "KITH_X_TOKEN", "enabled": False}
        )
        assert changed.status_code == 200, changed.text
        assert changed.json()["credentials_ref"] == "KITH_X_TOKEN" and changed.json()["enabled"] is False
        assert_error(client.post("/api/v1/ingest/x-support", content=b"{}"), 409, "disabled")
        renamed = client.patch(f"/api/v1/channels/{channel['public_id']}", json={"display_name": "X care"}).json()
        assert renamed["credentials_ref"] == "KITH_X_TOKEN" and renamed["display_name"] == "X care"
        bad = client.patch(f"/api/v1/channels/{channel['public_id']}", json={"credentials_ref": "lower case"})
        assert_error(bad, 422, "credentials_ref")
        client.patch(f"/api/v1/channels/{channel['public_id']}", json={"credentials": SECRET + "2"})
        listed = client.get("/api/v1/channels")
    assert SECRET not in listed.text and "credentials_encrypted" not in listed.text
    assert "x-support" in {c["name"] for c in listed.json()["items"]}
    with server.client("agent") as browser:
        listed_for_agent = browser.get("/api/v1/channels")
        assert listed_for_agent.status_code == 200 and SECRET not in listed_for_agent.text
    with api(server, tokens["agent"]) as client:
        assert_error(client.post("/api/v1/channels", json={"name": "y", "kind": "x", "display_name": "Y"}), 403)
        assert_error(client.patch(f"/api/v1/channels/{channel['public_id']}", json={"enabled": True}), 403)


def test_admins_create_users(server: Server, tokens: dict[str, str]) -> None:
    user = {"email": "New@Test.example", "name": "New", "password": "long enough password", "role": "analyst"}
    with api(server, tokens["admin"]) as client:
        made = client.post("/api/v1/users", json=user)
        assert made.status_code == 201, made.text
        assert made.json()["email"] == "new@test.example" and "password" not in made.text
        assert_error(client.post("/api/v1/users", json=user), 400, "already exists")
        short = client.post("/api/v1/users", json={**user, "email": "b@test.example", "password": "short"})
        assert_error(short, 400, "at least 10 characters")
        assert "short" not in short.text  # the password is never echoed
        dept = {**user, "email": "c@test.example", "role": "department", "department": "nowhere"}
        assert_error(client.post("/api/v1/users", json=dept), 400, "Unknown department")
        invalid = client.post("/api/v1/users", json={**user, "email": "d@test.example", "role": "boss"})
        assert_error(invalid, 422, "role")
        assert "long enough password" not in invalid.text
    emails = [u["email"] for u in all_pages(server, tokens["admin"], "/api/v1/users", limit=2)]
    assert "new@test.example" in emails and emails == sorted(emails)


# ---- errors and documentation -------------------------------------------------------------------------


def test_error_bodies_are_json_with_a_detail(server: Server, tokens: dict[str, str]) -> None:
    with server.client() as anonymous:
        assert_error(anonymous.get("/api/v1/interactions"), 401, "Bearer")
        assert_error(anonymous.get("/api/openapi.json"), 401)
    assert_error(get(server, "kith_forged", "/api/v1/me"), 401, "unknown or revoked")
    assert_error(get(server, tokens["agent"], "/api/v1/nothing-here"), 404)
    assert_error(get(server, tokens["agent"], "/api/v1/interactions", limit=500), 422, "'limit'", "200")
    assert_error(get(server, tokens["agent"], "/api/v1/interactions", since="yesterday"), 422, "'since'")
    assert_error(get(server, tokens["agent"], "/api/v1/interactions", cursor="garbage"), 400, "cursor")
    with api(server, tokens["admin"]) as client:
        broken = client.post("/api/v1/users", content=b"{nope", headers={"Content-Type": "application/json"})
        assert_error(broken, 422, "JSON")
        assert isinstance(broken.json()["errors"], list)


def test_docs_page_and_openapi(server: Server) -> None:
    with server.client() as anonymous:
        docs = anonymous.get("/api/docs")
        assert docs.status_code == 303 and docs.headers["location"] == "/login?next=/api/docs"
    with server.client("readonly") as browser:
        page = browser.get("/api/docs")
        assert page.status_code == 200 and "<script>" not in page.text
        assert "script-src 'self'" in page.headers["content-security-policy"]
        for asset in (
            "/static/vendor/swagger-ui/swagger-ui-bundle.js",
            "/static/vendor/swagger-ui/swagger-ui.css",
            "/static/api-docs.js",
        ):
            assert asset in page.text
            assert browser.get(asset).status_code == 200
        assert "/api/openapi.json" in browser.get("/static/api-docs.js").text
        schema = browser.get("/api/openapi.json").json()
    paths = schema["paths"]
    for path, method in (
        ("/api/v1/interactions", "get"),
        ("/api/v1/interactions/{public_id}", "get"),
        ("/api/v1/conversations/{public_id}", "get"),
        ("/api/v1/identities", "get"),
        ("/api/v1/identities/{public_id}", "get"),
        ("/api/v1/channels", "post"),
        ("/api/v1/channels/{public_id}", "patch"),
        ("/api/v1/ingest/{channel}", "post"),
        ("/api/v1/users", "post"),
        ("/api/v1/me", "get"),
        ("/api/v1/me/tokens", "post"),
        ("/api/v1/me/tokens/{public_id}", "delete"),
    ):
        assert method in paths[path], path
    assert all(p.startswith("/api/v1/") for p in paths)  # pages are not part of the API description
    assert "token" in schema["components"]["securitySchemes"]
