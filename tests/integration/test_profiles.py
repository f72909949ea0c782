"""Profile basics computed on read, on SQLite and PostgreSQL, over data seeded through the real pipeline.

Seed: customers, orders and store visits (CSV), a Reddit thread (a post, a reply to it by someone else,
and the author's answer), one X retweet and one Mastodon toot. Enrichment does not run here, so the
toot's intent is set directly, as the enrichment stage will set it; a person link is made directly too
(nothing in the pipeline links identities yet).
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from kith.db import session_scope
from kith.identities.models import Identity, Person
from kith.interactions.models import Interaction
from kith.pipeline.ingest import ingest_bytes
from kith.pipeline.runner import run_pending
from kith.profiles.metrics import REPLY_TO_OTHERS, SUGGESTION, RfmScore
from kith.profiles.service import profile_for
from tests.conftest import FIXTURES, PAYLOADS

SEED = [
    ("csv", FIXTURES / "csv" / "customers.csv"),
    ("csv", FIXTURES / "csv" / "orders.csv"),
    ("csv", FIXTURES / "csv" / "store_visits.csv"),
    ("reddit", PAYLOADS / "reddit" / "submission-comments.json"),
    ("x", PAYLOADS / "x" / "v2_page_with_expansions_mentions_includes.json"),
    ("mastodon", PAYLOADS / "mastodon" / "status.json"),
]
AS_OF = datetime(2024, 6, 1, tzinfo=UTC)


@pytest.fixture
def seeded(engine: Engine) -> Engine:
    for channel, path in SEED:
        ingest_bytes(engine, channel, path.read_bytes(), path.name)
    report = run_pending(engine)
    assert report.quarantined == 0
    return engine


def identity_id(session: Session, external_id: str) -> int:
    found = session.scalar(select(Identity.id).where(Identity.external_id == external_id))
    assert found is not None, external_id
    return found


def test_tiers_and_stages(seeded: Engine) -> None:
    with session_scope(seeded) as session:
        toot = session.scalar(select(Interaction).join(Identity).where(Identity.handle == "mastodonpy_test"))
        assert toot is not None
        session.execute(update(Interaction).where(Interaction.id == toot.id).values(intent=SUGGESTION))
    with session_scope(seeded) as session:
        bboe = profile_for(session, identity_id(session, "u/bboe"), AS_OF)
        assert bboe.original_posts == 2  # the submission and the answer
        assert bboe.thresholds.creator_min == 2 and bboe.thresholds.contributor_min == 2
        assert bboe.tier == "creator"
        assert bboe.stage == "collaboration"  # answered paneer_burrito's comment
        assert dict(bboe.stage_evidence) == {"post": 1, "comment": 1, REPLY_TO_OTHERS: 1}
        assert bboe.channels == (("Reddit", 2),)

        replier = profile_for(session, identity_id(session, "u/paneer_burrito"), AS_OF)
        assert (replier.original_posts, replier.tier, replier.stage) == (1, "lurker", "collaboration")

        sharer = profile_for(
            session, session.scalar(select(Identity.id).where(Identity.handle == "BaldManGamer")) or -1
        )
        assert (sharer.original_posts, sharer.tier, sharer.stage) == (0, "lurker", "curation")
        assert dict(sharer.stage_evidence) == {"share": 1}

        tooter = profile_for(session, toot.identity_id or -1, AS_OF)
        assert (tooter.tier, tooter.stage) == ("lurker", "collaboration")
        assert dict(tooter.stage_evidence) == {"post": 1, SUGGESTION: 1}
        assert tooter.rfm is None

        quiet = profile_for(session, identity_id(session, "customer:C1003"), AS_OF)
        assert (quiet.original_posts, quiet.tier, quiet.stage, quiet.rfm) == (0, "lurker", "consumption", None)
        population = len(session.scalars(select(Identity.id)).all())
        assert quiet.thresholds.population == population


def test_rfm_among_customers_with_orders(seeded: Engine) -> None:
    with session_scope(seeded) as session:
        anna = profile_for(session, identity_id(session, "customer:C1001"), AS_OF)
        assert anna.rfm is not None and anna.rfm.customers == 3  # C1001, C1002 and the guest by e-mail
        assert anna.rfm.values.recency_days == 29  # last order 2024-05-02 08:15 UTC
        assert (anna.rfm.values.frequency, anna.rfm.values.monetary) == (1, Decimal("358.00"))
        assert anna.rfm.score == RfmScore(recency=1, frequency=1, monetary=4)

        li = profile_for(session, identity_id(session, "customer:C1002"), AS_OF)
        assert li.rfm is not None and li.rfm.values.monetary == Decimal("43.50")
        assert li.rfm.score == RfmScore(recency=2, frequency=1, monetary=2)

        guest = profile_for(session, identity_id(session, "guest.buyer@example.org"), AS_OF)
        assert guest.rfm is not None and guest.rfm.score.monetary == 1
        assert anna.stage == "consumption" and dict(anna.stage_evidence) == {"store_visit": 1}


def test_channels_span_the_person_when_linked(seeded: Engine) -> None:
    with session_scope(seeded) as session:
        anna_id = identity_id(session, "customer:C1001")
        before = profile_for(session, anna_id, AS_OF)
        assert not before.across_person and [count for _, count in before.channels] == [1]
        person = Person(display_name="Anna Müller")
        session.add(person)
        session.flush()
        tooter = session.scalar(select(Identity.id).where(Identity.handle == "mastodonpy_test"))
        session.execute(update(Identity).where(Identity.id.in_([anna_id, tooter])).values(person_id=person.id))
    with session_scope(seeded) as session:
        after = profile_for(session, anna_id, AS_OF)
        assert after.across_person
        assert "Mastodon" in dict(after.channels) and sum(dict(after.channels).values()) == 2
        assert after.stage == "consumption"  # the stage stays the identity's own


def test_unknown_identity_is_an_error(engine: Engine) -> None:
    with session_scope(engine) as session, pytest.raises(LookupError):
        profile_for(session, 999_999)
