"""Reading an identity's profile basics from interactions and orders (computed on read, see the package).

Tier and RFM need the whole population (thresholds and quintiles), so each read aggregates over all
identities with grouped queries — fine at today's sizes, and the reason an incrementally refreshed
profile table is the next step. Tombstoned (deleted) interactions do not count as activity.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session, aliased

from kith.channels.models import Channel
from kith.channels.service import DISPLAY_NAMES
from kith.commerce.models import Order
from kith.db import utcnow
from kith.identities.models import Identity
from kith.interactions.models import Interaction
from kith.profiles.metrics import (
    ORIGINAL_KINDS,
    REPLY_TO_OTHERS,
    SUGGESTION,
    RfmScore,
    RfmValues,
    TierThresholds,
    rfm_scores,
    stage_of,
    tier_of,
    tiers,
)


@dataclass(frozen=True)
class Rfm:
    values: RfmValues
    score: RfmScore
    customers: int  # how many customers with orders the quintiles are among


@dataclass(frozen=True)
class Profile:
    """Profile basics of one identity, each with the evidence it was computed from."""

    identity_id: int
    as_of: datetime
    original_posts: int
    tier: str
    thresholds: TierThresholds
    stage: str
    stage_evidence: tuple[tuple[str, int], ...]  # kind (or suggestion / reply_to_others) → count
    rfm: Rfm | None
    channels: tuple[tuple[str, int], ...]  # channel display name → interactions, most first
    across_person: bool  # channels aggregated over all identities of the identity's person


def original_post_counts(session: Session) -> dict[int, int]:
    """Identity id → original posts, for identities with at least one."""
    rows = session.execute(
        select(Interaction.identity_id, func.count())
        .where(Interaction.identity_id.is_not(None), Interaction.deleted_at.is_(None))
        .where(Interaction.kind.in_(ORIGINAL_KINDS))
        .group_by(Interaction.identity_id)
    )
    return {int(identity_id): int(count) for identity_id, count in rows if identity_id is not None}


def stage_evidence(session: Session, identity_id: int) -> dict[str, int]:
    """Counts per interaction kind, plus suggestions and replies to another identity's items."""
    mine = and_(Interaction.identity_id == identity_id, Interaction.deleted_at.is_(None))
    per_kind = session.execute(select(Interaction.kind, func.count()).where(mine).group_by(Interaction.kind))
    evidence = {str(kind): int(count) for kind, count in per_kind}
    suggestions = session.scalar(select(func.count()).where(mine, Interaction.intent == SUGGESTION)) or 0
    parent = aliased(Interaction)
    replies = (
        session.scalar(
            select(func.count())
            .select_from(Interaction)
            .join(
                parent,
                and_(parent.channel_id == Interaction.channel_id, parent.external_id == Interaction.in_reply_to),
            )
            .where(mine, parent.identity_id.is_not(None), parent.identity_id != identity_id)
        )
        or 0
    )
    if suggestions:
        evidence[SUGGESTION] = int(suggestions)
    if replies:
        evidence[REPLY_TO_OTHERS] = int(replies)
    return evidence


def rfm_for(session: Session, identity_id: int, as_of: datetime) -> Rfm | None:
    """RFM of the identity among all customers with orders, or None without orders (totals of any currency)."""
    rows = session.execute(
        select(Order.identity_id, func.max(Order.ordered_at), func.count(), func.sum(Order.total))
        .where(Order.identity_id.is_not(None))
        .group_by(Order.identity_id)
    ).all()
    customers = []
    for customer_id, last, count, total in rows:
        if customer_id is None:
            continue
        last_at = _as_datetime(last)
        customers.append(
            RfmValues(
                identity_id=int(customer_id),
                last_order_at=last_at,
                recency_days=max(0, (as_of - last_at).days),
                frequency=int(count),
                monetary=Decimal(total or 0),
            )
        )
    scores = rfm_scores(customers)
    mine = next((c for c in customers if c.identity_id == identity_id), None)
    return None if mine is None else Rfm(values=mine, score=scores[identity_id], customers=len(customers))


def _as_datetime(value: object) -> datetime:
    """max() keeps the column's UTC type, but be safe with text (SQLite) and naive values: aware UTC."""
    parsed = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def active_channels(session: Session, identity: Identity) -> tuple[tuple[str, int], ...]:
    """Interactions per channel, over all identities of the person when the identity is linked to one."""
    who: ColumnElement[bool]
    if identity.person_id is not None:
        who = Interaction.identity_id.in_(select(Identity.id).where(Identity.person_id == identity.person_id))
    else:
        who = Interaction.identity_id == identity.id
    rows = session.execute(
        select(Channel.name, func.count())
        .select_from(Interaction)
        .join(Channel, Channel.id == Interaction.channel_id)
        .where(who, Interaction.deleted_at.is_(None))
        .group_by(Channel.name)
    )
    counted = [(DISPLAY_NAMES.get(name, name), int(count)) for name, count in rows]
    return tuple(sorted(counted, key=lambda pair: (-pair[1], pair[0])))


def profile_for(session: Session, identity_id: int, as_of: datetime | None = None) -> Profile:
    """The profile basics of an identity (by integer id; callers resolve ``public_id`` first)."""
    identity = session.get(Identity, identity_id)
    if identity is None:
        raise LookupError(f"There is no identity {identity_id}.")
    when = as_of or utcnow()
    counts = original_post_counts(session)
    population = session.scalar(select(func.count()).select_from(Identity)) or 0
    thresholds = tiers(counts, population=int(population))
    posts = counts.get(identity_id, 0)
    evidence = stage_evidence(session, identity_id)
    return Profile(
        identity_id=identity_id,
        as_of=when,
        original_posts=posts,
        tier=tier_of(posts, thresholds),
        thresholds=thresholds,
        stage=stage_of(evidence),
        stage_evidence=tuple(sorted(evidence.items(), key=lambda pair: (-pair[1], pair[0]))),
        rfm=rfm_for(session, identity_id, when),
        channels=active_channels(session, identity),
        across_person=identity.person_id is not None,
    )
