"""One flat record of facts per customer, for segments and the audience view, in a few grouped queries.

A customer is what the stored profiles call a *subject*: a person (all their linked identities together)
or an identity linked to no person. Why flat records evaluated in Python rather than one SQL query per
segment: a definition mixes fields from four places — interactions (tier, stage), orders (value),
identity attributes (region, followers) and the stored profile's JSON (CLV, willingness to pay, products)
— and the JSON paths differ between SQLite and PostgreSQL. Gathering every customer once (nine grouped
queries, no IN lists, so no bound-parameter limits) and testing definitions in memory keeps one
evaluator for both databases; docs/segments-and-audience.md gives the measured cost at 100k customers.

Identities whose owner objected (``consent_state == "objected"``) are left out: they are never profiled.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, aliased

from kith.channels.models import Channel
from kith.commerce.models import Order, Product
from kith.identities.models import Identity, Person
from kith.interactions.models import Interaction
from kith.profiles.metrics import REPLY_TO_OTHERS, SUGGESTION, stage_of, tier_of, tiers
from kith.profiles.models import CustomerProfile
from kith.profiles.service import original_post_counts
from kith.profiles.value import followers_in, influence_of, segment_of, value_thresholds

OBJECTED = "objected"


@dataclass(frozen=True)
class CustomerFacts:
    """What a segment definition can ask about one customer (every field always set; unknown → None/"")."""

    subject: str  # "person:12" or "identity:34"
    person_id: int | None
    identity_ids: tuple[int, ...]
    public_id: str  # an identity's public id, for links to its page
    name: str
    channels: frozenset[str]  # channel names (slugs) of its identities
    original_posts: int
    tier: str  # creator | contributor | lurker
    stage: str  # consumption | curation | creation | collaboration
    interactions: int
    orders: int
    monetary: Decimal
    value: str  # high | medium | low | none
    segment: str  # vip | loyal | customer | engaged | prospect
    followers: int
    influence: str  # high | medium | low (the stored profile's level when refreshed)
    wtp: str  # low | mid | high | unknown
    clv: Decimal | None  # expected revenue over 52 weeks, when estimated
    products: tuple[str, ...]  # names and SKUs of products bought or mentioned
    categories: tuple[str, ...]
    country: str | None
    city: str | None


def _text(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def region_of(attributes: dict[str, Any] | None) -> tuple[str | None, str | None]:
    """(country, city) an identity's attributes state: a customer list's ``country``/``city`` columns, or a
    social profile's free-text ``location`` taken as the city."""
    attributes = attributes or {}
    return _text(attributes.get("country")), _text(attributes.get("city")) or _text(attributes.get("location"))


def _decimal(value: object) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


@dataclass
class _Acc:
    """A customer's facts while they are being summed over its identities."""

    person_id: int | None
    identity_ids: list[int]
    public_id: str
    name: str
    channels: set[str]
    countries: Counter[str]
    cities: Counter[str]
    followers: int = 0


def _stage_evidence(session: Session) -> dict[int, Counter[str]]:
    """Identity → counts per kind, plus suggestions and replies to another identity's items (three queries)."""
    live = Interaction.deleted_at.is_(None)
    evidence: dict[int, Counter[str]] = defaultdict(Counter)
    for ident, kind, count in session.execute(
        select(Interaction.identity_id, Interaction.kind, func.count())
        .where(Interaction.identity_id.is_not(None), live)
        .group_by(Interaction.identity_id, Interaction.kind)
    ):
        evidence[int(ident or 0)][str(kind)] += int(count)
    for ident, count in session.execute(
        select(Interaction.identity_id, func.count())
        .where(Interaction.identity_id.is_not(None), live, Interaction.intent == SUGGESTION)
        .group_by(Interaction.identity_id)
    ):
        evidence[int(ident or 0)][SUGGESTION] += int(count)
    parent = aliased(Interaction)
    for ident, count in session.execute(
        select(Interaction.identity_id, func.count())
        .select_from(Interaction)
        .join(parent, and_(parent.channel_id == Interaction.channel_id, parent.external_id == Interaction.in_reply_to))
        .where(Interaction.identity_id.is_not(None), live)
        .where(parent.identity_id.is_not(None), parent.identity_id != Interaction.identity_id)
        .group_by(Interaction.identity_id)
    ):
        evidence[int(ident or 0)][REPLY_TO_OTHERS] += int(count)
    return evidence


def _stored_profiles(session: Session) -> dict[str, tuple[str, Decimal | None, list[dict[str, Any]], str | None]]:
    """Subject → (willingness band, CLV value, preferred products, influence level) from the stored profile."""
    found = {}
    for subject, clv, wtp, prefs, infl in session.execute(
        select(
            CustomerProfile.subject,
            CustomerProfile.clv,
            CustomerProfile.willingness,
            CustomerProfile.preferences,
            CustomerProfile.influence,
        )
    ):
        clv = clv or {}
        value = _decimal(clv.get("value")) if clv.get("status") == "estimated" else None
        prefs = prefs or {}
        rows = [*(prefs.get("products") or []), *(prefs.get("categories") or [])]
        level = (infl or {}).get("level")
        found[str(subject)] = (
            str((wtp or {}).get("band") or "unknown"),
            value,
            [r for r in rows if isinstance(r, dict)],
            level if isinstance(level, str) else None,
        )
    return found


def all_customer_facts(session: Session) -> list[CustomerFacts]:
    """Every customer's facts, ordered by subject (persons first, then identities, by id)."""
    channel_names = {int(i): str(n) for i, n in session.execute(select(Channel.id, Channel.name))}
    person_names = {int(i): n for i, n in session.execute(select(Person.id, Person.display_name))}
    accs: dict[str, _Acc] = {}
    subject_of: dict[int, str] = {}
    city_country: dict[str, Counter[str]] = defaultdict(Counter)
    for ident, public_id, person, channel_id, display, handle, email, attributes, consent in session.execute(
        select(
            Identity.id,
            Identity.public_id,
            Identity.person_id,
            Identity.channel_id,
            Identity.display_name,
            Identity.handle,
            Identity.email,
            Identity.attributes,
            Identity.consent_state,
        ).order_by(Identity.id)
    ):
        if consent == OBJECTED:
            continue
        key = f"person:{person}" if person is not None else f"identity:{ident}"
        subject_of[int(ident)] = key
        name = (
            (person_names.get(int(person)) if person is not None else None) or display or handle or email or public_id
        )
        acc = accs.setdefault(key, _Acc(person, [], str(public_id), str(name), set(), Counter(), Counter()))
        acc.identity_ids.append(int(ident))
        acc.channels.add(channel_names.get(int(channel_id), str(channel_id)))
        acc.followers = max(acc.followers, followers_in(attributes))
        country, city = region_of(attributes)
        if country:
            acc.countries[country] += 1
        if city:
            acc.cities[city] += 1
        if country and city:
            city_country[city.casefold()][country] += 1

    posts = original_post_counts(session)
    thresholds = tiers(posts, population=len(subject_of))
    evidence = _stage_evidence(session)
    orders: Counter[str] = Counter()
    monetary: dict[str, Decimal] = defaultdict(Decimal)
    for ident, count, total in session.execute(
        select(Order.identity_id, func.count(), func.sum(Order.total))
        .where(Order.identity_id.is_not(None))
        .group_by(Order.identity_id)
    ):
        if (owner := subject_of.get(int(ident or 0))) is not None:
            orders[owner] += int(count)
            monetary[owner] += Decimal(total or 0)
    value_of = value_thresholds(session)
    stored = _stored_profiles(session)
    skus = {str(name).casefold(): str(sku) for sku, name in session.execute(select(Product.sku, Product.name))}

    facts = []
    for key, acc in accs.items():
        own_posts = sum(posts.get(i, 0) for i in acc.identity_ids)
        summed: Counter[str] = Counter()
        for i in acc.identity_ids:
            summed.update(evidence.get(i, Counter()))
        interactions = sum(v for k, v in summed.items() if k not in (SUGGESTION, REPLY_TO_OTHERS))
        tier = value_of.tier(monetary[key], orders[key])
        wtp, clv, preferred, level = stored.get(key, ("unknown", None, [], None))
        names = [str(r["name"]) for r in preferred if r.get("name") and "category" in r]
        categories = [str(r["name"]) for r in preferred if r.get("name") and "category" not in r]
        country = acc.countries.most_common(1)[0][0] if acc.countries else None
        city = acc.cities.most_common(1)[0][0] if acc.cities else None
        if country is None and city is not None and city_country.get(city.casefold()):
            country = city_country[city.casefold()].most_common(1)[0][0]  # a city the customer lists place
        facts.append(
            CustomerFacts(
                subject=key,
                person_id=acc.person_id,
                identity_ids=tuple(acc.identity_ids),
                public_id=acc.public_id,
                name=acc.name,
                channels=frozenset(acc.channels),
                original_posts=own_posts,
                tier=tier_of(own_posts, thresholds),
                stage=stage_of(summed),
                interactions=interactions,
                orders=orders[key],
                monetary=monetary[key],
                value=tier,
                segment=segment_of(tier, orders[key], interactions),
                followers=acc.followers,
                influence=level or influence_of(acc.followers),
                wtp=wtp,
                clv=clv,
                products=tuple(names + [skus[n.casefold()] for n in names if n.casefold() in skus]),
                categories=tuple(categories),
                country=country,
                city=city,
            )
        )
    return facts


def identity_ids_of(facts: Iterable[CustomerFacts]) -> set[int]:
    """Every identity of the given customers (what a stream or queue filter needs)."""
    return {i for f in facts for i in f.identity_ids}


CACHE_SECONDS = 60.0
_cache: dict[str, tuple[float, list[CustomerFacts]]] = {}


def recent_customer_facts(session: Session) -> list[CustomerFacts]:
    """``all_customer_facts``, reused for up to a minute per database (web pages and filters).

    Why: gathering 100k customers takes seconds, and the segment list, previews, the audience view and a
    stream filtered by segment would each pay it on every page view; a minute-old fact is as good as the
    last pipeline run. Writes never go through this cache; the CLI and tests read fresh.
    """
    key = session.get_bind().engine.url.render_as_string(hide_password=True)
    now = time.monotonic()
    found = _cache.get(key)
    if found is None or now - found[0] > CACHE_SECONDS:
        found = _cache[key] = (now, all_customer_facts(session))
    return found[1]
