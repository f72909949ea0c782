"""The audience view: who the company talks to online, against its customer base and its offline panel.

Three populations of customers (persons, or identities linked to no person) in a period:

* **online** — wrote or reacted on a social network (public posts, comments, direct messages);
* **customers** — placed an order;
* **panel** — answered a market-research panel (``panel_response``).

Each is broken down by participation tier, segment class, value tier, country and city. The
*representativeness gap* compares a population's shares with the customer base's, per category
(difference in percentage points and an index: 100 = as common as among customers) and per dimension
(total variation distance: half the sum of absolute share differences, 0 = same mix, 1 = nothing in
common). Why against the customer base: it is the population a company's decisions are meant for; a
loud online minority or a panel of regulars looks like "the customers" until the gap is on screen.
Region shares are among those whose region is known; the coverage (known / all) is reported beside.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kith.commerce.models import Order, PanelResponse
from kith.interactions.models import Interaction
from kith.profiles.customer_facts import CustomerFacts, all_customer_facts
from kith.profiles.segment_rules import Definition
from kith.profiles.value import SEGMENTS, VALUE_TIERS

POPULATIONS = ("online", "customers", "panel")
REFERENCE = "customers"
ONLINE_VISIBILITIES = ("public", "private")  # social networks; e-mail and offline contact are not "online talk"
TOP_PLACES = 8  # countries and cities beyond these are summed up as "other"
OTHER = "other"
UNKNOWN = "unknown"
DIMENSIONS: dict[str, tuple[str, tuple[str, ...]]] = {  # key → (label, fixed category order; () = by size)
    "tier": ("Participation tier", ("creator", "contributor", "lurker")),
    "segment": ("Segment class", SEGMENTS),
    "value": ("Value tier", VALUE_TIERS),
    "country": ("Country", ()),
    "city": ("City", ()),
}


@dataclass(frozen=True)
class CategoryRow:
    category: str
    counts: dict[str, int]  # population → customers in this category
    shares: dict[str, float]  # population → share among its known
    gaps: dict[str, float | None]  # population (not the reference) → share − reference share, in points
    index: dict[str, float | None]  # population → share / reference share × 100 (None: reference share 0)


@dataclass(frozen=True)
class Breakdown:
    key: str
    label: str
    rows: list[CategoryRow]
    known: dict[str, int]  # population → customers whose value is known
    sizes: dict[str, int]  # population → all customers
    distance: dict[str, float | None]  # population → total variation distance to the reference


@dataclass(frozen=True)
class SegmentShare:
    slug: str
    name: str
    shares: dict[str, float]
    counts: dict[str, int]


@dataclass(frozen=True)
class AudienceReport:
    since: datetime | None
    until: datetime | None
    sizes: dict[str, int]
    breakdowns: list[Breakdown]
    saved_segments: list[SegmentShare]


def shares(counts: Mapping[str, int]) -> dict[str, float]:
    """Each category's share of the total (all 0 when the total is 0)."""
    total = sum(counts.values())
    return {k: (v / total if total else 0.0) for k, v in counts.items()}


def total_variation(p: Mapping[str, float], q: Mapping[str, float]) -> float:
    """Half the sum of |p - q| over every category of either: 0 for the same mix, 1 for disjoint ones."""
    return 0.5 * sum(abs(p.get(k, 0.0) - q.get(k, 0.0)) for k in set(p) | set(q))


def breakdown(key: str, label: str, values: Mapping[str, Sequence[str | None]], order: Sequence[str] = ()) -> Breakdown:
    """Distribution of one dimension in each population (``values``: population → each member's value).

    ``None`` values are unknown: left out of the shares, counted in ``known``. Without a fixed ``order``
    categories are ranked by their count over all populations, and beyond ``TOP_PLACES`` summed as "other".
    """
    counted = {pop: Counter(v for v in vals if v is not None) for pop, vals in values.items()}
    if order:
        categories = list(order)
    else:
        overall: Counter[str] = Counter()
        for c in counted.values():
            overall.update(c)
        ranked = [name for name, _ in sorted(overall.items(), key=lambda kv: (-kv[1], kv[0]))]
        categories = ranked[:TOP_PLACES]
        if len(ranked) > TOP_PLACES:
            rest = set(ranked[TOP_PLACES:])
            for c in counted.values():
                c[OTHER] = sum(c.pop(name) for name in list(c) if name in rest)
            categories.append(OTHER)
    share = {pop: shares({cat: c.get(cat, 0) for cat in categories}) for pop, c in counted.items()}
    reference = share.get(REFERENCE, {})
    has_reference = sum(counted.get(REFERENCE, Counter()).values()) > 0
    rows = []
    for cat in categories:
        ref = reference.get(cat, 0.0)
        gaps: dict[str, float | None] = {}
        index: dict[str, float | None] = {}
        for pop in values:
            has_pop = sum(counted[pop].values()) > 0
            own = share[pop][cat]
            if pop != REFERENCE:
                gaps[pop] = 100 * (own - ref) if has_reference and has_pop else None
            index[pop] = 100 * own / ref if has_reference and has_pop and ref > 0 else None
        rows.append(
            CategoryRow(
                cat, {p: counted[p].get(cat, 0) for p in values}, {p: share[p][cat] for p in values}, gaps, index
            )
        )
    distance: dict[str, float | None] = {
        pop: (total_variation(share[pop], reference) if has_reference and counted[pop].total() > 0 else None)
        for pop in values
        if pop != REFERENCE
    }
    return Breakdown(
        key=key,
        label=label,
        rows=rows,
        known={pop: sum(c.values()) for pop, c in counted.items()},
        sizes={pop: len(vals) for pop, vals in values.items()},
        distance=distance,
    )


def populations(
    session: Session, facts: Iterable[CustomerFacts], since: datetime | None, until: datetime | None
) -> dict[str, list[CustomerFacts]]:
    """The customers in each population in ``[since, until)`` (open ends: no limit)."""
    online = select(Interaction.identity_id).where(
        Interaction.identity_id.is_not(None),
        Interaction.deleted_at.is_(None),
        Interaction.visibility.in_(ONLINE_VISIBILITIES),
    )
    ordered = select(Order.identity_id).where(Order.identity_id.is_not(None))
    answered = select(PanelResponse.identity_id)
    if since is not None:
        online = online.where(Interaction.sort_at >= since)
        ordered = ordered.where(Order.ordered_at >= since)
        answered = answered.where(PanelResponse.answered_at >= since)
    if until is not None:
        online = online.where(Interaction.sort_at < until)
        ordered = ordered.where(Order.ordered_at < until)
        answered = answered.where(PanelResponse.answered_at < until)
    active = {
        "online": {int(i) for i in session.scalars(online.distinct()) if i is not None},
        "customers": {int(i) for i in session.scalars(ordered.distinct()) if i is not None},
        "panel": {int(i) for i in session.scalars(answered.distinct()) if i is not None},
    }
    return {pop: [f for f in facts if not ids.isdisjoint(f.identity_ids)] for pop, ids in active.items()}


def audience_report(
    session: Session,
    since: datetime | None = None,
    until: datetime | None = None,
    saved: Sequence[tuple[str, str, Definition]] = (),
    facts: list[CustomerFacts] | None = None,
) -> AudienceReport:
    """Breakdowns of the three populations; ``saved``: (slug, name, compiled definition) of saved segments."""
    everyone = all_customer_facts(session) if facts is None else facts
    members = populations(session, everyone, since, until)
    breakdowns = [
        breakdown(key, label, {pop: [getattr(f, key) for f in fs] for pop, fs in members.items()}, order)
        for key, (label, order) in DIMENSIONS.items()
    ]
    segment_shares = []
    for slug, name, definition in saved:
        counts = {pop: sum(1 for f in fs if definition(f)) for pop, fs in members.items()}
        segment_shares.append(
            SegmentShare(slug, name, {p: (counts[p] / len(members[p]) if members[p] else 0.0) for p in members}, counts)
        )
    return AudienceReport(
        since=since,
        until=until,
        sizes={pop: len(fs) for pop, fs in members.items()},
        breakdowns=breakdowns,
        saved_segments=segment_shares,
    )
