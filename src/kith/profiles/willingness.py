"""Willingness to pay: a low/mid/high band with a confidence, from what a customer paid and what they said.

Three kinds of evidence, each explainable on its own:

* price level — what they paid per unit against the list price of the product, and how expensive the
  products they chose are within their category (buying the top of a range is a signal by itself);
* discount use — the share of order lines bought with a discount;
* words — messages whose intent is ``price`` or that say "too expensive", "any discount?", "I'd pay …
  tops" (sensitive), against "worth every cent", "no regrets", "quality costs" (not sensitive).

Each signal moves a score around 0 (neutral); the band is the score's side, the confidence grows with the
amount of evidence. No database here: :mod:`kith.profiles.refresh` gathers the facts.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

SENSITIVE = re.compile(
    r"\b(too (expensive|pricey|much)|overpriced|over-priced|rip-?off|steep|pricey|cheaper|discounts?|coupons?"
    r"|vouchers?|promo code|on sale|sale price|price drop|dropped to|budget|afford|tops\b|zu teuer|rabatt"
    r"|gutschein|günstiger)",
    re.IGNORECASE,
)
PREMIUM = re.compile(
    r"\b(worth (every|the) (cent|penny|euro|price|money)|no regrets|quality costs|money well spent"
    r"|happy to pay|don'?t mind paying|jeden cent wert)",
    re.IGNORECASE,
)
PRICE_INTENT = "price"
MAX_QUOTES = 3  # example messages kept as evidence


@dataclass(frozen=True)
class PricePoint:
    """One order line: what was paid per unit, the product's list price, and its category's median."""

    sku: str
    quantity: int
    unit_price: Decimal
    discount: Decimal  # amount off the whole line
    list_price: Decimal | None
    category_median: Decimal | None


@dataclass(frozen=True)
class Message:
    public_id: str
    text: str
    intent: str | None


def _ratio(numerator: Decimal, denominator: Decimal | None) -> float | None:
    if denominator is None or denominator <= 0:
        return None
    return float(numerator / denominator)


def price_signals(lines: Sequence[PricePoint]) -> dict[str, Any]:
    """Paid-vs-list, category price level and discount share over the order lines (JSON-safe)."""
    paid_vs_list, level = [], []
    discounted = 0
    for line in lines:
        quantity = max(1, line.quantity)
        paid_each = line.unit_price - line.discount / quantity
        if (ratio := _ratio(paid_each, line.list_price)) is not None:
            paid_vs_list.append(ratio)
        if (ratio := _ratio(line.list_price or Decimal(0), line.category_median)) is not None:
            level.append(ratio)
        if line.discount > 0 or (line.list_price is not None and line.unit_price < line.list_price * Decimal("0.95")):
            discounted += 1
    return {
        "lines": len(lines),
        "paid_vs_list": round(sum(paid_vs_list) / len(paid_vs_list), 3) if paid_vs_list else None,
        "category_price_level": round(sum(level) / len(level), 3) if level else None,
        "discounted_lines": discounted,
        "discount_share": round(discounted / len(lines), 3) if lines else None,
    }


def text_signals(messages: Sequence[Message]) -> dict[str, Any]:
    """Counts of price-sensitive and not-sensitive messages, with a few quotes (public ids + phrase)."""
    sensitive, premium = 0, 0
    quotes: list[dict[str, Any]] = []
    for message in messages:
        relaxed = PREMIUM.search(message.text)
        worried = SENSITIVE.search(message.text)
        if relaxed:
            premium += 1
        elif worried or message.intent == PRICE_INTENT:
            sensitive += 1
        else:
            continue
        if len(quotes) < MAX_QUOTES:
            found = relaxed or worried
            phrase = found.group(0) if found else "intent: price"
            quotes.append({"interaction": message.public_id, "phrase": phrase, "sensitive": not relaxed})
    return {"sensitive_messages": sensitive, "premium_messages": premium, "quotes": quotes}


def estimate(lines: Sequence[PricePoint], messages: Sequence[Message]) -> dict[str, Any]:
    """The band (low/mid/high, or ``unknown`` without evidence), a confidence 0 to 1, and the evidence.

    Score contributions (positive = pays more): paying below list price, down to -1 at 20% off (full
    price is the norm, so it adds nothing); buying above or below the category's median price, +/-1 at
    50% off the median; discount use down to -0.5; words +/-0.5 each, at most
    +/-1.5. Band: score <= -0.5 low, >= 0.5 high, else mid. Confidence: 1 - exp(-evidence / 6), where
    evidence = order lines + 2 * messages with a price signal.
    """
    prices, words = price_signals(lines), text_signals(messages)
    score = 0.0
    if prices["paid_vs_list"] is not None:
        score += max(-1.0, min(0.0, (prices["paid_vs_list"] - 1.0) * 5))
    if prices["category_price_level"] is not None:
        score += max(-1.0, min(1.0, (prices["category_price_level"] - 1.0) * 2))
    if prices["discount_share"] is not None:
        score -= 0.5 * prices["discount_share"]  # the discount already lowers paid_vs_list
    said = 0.5 * (words["premium_messages"] - words["sensitive_messages"])
    score += max(-1.5, min(1.5, said))
    evidence = prices["lines"] + 2 * (words["sensitive_messages"] + words["premium_messages"])
    band = "unknown" if evidence == 0 else "low" if score <= -0.5 else "high" if score >= 0.5 else "mid"
    return {
        "band": band,
        "score": round(score, 3),
        "confidence": round(1 - math.exp(-evidence / 6), 2),
        "evidence": {**prices, **words},
    }
