"""Retention of non-relevant interactions on both databases: what goes, and everything that must stay."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kith.channels.service import ensure_channel
from kith.db import session_scope, utcnow
from kith.enrichment.models import InteractionTopic, Topic
from kith.ideas.models import Idea, IdeaMention
from kith.inbox.models import ConversationEvent
from kith.interactions.models import Conversation, Interaction
from kith.pipeline.models import RawItem
from kith.pipeline.retention import apply_retention

OLD = utcnow() - timedelta(days=120)
NEW = utcnow() - timedelta(days=10)


def item(
    session: Session,
    channel_id: int,
    name: str,
    *,
    relevant: bool | None,
    at: object = OLD,
    conversation_id: int | None = None,
    raw: RawItem | None = None,
) -> Interaction:
    if raw is None:
        raw = RawItem(channel_id=channel_id, external_id=name, payload=b"{}", status="processed")
        session.add(raw)
        session.flush()
    row = Interaction(
        channel_id=channel_id,
        external_id=name,
        raw_item_id=raw.id,
        kind="post",
        text=name,
        visibility="public",
        basis="public_content",
        sort_at=at,
        created_at=at,
        relevant=relevant,
        conversation_id=conversation_id,
    )
    session.add(row)
    session.flush()
    return row


def conversation(session: Session, channel_id: int, key: str) -> int:
    row = Conversation(channel_id=channel_id, thread_key=key)
    session.add(row)
    session.flush()
    return row.id


def test_retention_deletes_only_old_untouched_irrelevant_items(engine: Engine) -> None:
    with session_scope(engine) as session:
        ch = ensure_channel(session, "mastodon")
        gone = item(session, ch, "old-irrelevant", relevant=False)
        topic = Topic(name="noise", kind="theme", query="noise")
        session.add(topic)
        session.flush()
        session.add(InteractionTopic(interaction_id=gone.id, topic_id=topic.id, spans=[]))
        item(session, ch, "recent-irrelevant", relevant=False, at=NEW)
        item(session, ch, "old-relevant", relevant=True)
        item(session, ch, "old-unknown", relevant=None)  # not enriched yet: never judged
        replied = conversation(session, ch, "c-replied")
        item(session, ch, "in-replied-conversation", relevant=False, conversation_id=replied)
        session.add(ConversationEvent(conversation_id=replied, kind="reply", body="Thanks!"))
        mixed = conversation(session, ch, "c-mixed")
        item(session, ch, "beside-a-relevant-one", relevant=False, conversation_id=mixed)
        item(session, ch, "the-relevant-one", relevant=True, conversation_id=mixed, at=NEW)
        idea = Idea(title="Dark mode")
        session.add(idea)
        session.flush()
        with_idea = item(session, ch, "linked-to-idea", relevant=False)
        session.add(IdeaMention(idea_id=idea.id, interaction_id=with_idea.id, similarity=1.0))
        shared_raw = RawItem(channel_id=ch, external_id="thread-page", payload=b"{}", status="processed")
        session.add(shared_raw)
        session.flush()
        item(session, ch, "shared-raw-old", relevant=False, raw=shared_raw)
        item(session, ch, "shared-raw-relevant", relevant=True, raw=shared_raw)

    dry = apply_retention(engine, 90, dry_run=True, batch=2)
    assert dry.interactions == 2 and dry.raw_items == 0
    with session_scope(engine) as session:
        assert len(session.scalars(select(Interaction.id)).all()) == 10  # nothing deleted by a dry run

    report = apply_retention(engine, 90, batch=1)  # one per batch: the paging over ids must not skip any
    assert report.interactions == 2 and report.raw_items == 1 and report.enrichment_rows == 1
    assert sum(report.by_channel_day.values()) == 2
    with session_scope(engine) as session:
        left = set(session.scalars(select(Interaction.external_id)))
        raws = set(session.scalars(select(RawItem.external_id)))
        topics = session.scalars(select(InteractionTopic.id)).all()
    assert left == {
        "recent-irrelevant",
        "old-relevant",
        "old-unknown",
        "in-replied-conversation",
        "beside-a-relevant-one",
        "the-relevant-one",
        "linked-to-idea",
        "shared-raw-relevant",
    }
    assert "old-irrelevant" not in raws and "thread-page" in raws  # a raw item still used is kept
    assert topics == []
    assert apply_retention(engine, 90).interactions == 0  # idempotent
