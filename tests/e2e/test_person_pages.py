"""The Person page on a running server: identities with evidence, suggestions, timeline, unlink, access."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import select, update

from kith.db import make_engine, session_scope
from kith.identities.matching import do_match_customers
from kith.identities.models import Identity, MatchSuggestion, Person
from kith.interactions.models import Conversation
from kith.pipeline.ingest import ingest_bytes
from kith.pipeline.runner import run_pending
from tests.e2e.server import Server, create_users, csrf_of, running_server
from tests.integration.test_matching import CUSTOMERS, EMAIL


@dataclass(frozen=True)
class Site:
    server: Server
    person: str
    email_identity: str
    customer_identity: str


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    path = tmp_path_factory.mktemp("person") / "person.db"
    create_users(f"sqlite:///{path}")
    engine = make_engine(f"sqlite:///{path}")
    ingest_bytes(engine, "csv", CUSTOMERS, "customers.csv")
    ingest_bytes(engine, "email", EMAIL, "message.eml")
    run_pending(engine)
    with session_scope(engine) as session:
        assert do_match_customers(session).auto_linked == 2  # Maria Rossi: same e-mail in the CSV and her mail
        session.execute(update(Conversation).values(department="service"))
        maria = session.scalar(select(Identity).where(Identity.external_id == "customer:D005"))
        mail = session.scalar(select(Identity).where(Identity.external_id == "maria.rossi@example.it"))
        pierre = session.scalar(select(Identity).where(Identity.external_id == "customer:D006"))
        assert maria and mail and pierre and maria.person_id == mail.person_id is not None
        person = session.get(Person, maria.person_id)
        assert person is not None
        session.add(
            MatchSuggestion(
                left_identity_id=min(maria.id, pierre.id),
                right_identity_id=max(maria.id, pierre.id),
                probability=0.61,
                agreeing={"location": "equal"},
                method="social",
            )
        )
        found = (person.public_id, mail.public_id, maria.public_id)
    engine.dispose()
    with running_server(path) as running:
        yield Site(running, *found)


def test_the_person_page_shows_identities_evidence_suggestions_and_timeline(site: Site) -> None:
    with site.server.client("readonly") as reader:
        page = reader.get(f"/people/{site.person}")
        assert page.status_code == 200
        html = page.text
        assert "Maria Rossi" in html and "Identities" in html
        assert "same email" in html and "same customer-given e-mail maria.rossi@example.it" in html
        assert (
            f'href="/identities/{site.email_identity}"' in html
            and f'href="/identities/{site.customer_identity}"' in html
        )
        assert "Suggested links" in html and "61.0%" in html and "Pierre Dubois" in html
        assert "my order has not arrived yet" in html  # the timeline: her e-mail
        assert "/unlink/" not in html and "/accept" not in html  # a read-only user cannot change links


def test_links_lead_to_the_person_page(site: Site) -> None:
    with site.server.client("agent") as agent:
        identity = agent.get(f"/identities/{site.email_identity}")
        assert f'href="/people/{site.person}"' in identity.text
        hop = agent.get(f"/identities/{site.email_identity}/person")
        assert hop.status_code == 303 and hop.headers["location"] == f"/people/{site.person}"


@pytest.mark.parametrize(("who", "status"), [("service", 200), ("sales", 404), ("analyst", 200), (None, 303)])
def test_department_members_see_a_person_only_through_their_department(
    site: Site, who: str | None, status: int
) -> None:
    with site.server.client(who) as client:
        assert client.get(f"/people/{site.person}").status_code == status
        assert client.get("/people/" + "0" * 32).status_code == (303 if who is None else 404)
        hop = client.get(f"/identities/{site.email_identity}/person")
        assert hop.status_code == (303 if status != 404 else 404)


def test_only_reviewers_unlink_and_the_page_shows_it_undone(site: Site) -> None:
    with site.server.client("analyst") as analyst:
        page = analyst.get("/account")
        refused = analyst.post(
            f"/people/{site.person}/unlink/{site.customer_identity}", data={"csrf_token": csrf_of(page.text)}
        )
        assert refused.status_code == 403
    with site.server.client("agent") as agent:
        page = agent.get(f"/people/{site.person}")
        forms = re.findall(r'action="(/people/[^"]+/unlink/[^"]+)"', page.text)
        assert len(forms) == 2
        action = f"/people/{site.person}/unlink/{site.customer_identity}"
        assert action in forms
        assert agent.post(action).status_code == 403  # no CSRF token
        done = agent.post(action, data={"csrf_token": csrf_of(page.text)})
        assert done.status_code == 303 and done.headers["location"] == f"/people/{site.person}?done=unlinked"
        after = agent.get(done.headers["location"])
        assert "Unlinked." in after.text and len(re.findall(r"/unlink/", after.text)) == 1
        assert "once linked, since unlinked or moved" in after.text
        again = agent.post(action, data={"csrf_token": csrf_of(after.text)})
        assert again.status_code == 404  # no longer this person's identity
