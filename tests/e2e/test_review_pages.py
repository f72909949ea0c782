"""The match review queue on a running server: agents decide, other roles are turned away."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from kith.db import make_engine, session_scope
from kith.identities.matching import do_match_customers
from kith.pipeline.ingest import ingest_bytes
from kith.pipeline.runner import run_pending
from tests.e2e.server import Server, create_users, csrf_of, running_server
from tests.integration.test_matching import CUSTOMERS, EMAIL


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    path = tmp_path_factory.mktemp("review") / "review.db"
    create_users(f"sqlite:///{path}")
    engine = make_engine(f"sqlite:///{path}")
    ingest_bytes(engine, "csv", CUSTOMERS, "customers.csv")
    ingest_bytes(engine, "email", EMAIL, "message.eml")
    run_pending(engine)
    with session_scope(engine) as session:
        run = do_match_customers(session)
    assert run.suggested >= 3
    engine.dispose()
    with running_server(path) as running:
        yield running


def accept_links(html: str) -> list[str]:
    return re.findall(r'action="(/identities/review/[^"]+/accept)"', html)


@pytest.mark.parametrize("who", ["readonly", "analyst", "service"])
def test_other_roles_get_403(server: Server, who: str) -> None:
    with server.client(who) as client:
        assert client.get("/identities/review").status_code == 403
        page = client.get("/account")
        token = csrf_of(page.text) if 'name="csrf_token"' in page.text else ""
        response = client.post("/identities/review/x/accept", data={"csrf_token": token})
        assert response.status_code == 403


def test_signed_out_is_sent_to_sign_in(server: Server) -> None:
    with server.client() as client:
        assert client.get("/identities/review").status_code == 303


def test_agent_accepts_a_suggestion_and_can_unlink_it(server: Server) -> None:
    with server.client("agent") as agent:
        page = agent.get("/identities/review")
        assert page.status_code == 200
        assert "Ana Muller" in page.text and "Jonathon Smith" in page.text and "phone equal" in page.text
        links = accept_links(page.text)
        assert len(links) == 4  # D008/D009 too: nobody objected here
        missing_csrf = agent.post(links[0])
        assert missing_csrf.status_code == 403
        done = agent.post(links[0], data={"csrf_token": csrf_of(page.text)})
        assert done.status_code == 303 and done.headers["location"].startswith("/identities/review")
        after = agent.get(done.headers["location"])
        assert "Linked." in after.text and len(accept_links(after.text)) == 3
        again = agent.post(links[0], data={"csrf_token": csrf_of(after.text)})
        assert again.status_code == 409  # already decided
        left = re.search(r'<h2><a href="(/identities/[^"]+)"', page.text)
        assert left is not None
        unlinked = agent.post(left.group(1) + "/unlink", data={"csrf_token": csrf_of(after.text)})
        assert unlinked.status_code == 303 and unlinked.headers["location"] == left.group(1)
        twice = agent.post(left.group(1) + "/unlink", data={"csrf_token": csrf_of(after.text)})
        assert twice.status_code == 409


def test_a_broken_cursor_is_a_400(server: Server) -> None:
    with server.client("admin") as admin:
        assert admin.get("/identities/review?after=nonsense").status_code == 400
        assert admin.get("/identities/review?after=0.5_3").status_code == 200
