"""Customer value, segment, influence and preferred channel — batched, for routing and differentiated service.

Why a separate, batched module rather than ``profile_for``: routing asks these questions for hundreds of
conversations per batch, and one grouped query per question over the whole batch is what keeps the routing
stage fast. Everything is computed over the *person* when the identity is linked to one (their X account,
their e-mail address and their shop orders are one customer), else over the identity alone.

* value: the customer's order total (the M of RFM) ranked among all customers into a tier — ``high`` is
  the top fifth, ``medium`` the next two fifths, ``low`` the rest, ``none`` without orders.
* segment: a named class from value and engagement — ``vip`` (high value), ``loyal`` (3+ orders),
  ``customer`` (an order), ``engaged`` (5+ interactions, no order), ``prospect`` (everyone else).
* influence: the largest follower count among the identities (``followers_count`` in their attributes),
  ``high`` from 10,000, ``medium`` from 1,000, else ``low``.
* preferred channel: the channel with the most interactions (orders count for a channel of the same name).
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kith.channels.models import Channel
from kith.commerce.models import Order
from kith.identities.models import Identity
from kith.interactions.models import Interaction

VALUE_TIERS = ("high", "medium", "low", "none")
SEGMENTS = ("vip", "loyal", "customer", "engaged", "prospect")
INFLUENCE_TIERS = ("high", "medium", "low")
HIGH_INFLUENCE = 10_000
MEDIUM_INFLUENCE = 1_000
LOYAL_ORDERS = 3
ENGAGED_INTERACTIONS = 5
CONSENT_GIVEN = "given"
EMAIL_CHANNEL = "email"


@dataclass(frozen=True)
class ValueThresholds:
    """Every customer's order total, sorted: where a total ranks decides its tier (computed once per run)."""

    totals: tuple[Decimal, ...]

    def tier(self, monetary: Decimal, orders: int) -> str:
        """Quintile of ``monetary`` among all customers: 5 → high, 3 or 4 → medium, 1 or 2 → low (ties share a tier)."""
        if orders <= 0:
            return "none"
        if not self.totals:
            return "low"
        worse = bisect.bisect_left(self.totals, monetary)
        quintile = min(5, 1 + (5 * worse) // len(self.totals))
        return "high" if quintile == 5 else "medium" if quintile >= 3 else "low"


@dataclass(frozen=True)
class CustomerValue:
    """What routing knows about the customer behind one identity, with the numbers behind each label."""

    identity_id: int
    person_id: int | None
    orders: int
    monetary: Decimal
    tier: str  # VALUE_TIERS
    segment: str  # SEGMENTS
    interactions: int
    followers: int
    influence: str  # INFLUENCE_TIERS
    preferred_channel: str | None
    email_with_consent: bool  # an e-mail identity of the person whose consent_state is "given"

    def summary(self) -> dict[str, Any]:
        """The facts for an explanation (JSON-safe)."""
        return {
            "value": self.tier,
            "monetary": str(self.monetary),
            "orders": self.orders,
            "segment": self.segment,
            "followers": self.followers,
            "influence": self.influence,
            "preferred_channel": self.preferred_channel,
            "linked": self.person_id is not None,
        }


def value_thresholds(session: Session) -> ValueThresholds:
    """Order totals of every customer (a person, or an unlinked identity), sorted ascending."""
    key = func.coalesce(-Identity.person_id, Order.identity_id)  # persons negative: never equal an identity id
    rows = session.execute(
        select(key, func.sum(Order.total))
        .select_from(Order)
        .join(Identity, Identity.id == Order.identity_id)
        .group_by(key)
    )
    return ValueThresholds(tuple(sorted(Decimal(total or 0) for _, total in rows)))


def influence_of(followers: int) -> str:
    if followers >= HIGH_INFLUENCE:
        return "high"
    return "medium" if followers >= MEDIUM_INFLUENCE else "low"


def segment_of(tier: str, orders: int, interactions: int) -> str:
    if tier == "high":
        return "vip"
    if orders >= LOYAL_ORDERS:
        return "loyal"
    if orders > 0:
        return "customer"
    return "engaged" if interactions >= ENGAGED_INTERACTIONS else "prospect"


def followers_in(attributes: dict[str, Any] | None) -> int:
    """The follower count a channel parser stored (``followers_count``), 0 when absent or not a number."""
    value = (attributes or {}).get("followers_count")
    if isinstance(value, bool):
        return 0
    if isinstance(value, int | float):
        return max(0, int(value))
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return 0


def customer_values(
    session: Session, identity_ids: Iterable[int], thresholds: ValueThresholds | None = None
) -> dict[int, CustomerValue]:
    """Identity id → its customer's value, for a whole batch in five grouped queries."""
    wanted = sorted(set(identity_ids))
    if not wanted:
        return {}
    thresholds = thresholds or value_thresholds(session)
    channel_names = dict(session.execute(select(Channel.id, Channel.name)).all())
    own = session.execute(select(Identity.id, Identity.person_id).where(Identity.id.in_(wanted))).all()
    person_of = {int(i): (int(p) if p is not None else None) for i, p in own}
    persons = sorted({p for p in person_of.values() if p is not None})
    family_rows = session.execute(
        select(Identity.id, Identity.person_id, Identity.channel_id, Identity.attributes, Identity.consent_state).where(
            Identity.id.in_(wanted) | (Identity.person_id.in_(persons) if persons else Identity.id.in_(wanted))
        )
    ).all()
    members: dict[tuple[str, int], list[int]] = {}
    followers: Counter[tuple[str, int]] = Counter()
    consent: set[tuple[str, int]] = set()
    identity_key: dict[int, tuple[str, int]] = {}
    for ident, person, channel_id, attributes, state in family_rows:
        key = ("person", int(person)) if person is not None else ("identity", int(ident))
        identity_key[int(ident)] = key
        members.setdefault(key, []).append(int(ident))
        followers[key] = max(followers[key], followers_in(attributes))
        if channel_names.get(channel_id) == EMAIL_CHANNEL and state == CONSENT_GIVEN:
            consent.add(key)
    family = sorted(identity_key)
    orders: Counter[tuple[str, int]] = Counter()
    monetary: dict[tuple[str, int], Decimal] = {}
    per_channel: dict[tuple[str, int], Counter[str]] = {}
    for ident, sales_channel, count, total in session.execute(
        select(Order.identity_id, Order.sales_channel, func.count(), func.sum(Order.total))
        .where(Order.identity_id.in_(family))
        .group_by(Order.identity_id, Order.sales_channel)
    ):
        key = identity_key[int(ident or 0)]
        orders[key] += int(count)
        monetary[key] = monetary.get(key, Decimal(0)) + Decimal(total or 0)
        if sales_channel:
            per_channel.setdefault(key, Counter())[str(sales_channel)] += int(count)
    interactions: Counter[tuple[str, int]] = Counter()
    for ident, channel_id, count in session.execute(
        select(Interaction.identity_id, Interaction.channel_id, func.count())
        .where(Interaction.identity_id.in_(family), Interaction.deleted_at.is_(None))
        .group_by(Interaction.identity_id, Interaction.channel_id)
    ):
        key = identity_key[int(ident or 0)]
        interactions[key] += int(count)
        per_channel.setdefault(key, Counter())[channel_names.get(channel_id, str(channel_id))] += int(count)
    found: dict[int, CustomerValue] = {}
    for ident in wanted:
        if ident not in identity_key:
            continue
        key = identity_key[ident]
        total = monetary.get(key, Decimal(0))
        tier = thresholds.tier(total, orders[key])
        channels = per_channel.get(key, Counter())
        preferred = min(channels, key=lambda name: (-channels[name], name)) if channels else None
        found[ident] = CustomerValue(
            identity_id=ident,
            person_id=person_of.get(ident),
            orders=orders[key],
            monetary=total,
            tier=tier,
            segment=segment_of(tier, orders[key], interactions[key]),
            interactions=interactions[key],
            followers=followers[key],
            influence=influence_of(followers[key]),
            preferred_channel=preferred,
            email_with_consent=key in consent,
        )
    return found
