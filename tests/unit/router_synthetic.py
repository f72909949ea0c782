"""A synthetic but realistic routing history: what customers write, and the department people chose.

Each department has its own phrasings (in English and German, with products, order numbers and typos
mixed in) so the words that decide overlap only partly, as in a real inbox; the generator is seeded.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from kith.routing.learned_features import RoutingText
from kith.routing.learned_history import Sample

PRODUCTS = ("Aurora e-bike", "Polaris tent", "Borealis 2", "trail jacket", "sleeping bag")
PHRASES = {
    "service": (
        "My {p} battery will not charge any more, ticket open for {n} days",
        "Order {o} still not shipped, nobody answers the hotline",
        "The motor of my {p} grinds uphill, third time at the workshop",
        "Mein Akku vom {p} lädt nicht mehr, bitte um Hilfe",
        "Zipper of the {p} broke after two trips, I want a repair",
        "Where is my parcel? Tracking for order {o} shows nothing",
    ),
    "sales": (
        "How much is the {p}? Is there a discount this month?",
        "Thinking about buying the {p}, which size should I order?",
        "Do you deliver the {p} to Austria and can I pay by invoice?",
        "Was kostet das {p}? Gibt es Rabatt für Vereine?",
        "Can I book a test ride for the {p} in Hamburg on Saturday?",
        "Is the {p} cheaper than the Voltaro one? I want to buy this week",
    ),
    "product": (
        "Idea: please make the {p} in matte black",
        "Feature request: an app that shows the battery health of the {p}",
        "Would love a bottle holder mount on the {p}, suggestion for next year",
        "Idee: eine Halterung für das Handy am {p} wäre super",
        "Please add a lighter version of the {p} for kids",
    ),
    "legal": (
        "Under GDPR I request a copy of all personal data you hold about me",
        "Please delete my data and confirm the erasure in writing, article 17",
        "My lawyer will contact you about the warranty claim for order {o}",
        "Datenschutz: bitte löschen Sie meine Daten vollständig",
    ),
}
CHANNELS = ("x", "email", "mastodon", "facebook")


def synthetic_samples(n: int, seed: int = 7, departments: tuple[str, ...] = tuple(PHRASES)) -> list[Sample]:
    """``n`` samples oldest first, departments in turn-ish (random), one hour apart."""
    rng = random.Random(seed)
    start = datetime(2026, 5, 1, tzinfo=UTC)
    out = []
    for i in range(n):
        department = rng.choice(departments)
        out.append(Sample(i + 1, i + 1, start + timedelta(hours=i), synthetic_text(rng, department), department))
    return out


def synthetic_text(rng: random.Random, department: str) -> RoutingText:
    phrase = rng.choice(PHRASES[department]).format(
        p=rng.choice(PRODUCTS), n=rng.randint(2, 20), o=f"NL-{rng.randint(10000, 99999)}"
    )
    intent = {"service": "complaint", "sales": "purchase_intent", "product": "suggestion"}.get(department)
    lang = "de" if any(w in phrase for w in ("Mein", "Was ", "Idee", "Datenschutz")) else "en"
    return RoutingText(phrase, rng.choice(CHANNELS), intent if rng.random() < 0.7 else None, None, lang)
