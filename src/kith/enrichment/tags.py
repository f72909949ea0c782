"""What enrichment found in a page of interactions, as short labels for the cards: topics and products."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from kith.commerce.models import Product
from kith.enrichment.models import InteractionTopic, ProductMention, Topic


def tags_for(session: Session, interaction_ids: Collection[int]) -> dict[int, list[str]]:
    """Interaction id → its topic names, then the names of the products it mentions (two queries a page)."""
    found: dict[int, list[str]] = defaultdict(list)
    if not interaction_ids:
        return found
    ids = list(interaction_ids)
    topics = (
        select(InteractionTopic.interaction_id, Topic.name)
        .join(Topic, Topic.id == InteractionTopic.topic_id)
        .where(InteractionTopic.interaction_id.in_(ids))
        .order_by(Topic.name)
    )
    for interaction_id, name in session.execute(topics).all():
        found[interaction_id].append(name)
    products = (
        select(ProductMention.interaction_id, Product.name)
        .join(Product, Product.id == ProductMention.product_id)
        .where(ProductMention.interaction_id.in_(ids))
        .order_by(Product.name)
    )
    for interaction_id, name in session.execute(products).all():
        if name not in found[interaction_id]:
            found[interaction_id].append(name)
    return found
