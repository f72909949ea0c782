"""Answers given on the network itself (not through Kith) count as the first response."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select

from kith.db import session_scope
from kith.inbox.models import ConversationEvent
from kith.inbox.native_replies import capture_native_replies
from kith.interactions.models import Conversation
from tests.integration.outbox_seed import channel, conversation, identity, message

T0 = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def seed(engine: Engine) -> None:
    with session_scope(engine) as session:
        channel(session, "mastodon").account = "nordlicht"
        us = identity(session, "mastodon", "1", handle="nordlicht@norden.social")
        anna = identity(session, "mastodon", "2", handle="anna@chaos.social")
        answered = conversation(session, "mastodon", "a", routed_at=T0, status="open", tags=[])
        message(session, answered, "a1", T0, "my battery died", identity=anna)
        message(session, answered, "a2", T0 + timedelta(minutes=30), "sorry! we'll call you", identity=us)
        message(session, answered, "a3", T0 + timedelta(hours=2), "thanks, still waiting", identity=anna)
        ours_first = conversation(session, "mastodon", "b", routed_at=T0, status="open", tags=[])
        message(session, ours_first, "b1", T0, "our summer sale starts", identity=us)
        message(session, ours_first, "b2", T0 + timedelta(hours=1), "is the tent included?", identity=anna)
        not_routed = conversation(session, "mastodon", "c", status="open", tags=[])
        message(session, not_routed, "c1", T0, "hello?", identity=anna)
        message(session, not_routed, "c2", T0 + timedelta(minutes=5), "hi Anna", identity=us)


def test_the_first_native_answer_after_the_customer_is_the_first_response(engine: Engine) -> None:
    seed(engine)
    assert capture_native_replies(engine).captured == 1
    with session_scope(engine) as session:
        by_key = {c.thread_key: c for c in session.scalars(select(Conversation))}
        answered = by_key["a"]
        assert answered.first_response_at == T0 + timedelta(minutes=30)
        assert answered.status == "pending"  # the customer has an answer: the next move is theirs
        (event,) = session.scalars(select(ConversationEvent).where(ConversationEvent.conversation_id == answered.id))
        assert event.kind == "reply" and event.user_id is None and event.response_seconds == 1800
        assert event.data["native"] is True and event.channel == "mastodon" and event.at == answered.first_response_at
        # our own post opened the thread; nobody has answered the customer's question in it yet
        assert by_key["b"].first_response_at is None and by_key["b"].status == "open"
        assert by_key["c"].first_response_at is None  # not routed: not measured yet
    assert capture_native_replies(engine).captured == 0  # idempotent
    with session_scope(engine) as session:
        assert len(session.scalars(select(ConversationEvent)).all()) == 1


def test_a_later_native_answer_settles_a_reopened_conversation(engine: Engine) -> None:
    from kith.inbox.followup import record_followups
    from kith.inbox.native_replies import settle_answered

    with session_scope(engine) as session:
        channel(session, "mastodon").account = "nordlicht"
        us = identity(session, "mastodon", "1", handle="nordlicht@norden.social")
        anna = identity(session, "mastodon", "2", handle="anna@chaos.social")
        talk = conversation(session, "mastodon", "d", routed_at=T0, status="open", tags=[])
        message(session, talk, "d1", T0, "my battery died", identity=anna, sentiment="negative")
        message(session, talk, "d2", T0 + timedelta(minutes=10), "which model?", identity=us)
        message(session, talk, "d3", T0 + timedelta(hours=1), "the Aurora 500", identity=anna, sentiment="neutral")
        message(session, talk, "d4", T0 + timedelta(hours=2), "a new one is on its way", identity=us)
    assert capture_native_replies(engine).captured == 1
    record_followups(engine)  # Anna wrote after our first answer: reopened (our own answers never count)

    def status() -> str:
        with session_scope(engine) as session:
            return session.scalars(select(Conversation.status).where(Conversation.thread_key == "d")).one()

    assert status() == "open"
    assert settle_answered(engine) == 1 and status() == "pending"  # our answer is the newest message
    record_followups(engine)
    assert status() == "pending"  # nothing new from Anna: it stays with her
    assert settle_answered(engine) == 0
    with session_scope(engine) as session:
        reply = session.scalars(select(ConversationEvent).where(ConversationEvent.kind == "reply")).one()
        assert reply.followup_sentiment == "neutral"  # Anna's next message, not our second answer
