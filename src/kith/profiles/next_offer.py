"""Next best offer: products often bought together with what this person bought, that they do not own yet.

Association rules over baskets (one order = one basket): for a product ``A`` the person owns and a product
``B`` they do not, ``support`` is the share of all orders containing both and ``confidence`` is the share
of orders with ``A`` that also contain ``B`` (how often ``A`` buyers take ``B`` too); ``lift`` compares that
with how often ``B`` is bought at all (above 1: ``A`` makes ``B`` more likely). Each candidate keeps its
strongest rule as the reason shown to the agent ("bought with X in 6 of 10 orders containing X").

Why this and not a trained recommender: it is explainable in one sentence, needs no training run, and
works on the small order histories an installation starts with. "The person" spans every identity linked
to the same Person, so an e-mail customer's orders count for their X handle too.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kith.commerce.models import Order, OrderLine, Product
from kith.identities.models import Identity

MIN_PAIR_ORDERS = 2  # a pair seen in one order only is chance, not a pattern
MIN_CONFIDENCE = 0.1


@dataclass(frozen=True)
class Offer:
    sku: str
    name: str
    because_sku: str
    because_name: str
    together: int  # orders containing both
    because_orders: int  # orders containing the owned product
    orders: int  # all orders
    support: float
    confidence: float
    lift: float

    @property
    def why(self) -> str:
        return (
            f"Bought with {self.because_name} in {self.together} of {self.because_orders} orders containing it "
            f"(confidence {self.confidence:.0%}, support {self.support:.1%}, lift {self.lift:.1f})."
        )


def person_identity_ids(session: Session, identity_id: int) -> list[int]:
    """The identity and every identity linked to the same person."""
    identity = session.get(Identity, identity_id)
    if identity is None:
        return []
    if identity.person_id is None:
        return [identity.id]
    return list(session.scalars(select(Identity.id).where(Identity.person_id == identity.person_id)))


def owned_skus(session: Session, identity_ids: list[int]) -> set[str]:
    return set(
        session.scalars(
            select(OrderLine.sku).join(Order, Order.id == OrderLine.order_id).where(Order.identity_id.in_(identity_ids))
        )
    )


def next_best_offers(session: Session, identity_id: int, limit: int = 3) -> list[Offer]:
    """Up to ``limit`` offers for the person behind ``identity_id``, best (confidence, then lift) first."""
    owned = owned_skus(session, person_identity_ids(session, identity_id))
    if not owned:
        return []
    # only orders that contain something the person owns can hold a rule for them; counts come grouped
    with_owned = select(OrderLine.order_id).where(OrderLine.sku.in_(sorted(owned)))
    baskets: dict[int, set[str]] = defaultdict(set)
    for order_id, sku in session.execute(
        select(OrderLine.order_id, OrderLine.sku).where(OrderLine.order_id.in_(with_owned))
    ):
        baskets[order_id].add(sku)
    total = int(session.scalar(select(func.count(func.distinct(OrderLine.order_id)))) or 0)
    bought = Counter(
        {
            str(sku): int(n)
            for sku, n in session.execute(
                select(OrderLine.sku, func.count(func.distinct(OrderLine.order_id))).group_by(OrderLine.sku)
            )
        }
    )
    pairs: Counter[tuple[str, str]] = Counter()
    for items in baskets.values():
        for a in items & owned:
            for b in items - owned:
                pairs[(a, b)] += 1
    best: dict[str, tuple[float, float, str, int]] = {}
    for (a, b), together in pairs.items():
        if together < MIN_PAIR_ORDERS:
            continue
        confidence = together / bought[a]
        lift = confidence / (bought[b] / total)
        if confidence >= MIN_CONFIDENCE and (b not in best or (confidence, lift) > best[b][:2]):
            best[b] = (confidence, lift, a, together)
    ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0]))[:limit]
    wanted = list(best) + list(owned)
    names = {
        str(sku): str(name)
        for sku, name in session.execute(select(Product.sku, Product.name).where(Product.sku.in_(wanted)))
    }
    return [
        Offer(
            sku=b,
            name=names.get(b, b),
            because_sku=a,
            because_name=names.get(a, a),
            together=together,
            because_orders=bought[a],
            orders=total,
            support=together / total,
            confidence=confidence,
            lift=lift,
        )
        for b, (confidence, lift, a, together) in ranked
    ]
