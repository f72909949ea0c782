"""The inbox on a running ``kith serve``: who may open and act on what, CSRF, a reply queued once, notes with
@mentions reaching a colleague's notifications, resolving, saved answers prefilling a reply."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from kith.auth.models import User
from kith.db import make_engine, session_scope
from kith.inbox.models import ConversationEvent, OutboxMessage, SavedAnswer
from kith.interactions.models import Conversation
from tests.e2e.server import USERS, Server, create_users, csrf_of, running_server
from tests.integration.inbox_seed import World, seed


@pytest.fixture(scope="module")
def inbox_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, World]]:
    path: Path = tmp_path_factory.mktemp("inbox") / "inbox.db"
    url = f"sqlite:///{path}"
    create_users(url)
    engine = make_engine(url)
    world = seed(engine)
    engine.dispose()
    with running_server(path) as running:
        yield running, world


def token_of(html: str) -> str:
    match = re.search(r'name="reply_token" value="([^"]+)"', html)
    assert match, "no reply token on the page"
    return match.group(1)


def count(server: Server, model: type, **where: object) -> int:
    engine = make_engine(server.db_url)
    try:
        with session_scope(engine) as session:
            stmt = select(func.count()).select_from(model).filter_by(**where)
            return int(session.scalar(stmt) or 0)
    finally:
        engine.dispose()


def conversation_id(server: Server, public_id: str) -> int:
    engine = make_engine(server.db_url)
    try:
        with session_scope(engine) as session:
            return int(session.scalar(select(Conversation.id).where(Conversation.public_id == public_id)) or 0)
    finally:
        engine.dispose()


def test_each_role_lands_in_its_natural_inbox(inbox_server: tuple[Server, World]) -> None:
    server, world = inbox_server
    for who, target in (("service", "/inbox/departments/service"), ("agent", "/inbox/all"), ("analyst", "/inbox/all")):
        with server.client(who) as client:
            assert client.get("/inbox").headers["location"] == target  # the agent has nothing assigned yet
    engine = make_engine(server.db_url)
    try:
        with session_scope(engine) as session:
            agent = session.scalar(select(User.id).where(User.email == USERS["agent"][0]))
            conversation = session.scalar(select(Conversation).where(Conversation.public_id == world.x_conversation))
            assert agent is not None and conversation is not None
            before = conversation.assignee_id
            conversation.assignee_id = agent
        with server.client("agent") as client:
            assert client.get("/inbox").headers["location"] == "/inbox/mine"  # open work of theirs: "Mine"
        with session_scope(engine) as session:
            session.execute(
                update(Conversation).where(Conversation.public_id == world.x_conversation).values(assignee_id=before)
            )
    finally:
        engine.dispose()
    with server.client("service") as client:
        queue = client.get("/inbox/departments/service")
        assert queue.status_code == 200 and "/static/inbox.css" in queue.text
        assert f"/inbox/c/{world.x_conversation}" in queue.text and world.sales_conversation not in queue.text
        assert "My Aurora lamp flickers" not in queue.text or "Version 2.1" in queue.text  # snippet: the latest
        assert client.get("/inbox/departments/sales").status_code == 403
        assert client.get("/inbox/departments/service", params={"status": "bogus"}).status_code == 400
    with server.client() as client:
        assert client.get("/inbox/mine").status_code == 303  # signed out: to the sign-in page


def test_a_department_member_cannot_open_or_act_on_another_departments_conversation(
    inbox_server: tuple[Server, World],
) -> None:
    server, world = inbox_server
    with server.client("service") as client:
        own = client.get(f"/inbox/c/{world.x_conversation}")
        assert own.status_code == 200 and "Send reply" in own.text
        csrf = csrf_of(own.text)
        assert client.get(f"/inbox/c/{world.sales_conversation}").status_code == 404
        assert client.get("/inbox/c/doesnotexist").status_code == 404
        for action, data in (("reply", {"body": "hi", "reply_token": "abcdefgh12"}), ("note", {"note": "x"})):
            refused = client.post(f"/inbox/c/{world.sales_conversation}/{action}", data={"csrf_token": csrf, **data})
            assert refused.status_code == 404
        no_csrf = client.post(f"/inbox/c/{world.x_conversation}/note", data={"note": "no token"})
        assert no_csrf.status_code == 403
    with server.client("readonly") as client:
        page = client.get(f"/inbox/c/{world.x_conversation}")
        assert page.status_code == 200 and "Send reply" not in page.text and "Resolve</button>" not in page.text
        data = {"csrf_token": csrf_of(page.text), "body": "hello", "reply_token": "abcdefgh12"}
        assert client.post(f"/inbox/c/{world.x_conversation}/reply", data=data).status_code == 403
    with server.client("analyst") as client:
        page = client.get(f"/inbox/c/{world.sales_conversation}")
        assert page.status_code == 200
        data = {"csrf_token": csrf_of(page.text), "status": "resolved", "outcome": "sale"}
        assert client.post(f"/inbox/c/{world.sales_conversation}/status", data=data).status_code == 403
    assert count(server, OutboxMessage) == 0
    assert count(server, ConversationEvent) == 0


def test_reply_note_mention_and_resolve(inbox_server: tuple[Server, World]) -> None:
    server, world = inbox_server
    path = f"/inbox/c/{world.mail_conversation}"
    with server.client("service") as client:
        page = client.get(path)
        assert "Mia" in page.text and "Next best offer" in page.text and "Aurora bulb" in page.text
        assert "in 3 of 5 orders" in page.text  # the offer says why
        assert "My Aurora lamp flickers" in page.text  # her X conversation, in the cross-channel history
        form = {"csrf_token": csrf_of(page.text), "reply_token": token_of(page.text), "body": "We sent the invoice."}
        first = client.post(f"{path}/reply", data=form)
        second = client.post(f"{path}/reply", data=form)  # a double submit
        assert first.status_code == second.status_code == 303
        assert second.headers["location"].endswith("done=duplicate")
        assert count(server, OutboxMessage, conversation_id=conversation_id(server, world.mail_conversation)) == 1
        after = client.get(path)
        assert "pending" in after.text and "We sent the invoice." in after.text  # the timeline shows the reply

        csrf = csrf_of(after.text)
        unknown = client.post(f"{path}/note", data={"csrf_token": csrf, "note": "@nobody look"})
        assert unknown.status_code == 400 and "@nobody matches nobody" in unknown.text
        assert "@nobody look" in unknown.text  # what was typed is kept
        assert (
            client.post(f"{path}/note", data={"csrf_token": csrf, "note": "@agent can you check?"}).status_code == 303
        )

        resolved = client.post(
            f"{path}/status", data={"csrf_token": csrf, "status": "resolved", "outcome": "no_action"}
        )
        assert resolved.status_code == 303
        assert "no_action" in client.get(path).text
    with server.client("agent") as client:
        home = client.get("/inbox/notifications")
        assert "1 new" in home.text and "Service mentioned you: @agent can you check?" in home.text
        read = client.post("/inbox/notifications/read", data={"csrf_token": csrf_of(home.text)})
        assert read.status_code == 303 and "1 new" not in client.get("/inbox/notifications").text


def test_saved_answers_prefill_a_reply_and_count_their_use(inbox_server: tuple[Server, World]) -> None:
    server, world = inbox_server
    with server.client("service") as client:
        page = client.get("/inbox/answers/new")
        csrf = csrf_of(page.text)
        foreign = {"csrf_token": csrf, "title": "Tents", "body": "Ships in 3 days", "department": "sales"}
        assert client.post("/inbox/answers", data=foreign).status_code == 400
        made = {
            "csrf_token": csrf,
            "title": "Flicker fix",
            "body": "Please update the lamp firmware to 2.2.",
            "lang": "en",
        }
        assert client.post("/inbox/answers", data=made).status_code == 303
        listing = client.get("/inbox/answers", params={"q": "flicker"})
        public_id = re.findall(r"/inbox/answers/([0-9a-f]{32})/edit", listing.text)[0]
        conversation = client.get(f"/inbox/c/{world.x_conversation}")
        assert f"?answer={public_id}" in conversation.text  # suggested: similar to the customer's words
        prefilled = client.get(f"/inbox/c/{world.x_conversation}", params={"answer": public_id})
        assert "Please update the lamp firmware to 2.2.</textarea>" in prefilled.text
        form = {
            "csrf_token": csrf_of(prefilled.text),
            "reply_token": token_of(prefilled.text),
            "answer": public_id,
            "body": "Please update the lamp firmware to 2.2. Thanks, Ben",
        }
        assert client.post(f"/inbox/c/{world.x_conversation}/reply", data=form).status_code == 303
    assert count(server, SavedAnswer, uses=1) == 1
    with server.client("readonly") as client:
        assert client.get("/inbox/answers").status_code == 200
        page = client.get("/inbox/answers")
        assert (
            client.post(
                "/inbox/answers", data={"csrf_token": csrf_of(page.text), "title": "t", "body": "b"}
            ).status_code
            == 403
        )
