"""Who is who in the demo story: the truth the social matcher's precision and recall are measured on.

Why rebuild it and not store it: the demo writes each network's real format, and nothing in those files
says that ``lena_rides`` on X is ``Lena Schmidt`` in the customer list (the data never says so, as in
life). The story that generated them does: the same seed rebuilds the same personas, and running the
writers again (into a throw-away folder) hands out the same per-network ids. Each identity id of an
imported demo is mapped to its persona's key, or to ``customer:<id>`` for a customer with no persona.
"""

from __future__ import annotations

import random
import tempfile
from collections.abc import Iterable
from itertools import combinations
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from kith.channels.models import Channel
from kith.demo.generate import WRITERS
from kith.demo.story import Story, build_story
from kith.identities.models import Identity

ID_KEYS = {  # channel -> key of Persona.ids holding the identity's external id
    "x": "x",
    "facebook": "facebook",
    "instagram": "instagram",
    "youtube": "youtube",
    "mastodon": "mastodon",
    "bluesky": "bluesky",
    "reddit": "reddit_t2",
}


def demo_story(seed: int = 2026) -> Story:
    """The story of ``kith demo --seed SEED``, with every persona's per-network ids filled in."""
    story = build_story(random.Random(f"{seed}:story"))
    with tempfile.TemporaryDirectory(prefix="kith-truth-") as folder:
        for channel, writer in WRITERS.items():
            writer(Path(folder), random.Random(f"{seed}:{channel}"), story)
    return story


def truth_keys(session: Session, seed: int = 2026) -> dict[int, str]:
    """Identity id -> the key of the real person behind it (identities of unknown origin left out)."""
    story = demo_story(seed)
    by_external: dict[tuple[str, str], str] = {}
    feed_names: dict[str, list[str]] = {}
    for persona in story.personas:
        for channel, key in ID_KEYS.items():
            if key in persona.ids:
                by_external[(channel, persona.ids[key])] = persona.key
        by_external[("email", persona.email)] = persona.key
        by_external[("csv", persona.email)] = persona.key
        if persona.customer is not None:
            by_external[("csv", f"customer:{persona.customer.customer_id}")] = persona.key
        if "feeds" in persona.channels:
            feed_names.setdefault(persona.name, []).append(persona.key)
    for customer in story.customers:
        key = f"customer:{customer.customer_id}"
        by_external.setdefault(("csv", key), key)
        by_external.setdefault(("csv", customer.email), by_external[("csv", key)])
        by_external.setdefault(("email", customer.email), by_external[("csv", key)])
    found: dict[int, str] = {}
    stmt = select(Identity.id, Identity.external_id, Identity.display_name, Channel.name).join(
        Channel, Channel.id == Identity.channel_id
    )
    for identity_id, external_id, display_name, channel in session.execute(stmt):
        found_key = by_external.get((channel, external_id))
        if found_key is None and channel == "feeds" and len(feed_names.get(display_name or "", [])) == 1:
            found_key = feed_names[display_name or ""][0]
        if found_key is not None:
            found[identity_id] = found_key
    return found


def true_pairs(truth: dict[int, str], eligible: Iterable[tuple[int, int]] | None = None) -> set[tuple[int, int]]:
    """(left, right) identity id pairs (left < right) of one person, optionally only among ``eligible``."""
    by_key: dict[str, list[int]] = {}
    for identity_id, key in truth.items():
        by_key.setdefault(key, []).append(identity_id)
    pairs = {(a, b) for ids in by_key.values() for a, b in combinations(sorted(ids), 2)}
    return pairs if eligible is None else pairs & set(eligible)
