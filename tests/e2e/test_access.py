"""Every route, walked with every role: the server enforces who may read and change what.

The routes come from the running application itself, so a new route without a rule here fails the test
until someone decides who may use it. Reads must answer exactly as the policy says; writes (sent with a
valid CSRF token and an empty body) must be refused with 403 for the roles without the right, and must
get past authorisation (anything but 401/403/500) for those with it. No response may be a 500.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from fastapi.routing import APIRoute
from sqlalchemy import select, update

from kith.auth.models import Department, User
from kith.channels.models import Channel
from kith.db import make_engine, session_scope
from kith.identities.models import Identity
from kith.interactions.models import Conversation, Interaction
from kith.pipeline.ingest import ingest_bytes
from kith.pipeline.runner import run_pending
from kith.web.app import create_app
from tests.conftest import PAYLOADS
from tests.e2e.server import USERS, Server, create_users, csrf_of, running_server

ROLES = ["anonymous", "admin", "agent", "analyst", "service", "sales", "readonly"]
STAFF = {"admin", "agent", "analyst", "readonly"}  # see every department
SIGNED_IN = set(ROLES) - {"anonymous"}
SEGMENT_EDITORS = {"admin", "agent", "analyst"}


@dataclass(frozen=True)
class Ids:
    service_conversation: str
    sales_conversation: str
    service_interaction: str
    service_identity: str
    user: str
    department: str
    channel: str


def walk(routes: list[object], prefix: str = "") -> Iterator[tuple[str, str]]:
    for route in routes:
        if isinstance(route, APIRoute):
            for method in sorted(route.methods):
                yield method, prefix + route.path
        elif hasattr(route, "original_router"):
            context = getattr(route, "include_context", None)
            yield from walk(route.original_router.routes, prefix + (getattr(context, "prefix", "") or ""))


ROUTES = sorted(set(walk(create_app(make_engine("sqlite://")).routes)))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Ids]]:
    path = tmp_path_factory.mktemp("access") / "access.db"
    url = f"sqlite:///{path}"
    create_users(url)
    engine = make_engine(url)
    for channel, name in (
        ("reddit", "submission-comments.json"),
        ("youtube", "commentThreads_list_by_video_page1.json"),
    ):
        body = json.loads((PAYLOADS / channel / name).read_bytes())["body"]
        ingest_bytes(engine, channel, json.dumps(body).encode(), name)
    run_pending(engine)
    with session_scope(engine) as session:  # what routing will do: reddit → service, youtube → sales
        for channel, department in (("reddit", "service"), ("youtube", "sales")):
            channel_id = select(Channel.id).where(Channel.name == channel).scalar_subquery()
            session.execute(
                update(Conversation).where(Conversation.channel_id == channel_id).values(department=department)
            )

        def conversation_of(department: str) -> Conversation:
            found = session.scalars(select(Conversation).where(Conversation.department == department)).first()
            assert found is not None
            return found

        service, sales = conversation_of("service"), conversation_of("sales")
        interaction = session.scalars(select(Interaction).where(Interaction.conversation_id == service.id)).first()
        assert interaction is not None and interaction.identity_id is not None
        identity = session.get(Identity, interaction.identity_id)
        reader = session.scalar(select(User).where(User.email == USERS["readonly"][0]))
        department = session.scalar(select(Department).where(Department.slug == "service"))
        channel = session.scalar(select(Channel).where(Channel.name == "reddit"))
        assert identity and reader and department and channel
        ids = Ids(
            service.public_id,
            sales.public_id,
            interaction.public_id,
            identity.public_id,
            reader.public_id,
            department.public_id,
            channel.public_id,
        )
    engine.dispose()
    with running_server(path) as server:
        yield server, ids


def concrete(path: str, ids: Ids) -> str:
    """The route template with real ids (the service department's items, unless a route needs others)."""
    values = {
        "/conversations/{public_id}": ids.service_conversation,
        "/api/v1/conversations/{public_id}": ids.service_conversation,
        "/identities/{public_id}": ids.service_identity,
        "/api/v1/identities/{public_id}": ids.service_identity,
        "/api/v1/interactions/{public_id}": ids.service_interaction,
        "/admin/users/{public_id}": ids.user,
        "/admin/users/{public_id}/password": ids.user,
        "/admin/departments/{public_id}": ids.department,
        "/admin/channels/{public_id}": ids.channel,
        "/admin/channels/{public_id}/enabled": ids.channel,
        "/api/v1/channels/{public_id}": ids.channel,
        "/account/tokens/{public_id}/revoke": "0" * 32,
        "/api/v1/me/tokens/{public_id}": "0" * 32,
        "/alerts/{public_id}": "0" * 32,  # no alert in this data: the walk checks the gate, then a 404
        "/alerts/{public_id}/ack": "0" * 32,
    }
    if path in values:
        return path.replace("{public_id}", values[path])
    if path.startswith("/inbox/c/{public_id}"):  # the inbox view of a service conversation and its actions
        return path.replace("{public_id}", ids.service_conversation)
    if path.startswith("/inbox/answers/{public_id}"):  # no saved answer in this data: the gate, then a 404
        return path.replace("{public_id}", "0" * 32)
    if path.startswith(("/admin/routing/rules/{public_id}", "/ideas/{public_id}")):  # none here: gate, then 404
        return path.replace("{public_id}", "0" * 32)
    if path.startswith("/people/"):  # no person in this data: the gate, then a 404 (tests/e2e/test_person_pages.py)
        return path.replace("{public_id}", "0" * 32).replace("{identity_public_id}", ids.service_identity)
    if path == "/identities/{public_id}/person":  # an identity linked to nobody: 404 for whoever may ask
        return path.replace("{public_id}", ids.service_identity)
    if "{" in path:
        return path.replace("{slug}", "service").replace("{channel}", "reddit")
    return path


def expected_read(role: str, path: str) -> int:
    """The status a GET must answer."""
    if path in ("/login", "/healthz"):
        return 200
    if path.startswith("/webhooks/"):
        return 403  # signature-authenticated, not by session: a handshake without the verify token, for everyone
    if role == "anonymous":
        return 401 if path.startswith("/api/") and path != "/api/docs" else 303
    if path == "/admin/router":
        return 200 if role in ("admin", "analyst") else 403  # analysts report on the learned router's figures
    if path == "/admin/routing":  # the rules (their preview quotes every department's conversations)
        return 200 if role in ("admin", "agent", "analyst") else 403
    if path.startswith("/admin/routing/rules/") and not path.endswith("/new"):
        return 404 if role == "admin" else 403  # no such rule: the gate, then a 404
    if path.startswith("/admin") or path == "/api/v1/users":
        return 200 if role == "admin" else 403
    if path.startswith("/inbox"):
        return expected_inbox_read(role, path)
    if SERVICE_ITEM.match(path):
        return 404 if role == "sales" else 200
    if path.startswith("/departments/"):
        return 403 if role == "sales" else 200
    if path == "/alerts/" + "0" * 32:
        return 404
    if path == "/identities/review":
        return 200 if role in ("admin", "agent") else 403
    if path == "/digest":
        return 303  # to the viewer's department's digest (or the first department's)
    if path.startswith("/digest/"):
        return 403 if role == "sales" else 200  # a department member reads their own department's digest
    if path.startswith("/ideas/"):
        return 404  # no idea in this data: the gate, then a 404 (tests/e2e/test_ideas_pages.py has real ones)
    if path.startswith("/people/") or path.endswith("/person"):
        return 404  # no person here; who sees a real one: tests/e2e/test_person_pages.py
    if path == "/segments/new":
        return 200 if role in SEGMENT_EDITORS else 403
    if path.startswith("/segments/"):  # no segment "service" in this data: the gate, then a 404
        return 404 if role in SEGMENT_EDITORS or not path.endswith("/edit") else 403
    return 200


def expected_inbox_read(role: str, path: str) -> int:
    """The inbox's reads (docs/inbox.md): department members keep to their department; writers' forms."""
    if path == "/inbox" or (path == "/inbox/all" and role in ("service", "sales")):
        return 303  # to the viewer's natural inbox
    if path == "/inbox/departments/service":
        return 403 if role == "sales" else 200
    if path.startswith("/inbox/c/"):
        return 404 if role == "sales" else 200
    if path == "/inbox/answers/new" or path.endswith("/edit"):
        if role in ("analyst", "readonly"):
            return 403
        return 404 if path.endswith("/edit") else 200
    return 200


SERVICE_ITEM = re.compile(r"^/(api/v1/)?(conversations|identities|interactions)/[0-9a-f]{32}$")
ADMIN_WRITES = ("/admin", "/api/v1/channels", "/api/v1/users")


def write_allowed(role: str, method: str, path: str) -> bool | None:
    """Whether a write may pass authorisation (None: not a write this walk judges)."""
    if path in ("/login", "/logout"):
        return None
    if path.startswith("/webhooks/"):
        return None  # signature-authenticated: see test_webhooks_need_a_signature_whoever_is_signed_in
    if role == "anonymous":
        return False
    if path.startswith(ADMIN_WRITES):
        return role == "admin"
    if path.startswith("/api/v1/ingest/"):
        return role in ("admin", "agent")
    if path.startswith("/alerts/") and path.endswith("/ack"):
        return role in ("admin", "agent", "service", "sales")
    if path.startswith(("/inbox/c/", "/inbox/answers")):
        return role in ("admin", "agent", "service", "sales")  # acting: never analysts or read-only users
    if path.startswith("/identities/review/") or path.endswith("/unlink") or "/unlink/" in path:
        return role in ("admin", "agent")
    if path.startswith("/segments/"):
        return role in SEGMENT_EDITORS  # segments are changed by admins, agents and analysts
    if path.startswith("/ideas/"):
        return role == "admin"  # and product design's members (none among these roles): docs/ideas.md
    return True  # own account and own tokens


@pytest.fixture(scope="module")
def clients(site: tuple[Server, Ids]) -> Iterator[dict[str, tuple[httpx.Client, str]]]:
    server, _ = site
    made: dict[str, tuple[httpx.Client, str]] = {}
    for role in ROLES:
        client = httpx.Client(base_url=server.base, timeout=30)
        page = client.get("/login")
        if role != "anonymous":
            form = {
                "email": USERS[role if role not in ("anonymous",) else "agent"][0],
                "password": "correct horse battery staple",
                "csrf_token": csrf_of(page.text),
            }
            assert client.post("/login", data=form).status_code == 303
            page = client.get("/account")
        token = csrf_of(page.text)
        made[role] = (client, token)
    yield made
    for client, _ in made.values():
        client.close()


def test_the_walk_covers_every_route() -> None:
    assert len(ROUTES) >= 40
    assert ("GET", "/admin/users") in ROUTES and ("POST", "/api/v1/ingest/{channel}") in ROUTES


@pytest.mark.parametrize(("method", "path"), [r for r in ROUTES if r[0] == "GET"])
def test_reads_by_every_role(
    site: tuple[Server, Ids], clients: dict[str, tuple[httpx.Client, str]], method: str, path: str
) -> None:
    _, ids = site
    url = concrete(path, ids)
    for role in ROLES:
        client, _ = clients[role]
        response = client.get(url)
        want = expected_read(role, url)
        assert response.status_code == want, f"{role} GET {url}: {response.status_code}, expected {want}"
        if want == 303:  # signed out: to sign in; signed in: to the viewer's own inbox or digest
            home = "/login" if role == "anonymous" else "/" + url.split("/")[1]  # /inbox…, /digest…
            assert response.headers["location"].startswith(home), f"{role} GET {url}: {response.headers['location']}"


@pytest.mark.parametrize(("method", "path"), [r for r in ROUTES if r[0] != "GET"])
def test_writes_by_every_role(
    site: tuple[Server, Ids], clients: dict[str, tuple[httpx.Client, str]], method: str, path: str
) -> None:
    _, ids = site
    url = concrete(path, ids)
    for role in ROLES:
        allowed = write_allowed(role, method, path)
        if allowed is None:
            continue
        client, csrf = clients[role]
        response = client.request(method, url, headers={"X-CSRF-Token": csrf})
        code = response.status_code
        assert code != 500, f"{role} {method} {url}: server error"
        if allowed:
            assert code not in (401, 403), f"{role} {method} {url}: refused ({code}) but should be allowed"
        elif role == "anonymous":
            assert code in (303, 401), f"anonymous {method} {url}: {code}"
        else:
            assert code == 403, f"{role} {method} {url}: {code}, expected 403"


def test_the_sales_member_reads_their_own_conversation(
    site: tuple[Server, Ids], clients: dict[str, tuple[httpx.Client, str]]
) -> None:
    _, ids = site
    sales, _ = clients["sales"]
    service, _ = clients["service"]
    assert sales.get(f"/conversations/{ids.sales_conversation}").status_code == 200
    assert service.get(f"/conversations/{ids.sales_conversation}").status_code == 404
    assert sales.get("/departments/sales").status_code == 200


def test_webhooks_need_a_signature_whoever_is_signed_in(clients: dict[str, tuple[httpx.Client, str]]) -> None:
    for role in ROLES:
        client, csrf = clients[role]
        response = client.post("/webhooks/reddit", headers={"X-CSRF-Token": csrf})
        assert response.status_code == 401, f"{role} POST /webhooks/reddit: {response.status_code}, expected 401"
        assert "not signed" in response.json()["detail"]
