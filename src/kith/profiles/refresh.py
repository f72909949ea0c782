"""Refreshing the stored profiles (``customer_profile``): only customers whose data changed, in batches.

A customer is a person (all their linked identities together) or an identity linked to no person. Its
*signature* digests, per identity, the counts and latest ids/times of its interactions (including edits,
new versions and deletions), orders, replies from others to its items, and the identity row itself;
a profile is recomputed only when the signature differs from the stored one, so a pipeline run that
touched ten customers refreshes ten profiles, and a second refresh with nothing new writes nothing.

CLV needs the population: BG/NBD and Gamma-Gamma are fitted once per refresh over every customer with
orders, and the parameters are stored in each refreshed profile's evidence. Profiles that were not
touched keep the estimate of the fit they were computed with; ``full=True`` (``kith profiles refresh
--all``) recomputes everyone with today's fit and date.
"""

from __future__ import annotations

import hashlib
import json
import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, and_, delete, func, select
from sqlalchemy.orm import Session, aliased

from kith.channels.models import Channel
from kith.channels.service import DISPLAY_NAMES
from kith.commerce.models import Order, OrderLine, Product
from kith.db import session_scope, upsert, utcnow
from kith.enrichment.models import ProductMention
from kith.identities.models import Identity
from kith.interactions.models import Interaction
from kith.profiles import influence, preferences, willingness
from kith.profiles.clv import BgNbd, FitError, GammaGamma, fit_bgnbd, fit_gamma_gamma
from kith.profiles.metrics import ORIGINAL_KINDS
from kith.profiles.models import CustomerProfile
from kith.profiles.value import followers_in

HORIZON_WEEKS = 52
BATCH_SIZE = 500


@dataclass(frozen=True)
class Subject:
    key: str  # "person:12" or "identity:34"
    person_id: int | None
    identity_ids: tuple[int, ...]


@dataclass
class RefreshReport:
    customers: int = 0
    refreshed: int = 0
    unchanged: int = 0
    removed: int = 0
    clv_model: dict[str, Any] = field(default_factory=dict)


def subject_key(person_id: int | None, identity_id: int) -> str:
    return f"person:{person_id}" if person_id is not None else f"identity:{identity_id}"


def all_subjects(session: Session) -> dict[str, Subject]:
    members: dict[str, list[int]] = defaultdict(list)
    persons: dict[str, int | None] = {}
    for identity_id, person_id in session.execute(select(Identity.id, Identity.person_id)):
        key = subject_key(person_id, identity_id)
        members[key].append(int(identity_id))
        persons[key] = int(person_id) if person_id is not None else None
    return {key: Subject(key, persons[key], tuple(sorted(ids))) for key, ids in members.items()}


# -- change detection ------------------------------------------------------------------------------------


def _per_identity(session: Session, statement: Any) -> dict[int, tuple[str, ...]]:
    return {int(row[0]): tuple(str(v) for v in row[1:]) for row in session.execute(statement) if row[0] is not None}


def signatures(session: Session, subjects: Iterable[Subject]) -> dict[str, str]:
    """Subject key → digest of everything its profile is computed from (five grouped queries in all)."""
    parent = aliased(Interaction)
    child = aliased(Interaction)
    parts = [
        _per_identity(
            session,
            select(
                Interaction.identity_id,
                func.count(),
                func.max(Interaction.id),
                func.max(Interaction.raw_item_id),
                func.max(Interaction.enriched_at),
                func.max(Interaction.deleted_at),
            ).group_by(Interaction.identity_id),
        ),
        _per_identity(
            session,
            select(Order.identity_id, func.count(), func.max(Order.id), func.sum(Order.total)).group_by(
                Order.identity_id
            ),
        ),
        _per_identity(
            session,
            select(parent.identity_id, func.count(), func.max(child.id))
            .select_from(child)
            .join(parent, and_(parent.channel_id == child.channel_id, parent.external_id == child.in_reply_to))
            .where(child.identity_id != parent.identity_id)
            .group_by(parent.identity_id),
        ),
        _per_identity(session, select(Identity.id, Identity.updated_at, Identity.person_id)),
        _per_identity(session, select(Product.id, Product.price, Product.category)),  # list prices
    ]
    catalogue = json.dumps(sorted(parts[4].items()))
    digests = {}
    for subject in subjects:
        basis = [[ident, *(part.get(ident, ()) for part in parts[:4])] for ident in subject.identity_ids]
        text = json.dumps([basis, catalogue], default=str)
        digests[subject.key] = hashlib.sha256(text.encode()).hexdigest()
    return digests


# -- CLV over the population -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PurchaseHistory:
    """A customer's orders as the BTYD models see them: one purchase per day with orders, in weeks."""

    orders: int
    first: datetime
    last: datetime
    frequency: int  # purchase days after the first
    recency_weeks: float
    age_weeks: float
    repeat_spend: float  # mean spend of the repeat purchase days (0 without repeats)
    mean_spend: float  # mean spend of all purchase days
    currency: str


def purchase_histories(session: Session, subject_of: dict[int, str], as_of: datetime) -> dict[str, PurchaseHistory]:
    rows = session.execute(select(Order.identity_id, Order.ordered_at, Order.total, Order.currency))
    days: dict[str, dict[date, float]] = defaultdict(lambda: defaultdict(float))
    times: dict[str, list[datetime]] = defaultdict(list)
    currencies: dict[str, Counter[str]] = defaultdict(Counter)
    for identity_id, ordered_at, total, currency in rows:
        key = subject_of.get(int(identity_id)) if identity_id is not None else None
        if key is None or ordered_at > as_of:
            continue
        days[key][ordered_at.date()] += float(total or 0)
        times[key].append(ordered_at)
        currencies[key][currency] += 1
    histories = {}
    for key, spend_by_day in days.items():
        ordered = sorted(spend_by_day)
        first, last = min(times[key]), max(times[key])
        repeat = [spend_by_day[d] for d in ordered[1:]]
        histories[key] = PurchaseHistory(
            orders=len(times[key]),
            first=first,
            last=last,
            frequency=len(ordered) - 1,
            recency_weeks=(ordered[-1] - ordered[0]).days / 7,
            age_weeks=(as_of.date() - ordered[0]).days / 7,
            repeat_spend=statistics.fmean(repeat) if repeat else 0.0,
            mean_spend=statistics.fmean(spend_by_day.values()),
            currency=currencies[key].most_common(1)[0][0],
        )
    return histories


@dataclass(frozen=True)
class ClvModels:
    purchases: BgNbd | None
    spend: GammaGamma | None
    problem: str | None
    fitted_at: datetime

    def describe(self) -> dict[str, Any]:
        described: dict[str, Any] = {"fitted_at": self.fitted_at.isoformat(), "horizon_weeks": HORIZON_WEEKS}
        if self.purchases:
            p = self.purchases
            described["bgnbd"] = {"r": p.r, "alpha": p.alpha, "a": p.a, "b": p.b, "customers": p.customers}
        if self.spend:
            s = self.spend
            described["gamma_gamma"] = {"p": s.p, "q": s.q, "gamma": s.gamma, "customers": s.customers}
        if self.problem:
            described["problem"] = self.problem
        return described


def fit_models(histories: Sequence[PurchaseHistory], fitted_at: datetime) -> ClvModels:
    frequency = [float(h.frequency) for h in histories]
    purchases: BgNbd | None = None
    spend: GammaGamma | None = None
    problems = []
    try:
        purchases = fit_bgnbd(frequency, [h.recency_weeks for h in histories], [h.age_weeks for h in histories])
    except FitError as exc:
        problems.append(f"purchases not estimated: {exc}")
    try:
        spend = fit_gamma_gamma(frequency, [h.repeat_spend for h in histories])
    except FitError as exc:
        problems.append(f"spend per purchase from the customer's own mean: {exc}")
    return ClvModels(purchases, spend, "; ".join(problems) or None, fitted_at)


def clv_field(history: PurchaseHistory | None, models: ClvModels) -> dict[str, Any]:
    if history is None:
        return {"status": "no_orders"}
    evidence = {
        "orders": history.orders,
        "repeat_purchase_days": history.frequency,
        "recency_weeks": round(history.recency_weeks, 2),
        "age_weeks": round(history.age_weeks, 2),
        "average_repeat_spend": round(history.repeat_spend, 2),
        "first_order": history.first.isoformat(),
        "last_order": history.last.isoformat(),
    }
    field_: dict[str, Any] = {"currency": history.currency, "evidence": evidence, "model": models.describe()}
    if models.purchases is None:
        return {**field_, "status": "not_fitted"}
    model = models.purchases
    x, t_x, age = history.frequency, history.recency_weeks, history.age_weeks
    expected = model.expected_purchases(HORIZON_WEEKS, x, t_x, age)
    spend = models.spend.expected_spend(x, history.repeat_spend) if models.spend else history.mean_spend
    if not math.isfinite(spend):  # q <= 1: a population mean that does not exist; trust the customer's own
        spend = history.mean_spend
    return {
        **field_,
        "status": "estimated",
        "horizon_weeks": HORIZON_WEEKS,
        "expected_purchases": round(expected, 3),
        "p_alive": round(model.p_alive(x, t_x, age), 3),
        "expected_spend": round(spend, 2),
        "value": round(expected * spend, 2),
    }


# -- the other fields, batched ---------------------------------------------------------------------------


@dataclass
class Facts:
    """Everything one batch of customers' fields is computed from, grouped by subject key."""

    price_points: dict[str, list[willingness.PricePoint]] = field(default_factory=lambda: defaultdict(list))
    messages: dict[str, list[willingness.Message]] = field(default_factory=lambda: defaultdict(list))
    products: dict[str, list[preferences.ProductFact]] = field(default_factory=lambda: defaultdict(list))
    channels: dict[str, dict[str, list[int]]] = field(default_factory=lambda: defaultdict(dict))
    sales: dict[str, dict[str, list[Decimal]]] = field(default_factory=lambda: defaultdict(dict))
    hours: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    followers: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))
    posts: dict[str, list[influence.PostReach]] = field(default_factory=lambda: defaultdict(list))
    replies: Counter[str] = field(default_factory=Counter)


@dataclass(frozen=True)
class Catalogue:
    products: dict[int, tuple[str, str | None, Decimal | None]]  # id → name, category, list price
    by_sku: dict[str, int]
    category_median: dict[str, Decimal]

    @classmethod
    def load(cls, session: Session) -> Catalogue:
        rows = session.execute(select(Product.id, Product.sku, Product.name, Product.category, Product.price)).all()
        prices: dict[str, list[Decimal]] = defaultdict(list)
        for _, _, _, category, price in rows:
            if category and price is not None:
                prices[category].append(Decimal(price))
        return cls(
            products={
                int(i): (name, category, Decimal(price) if price is not None else None)
                for i, _, name, category, price in rows
            },
            by_sku={sku: int(i) for i, sku, _, _, _ in rows},
            category_median={c: Decimal(statistics.median(p)) for c, p in prices.items()},
        )


def _channel_names(session: Session) -> dict[int, str]:
    return {int(i): DISPLAY_NAMES.get(name, name) for i, name in session.execute(select(Channel.id, Channel.name))}


def gather(session: Session, subject_of: dict[int, str], catalogue: Catalogue) -> Facts:
    """Seven queries for the batch (``subject_of`` maps each of the batch's identity ids to its subject)."""
    ids = sorted(subject_of)
    facts = Facts()
    names = _channel_names(session)
    _gather_interactions(session, ids, subject_of, names, facts)
    _gather_commerce(session, ids, subject_of, catalogue, facts)
    mentions = session.execute(
        select(Interaction.identity_id, ProductMention.product_id, Interaction.sentiment)
        .join(Interaction, Interaction.id == ProductMention.interaction_id)
        .where(Interaction.identity_id.in_(ids), Interaction.deleted_at.is_(None))
    )
    for identity_id, product_id, sentiment in mentions:
        name, category, _ = catalogue.products.get(int(product_id), (str(product_id), None, None))
        facts.products[_subject(subject_of, identity_id)].append(
            preferences.ProductFact(name=name, category=category, sentiment=sentiment, mentioned=True)
        )
    for identity_id, channel_id, attributes in session.execute(
        select(Identity.id, Identity.channel_id, Identity.attributes).where(Identity.id.in_(ids))
    ):
        if count := followers_in(attributes):
            known = facts.followers[subject_of[int(identity_id)]]
            channel = names.get(int(channel_id), str(channel_id))
            known[channel] = max(known.get(channel, 0), count)
    parent, child = aliased(Interaction), aliased(Interaction)
    for identity_id, replier in session.execute(
        select(parent.identity_id, child.identity_id)
        .select_from(child)
        .join(parent, and_(parent.channel_id == child.channel_id, parent.external_id == child.in_reply_to))
        .where(parent.identity_id.in_(ids), child.deleted_at.is_(None), parent.deleted_at.is_(None))
    ):
        key = _subject(subject_of, identity_id)
        if replier is None or subject_of.get(int(replier)) != key:  # answering oneself is no influence
            facts.replies[key] += 1
    return facts


def _subject(subject_of: dict[int, str], identity_id: int | None) -> str:
    """The batch's subject of an identity (queries filter on the batch's ids, so it is never None)."""
    if identity_id is None:
        raise LookupError("a row without an identity in a per-identity query")
    return subject_of[identity_id]


def _gather_interactions(
    session: Session, ids: list[int], subject_of: dict[int, str], names: dict[int, str], facts: Facts
) -> None:
    rows = session.execute(
        select(
            Interaction.identity_id,
            Interaction.public_id,
            Interaction.channel_id,
            Interaction.kind,
            Interaction.created_at,
            Interaction.in_reply_to,
            Interaction.intent,
            Interaction.text,
            Interaction.metrics,
        ).where(Interaction.identity_id.in_(ids), Interaction.deleted_at.is_(None))
    )
    for identity_id, public_id, channel_id, kind, created_at, in_reply_to, intent, text, metrics in rows:
        key = subject_of[int(identity_id)]
        counts = facts.channels[key].setdefault(names.get(int(channel_id), str(channel_id)), [0, 0])
        counts[0] += 1
        counts[1] += 1 if in_reply_to else 0
        if created_at is not None and kind not in preferences.NOT_MESSAGES:
            facts.hours[key].append(created_at.hour)
        if text:
            facts.messages[key].append(willingness.Message(public_id=public_id, text=text, intent=intent))
        if kind in ORIGINAL_KINDS and not in_reply_to:
            facts.posts[key].append(influence.PostReach(metrics=metrics or {}))


def _gather_commerce(
    session: Session, ids: list[int], subject_of: dict[int, str], catalogue: Catalogue, facts: Facts
) -> None:
    for identity_id, channel, total in session.execute(
        select(Order.identity_id, Order.sales_channel, Order.total).where(Order.identity_id.in_(ids))
    ):
        per_channel = facts.sales[_subject(subject_of, identity_id)]
        per_channel.setdefault((channel or "unknown").lower(), []).append(Decimal(total or 0))
    lines = session.execute(
        select(Order.identity_id, OrderLine.sku, OrderLine.product_id, OrderLine.quantity, OrderLine.unit_price)
        .add_columns(OrderLine.discount)
        .join(Order, Order.id == OrderLine.order_id)
        .where(Order.identity_id.in_(ids))
    )
    for identity_id, sku, product_id, quantity, unit_price, discount in lines:
        key = subject_of[int(identity_id)]
        pid = product_id if product_id is not None else catalogue.by_sku.get(sku)
        name, category, list_price = catalogue.products.get(int(pid), (sku, None, None)) if pid else (sku, None, None)
        facts.price_points[key].append(
            willingness.PricePoint(
                sku=sku,
                quantity=int(quantity),
                unit_price=Decimal(unit_price),
                discount=Decimal(discount or 0),
                list_price=list_price,
                category_median=catalogue.category_median.get(category) if category else None,
            )
        )
        facts.products[key].append(preferences.ProductFact(name=name, category=category, quantity=int(quantity)))


def profile_row(subject: Subject, facts: Facts, clv: dict[str, Any], signature: str, now: datetime) -> dict[str, Any]:
    key = subject.key
    channels = [
        preferences.ChannelActivity(channel=name, interactions=c[0], answers=c[1])
        for name, c in facts.channels.get(key, {}).items()
    ]
    sales = [
        preferences.SalesChannelUse(channel=name, orders=len(totals), revenue=sum(totals, Decimal(0)))
        for name, totals in facts.sales.get(key, {}).items()
    ]
    return {
        "subject": key,
        "person_id": subject.person_id,
        "identity_id": subject.identity_ids[0] if subject.person_id is None else None,
        "clv": clv,
        "willingness": willingness.estimate(facts.price_points.get(key, []), facts.messages.get(key, [])),
        "preferences": {
            **preferences.products(facts.products.get(key, [])),
            "media": preferences.media(channels),
            "sales_channel": preferences.sales_channel(sales),
            "best_time": preferences.best_time(facts.hours.get(key, [])),
        },
        "influence": influence.assess(
            facts.followers.get(key, {}), facts.posts.get(key, []), facts.replies.get(key, 0)
        ),
        "signature": signature,
        "refreshed_at": now,
    }


# -- the refresh -----------------------------------------------------------------------------------------


def refresh_profiles(
    engine: Engine,
    *,
    full: bool = False,
    as_of: datetime | None = None,
    batch_size: int = BATCH_SIZE,
    on_batch: Callable[[int], None] | None = None,
) -> RefreshReport:
    """Recompute the profiles whose data changed (every profile with ``full``); drop those of customers
    that no longer exist (an identity now linked to a person, a person unlinked). Idempotent."""
    now = as_of or utcnow()
    report = RefreshReport()
    with session_scope(engine) as session:
        subjects = all_subjects(session)
        current = signatures(session, subjects.values())
        stored = dict(session.execute(select(CustomerProfile.subject, CustomerProfile.signature)).all())
        gone = sorted(set(stored) - set(subjects))
        if gone:
            session.execute(delete(CustomerProfile).where(CustomerProfile.subject.in_(gone)))
        changed = [key for key in sorted(subjects) if full or stored.get(key) != current[key]]
        report.customers, report.removed = len(subjects), len(gone)
        report.unchanged = len(subjects) - len(changed)
        if not changed:
            return report
        subject_of = {ident: s.key for s in subjects.values() for ident in s.identity_ids}
        histories = purchase_histories(session, subject_of, now)
        models = fit_models(list(histories.values()), now)
        report.clv_model = models.describe()
        catalogue = Catalogue.load(session)
    for start in range(0, len(changed), batch_size):
        batch = [subjects[key] for key in changed[start : start + batch_size]]
        with session_scope(engine) as session:
            facts = gather(session, {i: s.key for s in batch for i in s.identity_ids}, catalogue)
            rows = [profile_row(s, facts, clv_field(histories.get(s.key), models), current[s.key], now) for s in batch]
            upsert(
                session,
                CustomerProfile.__table__,
                rows,
                keys=["subject"],
                update=[c for c in rows[0] if c != "subject"],
            )
        report.refreshed += len(batch)
        if on_batch is not None:
            on_batch(len(batch))
    return report


def stored_profile(session: Session, identity: Identity) -> CustomerProfile | None:
    """The stored profile of the identity's customer: its person's when linked, else its own."""
    key = subject_key(identity.person_id, identity.id)
    return session.scalar(select(CustomerProfile).where(CustomerProfile.subject == key))
