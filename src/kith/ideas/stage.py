"""The ideas stage of ``kith run``: customers' suggestions become ideas, or more votes for an idea.

Which interactions: the intent model said "suggestion" with at least ``MIN_INTENT_SCORE``; written by a
customer (not one of the company's own accounts, not a store-visit or call note our staff typed, not a
blog article — the model mistakes reviews' "an easy recommendation" for a suggestion); not deleted; and
about us — it matched a topic or was addressed to us (``relevant``), or it is a top-level post naming one
of our products, or it answers one of our own posts. A suggestion in reply to another customer ("have you
tried resetting the display?") is advice between customers, not an idea for the company.

Each batch is one transaction, claimed with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL like the other
stages; ``idea_mention.interaction_id`` is unique, so a crash or a second run never counts a post twice.
Matching and creating ideas is serialised across workers by a transaction-scoped advisory lock, so two
workers never create the same idea twice at the same moment.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import Engine, and_, exists, func, or_, select, text
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql import ColumnElement

from kith.db import session_scope, utcnow
from kith.enrichment.models import ProductMention
from kith.ideas.models import Idea, IdeaMention
from kith.ideas.service import recount_votes
from kith.ideas.similarity import TEXTS_PER_IDEA, IdeaIndex, summary_of, title_of
from kith.identities.service import our_identity_ids
from kith.inbox.events import record_event
from kith.interactions.models import Conversation, Interaction

MIN_INTENT_SCORE = 0.4  # demo and seed set: true suggestions score 0.43–0.96; below, mostly price talk
IDEA_KINDS = ("post", "comment", "direct_message", "email")
IDEA_LOCK = 7_207_001  # pg_advisory_xact_lock key for matching and creating ideas


@dataclass
class IdeasReport:
    mentions: int = 0  # suggestions added to an existing idea
    new_ideas: int = 0


def _candidate(ours: set[int]) -> ColumnElement[bool]:
    parent = aliased(Interaction)
    named_product = exists().where(ProductMention.interaction_id == Interaction.id)
    under_our_post = exists().where(
        parent.channel_id == Interaction.channel_id,
        parent.external_id == Interaction.in_reply_to,
        parent.identity_id.in_(ours) if ours else text("1 = 0"),
    )
    not_ours = or_(Interaction.identity_id.is_(None), Interaction.identity_id.not_in(ours)) if ours else text("1 = 1")
    return and_(
        Interaction.intent == "suggestion",
        Interaction.intent_score >= MIN_INTENT_SCORE,
        Interaction.kind.in_(IDEA_KINDS),
        Interaction.deleted_at.is_(None),
        not_ours,
        ~exists().where(IdeaMention.interaction_id == Interaction.id),
        or_(
            Interaction.relevant.is_(True),
            and_(Interaction.in_reply_to.is_(None), named_product),
            under_our_post,
        ),
    )


def pending_ideas(session: Session) -> int:
    """How many suggestion interactions are not on the ideas board yet."""
    return int(
        session.scalar(select(func.count()).select_from(Interaction).where(_candidate(our_identity_ids(session)))) or 0
    )


def collect_ideas(engine: Engine, batch_size: int = 500, on_batch: Callable[[int], None] | None = None) -> IdeasReport:
    """Add every pending suggestion to the board, batch by batch (one transaction each)."""
    report = IdeasReport()
    with session_scope(engine) as session:
        ours = our_identity_ids(session)
    while True:
        with session_scope(engine) as session:
            claimed = _claim(session, ours, batch_size)
            if not claimed:
                break
            _collect_batch(session, claimed, report)
        if on_batch:
            on_batch(len(claimed))
    return report


def _claim(session: Session, ours: set[int], limit: int) -> list[Interaction]:
    stmt = select(Interaction).where(_candidate(ours)).order_by(Interaction.id).limit(limit)
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        stmt = stmt.with_for_update(skip_locked=True, of=Interaction)
    claimed = list(session.scalars(stmt))
    if claimed and postgres:
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": IDEA_LOCK})
    return claimed


REPLY_SUBJECT = re.compile(r"^\s*(?:re|aw|sv|wg|fw|fwd|tr|rv)\s*:", re.IGNORECASE)


def _document(item: Interaction) -> str:
    """Title and text; an e-mail's "Re: …" subject names the thread, not the wish, and is left out."""
    if item.title and not REPLY_SUBJECT.match(item.title):
        return f"{item.title}\n{item.text}"
    return item.text or ""


def load_index(session: Session) -> IdeaIndex:
    """Every idea's title + summary and up to ``TEXTS_PER_IDEA`` of its mentions' texts."""
    wordings = [(int(i), f"{t}. {s}") for i, t, s in session.execute(select(Idea.id, Idea.title, Idea.summary))]
    ranked = (
        select(
            IdeaMention.idea_id,
            Interaction.title,
            Interaction.text,
            func.row_number().over(partition_by=IdeaMention.idea_id, order_by=IdeaMention.id).label("n"),
        )
        .join(Interaction, Interaction.id == IdeaMention.interaction_id)
        .subquery()
    )
    for idea_id, title, body in session.execute(
        select(ranked.c.idea_id, ranked.c.title, ranked.c.text).where(ranked.c.n <= TEXTS_PER_IDEA)
    ):
        wordings.append((int(idea_id), f"{title}\n{body}" if title else body or ""))
    return IdeaIndex.build(wordings)


def _products(session: Session, ids: Iterable[int]) -> dict[int, int]:
    """Interaction id → the product it names most confidently (first in the text on a tie)."""
    best: dict[int, tuple[float, int, int]] = {}
    for interaction_id, product_id, score, start in session.execute(
        select(
            ProductMention.interaction_id, ProductMention.product_id, ProductMention.score, ProductMention.start
        ).where(ProductMention.interaction_id.in_(list(ids)))
    ):
        key = (-float(score), int(start), int(product_id))
        if interaction_id not in best or key < best[interaction_id]:
            best[interaction_id] = key
    return {i: key[2] for i, key in best.items()}


def _collect_batch(session: Session, claimed: list[Interaction], report: IdeasReport) -> None:
    index = load_index(session)
    products = _products(session, (i.id for i in claimed))
    conversations = {
        c.id: c
        for c in session.scalars(
            select(Conversation).where(Conversation.id.in_({i.conversation_id for i in claimed if i.conversation_id}))
        )
    }
    now = utcnow()
    touched: set[int] = set()
    for item in claimed:
        document = _document(item)
        idea_id, score = index.best(document)
        created = idea_id is None
        if idea_id is None:
            idea = Idea(
                title=title_of(document),
                summary=summary_of(document),
                product_id=products.get(item.id),
                status="new",
                votes=0,
                mentions=0,
                created_at=now,
                updated_at=now,
            )
            session.add(idea)
            session.flush()
            idea_id, score = idea.id, 1.0
            index.add([(idea.id, document)])
            report.new_ideas += 1
        else:
            index.add([(idea_id, document)])
            report.mentions += 1
        session.add(
            IdeaMention(
                idea_id=idea_id, interaction_id=item.id, identity_id=item.identity_id, similarity=round(score, 4)
            )
        )
        touched.add(idea_id)
        conversation = conversations.get(item.conversation_id or 0)
        if conversation is not None:
            idea_row = session.get(Idea, idea_id)
            assert idea_row is not None
            record_event(
                session,
                conversation,
                "idea",
                at=now,
                data={
                    "idea": idea_row.public_id,
                    "action": "created" if created else "mentioned",
                    "interaction": item.public_id,
                    "similarity": round(score, 4),
                },
            )
    session.flush()
    recount_votes(session, touched)
