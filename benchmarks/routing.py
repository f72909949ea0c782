r"""Conversations routed per second with 200 rules, against same-run baselines.

    python benchmarks/routing.py [--n 20000] [--rules 200] [--postgres] [--pg-url postgresql://postgres@127.0.0.1:5432/test]

A fresh database (SQLite in a temporary folder by default; with ``--postgres`` a temporary PostgreSQL
database) gets N relevant, enriched conversations of one customer post each (the demo's phrase bank, with
intents, sentiments and a few hundred customers, some with orders and followers) and R generated rules:
each a few words, a wildcard and one or two routing fields (intent:, sentiment:, value:, influence:),
routing to one of the six departments, a fifth of them tagging only. Then the routing stage
(``route_pending``: claim, build documents, customer values, evaluate every rule, priority, SLA, decision,
event) runs over all of them. Baselines in the same run, on the same rows: the same stage with a single
rule, and a plain batched SELECT + UPDATE that only marks the rows routed.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, delete, select, text, update
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).parent))

from enrich_basic import make_posts
from kith.auth.service import DEFAULT_DEPARTMENTS
from kith.channels.service import ensure_channel
from kith.commerce.models import Order
from kith.db import make_engine, normalise_url, session_scope
from kith.enrichment.intent import CLASSES as INTENTS
from kith.identities.models import Identity
from kith.inbox.models import ConversationEvent
from kith.interactions.models import Conversation, Interaction
from kith.routing.models import RoutingDecision, RoutingRule
from kith.routing.rules import RuleInput, add_rule
from kith.routing.stage import route_pending
from kith.schema import upgrade

BATCH = 500
WORDS = [
    "akku",
    "batter*",
    "reichweite",
    "range",
    "laden",
    "charger",
    "rahmen",
    "frame",
    "display",
    "motor",
    "bremse",
    "brake",
    "zelt",
    "tent",
    "preis",
    "price",
    "rabatt",
    "discount",
    "lieferung",
    "delivery",
    "rückgabe",
    "return",
    "garantie",
    "warranty",
    "app",
    "update",
    "schaltung",
    "gear",
    "sattel",
    "helm",
    "kette",
    "chain",
    "licht",
    "light",
    "reifen",
    "tyre",
    "aurora",
    "borealis",
    "polaris",
    "fjord",
    "kaputt",
    "broken",
    "defekt",
    "toll",
    "great",
]
FIELDS = (
    *(f"intent:{i}" for i in INTENTS),
    "sentiment:negative",
    "sentiment:positive",
    "value:high",
    "value:>=500",
    "influence:high",
    "influence:>=1000",
    "segment:loyal",
)


def make_rules(count: int, rng: random.Random) -> list[RuleInput]:
    departments = list(DEFAULT_DEPARTMENTS)
    rules = []
    for n in range(count):
        words = " OR ".join(rng.sample(WORDS, rng.randint(2, 4)))
        fields = " OR ".join(rng.sample(FIELDS, rng.randint(1, 2)))
        condition = f"({words}) AND ({fields})"
        tag_only = n % 5 == 4
        rules.append(
            RuleInput(
                name=f"rule {n}",
                condition=condition,
                department="" if tag_only else rng.choice(departments),
                tag=f"t{n}" if tag_only or n % 3 == 0 else "",
                priority=rng.choice(("", "", "high", "normal")),
            )
        )
    return rules


def seed(engine: Engine, n: int, rng: random.Random) -> None:
    now = datetime.now(UTC)
    posts = make_posts(n, 7)
    with session_scope(engine) as session:
        channel = ensure_channel(session, "mastodon")
        customers = max(10, n // 20)
        identities = [
            {
                "channel_id": channel,
                "external_id": f"u{c}",
                "handle": f"user{c}",
                "visibility": "public",
                "basis": "public",
                "attributes": {"followers_count": int(rng.paretovariate(1.2) * 40)},
            }
            for c in range(customers)
        ]
        session.execute(Identity.__table__.insert(), identities)
        ids = list(session.scalars(select(Identity.id).order_by(Identity.id)))
        orders = [
            {
                "external_id": f"o{k}",
                "identity_id": rng.choice(ids),
                "ordered_at": now - timedelta(days=rng.randint(1, 300)),
                "currency": "EUR",
                "total": Decimal(rng.randint(20, 3000)),
            }
            for k in range(customers // 2)
        ]
        session.execute(Order.__table__.insert(), orders)
        conversations = [
            {"channel_id": channel, "thread_key": f"t{k}", "status": "open", "tags": [], "last_activity_at": now}
            for k in range(n)
        ]
        for start in range(0, n, 5000):
            session.execute(Conversation.__table__.insert(), conversations[start : start + 5000])
        conversation_ids = list(session.scalars(select(Conversation.id).order_by(Conversation.id)))
        rows: list[dict[str, Any]] = []
        for k, (cid, (post, lang, _)) in enumerate(zip(conversation_ids, posts, strict=True)):
            rows.append(
                {
                    "channel_id": channel,
                    "external_id": f"p{k}",
                    "identity_id": ids[k % len(ids)],
                    "conversation_id": cid,
                    "kind": "post",
                    "text": post,
                    "lang": lang,
                    "detected_lang": lang,
                    "visibility": "public",
                    "basis": "public",
                    "sort_at": now - timedelta(minutes=k),
                    "created_at": now - timedelta(minutes=k),
                    "intent": rng.choice(INTENTS),
                    "sentiment": rng.choice(("negative", "neutral", "positive")),
                    "relevant": True,
                    "enriched_at": now,
                    "pii": [],
                    "models": {},
                    "metrics": {},
                    "attributes": {},
                }
            )
        for start in range(0, n, 5000):
            session.execute(Interaction.__table__.insert(), rows[start : start + 5000])


def set_rules(engine: Engine, rules: list[RuleInput]) -> None:
    with session_scope(engine) as session:
        session.execute(update(RoutingDecision).values(rule_id=None))
        session.execute(delete(RoutingRule))
        for rule in rules:
            add_rule(session, rule)


def unroute(engine: Engine) -> None:
    with session_scope(engine) as session:
        session.execute(
            update(Conversation).values(
                routed_at=None, routed_by=None, routing_decision_id=None, department=None, assignee_id=None, tags=[]
            )
        )
        session.execute(delete(ConversationEvent))
        session.execute(delete(RoutingDecision))


def timed_route(engine: Engine) -> tuple[float, int]:
    start = time.perf_counter()
    report = route_pending(engine, batch_size=BATCH)
    return time.perf_counter() - start, report.routed


def plain_select_update(engine: Engine) -> float:
    """The floor: claim the same rows in batches and mark them routed, nothing else."""
    start = time.perf_counter()
    after = 0
    while True:
        with session_scope(engine) as session:
            ids = list(
                session.scalars(
                    select(Conversation.id)
                    .where(Conversation.routed_at.is_(None), Conversation.id > after)
                    .order_by(Conversation.id)
                    .limit(BATCH)
                )
            )
            if not ids:
                break
            after = ids[-1]
            session.execute(
                update(Conversation)
                .where(Conversation.id.in_(ids))
                .values(routed_at=datetime.now(UTC), department="service", routed_by="default")
            )
    return time.perf_counter() - start


def measure(url: str, n: int, rule_count: int) -> dict[str, float]:
    rng = random.Random(2026)
    engine = make_engine(url)
    upgrade(engine)
    seed(engine, n, rng)
    set_rules(engine, make_rules(1, rng))
    one_rule, routed_one = timed_route(engine)
    unroute(engine)
    set_rules(engine, make_rules(rule_count, rng))
    many_rules, routed = timed_route(engine)
    assert routed == routed_one == n, (routed, routed_one, n)
    unroute(engine)
    plain = plain_select_update(engine)
    with session_scope(engine) as session:
        by_rule = session.scalar(text("SELECT count(*) FROM routing_decision")) or 0
    engine.dispose()
    return {"many": many_rules, "one": one_rule, "plain": plain, "decisions": float(by_rule)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=20_000, help="conversations")
    parser.add_argument("--rules", type=int, default=200)
    parser.add_argument("--postgres", action="store_true", help="measure on PostgreSQL instead of SQLite")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/test", help="PostgreSQL server")
    args = parser.parse_args()
    if args.postgres:
        admin_url = normalise_url(args.pg_url)
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        name = f"kith_bench_{uuid.uuid4().hex[:10]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            result = measure(
                make_url(admin_url).set(database=name).render_as_string(hide_password=False), args.n, args.rules
            )
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
        backend = "postgresql"
    else:
        with tempfile.TemporaryDirectory() as folder:
            result = measure(f"sqlite:///{folder}/bench.db", args.n, args.rules)
        backend = "sqlite"
    n = args.n
    print(f"{backend}: {n} conversations, {args.rules} rules")
    print(f"  route_pending, {args.rules} rules : {n / result['many']:9.0f} conversations/s ({result['many']:.2f} s)")
    print(f"  route_pending, 1 rule     : {n / result['one']:9.0f} conversations/s ({result['one']:.2f} s)")
    print(f"  plain SELECT + UPDATE     : {n / result['plain']:9.0f} conversations/s ({result['plain']:.2f} s)")
    print(
        f"  {args.rules} rules take {result['many'] / result['one']:.2f}x the time of 1 rule and "
        f"{result['many'] / result['plain']:.1f}x a plain SELECT + UPDATE"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
