"""Pure profile metrics: participation tiers (ties, tiny populations), engagement stages, RFM quintiles."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from kith.profiles.metrics import (
    REPLY_TO_OTHERS,
    SUGGESTION,
    RfmScore,
    RfmValues,
    TierThresholds,
    quintile,
    rfm_scores,
    stage_of,
    tier_of,
    tiers,
)


def test_tiers_of_a_known_distribution() -> None:
    # 200 identities: 2 with 50 posts, 18 with 5..22, 30 with 1, 150 with none
    counts = {1: 50, 2: 50} | {10 + i: 5 + i for i in range(18)} | {100 + i: 1 for i in range(30)}
    t = tiers(counts, population=200)
    assert t == TierThresholds(creator_min=50, contributor_min=5, population=200)
    assert [tier_of(c, t) for c in (50, 49, 5, 4, 1, 0)] == [
        "creator",
        "contributor",
        "contributor",
        "lurker",
        "lurker",
        "lurker",
    ]
    assert sum(tier_of(c, t) == "creator" for c in counts.values()) == 2  # exactly 1%
    assert sum(tier_of(c, t) == "contributor" for c in counts.values()) == 18  # exactly 9%


def test_ties_at_a_boundary_share_the_tier() -> None:
    # 100 identities; rank 1 is the boundary of creators, and three are tied there
    counts = {1: 9, 2: 9, 3: 9} | {10 + i: 2 for i in range(20)}
    t = tiers(counts, population=100)
    assert t.creator_min == 9
    assert sum(tier_of(c, t) == "creator" for c in counts.values()) == 3  # ties never split: over 1%
    assert t.contributor_min == 2  # rank 10 has 2: all 20 tied at 2 are contributors
    assert sum(tier_of(c, t) == "contributor" for c in counts.values()) == 20


def test_ties_can_empty_the_contributor_tier() -> None:
    t = tiers(dict.fromkeys(range(50), 4), population=50)
    assert t.creator_min == t.contributor_min == 4
    assert {tier_of(4, t), tier_of(3, t)} == {"creator", "lurker"}


def test_tiny_and_empty_populations() -> None:
    assert tier_of(1, tiers({7: 1})) == "creator"  # a lone poster is the top 1%
    t = tiers({7: 0, 8: 0})
    assert t.creator_min == 1 and tier_of(0, t) == "lurker"  # nobody posts: nobody is a creator
    assert tiers({}) == TierThresholds(creator_min=1, contributor_min=1, population=0)
    two = tiers({1: 5, 2: 3})
    assert (tier_of(5, two), tier_of(3, two)) == ("creator", "lurker")  # ceil(10% of 2) is rank 1 too


def test_population_counts_identities_missing_from_the_mapping() -> None:
    assert tiers({1: 3}, population=1000).population == 1000
    assert tiers({1: 3, 2: 0, 3: 0}).population == 3


def test_stage_is_the_highest_reached() -> None:
    assert stage_of({}) == "consumption"
    assert stage_of({"notification": 12, "direct_message": 3, "call": 1, "store_visit": 2}) == "consumption"
    assert stage_of({"share": 2, "notification": 1}) == "curation"
    assert stage_of({"share": 2, "article": 1}) == "creation"
    assert stage_of({"comment": 1}) == "creation"
    assert stage_of({"post": 4, SUGGESTION: 1}) == "collaboration"
    assert stage_of({"comment": 1, REPLY_TO_OTHERS: 1}) == "collaboration"
    assert stage_of({"post": 1, SUGGESTION: 0, REPLY_TO_OTHERS: 0}) == "creation"


def test_quintile_ranks_with_ties() -> None:
    values = [1, 2, 3, 4, 5]
    assert [quintile(v, values) for v in values] == [1, 2, 3, 4, 5]
    assert [quintile(v, values, higher_is_better=False) for v in values] == [5, 4, 3, 2, 1]
    ten = list(range(10))
    assert [quintile(v, ten) for v in ten] == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert {quintile(3, [3, 3, 3])} == {1}  # everyone tied: nobody is better than anyone
    assert quintile(7, [7]) == 1
    assert quintile(2, [1, 2, 2, 2, 9]) == 2  # ties share the score of their lowest member


def test_rfm_scores_among_customers() -> None:
    when = datetime(2024, 6, 1, tzinfo=UTC)

    def c(i: int, days: int, orders: int, spent: str) -> RfmValues:
        return RfmValues(
            identity_id=i, last_order_at=when, recency_days=days, frequency=orders, monetary=Decimal(spent)
        )

    customers = [c(1, 1, 10, "900"), c(2, 30, 1, "10"), c(3, 300, 2, "50"), c(4, 90, 5, "300"), c(5, 7, 3, "120")]
    scores = rfm_scores(customers)
    assert scores[1] == RfmScore(recency=5, frequency=5, monetary=5)
    assert scores[2] == RfmScore(recency=3, frequency=1, monetary=1)
    assert scores[3] == RfmScore(recency=1, frequency=2, monetary=2)
    assert scores[5] == RfmScore(recency=4, frequency=3, monetary=3)
    assert rfm_scores([]) == {}
    assert rfm_scores([c(9, 0, 1, "5")])[9] == RfmScore(1, 1, 1)
