"""What an admin of the demo company would configure: its own accounts per channel and its topics."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kith.channels.models import Channel
from kith.demo.bluesky_format import COMPANY_HANDLE as BLUESKY_HANDLE
from kith.demo.meta_format import IG_USERNAME, PAGE_NAME
from kith.demo.reddit_format import REDDIT_ACCOUNT
from kith.demo.routing_rules import configure_demo_routing
from kith.demo.story import COMPANY, COMPETITORS, DOMAIN
from kith.demo.x_format import COMPANY_HANDLE as X_HANDLE
from kith.demo.youtube_format import YT_HANDLE
from kith.enrichment.models import Topic
from kith.enrichment.topics import do_add_topic

ACCOUNTS = {  # the handles the demo's generators write for the company (one place each: the format modules)
    "x": X_HANDLE,
    "mastodon": "nordlicht",
    "bluesky": BLUESKY_HANDLE,
    "reddit": REDDIT_ACCOUNT,
    "instagram": IG_USERNAME,
    "facebook": PAGE_NAME,
    "youtube": YT_HANDLE,
    "email": f"service@{DOMAIN},sales@{DOMAIN}",
}
TOPICS = (
    (
        "Nordlicht brand",
        "brand",
        f'{COMPANY.lower()}* OR #{COMPANY.lower()} OR @{X_HANDLE} OR "nord licht"',
        "marketing",
    ),
    ("E-bikes", "product", "aurora* OR borealis* OR polaris* OR e-bike* OR ebike* OR pedelec*", "product"),
    ("Batteries & range", "theme", "akku* OR batter* OR reichweite OR range OR laden OR charger", "service"),
    ("Tents & camping", "product", 'zelt* OR tent* OR camping OR schlafsack OR "sleeping bag"', "product"),
    ("Competitors", "competitor", " OR ".join(f"{c.lower()}*" for c in COMPETITORS), "marketing"),
    ("Prices & deals", "theme", 'preis* OR price* OR teuer OR expensive OR rabatt OR discount OR raw:"€"', "sales"),
)


def configure_demo(session: Session) -> None:
    """Idempotent: set the company's handles on its channels and add the demo topics that are missing."""
    for channel in session.scalars(select(Channel).where(Channel.name.in_(ACCOUNTS))):
        channel.account = channel.account or ACCOUNTS[channel.name]
    existing = set(session.scalars(select(Topic.name)))
    for name, kind, query, department in TOPICS:
        if name not in existing:
            do_add_topic(session, name, kind, query, department)
    configure_demo_routing(session)
