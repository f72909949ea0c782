"""Stored profiles on SQLite and PostgreSQL: refreshed from data that went through the real pipeline,
incrementally (only changed customers), idempotently, and re-keyed when identities are linked to a person.

Seed: products, customers and orders (CSV), a Reddit thread, a Mastodon toot. A person link is made
directly (the matcher has its own tests). The CLV fit needs at least 20 customers, so a second test
adds 30 customers' orders as rows, the way the commerce import stores them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Engine, func, select, update

from kith.channels.models import Channel
from kith.commerce.models import Order
from kith.db import session_scope
from kith.identities.models import Identity, Person
from kith.pipeline.ingest import ingest_bytes
from kith.pipeline.runner import run_pending
from kith.profiles.models import CustomerProfile
from kith.profiles.refresh import refresh_profiles, stored_profile
from tests.conftest import FIXTURES, PAYLOADS

SEED = [
    ("csv", FIXTURES / "csv" / "products.csv"),
    ("csv", FIXTURES / "csv" / "customers.csv"),
    ("csv", FIXTURES / "csv" / "orders.csv"),
    ("reddit", PAYLOADS / "reddit" / "submission-comments.json"),
    ("mastodon", PAYLOADS / "mastodon" / "status.json"),
]
AS_OF = datetime(2024, 6, 1, tzinfo=UTC)
NEW_ORDER = (
    "order_id,line_no,ordered_at,sku,quantity,unit_price,currency,customer_id,email,sales_channel,store_id,discount\n"
    "O-6001,1,2024-05-20T09:00:00+00:00,KB-100,1,299.00,EUR,C1002,,webshop,,\n"
)


def seed(engine: Engine) -> None:
    for channel, path in SEED:
        ingest_bytes(engine, channel, path.read_bytes(), path.name)
    assert run_pending(engine).quarantined == 0


def profile_of(engine: Engine, external_id: str) -> CustomerProfile:
    with session_scope(engine) as session:
        identity = session.scalar(select(Identity).where(Identity.external_id == external_id))
        assert identity is not None, external_id
        found = stored_profile(session, identity)
        assert found is not None, external_id
        return found


def test_refresh_is_incremental_idempotent_and_follows_links(engine: Engine) -> None:
    seed(engine)
    with session_scope(engine) as session:
        customers = session.scalar(select(func.count()).select_from(Identity)) or 0
    first = refresh_profiles(engine, as_of=AS_OF)
    assert (first.customers, first.refreshed, first.removed) == (customers, customers, 0)
    again = refresh_profiles(engine, as_of=AS_OF + timedelta(days=1))
    assert (again.refreshed, again.unchanged) == (0, customers)  # nothing changed: nothing written

    anna = profile_of(engine, "customer:C1001")
    assert anna.refreshed_at == AS_OF and anna.identity_id is not None and anna.person_id is None
    assert anna.clv["status"] == "not_fitted" and "at least 20" in anna.clv["model"]["problem"]
    assert anna.clv["evidence"]["orders"] == 1 and anna.clv["currency"] == "EUR"
    wtp = anna.willingness["evidence"]
    assert (wtp["lines"], wtp["discounted_lines"]) == (2, 1)  # the espresso machine had 20.00 off
    assert anna.preferences["sales_channel"]["preferred"] == "store"
    assert [p["name"] for p in anna.preferences["products"]] == [
        "Yirgacheffe beans 1 kg",  # two bags
        "Kith Barista 100 espresso machine",
    ]
    bboe = profile_of(engine, "u/bboe")
    assert bboe.clv == {"status": "no_orders"}
    assert bboe.influence["posts"] == 1 and bboe.influence["replies_triggered"] == 1
    assert bboe.preferences["media"]["preferred"] == "Reddit"

    # a new order of one customer: only that customer's profile is recomputed
    ingest_bytes(engine, "csv", NEW_ORDER.encode(), "orders-2.csv")
    run_pending(engine)
    third = refresh_profiles(engine, as_of=AS_OF)
    assert (third.refreshed, third.unchanged) == (1, customers - 1)
    li = profile_of(engine, "customer:C1002")
    assert li.clv["evidence"]["orders"] == 2
    assert li.preferences["sales_channel"]["channels"][0]["channel"] in {"marketplace", "webshop"}

    # linking two identities to a person replaces their two profiles by the person's
    with session_scope(engine) as session:
        person = Person(display_name="Anna Müller")
        session.add(person)
        session.flush()
        tooter = session.scalar(
            select(Identity.id).join(Channel, Channel.id == Identity.channel_id).where(Channel.name == "mastodon")
        )
        anna_id = session.scalar(select(Identity.id).where(Identity.external_id == "customer:C1001"))
        session.execute(update(Identity).where(Identity.id.in_([anna_id, tooter])).values(person_id=person.id))
        person_id = person.id
    linked = refresh_profiles(engine, as_of=AS_OF)
    assert (linked.refreshed, linked.removed) == (1, 2)
    together = profile_of(engine, "customer:C1001")
    assert together.subject == f"person:{person_id}" and together.identity_id is None
    assert {c["channel"] for c in together.preferences["media"]["channels"]} >= {"Mastodon"}
    assert refresh_profiles(engine, as_of=AS_OF).refreshed == 0
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(CustomerProfile)) == customers - 1


def test_clv_is_estimated_once_enough_customers_bought(engine: Engine) -> None:
    """30 customers: a third buy every fortnight until the end, a third bought twice long ago, a third once."""
    with session_scope(engine) as session:
        channel = Channel(name="csv", display_name="CSV", enabled=True)
        session.add(channel)
        session.flush()
        start = AS_OF - timedelta(weeks=40)
        for n in range(30):
            identity = Identity(
                channel_id=channel.id, external_id=f"customer:T{n}", visibility="private", basis="contract"
            )
            session.add(identity)
            session.flush()
            weeks = range(0, 40, 2) if n % 3 == 0 else (0, 4) if n % 3 == 1 else (0,)
            for week in weeks:
                session.add(
                    Order(
                        external_id=f"T{n}-{week}",
                        identity_id=identity.id,
                        ordered_at=start + timedelta(weeks=week, days=n % 3),
                        sales_channel="webshop",
                        currency="EUR",
                        total=Decimal(40 + 10 * (n % 5)),
                    )
                )
    report = refresh_profiles(engine, as_of=AS_OF)
    assert report.refreshed == 30 and report.clv_model["bgnbd"]["customers"] == 30
    regular, lapsed, once = (profile_of(engine, f"customer:T{n}").clv for n in (0, 1, 2))
    assert regular["status"] == lapsed["status"] == once["status"] == "estimated"
    assert regular["evidence"]["repeat_purchase_days"] == 19
    assert regular["p_alive"] > 0.9 > lapsed["p_alive"]  # two purchases 36 weeks ago: probably gone
    assert regular["expected_purchases"] > 10 * lapsed["expected_purchases"]
    assert regular["value"] == pytest.approx(regular["expected_purchases"] * regular["expected_spend"], rel=1e-3)
    assert once["p_alive"] == 1.0 and once["expected_spend"] > 0
