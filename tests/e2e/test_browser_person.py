"""Identity page → Person page → Unlink, in a real headless Chromium at phone and desktop sizes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from kith.db import make_engine, session_scope
from kith.identities.matching import do_match_customers, link_identities
from kith.identities.models import Identity
from kith.pipeline.ingest import ingest_bytes
from kith.pipeline.runner import run_pending
from tests.e2e.browser.runner import ARTIFACTS, run_script
from tests.e2e.server import PASSWORD, USERS, Server, create_users, running_server
from tests.integration.test_matching import CUSTOMERS, EMAIL


@pytest.fixture(scope="module")
def linked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, str, str]]:
    """Two persons: Maria (same e-mail, linked by rule) and Anna (linked by an agent)."""
    path = tmp_path_factory.mktemp("person-browser") / "person.db"
    create_users(f"sqlite:///{path}")
    engine = make_engine(f"sqlite:///{path}")
    ingest_bytes(engine, "csv", CUSTOMERS, "customers.csv")
    ingest_bytes(engine, "email", EMAIL, "message.eml")
    run_pending(engine)
    with session_scope(engine) as session:
        do_match_customers(session)
        anna, ana = (
            session.scalar(select(Identity).where(Identity.external_id == f"customer:{key}"))
            for key in ("D001", "D002")
        )
        mail = session.scalar(select(Identity).where(Identity.external_id == "maria.rossi@example.it"))
        assert anna and ana and mail and mail.person_id
        link_identities(session, [anna, ana], "agent", "same phone, similar name", "agent@test.example")
        ids = (mail.public_id, anna.public_id)
    engine.dispose()
    with running_server(path) as server:
        yield server, *ids


def test_agent_goes_from_identity_to_person_and_unlinks(linked: tuple[Server, str, str]) -> None:
    server, maria, anna = linked
    results = run_script("person.mjs", server.base, str(ARTIFACTS), USERS["agent"][0], PASSWORD, maria, anna)
    assert set(results) == {"phone", "desktop"}
    for r in results.values():
        assert (r["before"], r["after"]) == (2, 1)
        assert r["notice"] == "Unlinked."
        assert "1 identity once linked" in r["former"]
        assert not any(r["overflows"].values()), f"a page scrolls sideways: {r['overflows']}"
        assert r["errors"] == []
    assert "same customer-given e-mail" in results["phone"]["evidence"]
    assert "same phone, similar name" in results["desktop"]["evidence"]
    for name in ("phone", "desktop"):
        assert (ARTIFACTS / f"person-{name}.png").stat().st_size > 1000
