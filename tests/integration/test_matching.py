"""Match suggestions from the customer list: suggested, reviewed, linked and undone — never merged alone."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from kith.db import session_scope
from kith.identities.matching import MatchError, do_accept, do_match_customers, do_reject, do_unlink, link_identities
from kith.identities.models import Identity, LinkEvidence, MatchSuggestion
from kith.pipeline.ingest import ingest_bytes
from kith.pipeline.runner import run_pending

FIRST = [
    "Anna",
    "Ben",
    "Carla",
    "David",
    "Emma",
    "Felix",
    "Greta",
    "Hugo",
    "Ida",
    "Jonas",
    "Karla",
    "Lukas",
    "Mia",
    "Noah",
    "Olivia",
    "Paul",
    "Rosa",
    "Sven",
    "Tina",
    "Uwe",
]
LAST = [
    "Schmidt",
    "Fischer",
    "Weber",
    "Wagner",
    "Becker",
    "Hoffmann",
    "Koch",
    "Richter",
    "Klein",
    "Wolf",
    "Neumann",
    "Schwarz",
    "Braun",
    "Zimmermann",
]
CITIES = [
    "Hamburg",
    "München",
    "Köln",
    "Frankfurt",
    "Stuttgart",
    "Leipzig",
    "Dresden",
    "Bremen",
    "Hannover",
    "Nürnberg",
]


def customers_csv() -> bytes:
    """80 distinct customers, then near-duplicates (typos, same phone) and one objected-looking twin."""
    rng = random.Random(7)
    rows = ["customer_id,name,email,phone,city,country"]
    used: set[str] = set()
    n = 0
    while n < 80:
        first, last = rng.choice(FIRST), rng.choice(LAST)
        if f"{first} {last}" in used:
            continue
        used.add(f"{first} {last}")
        phone = f"+49 {rng.randint(30, 89)} {rng.randint(1000000, 9999999)}"
        email = f"{first}.{last}{n}@example.com".lower()
        rows.append(f"C{n:03d},{first} {last},{email},{phone},{rng.choice(CITIES)},DE")
        n += 1
    rows += [
        "D001,Anna Müller,anna.mueller@example.com,+49 30 1234567,Berlin,DE",
        "D002,Ana Muller,,+49 30 1234567,Berlin,DE",
        "D003,Jonathan Smith,jon.smith@example.org,+44 20 7946 0000,London,GB",
        "D004,Jonathon Smith,,+44 20 7946 0000,London,GB",
        "D005,Maria Rossi,maria.rossi@example.it,+39 06 555 0101,Roma,IT",
        "D006,Pierre Dubois,pierre.dubois@example.fr,+33 1 555 0102,Paris,FR",
        "D007,Piere Dubois,pierre.dubois@example.fr,+33 1 555 0102,Paris,FR",
        "D008,Tom Objector,tom.objector@example.net,+49 89 5550199,München,DE",
        "D009,Tom Objektor,tom.objector@example.net,+49 89 5550199,München,DE",
    ]
    return ("\n".join(rows) + "\n").encode()


EMAIL = b"""From: Maria Rossi <Maria.Rossi@example.it>
To: support@shop.example
Subject: Where is my order?
Date: Tue, 04 Aug 2026 10:00:00 +0000
Message-ID: <m1@example.it>

Hello, my order has not arrived yet.
"""
CUSTOMERS = customers_csv()


def by_external(session: Session, external_id: str) -> Identity:
    found = session.scalar(select(Identity).where(Identity.external_id == external_id))
    assert found is not None, external_id
    return found


def suggestion_for(session: Session, a: str, b: str) -> MatchSuggestion | None:
    ids = sorted((by_external(session, a).id, by_external(session, b).id))
    return session.scalar(
        select(MatchSuggestion).where(
            MatchSuggestion.left_identity_id == ids[0], MatchSuggestion.right_identity_id == ids[1]
        )
    )


def active_evidence(session: Session, identity: Identity) -> list[LinkEvidence]:
    stmt = select(LinkEvidence).where(LinkEvidence.identity_id == identity.id, LinkEvidence.revoked_at.is_(None))
    return list(session.scalars(stmt))


@pytest.fixture
def seeded(engine: Engine) -> Engine:
    ingest_bytes(engine, "csv", CUSTOMERS, "customers.csv")
    ingest_bytes(engine, "email", EMAIL, "message.eml")
    run_pending(engine)
    with session_scope(engine) as session:
        session.execute(
            update(Identity).where(Identity.external_id == "customer:D009").values(consent_state="objected")
        )
    return engine


def test_suggests_near_duplicates_links_same_given_email_and_never_repeats(seeded: Engine) -> None:
    with session_scope(seeded) as session:
        run = do_match_customers(session)
    assert run.suggested == 3 and run.auto_linked == 2
    with session_scope(seeded) as session:
        for a, b in [("D001", "D002"), ("D003", "D004"), ("D006", "D007")]:
            suggestion = suggestion_for(session, f"customer:{a}", f"customer:{b}")
            assert suggestion is not None and suggestion.status == "open" and suggestion.method == "splink"
            assert suggestion.probability >= 0.9
            assert suggestion.agreeing["phone"] == "equal" and suggestion.agreeing["name"] == "similar"
            assert by_external(session, f"customer:{a}").person_id is None  # suggested, never merged
        # the same e-mail given on the customer list and in a message: linked, with evidence
        customer, sender = by_external(session, "customer:D005"), by_external(session, "maria.rossi@example.it")
        assert customer.person_id is not None and customer.person_id == sender.person_id
        assert [e.kind for e in active_evidence(session, customer)] == ["same_email"]
        # the objected customer is neither suggested nor linked
        objected = by_external(session, "customer:D009")
        assert suggestion_for(session, "customer:D008", "customer:D009") is None
        assert objected.person_id is None and not active_evidence(session, objected)
    with session_scope(seeded) as session:
        again = do_match_customers(session)
    assert again.suggested == 0 and again.auto_linked == 0
    with session_scope(seeded) as session:
        assert session.scalar(select(func.count()).select_from(MatchSuggestion)) == 3


def test_reject_is_remembered_accept_links_and_unlink_revokes(seeded: Engine) -> None:
    with session_scope(seeded) as session:
        do_match_customers(session)
    with session_scope(seeded) as session:
        rejected = suggestion_for(session, "customer:D003", "customer:D004")
        accepted = suggestion_for(session, "customer:D001", "customer:D002")
        assert rejected is not None and accepted is not None
        do_reject(session, rejected.public_id, "agent@test.example")
        person = do_accept(session, accepted.public_id, "agent@test.example")
        with pytest.raises(MatchError):
            do_accept(session, rejected.public_id, "agent@test.example")
    with session_scope(seeded) as session:
        do_match_customers(session)
        rejected = suggestion_for(session, "customer:D003", "customer:D004")
        assert rejected is not None and rejected.status == "rejected" and rejected.decided_by == "agent@test.example"
        anna, ana = by_external(session, "customer:D001"), by_external(session, "customer:D002")
        assert anna.person_id == ana.person_id == person.id
        evidence = active_evidence(session, ana)
        assert [e.kind for e in evidence] == ["agent"] and evidence[0].decided_by == "agent@test.example"
        assert "probability" in (evidence[0].detail or "") and "phone" in (evidence[0].detail or "")
        do_unlink(session, ana.public_id, "admin@test.example")
    with session_scope(seeded) as session:
        anna, ana = by_external(session, "customer:D001"), by_external(session, "customer:D002")
        assert ana.person_id is None and not active_evidence(session, ana)
        assert anna.person_id == person.id  # the person stays with its other identity
        revoked = session.scalars(select(LinkEvidence).where(LinkEvidence.identity_id == ana.id)).all()
        assert revoked and all(e.revoked_at is not None for e in revoked)
        # an undone link is not re-made by the next run
        do_match_customers(session)
        assert by_external(session, "customer:D002").person_id is None


def test_accepting_across_two_persons_merges_the_smaller_into_the_larger(seeded: Engine) -> None:
    with session_scope(seeded) as session:
        do_match_customers(session)
        first = suggestion_for(session, "customer:D001", "customer:D002")
        second = suggestion_for(session, "customer:D006", "customer:D007")
        assert first is not None and second is not None
        big = do_accept(session, first.public_id, "agent@test.example")
        do_accept(session, second.public_id, "agent@test.example")
        d5 = by_external(session, "customer:D005")  # in a person of two (same e-mail)
        d6 = by_external(session, "customer:D006")
        merged = link_identities(session, [d5, d6], "agent", "test", "agent@test.example")
        assert merged.id in (big.id, d5.person_id)
        members = session.scalars(select(Identity).where(Identity.person_id == merged.id)).all()
        assert len(members) == 4
        for member in members:
            assert len(active_evidence(session, member)) == 1
