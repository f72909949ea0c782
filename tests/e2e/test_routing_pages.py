"""The routing rules page and the routing explanation, served by a real ``kith serve``, driven over HTTP."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select, update

from kith.auth.models import Department
from kith.db import make_engine, session_scope
from kith.enrichment.stage import enrich_pending
from kith.interactions.models import Conversation, Interaction
from kith.pipeline.ingest import ingest_bytes
from kith.pipeline.runner import run_pending
from kith.routing.models import RoutingRule
from kith.routing.rules import RuleInput, add_rule
from kith.routing.stage import route_pending
from tests.e2e.server import Server, create_users, csrf_of, running_server

NON_ADMINS = ["agent", "analyst", "service", "readonly"]


def seed(url: str) -> None:
    """One routed complaint about a battery, decided by the rule "Battery complaints"."""
    engine = make_engine(url)
    status = {
        "id": "1",
        "created_at": "2026-09-01T10:00:00.000Z",
        "content": "<p>My battery died after two weeks</p>",
        "visibility": "public",
        "in_reply_to_id": None,
        "spoiler_text": "",
        "edited_at": None,
        "account": {"id": "7", "username": "mia", "acct": "mia@example.social", "display_name": "Mia"},
    }
    ingest_bytes(engine, "mastodon", json.dumps([status]).encode(), "seed")
    run_pending(engine)
    enrich_pending(engine)
    with session_scope(engine) as session:
        session.execute(update(Interaction).values(relevant=True, intent="complaint", sentiment="negative"))
        add_rule(session, RuleInput("Battery complaints", "intent:complaint AND batter*", "service", tag="battery"))
    route_pending(engine)
    engine.dispose()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    path = tmp_path_factory.mktemp("routing") / "routing.db"
    url = f"sqlite:///{path}"
    create_users(url)
    seed(url)
    with running_server(path) as running:
        yield running


@pytest.fixture
def admin(server: Server) -> Iterator[httpx.Client]:
    with server.client("admin") as client:
        yield client


def post(client: httpx.Client, page: str, action: str, data: dict[str, object]) -> httpx.Response:
    shown = client.get(page)
    assert shown.status_code == 200, shown.text[:300]
    return client.post(action, data={**data, "csrf_token": csrf_of(shown.text)})


def rule_id(server: Server, name: str) -> str:
    engine = make_engine(server.db_url)
    with session_scope(engine) as session:
        found = session.scalar(select(RoutingRule.public_id).where(RoutingRule.name == name))
    engine.dispose()
    assert found, name
    return str(found)


def conversation_id(server: Server) -> str:
    engine = make_engine(server.db_url)
    with session_scope(engine) as session:
        found = session.scalar(select(Conversation.public_id))
    engine.dispose()
    return str(found)


def test_rules_page_lists_rules_with_their_7_day_counts(admin: httpx.Client) -> None:
    page = admin.get("/admin/routing")
    assert page.status_code == 200
    assert "Battery complaints" in page.text and "intent:complaint AND batter*" in page.text
    assert re.search(r'class="rule-count">1 matched</span>\s*· 1 decided', page.text)
    assert 'href="/admin/routing/rules/new"' in page.text and "Fallback department" in page.text


def test_a_condition_with_a_mistake_is_shown_with_its_column_and_nothing_is_saved(admin: httpx.Client) -> None:
    done = post(
        admin,
        "/admin/routing/rules/new",
        "/admin/routing/rules",
        {"name": "Broken", "condition": "intent:angry AND akku", "department": "service", "active": "on"},
    )
    assert done.status_code == 400
    assert "intent: takes one of question" in done.text and "(column 1)" in done.text
    assert "Broken" in done.text  # the form keeps what was typed
    assert "Broken" not in admin.get("/admin/routing").text


def test_admin_adds_moves_disables_and_deletes_a_rule(server: Server, admin: httpx.Client) -> None:
    done = post(
        admin,
        "/admin/routing/rules/new",
        "/admin/routing/rules",
        {
            "name": "Prices",
            "condition": "intent:price OR price*",
            "department": "sales",
            "priority": "high",
            "active": "on",
        },
    )
    assert done.status_code == 303 and done.headers["location"] == "/admin/routing?done=rule-created"
    listed = admin.get("/admin/routing").text
    assert listed.index("Battery complaints") < listed.index("Prices")
    public_id = rule_id(server, "Prices")
    assert post(admin, "/admin/routing", f"/admin/routing/rules/{public_id}/move", {"to": "up"}).status_code == 303
    listed = admin.get("/admin/routing").text
    assert listed.index("Prices") < listed.index("Battery complaints")
    assert post(admin, "/admin/routing", f"/admin/routing/rules/{public_id}/toggle", {}).status_code == 303
    assert re.search(r'class="inactive" id="rule-' + public_id, admin.get("/admin/routing").text)
    edited = post(
        admin,
        f"/admin/routing/rules/{public_id}",
        f"/admin/routing/rules/{public_id}",
        {"name": "Prices and deals", "condition": "intent:price", "department": "sales", "active": "on"},
    )
    assert edited.status_code == 303
    assert "Prices and deals" in admin.get("/admin/routing").text
    assert post(admin, "/admin/routing", f"/admin/routing/rules/{public_id}/delete", {}).status_code == 303
    assert "Prices and deals" not in admin.get("/admin/routing").text


def test_test_this_condition_previews_the_matching_conversations(admin: httpx.Client) -> None:
    page = admin.get("/admin/routing", params={"test": "batter* AND sentiment:negative"})
    assert re.search(r"<strong>1</strong> of 1 conversations routed in the last 7 days match", page.text)
    assert "My battery died after two weeks" in page.text
    assert re.search(r"<strong>0</strong> of 1", admin.get("/admin/routing", params={"test": "tent*"}).text)
    broken = admin.get("/admin/routing", params={"test": "akku AND"})
    assert "operator AND at column 6 has no right-hand side" in broken.text and 'class="caret"' in broken.text


def test_department_service_settings_are_validated_and_saved(server: Server, admin: httpx.Client) -> None:
    form = "/admin/routing/departments/service"
    bad = post(
        admin,
        form,
        form,
        {"tz": "Mars/Base", "days": ["0", "1"], "start": "09:00", "end": "17:00", "assignment": "round_robin"},
    )
    assert bad.status_code == 400 and "unknown time zone" in bad.text
    good = post(
        admin,
        form,
        form,
        {
            "tz": "Europe/Berlin",
            "days": ["0", "1", "2", "3", "4"],
            "start": "08:00",
            "end": "18:00",
            "sla_high": "120",
            "assignment": "least_loaded",
        },
    )
    assert good.status_code == 303
    engine = make_engine(server.db_url)
    with session_scope(engine) as session:
        service = session.scalar(select(Department).where(Department.slug == "service"))
        assert service is not None
        assert service.working_hours == {
            "tz": "Europe/Berlin",
            "days": [0, 1, 2, 3, 4],
            "start": "08:00",
            "end": "18:00",
        }
        assert service.sla_minutes == {"high": 120} and service.assignment == "least_loaded"
    engine.dispose()
    assert "Mon, Tue, Wed, Thu, Fri 08:00–18:00 Europe/Berlin" in admin.get("/admin/routing").text
    saved = post(admin, "/admin/routing", "/admin/routing/fallback", {"department": "sales"})
    assert saved.status_code == 303
    assert re.search(r'<option value="sales" selected>', admin.get("/admin/routing").text)


def test_the_conversation_page_says_which_rule_decided_and_why(server: Server, admin: httpx.Client) -> None:
    page = admin.get(f"/conversations/{conversation_id(server)}")
    assert page.status_code == 200
    assert "Why it is here" in page.text
    assert "rule «Battery complaints» (position" in page.text
    assert "first matching rule" in page.text and "#battery" in page.text
    assert "SLA" in page.text and "working minutes" in page.text


@pytest.mark.parametrize("who", NON_ADMINS)
def test_others_may_look_but_not_change(server: Server, who: str) -> None:
    public_id = rule_id(server, "Battery complaints")
    with server.client(who) as client:
        page = client.get("/admin/routing")
        if who in ("agent", "analyst"):  # staff who see every department may read the rules
            assert page.status_code == 200 and "Battery complaints" in page.text
            assert "/admin/routing/rules/new" not in page.text and "Delete" not in page.text
        else:  # the preview quotes every department's conversations: not for a department member
            assert page.status_code == 403 and "Battery complaints" not in page.text
        assert client.get("/admin/routing/rules/new").status_code == 403
        assert client.get(f"/admin/routing/rules/{public_id}").status_code == 403
        assert client.get("/admin/routing/departments/service").status_code == 403
        token = csrf_of(client.get("/account").text)
        for action, data in (
            ("/admin/routing/rules", {"name": "x", "condition": "x", "department": "service"}),
            (f"/admin/routing/rules/{public_id}/delete", {}),
            (f"/admin/routing/rules/{public_id}/move", {"to": "down"}),
            ("/admin/routing/fallback", {"department": "pr"}),
        ):
            assert client.post(action, data={**data, "csrf_token": token}).status_code == 403
    with server.client("admin") as admin:
        assert "Battery complaints" in admin.get("/admin/routing").text  # still there


def test_signed_out_visitors_are_sent_to_sign_in(server: Server) -> None:
    with server.client() as client:
        assert client.get("/admin/routing").status_code in (302, 303, 307)
