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
