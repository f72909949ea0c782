"""Pure profile metrics: participation tier (1/9/90), engagement stage, RFM quintiles. No database here.

Kept pure so the rules — especially how ties and tiny populations are handled — can be tested on known
distributions, and so the future incremental profile table can reuse them unchanged.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

# what counts as an "original post" for the participation tier; shares are their own kind ("share")
ORIGINAL_KINDS = ("post", "article", "email", "comment")
CREATOR_SHARE = 0.01  # top ~1%
CONTRIBUTOR_SHARE = 0.10  # top ~10% including creators: the next ~9%

STAGES = ("consumption", "curation", "creation", "collaboration")  # lowest to highest
CURATION_KINDS = ("share",)
CREATION_KINDS = ORIGINAL_KINDS  # articles are blog and review-site entries: reviews are creation
SUGGESTION = "suggestion"  # evidence key: interactions whose enrichment intent is "suggestion"
REPLY_TO_OTHERS = "reply_to_others"  # evidence key: replies to another identity's item


@dataclass(frozen=True)
class TierThresholds:
    """The counts that separate the tiers: ``count >= creator_min`` is a creator, and so on.

    Both are at least 1: an identity without original posts is always a lurker.
    """

    creator_min: int
    contributor_min: int
    population: int


def _count_at_rank(descending: Sequence[int], share: float) -> int:
    """The count of the identity at rank ceil(share * population) from the top (at least rank 1)."""
    rank = max(1, math.ceil(share * len(descending)))
    return descending[min(rank, len(descending)) - 1]


def tiers(counts: Mapping[int, int], population: int | None = None) -> TierThresholds:
    """Thresholds of the participation tiers among all identities (identity id → original posts).

    ``population`` is the number of identities in all when ``counts`` lists only those with posts (the
    missing ones count as 0). Creators are the top ``ceil(1%)`` by count, contributors the top
    ``ceil(10%)`` less the creators.

    Ties: the threshold is the count of the identity at the boundary rank, and everyone with at least that
    count is in the tier — identities with equal counts always share a tier, so a tier can exceed its
    share (never split arbitrarily). If that swallows the contributor boundary too, contributors are empty
    (``contributor_min == creator_min``). Tiny populations: one identity with posts is a creator.
    """
    descending = sorted((c for c in counts.values() if c > 0), reverse=True)
    total = max(population if population is not None else len(counts), len(counts))
    descending += [0] * (total - len(descending))
    if not descending:
        return TierThresholds(creator_min=1, contributor_min=1, population=0)
    creator_min = max(1, _count_at_rank(descending, CREATOR_SHARE))
    contributor_min = max(1, min(creator_min, _count_at_rank(descending, CONTRIBUTOR_SHARE)))
    return TierThresholds(creator_min=creator_min, contributor_min=contributor_min, population=total)


def tier_of(count: int, thresholds: TierThresholds) -> str:
    """``creator``, ``contributor`` or ``lurker`` for an identity with ``count`` original posts."""
    if count >= thresholds.creator_min:
        return "creator"
    if count >= thresholds.contributor_min:
        return "contributor"
    return "lurker"


def stage_of(evidence: Mapping[str, int]) -> str:
    """The highest engagement stage reached, from counts per kind plus ``suggestion``/``reply_to_others``.

    Consumption is the floor: notifications (reactions, follows), direct messages, calls and store visits
    are contact, not content, so they do not lift the stage on their own.
    """
    if evidence.get(SUGGESTION, 0) > 0 or evidence.get(REPLY_TO_OTHERS, 0) > 0:
        return "collaboration"
    if any(evidence.get(kind, 0) > 0 for kind in CREATION_KINDS):
        return "creation"
    if any(evidence.get(kind, 0) > 0 for kind in CURATION_KINDS):
        return "curation"
    return "consumption"


@dataclass(frozen=True)
class RfmValues:
    """One customer's orders summed up; ``recency_days`` is relative to the profile's ``as_of``."""

    identity_id: int
    last_order_at: datetime
    recency_days: int
    frequency: int
    monetary: Decimal


@dataclass(frozen=True)
class RfmScore:
    """Quintile scores 1 to 5 among all customers with orders; 5 is best (most recent, most, highest)."""

    recency: int
    frequency: int
    monetary: int


def quintile(value: Decimal | int, values: Sequence[Decimal | int], higher_is_better: bool = True) -> int:
    """1 + floor(5 * customers strictly worse / customers), so equal values always get the same score.

    A lone customer, or everyone tied, scores 1: there is nobody they are better than.
    """
    if not values:
        return 1
    worse = sum(1 for v in values if (v < value if higher_is_better else v > value))
    return min(5, 1 + (5 * worse) // len(values))


def rfm_scores(customers: Sequence[RfmValues]) -> dict[int, RfmScore]:
    """Quintile scores of every customer (identity id → scores); fewer recency days is better."""
    recency = [c.recency_days for c in customers]
    frequency = [c.frequency for c in customers]
    monetary = [c.monetary for c in customers]
    return {
        c.identity_id: RfmScore(
            recency=quintile(c.recency_days, recency, higher_is_better=False),
            frequency=quintile(c.frequency, frequency),
            monetary=quintile(c.monetary, monetary),
        )
        for c in customers
    }
