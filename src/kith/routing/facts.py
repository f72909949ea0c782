"""What a rule is matched against: the routed interaction as a ``RoutingDocument``, built for a whole batch.

Shared by the routing stage and the rules page's preview so a rule is tested against exactly what it will
see in production. Which interaction is routed: the first relevant, live interaction of the conversation that
the company did not write itself (our own accounts per channel, see ``channels.service.our_accounts``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from kith.channels.base import Visibility
from kith.channels.service import channel_names, is_ours, our_accounts
from kith.commerce.models import Product
from kith.enrichment.models import InteractionTopic, ProductMention, Topic
from kith.identities.models import Identity
from kith.interactions.models import Interaction
from kith.profiles.segments import SegmentError, segment_identity_ids
from kith.profiles.value import CustomerValue, ValueThresholds, customer_values, value_thresholds
from kith.routing.conditions import RoutingDocument


@dataclass(frozen=True)
class Facts:
    """One routed interaction: the document rules see, and the profile behind it."""

    conversation_id: int
    interaction: Interaction
    channel: str
    doc: RoutingDocument
    customer: CustomerValue | None


@dataclass(frozen=True)
class Lookups:
    """Read once per run: channel names, the company's own handles, the value tiers' population."""

    channels: dict[int, str]
    accounts: dict[int, set[str]]
    thresholds: ValueThresholds
    segments: dict[str, frozenset[int]]  # saved segment slug → its members' identity ids (only those named)


def lookups(session: Session, saved_segments: Iterable[str] = ()) -> Lookups:
    """What a run reads once. ``saved_segments``: the slugs the rules name (members are computed only for
    those: gathering the customer facts is the expensive part, see profiles.customer_facts)."""
    members: dict[str, frozenset[int]] = {}
    for slug in sorted(set(saved_segments)):
        try:
            members[slug] = segment_identity_ids(session, slug)
        except SegmentError:  # deleted since the rule was saved: it matches nobody
            members[slug] = frozenset()
    return Lookups(channel_names(session), our_accounts(session), value_thresholds(session), members)


def _ours(handle: str | None, channel_id: int, accounts: dict[int, set[str]]) -> bool:
    """The handle is one of the company's accounts on that channel."""
    return is_ours(handle, accounts.get(channel_id, set()))


def first_inbound(
    session: Session, conversation_ids: Iterable[int], accounts: dict[int, set[str]]
) -> dict[int, tuple[Interaction, Identity | None]]:
    """Conversation id → its first relevant, live interaction written by a customer (not by us)."""
    ids = list(conversation_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(Interaction, Identity)
        .outerjoin(Identity, Identity.id == Interaction.identity_id)
        .where(Interaction.conversation_id.in_(ids))
        .where(Interaction.relevant.is_(True), Interaction.deleted_at.is_(None))
        .where(Interaction.visibility != Visibility.OFFLINE.value)  # our own records: see the stage's docstring
        .order_by(Interaction.conversation_id, Interaction.sort_at, Interaction.id)
    ).all()
    found: dict[int, tuple[Interaction, Identity | None]] = {}
    for interaction, identity in rows:
        cid = interaction.conversation_id
        if cid is None or cid in found:
            continue
        if identity is not None and _ours(identity.handle, interaction.channel_id, accounts):
            continue
        found[cid] = (interaction, identity)
    return found


def facts_for(
    session: Session, picked: dict[int, tuple[Interaction, Identity | None]], looked_up: Lookups
) -> list[Facts]:
    """Documents for the picked interactions (topics, products, customer value batched), by conversation id."""
    interaction_ids = [i.id for i, _ in picked.values()]
    topics: dict[int, list[str]] = {}
    products: dict[int, list[str]] = {}
    if interaction_ids:
        for iid, name in session.execute(
            select(InteractionTopic.interaction_id, Topic.name)
            .join(Topic, Topic.id == InteractionTopic.topic_id)
            .where(InteractionTopic.interaction_id.in_(interaction_ids))
        ):
            topics.setdefault(int(iid), []).append(str(name))
        for iid, sku, name in session.execute(
            select(ProductMention.interaction_id, Product.sku, Product.name)
            .join(Product, Product.id == ProductMention.product_id)
            .where(ProductMention.interaction_id.in_(interaction_ids))
        ):
            products.setdefault(int(iid), []).extend((str(sku), str(name)))
    identity_ids = [ident.id for _, ident in picked.values() if ident is not None]
    values = customer_values(session, identity_ids, looked_up.thresholds)
    out = []
    for cid in sorted(picked):
        interaction, identity = picked[cid]
        customer = values.get(identity.id) if identity is not None else None
        channel = looked_up.channels.get(interaction.channel_id, "")
        attributes = interaction.attributes or {}
        text = f"{interaction.title}\n{interaction.text}" if interaction.title else (interaction.text or "")
        doc = RoutingDocument(
            text,
            author=(identity.handle or identity.display_name) if identity else None,
            channel=channel,
            lang=interaction.detected_lang or interaction.lang,
            url=interaction.url,
            links=_strings(attributes.get("links")),
            hashtags=tuple(s.lstrip("#") for s in _strings(attributes.get("hashtags"))),
            mentions=tuple(s.lstrip("@") for s in _strings(attributes.get("mentions"))),
            intent=interaction.intent,
            sentiment=interaction.sentiment,
            products=tuple(dict.fromkeys(products.get(interaction.id, []))),
            topics=tuple(topics.get(interaction.id, [])),
            value=customer.tier if customer else "none",
            monetary=customer.monetary if customer else RoutingDocument.monetary,
            segment=customer.segment if customer else "prospect",
            followers=customer.followers if customer else 0,
            influence=customer.influence if customer else "low",
            visibility=interaction.visibility,
            saved_segments=frozenset(
                slug for slug, ids in looked_up.segments.items() if identity is not None and identity.id in ids
            ),
        )
        out.append(Facts(cid, interaction, channel, doc, customer))
    return out


def _strings(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list | tuple):
        return tuple(v for v in value if isinstance(v, str))
    return ()
