"""Willingness-to-pay bands, preferences and influence from plain facts (no database)."""

from __future__ import annotations

from decimal import Decimal

from kith.profiles import influence, preferences, willingness
from kith.profiles.willingness import Message, PricePoint

D = Decimal


def line(paid: str, listed: str | None, median: str | None = None, discount: str = "0", qty: int = 1) -> PricePoint:
    return PricePoint(
        sku="SKU",
        quantity=qty,
        unit_price=D(paid),
        discount=D(discount),
        list_price=D(listed) if listed else None,
        category_median=D(median) if median else None,
    )


def test_no_evidence_is_an_unknown_band_with_no_confidence() -> None:
    estimate = willingness.estimate([], [Message("m1", "Lovely weather for a ride.", None)])
    assert (estimate["band"], estimate["confidence"]) == ("unknown", 0.0)


def test_full_price_premium_buyer_is_high() -> None:
    lines = [line("4899", "4899", median="3000"), line("289", "289", median="150"), line("749", "749", "400")]
    words = [Message("m1", "Paid a lot for the Polar e-bike and no regrets. Quality costs.", "price")]
    estimate = willingness.estimate(lines, words)
    assert estimate["band"] == "high"
    evidence = estimate["evidence"]
    assert evidence["paid_vs_list"] == 1.0 and evidence["discount_share"] == 0.0
    assert evidence["premium_messages"] == 1 and evidence["sensitive_messages"] == 0
    assert evidence["quotes"] == [{"interaction": "m1", "phrase": "no regrets", "sensitive": False}]


def test_discount_hunter_who_says_too_expensive_is_low() -> None:
    lines = [line("59", "79", median="120", discount="5"), line("119", "139", median="150")]
    words = [
        Message("m1", "The jacket is way too expensive, any discount code?", None),
        Message("m2", "€289 for the jacket? I'd pay €200 tops.", "price"),
        Message("m3", "Why does it cost more here?", "price"),  # the intent alone is a signal
    ]
    estimate = willingness.estimate(lines, words)
    assert estimate["band"] == "low"
    assert estimate["evidence"]["sensitive_messages"] == 3
    assert estimate["evidence"]["discounted_lines"] == 2  # one with a discount, one below list price
    assert estimate["evidence"]["paid_vs_list"] < 0.85


def test_confidence_grows_with_evidence() -> None:
    one = willingness.estimate([line("100", "100")], [])
    many = willingness.estimate([line("100", "100")] * 12, [])
    assert one["band"] == many["band"] == "mid"
    assert 0 < one["confidence"] < many["confidence"] < 1


def test_products_rank_purchases_and_carry_sentiment() -> None:
    facts = [
        preferences.ProductFact("Polar E-Bike", "E-Bikes", quantity=1),
        preferences.ProductFact("Polar E-Bike", "E-Bikes", sentiment="positive", mentioned=True),
        preferences.ProductFact("Polar E-Bike", "E-Bikes", sentiment="negative", mentioned=True),
        preferences.ProductFact("Fjord Tent", "Tents", sentiment="negative", mentioned=True),
        preferences.ProductFact("Moos Mat", "Sleeping", quantity=3),
    ]
    found = preferences.products(facts)
    names = [row["name"] for row in found["products"]]
    assert names == ["Moos Mat", "Polar E-Bike", "Fjord Tent"]  # 3 bought > 1 bought + 2 mentions > 1 bad mention
    bike = found["products"][1]
    assert (bike["bought"], bike["mentions"], bike["sentiment"], bike["category"]) == (1, 2, "mixed", "E-Bikes")
    assert found["products"][0]["sentiment"] is None  # bought, never talked about
    assert found["categories"][0]["name"] == "Sleeping"


def test_preferred_media_favours_where_they_answer() -> None:
    found = preferences.media(
        [
            preferences.ChannelActivity("X", interactions=20, answers=0),
            preferences.ChannelActivity("E-mail", interactions=4, answers=3),
            preferences.ChannelActivity("Reddit", interactions=0, answers=0),
        ]
    )
    assert found["preferred"] == "E-mail"
    assert [row["channel"] for row in found["channels"]] == ["E-mail", "X"]  # inactive channels left out


def test_preferred_sales_channel_by_orders_then_revenue() -> None:
    found = preferences.sales_channel(
        [
            preferences.SalesChannelUse("webshop", 2, D("80")),
            preferences.SalesChannelUse("store", 2, D("900")),
            preferences.SalesChannelUse("marketplace", 1, D("5000")),
        ]
    )
    assert found["preferred"] == "store"
    assert found["channels"][0] == {"channel": "store", "orders": 2, "revenue": "900"}


def test_best_time_wraps_around_midnight_and_needs_three_messages() -> None:
    assert preferences.best_time([22, 23])["best_window"] is None
    found = preferences.best_time([23, 0, 1, 0, 12])
    assert found["best_window"] == {"start_hour": 23, "end_hour": 2, "messages": 4}
    assert found["hour_histogram"][0] == 2 and sum(found["hour_histogram"]) == 5


def test_influence_from_followers_reach_and_replies() -> None:
    quiet = influence.assess({"X": 40}, [influence.PostReach({"likes": 2, "views": 100})], replies_triggered=1)
    assert (quiet["level"], quiet["engagement"], quiet["views"]) == ("low", 2, 100)
    famous = influence.assess({"X": 40, "Mastodon": 25_000}, [], replies_triggered=0)
    assert famous["level"] == "high" and list(famous["followers"]) == ["Mastodon", "X"]
    talked_about = influence.assess({}, [influence.PostReach({"replies": 3})], replies_triggered=12)
    assert (talked_about["level"], talked_about["lifted_by_conversation"]) == ("medium", True)
    assert talked_about["engagement_per_post"] == 3.0
