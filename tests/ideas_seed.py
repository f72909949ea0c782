"""Seeding the ideas tests through the real pipeline: Mastodon statuses → run → enrich → collect ideas.

The wording of each suggestion is the demo's (the shipped intent model calls them "suggestion" at 0.9+).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Engine, select, update

from kith.channels.models import Channel
from kith.db import session_scope
from kith.enrichment.stage import enrich_pending
from kith.identities.models import Identity, Person
from kith.pipeline.ingest import ingest_bytes
from kith.pipeline.runner import run_pending

PRODUCTS = "sku,name,category,price,currency,aliases\nNL-EB-1001,Aurora 500,e-bike,2499.00,EUR,Aurora|A500\n"
RENTAL = "A rental option for the Aurora 500 before buying would be great."
RENTAL_AGAIN = "A rental option for the Aurora before buying would be great, honestly. #nordlicht"
BOTTLE = "Idea for @nordlicht: a bottle-cage mount on the cargo bike. Would buy it immediately."
# (status id, username, text, in reply to)
POSTS: tuple[tuple[str, str, str, str | None], ...] = (
    ("s1", "mia", RENTAL, None),
    ("s2", "mia", RENTAL_AGAIN, None),
    ("s3", "ben", RENTAL, None),
    ("s4", "carl", RENTAL_AGAIN, None),
    ("s5", "lea", BOTTLE, None),
    ("s6", "nordlicht", "A rental option for the Aurora 500 before buying would be great, we think!", None),
    ("s7", "ben", "Rode my Aurora to work this morning along the river", None),
)


def status(ident: str, user: str, text: str, reply_to: str | None) -> dict[str, Any]:
    return {
        "id": ident,
        "created_at": f"2026-09-1{int(ident[1:]) % 10}T10:00:00.000Z",
        "content": f"<p>{text}</p>",
        "visibility": "public",
        "in_reply_to_id": reply_to,
        "spoiler_text": "",
        "edited_at": None,
        "url": f"https://example.social/@{user}/{ident}",
        "account": {
            "id": f"id-{user}",
            "username": user,
            "acct": f"{user}@example.social",
            "display_name": user.title(),
        },
    }


def seed(engine: Engine) -> None:
    """The posts above, processed; our account is "nordlicht"; ben and carl are one linked person."""
    ingest_bytes(engine, "csv", PRODUCTS.encode(), "products.csv")
    body = json.dumps([status(*post) for post in POSTS]).encode()
    ingest_bytes(engine, "mastodon", body, "ideas-test")
    run_pending(engine)
    enrich_pending(engine)
    with session_scope(engine) as session:
        session.execute(update(Channel).where(Channel.name == "mastodon").values(account="nordlicht"))
        person = Person(display_name="Ben Carlsen")
        session.add(person)
        session.flush()
        session.execute(
            update(Identity)
            .where(Identity.handle.in_(["ben@example.social", "carl@example.social", "ben", "carl"]))
            .values(person_id=person.id)
        )
        linked = session.scalars(select(Identity.handle).where(Identity.person_id == person.id)).all()
        assert len(linked) == 2, linked
