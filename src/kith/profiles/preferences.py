"""Preferences: products and categories (bought and mentioned, with sentiment), preferred media, preferred
sales channel and the best time to reach someone. No database here: :mod:`kith.profiles.refresh` gathers
the facts, these functions turn them into JSON-safe fields that carry their own evidence.

Why these rules: an agent should be able to check each preference at a glance — "bought 2, mentioned 3
times (2 positive)" — so every figure is a plain count, and ranking ties break by name for stable pages.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

TOP_PRODUCTS = 8
TOP_CATEGORIES = 5
MIN_MESSAGES_FOR_TIME = 3  # fewer messages say nothing about someone's habits
WINDOW_HOURS = 3  # "best time" is the busiest 3-hour window, wrapping around midnight
NOT_MESSAGES = frozenset({"store_visit", "notification"})  # visits and reactions: not times they wrote


@dataclass(frozen=True)
class ProductFact:
    """A product bought (``quantity`` > 0) or mentioned (``sentiment`` of the mentioning message)."""

    name: str
    category: str | None
    quantity: int = 0
    sentiment: str | None = None
    mentioned: bool = False


@dataclass(frozen=True)
class ChannelActivity:
    channel: str  # display name
    interactions: int
    answers: int  # replies they wrote: the channel where they talk back, not just broadcast


@dataclass(frozen=True)
class SalesChannelUse:
    channel: str  # store | webshop | marketplace | phone | …
    orders: int
    revenue: Decimal


def _tally(facts: Sequence[ProductFact], key: str) -> list[dict[str, Any]]:
    rows: dict[str, Counter[str]] = {}
    categories: dict[str, str | None] = {}
    for fact in facts:
        name = fact.name if key == "name" else fact.category
        if not name:
            continue
        counts = rows.setdefault(name, Counter())
        categories.setdefault(name, fact.category)
        counts["bought"] += max(0, fact.quantity)
        if fact.mentioned:
            counts["mentions"] += 1
            counts[fact.sentiment or "neutral"] += 1
    tallied = []
    for name, counts in rows.items():
        positive, negative = counts["positive"], counts["negative"]
        feeling = (
            "mixed" if positive and negative else "positive" if positive else "negative" if negative else "neutral"
        )
        row: dict[str, Any] = {
            "name": name,
            "bought": counts["bought"],
            "mentions": counts["mentions"],
            "positive": positive,
            "negative": negative,
            "sentiment": feeling if counts["mentions"] else None,
        }
        if key == "name":
            row["category"] = categories[name]
        tallied.append(row)
    # bought counts double: a purchase says more than a mention; liking it more than disliking it
    tallied.sort(key=lambda r: (-(2 * r["bought"] + r["mentions"] + r["positive"] - r["negative"]), r["name"]))
    return tallied


def products(facts: Sequence[ProductFact]) -> dict[str, Any]:
    """Top products and categories, each with bought quantity, mentions and their sentiment."""
    return {
        "products": _tally(facts, "name")[:TOP_PRODUCTS],
        "categories": _tally(facts, "category")[:TOP_CATEGORIES],
    }


def media(activity: Sequence[ChannelActivity]) -> dict[str, Any]:
    """Channels where they are active, ranked by how often they answer there, then by activity."""
    ranked = sorted(activity, key=lambda a: (-a.answers, -a.interactions, a.channel))
    ranked = [a for a in ranked if a.interactions > 0]
    return {
        "preferred": ranked[0].channel if ranked else None,
        "channels": [{"channel": a.channel, "interactions": a.interactions, "answers": a.answers} for a in ranked],
    }


def sales_channel(uses: Sequence[SalesChannelUse]) -> dict[str, Any]:
    """Where they buy: most orders first, revenue breaking ties."""
    ranked = sorted(uses, key=lambda u: (-u.orders, -u.revenue, u.channel))
    return {
        "preferred": ranked[0].channel if ranked else None,
        "channels": [{"channel": u.channel, "orders": u.orders, "revenue": str(u.revenue)} for u in ranked],
    }


def best_time(hours: Sequence[int]) -> dict[str, Any]:
    """Hour-of-day histogram (UTC) of their messages and the busiest 3-hour window (None below 3 messages)."""
    histogram = [0] * 24
    for hour in hours:
        histogram[hour % 24] += 1
    window = None
    if len(hours) >= MIN_MESSAGES_FOR_TIME:
        start = max(range(24), key=lambda h: (sum(histogram[(h + i) % 24] for i in range(WINDOW_HOURS)), -h))
        in_window = sum(histogram[(start + i) % 24] for i in range(WINDOW_HOURS))
        window = {"start_hour": start, "end_hour": (start + WINDOW_HOURS) % 24, "messages": in_window}
    return {"messages": len(hours), "hour_histogram": histogram, "best_window": window, "time_zone": "UTC"}
