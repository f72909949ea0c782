"""Retention for non-relevant interactions: what matched no topic and was not addressed to us is deleted
after ``KITH_RETENTION_DAYS_IRRELEVANT`` days, with its enrichment rows and its raw item.

Why it is this conservative: listening stores far more than anyone acts on, and keeping strangers' posts
forever is neither useful nor respectful of their privacy; but deleting something a person worked with
would be a loss. So an interaction is deleted only when *all* of these hold:

* ``relevant`` is False (not None: an item not yet enriched is never judged), and it is older than the
  limit by ``sort_at``;
* it is linked to no idea (``idea_mention``) and no routing decision names it;
* its conversation (if any) holds no relevant interaction and has no conversation event at all (a
  reply, a note, an assignment, a tag: someone or something acted on it).

Deleted with it: its ``interaction_topic`` and ``product_mention`` rows, and its raw item once no other
interaction comes from it. Kept: identities, conversations and every count derived before deletion
(alerts, model metrics). Daily volumes in analytics therefore shrink for deleted days (a per-channel
daily aggregate table would need a schema change; see docs/listening.md). An item deleted here and
fetched again later (a mailbox resync, a re-import) is stored afresh and judged again.

Deletion runs in batches of ``BATCH`` interactions, one transaction each, so a long run never holds
locks for long and an interruption leaves every finished batch done and the rest untouched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Engine, Select, delete, exists, select
from sqlalchemy.orm import Session

from kith.db import session_scope, utcnow
from kith.enrichment.models import InteractionTopic, ProductMention
from kith.ideas.models import IdeaMention
from kith.inbox.models import ConversationEvent
from kith.interactions.models import Interaction
from kith.pipeline.models import RawItem
from kith.routing.models import RoutingDecision

BATCH = 500


@dataclass
class RetentionReport:
    cutoff: datetime
    dry_run: bool
    interactions: int = 0
    raw_items: int = 0
    enrichment_rows: int = 0
    by_channel_day: dict[tuple[int, str], int] = field(default_factory=dict)  # (channel id, YYYY-MM-DD) -> n


def _candidates(cutoff: datetime, after_id: int, limit: int) -> Select[int, int, datetime, int | None]:
    """Ids (ascending, > ``after_id``) of interactions retention may delete; see the module docstring."""
    other = Interaction.__table__.alias("other")
    return (
        select(Interaction.id, Interaction.channel_id, Interaction.sort_at, Interaction.raw_item_id)
        .where(Interaction.relevant.is_(False))
        .where(Interaction.sort_at < cutoff)
        .where(Interaction.id > after_id)
        .where(~exists().where(IdeaMention.interaction_id == Interaction.id))
        .where(~exists().where(RoutingDecision.interaction_id == Interaction.id))
        .where(
            (Interaction.conversation_id.is_(None))
            | (
                ~exists().where(ConversationEvent.conversation_id == Interaction.conversation_id)
                & ~exists().where(
                    (other.c.conversation_id == Interaction.conversation_id) & (other.c.relevant.is_(True))
                )
            )
        )
        .order_by(Interaction.id)
        .limit(limit)
    )


def apply_retention(
    engine: Engine, days: int, *, dry_run: bool = False, now: datetime | None = None, batch: int = BATCH
) -> RetentionReport:
    """Delete (or with ``dry_run`` only count) the non-relevant interactions older than ``days``."""
    if days < 1:
        raise ValueError("the retention limit must be at least one day (KITH_RETENTION_DAYS_IRRELEVANT)")
    cutoff = (now or utcnow()) - timedelta(days=days)
    report = RetentionReport(cutoff=cutoff, dry_run=dry_run)
    after_id = 0
    while True:
        with session_scope(engine) as session:
            rows = session.execute(_candidates(cutoff, after_id, batch)).all()
            if not rows:
                return report
            after_id = rows[-1].id
            for row in rows:
                key = (row.channel_id, row.sort_at.date().isoformat())
                report.by_channel_day[key] = report.by_channel_day.get(key, 0) + 1
            report.interactions += len(rows)
            if dry_run:
                continue
            _delete_batch(session, [r.id for r in rows], {r.raw_item_id for r in rows if r.raw_item_id}, report)


def _delete_batch(session: Session, ids: list[int], raw_ids: set[int], report: RetentionReport) -> None:
    for model in (InteractionTopic, ProductMention):
        result = session.execute(delete(model).where(model.interaction_id.in_(ids)))
        report.enrichment_rows += int(getattr(result, "rowcount", 0) or 0)
    session.execute(delete(Interaction).where(Interaction.id.in_(ids)))
    if raw_ids:
        still_used = set(
            session.scalars(select(Interaction.raw_item_id).where(Interaction.raw_item_id.in_(sorted(raw_ids))))
        )
        orphans = sorted(raw_ids - still_used)
        if orphans:
            session.execute(delete(RawItem).where(RawItem.id.in_(orphans)))
            report.raw_items += len(orphans)
