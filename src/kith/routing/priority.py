"""Priority when no rule sets one: derived from who the customer is and what they say, with the reasons.

Why derive at all: a rule author cannot foresee every combination, and the cases that must not wait are
well known — a high-value customer, someone many people listen to, an angry complaint or a churn threat.
Each reason is kept so the conversation page can say "high: high-value customer (top fifth by orders)".
"""

from __future__ import annotations

from dataclasses import dataclass

RISK_INTENTS = ("complaint", "churn")
LOW_INTENTS = ("praise", "spam")


@dataclass(frozen=True)
class PriorityFacts:
    intent: str | None
    sentiment: str | None
    value: str  # value tier
    influence: str  # influence tier
    followers: int


def derive_priority(facts: PriorityFacts) -> tuple[str, list[str]]:
    """(priority, reasons). Two signals of risk make it urgent; one makes it high."""
    reasons: list[str] = []
    if facts.value == "high":
        reasons.append("high-value customer (top fifth by order total)")
    if facts.influence == "high":
        reasons.append(f"high influence ({facts.followers:,} followers)")
    if facts.intent in RISK_INTENTS and facts.sentiment == "negative":
        reasons.append(f"{facts.intent} with negative sentiment")
    elif facts.intent == "churn":
        reasons.append("churn risk")
    if len(reasons) >= 2:
        return "urgent", reasons
    if reasons:
        return "high", reasons
    if facts.intent in LOW_INTENTS:
        return "low", [f"{facts.intent}: nothing to fix"]
    return "normal", ["no sign of high value, high influence or risk"]
