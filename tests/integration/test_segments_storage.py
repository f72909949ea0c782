"""Segments over data seeded through the real pipeline, on SQLite and PostgreSQL: members, the audience
populations and the stream filtered to a segment's authors."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, select

from kith.db import session_scope
from kith.identities.models import Identity
from kith.interactions.stream import StreamFilter, stream_page
from kith.pipeline.ingest import ingest_bytes
from kith.pipeline.runner import run_pending
from kith.profiles.audience import audience_report
from kith.profiles.refresh import refresh_profiles
from kith.profiles.segments import (
    SegmentError,
    create_segment,
    delete_segment,
    get_segment,
    members_of,
    segment_identity_ids,
)
from tests.conftest import FIXTURES, PAYLOADS

pytestmark = pytest.mark.storage

SEED = [
    ("csv", FIXTURES / "csv" / "customers.csv"),
    ("csv", FIXTURES / "csv" / "orders.csv"),
    ("csv", FIXTURES / "csv" / "panel.csv"),
    ("reddit", PAYLOADS / "reddit" / "submission-comments.json"),
    ("x", PAYLOADS / "x" / "v2_page_with_expansions_mentions_includes.json"),
]


@pytest.fixture
def seeded(engine: Engine) -> Engine:
    for channel, path in SEED:
        ingest_bytes(engine, channel, path.read_bytes(), path.name)
    assert run_pending(engine).quarantined == 0
    refresh_profiles(engine)
    return engine


def test_members_are_evaluated_and_counted(seeded: Engine) -> None:
    with session_scope(seeded) as session:
        buyers = create_segment(session, "Buyers in DE or CN", "orders:>=1 AND (country:DE OR country:CN)")
        creators = create_segment(session, "Reddit creators", "channel:reddit AND tier:creator", created_by="t")
        nested = create_segment(session, "Big buyers", "segment:buyers-in-de-or-cn AND value:>=100")
        result = members_of(session, buyers)
        assert sorted(f.name for f in result.members) == ["Anna Müller", "李小龙"]
        assert buyers.member_count == 2 and buyers.counted_at is not None
        assert [f.name for f in members_of(session, creators).members] == ["bboe"]
        assert [f.name for f in members_of(session, nested).members] == ["Anna Müller"]  # 358 EUR; 43.50 is not
    with session_scope(seeded) as session:
        with pytest.raises(SegmentError, match="used by big-buyers"):
            delete_segment(session, get_segment(session, "buyers-in-de-or-cn"))
        with pytest.raises(SegmentError, match="exists already"):
            create_segment(session, "Reddit creators", "tier:creator")
        assert get_segment(session, "reddit-creators").member_count == 1  # the cached count was stored


def test_stream_filtered_to_a_segments_authors(seeded: Engine) -> None:
    with session_scope(seeded) as session:
        create_segment(session, "Reddit creators", "channel:reddit AND tier:creator")
        create_segment(session, "Nobody", "clv:>=1000000")
    with session_scope(seeded) as session:
        bboe = session.scalar(select(Identity.id).where(Identity.external_id == "u/bboe"))
        ids = segment_identity_ids(session, "reddit-creators")
        assert ids == {bboe}
        rows = stream_page(session, StreamFilter(identity_ids=ids)).rows
        assert rows and {r.interaction.identity_id for r in rows} == {bboe}
        assert len(rows) == 2  # the submission and bboe's answer
        assert stream_page(session, StreamFilter(identity_ids=segment_identity_ids(session, "nobody"))).rows == []


def test_audience_populations_and_period(seeded: Engine) -> None:
    with session_scope(seeded) as session:
        everything = audience_report(session)
        assert everything.sizes["customers"] == 3  # Anna, 李小龙 and the guest buyer
        assert everything.sizes["panel"] == 2  # Anna (by customer id) and Hana (by e-mail)
        assert everything.sizes["online"] >= 3  # the Reddit thread's and the X page's authors
        value = next(b for b in everything.breakdowns if b.key == "value")
        assert value.known["customers"] == 3 and value.distance["online"] == pytest.approx(1.0)
        country = next(b for b in everything.breakdowns if b.key == "country")
        assert country.known["customers"] == 2  # the guest has no country
        later = audience_report(session, since=datetime(2024, 5, 3, 20, tzinfo=UTC))  # only O-5003 on 4 May
        assert later.sizes["customers"] == 1 and later.sizes["panel"] == 0
