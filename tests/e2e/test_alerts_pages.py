"""The alert pages on a running server: who sees which alerts, and who may acknowledge them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from kith.db import make_engine, session_scope
from kith.enrichment.alerts import do_check_alerts
from kith.enrichment.stage import enrich_pending
from kith.enrichment.topics import do_add_topic
from kith.pipeline.ingest import ingest_bytes
from kith.pipeline.runner import run_pending
from tests.e2e.server import Server, create_users, csrf_of, running_server

SPIKE = datetime(2026, 9, 15, 14, tzinfo=UTC)


def status(ident: str, at: datetime, text: str) -> dict[str, Any]:
    return {
        "id": ident,
        "created_at": at.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "content": f"<p>{text}</p>",
        "visibility": "public",
        "in_reply_to_id": None,
        "spoiler_text": "",
        "edited_at": None,
        "account": {"id": "7", "username": "mia", "acct": "mia@example.social", "display_name": "Mia"},
    }


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, dict[str, str]]]:
    path = tmp_path_factory.mktemp("alerts") / "alerts.db"
    url = f"sqlite:///{path}"
    create_users(url)
    engine = make_engine(url)
    with session_scope(engine) as session:
        do_add_topic(session, "Aurora", "product", "aurora*", "service")
        do_add_topic(session, "Fjell", "product", "fjell*", "sales")
    statuses = []
    for hour in range(48):
        at = SPIKE - timedelta(hours=48 - hour)
        statuses += [status(f"a{hour}", at, "Rode my Aurora today"), status(f"f{hour}", at, "Fjell tent on the hill")]
    for i in range(20):
        at = SPIKE + timedelta(minutes=i)
        statuses.append(status(f"aa{i}", at, f"My Aurora broke again, worst purchase ever, I am furious &lt;b&gt;{i}"))
        statuses.append(status(f"ff{i}", at, f"The Fjell tent leaked, terrible quality, never again {i}"))
    ingest_bytes(engine, "mastodon", json.dumps(statuses).encode(), "alerts-e2e")
    run_pending(engine)
    enrich_pending(engine)
    with session_scope(engine) as session:
        alerts = do_check_alerts(session, now=SPIKE + timedelta(minutes=30))
        ids = {f"{a.department}-{a.kind}": a.public_id for a in alerts}
    engine.dispose()
    assert sorted(ids) == ["sales-negative", "sales-volume", "service-negative", "service-volume"]
    with running_server(path) as running:
        yield running, ids


def test_a_department_member_sees_only_their_departments_alerts(server: tuple[Server, dict[str, str]]) -> None:
    running, ids = server
    with running.client("service") as client:
        page = client.get("/alerts")
        assert page.status_code == 200
        assert f"/alerts/{ids['service-negative']}" in page.text and "Aurora" in page.text
        assert ids["sales-negative"] not in page.text and "Fjell" not in page.text
        assert client.get(f"/alerts/{ids['sales-volume']}").status_code == 404
        detail = client.get(f"/alerts/{ids['service-negative']}")
        assert detail.status_code == 200 and "/static/alerts.css" in detail.text
        # the stream's rule holds for samples too: these conversations are not routed to service
        assert "worst purchase ever" not in detail.text and "5 more sample post(s)" in detail.text
    with running.client("agent") as client:
        detail = client.get(f"/alerts/{ids['service-negative']}")
        assert detail.text.count("worst purchase ever") == 5 and "&lt;b&gt;" in detail.text  # samples, escaped
        assert "<b>" not in detail.text
    with running.client("analyst") as client:
        page = client.get("/alerts")
        assert all(f"/alerts/{pid}" in page.text for pid in ids.values())


def test_acknowledging_is_for_agents_admins_and_the_owning_department(server: tuple[Server, dict[str, str]]) -> None:
    running, ids = server
    with running.client("analyst") as client:
        page = client.get(f"/alerts/{ids['sales-negative']}")
        assert "Acknowledge</button>" not in page.text
        refused = client.post(f"/alerts/{ids['sales-negative']}/ack", data={"csrf_token": csrf_of(page.text)})
        assert refused.status_code == 403
    with running.client("service") as client:
        page = client.get("/alerts")
        assert (
            client.post(f"/alerts/{ids['sales-negative']}/ack", data={"csrf_token": csrf_of(page.text)}).status_code
            == 404
        )
        assert client.post(f"/alerts/{ids['service-negative']}/ack", data={}).status_code == 403  # no CSRF token
        page = client.get(f"/alerts/{ids['service-negative']}")
        done = client.post(f"/alerts/{ids['service-negative']}/ack", data={"csrf_token": csrf_of(page.text)})
        assert done.status_code == 303 and done.headers["location"] == f"/alerts/{ids['service-negative']}"
        after = client.get(f"/alerts/{ids['service-negative']}").text
        assert "service@test.example" in after and "Acknowledge</button>" not in after
    with running.client("agent") as client:
        page = client.get(f"/alerts/{ids['sales-volume']}")
        done = client.post(f"/alerts/{ids['sales-volume']}/ack", data={"csrf_token": csrf_of(page.text)})
        assert done.status_code == 303
    with running.client() as client:
        assert client.get("/alerts").status_code == 303  # signed out: to the sign-in page
