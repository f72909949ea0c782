"""SLA breach alerts and follow-up capture on SQLite and PostgreSQL: each breach is noticed, notified and
mailed once; a customer writing again fills the reply's follow-up sentiment and reopens the conversation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select

from kith.db import session_scope
from kith.inbox.events import record_event
from kith.inbox.followup import record_followups
from kith.inbox.models import ConversationEvent, Notification, OutboxMessage
from kith.inbox.sla_breach import check_breaches, mail_breaches
from kith.interactions.models import Conversation, Interaction
from tests.integration.outbox_seed import conversation, department, member, message, smtp_sink

pytestmark = pytest.mark.storage
NOW = datetime(2026, 9, 15, 12, 0, tzinfo=UTC)


def seed_sla(engine: Engine) -> dict[str, int]:
    with session_scope(engine) as session:
        service = department(session, "service", "service@brand.example")
        department(session, "sales", None)
        ana = member(session, service, "ana@brand.example")
        member(session, service, "ben@brand.example")
        member(session, service, "gone@brand.example", active=False)
        due = NOW - timedelta(minutes=30)
        rows = {
            "unassigned": conversation(session, "x", "1", sla_due_at=due, priority="high"),
            "assigned": conversation(session, "x", "2", sla_due_at=due, assignee_id=ana.id),
            "answered_in_time": conversation(
                session, "x", "3", sla_due_at=due, first_response_at=due - timedelta(minutes=5)
            ),
            "answered_late": conversation(
                session, "x", "4", sla_due_at=due, first_response_at=due + timedelta(minutes=5), status="pending"
            ),
            "not_due": conversation(session, "x", "5", sla_due_at=NOW + timedelta(hours=1)),
            "resolved": conversation(session, "x", "6", sla_due_at=due, status="resolved"),
            "sales": conversation(session, "x", "7", sla_due_at=due, department="sales"),
        }
        message(session, rows["unassigned"], "1", due - timedelta(hours=4), "My   order never\narrived")
        return {name: conv.id for name, conv in rows.items()} | {"ana": ana.id}


def test_each_breach_is_noticed_notified_and_mailed_once(engine: Engine) -> None:
    ids = seed_sla(engine)
    with smtp_sink() as (sink, port):
        env = {"KITH_SMTP_HOST": "127.0.0.1", "KITH_SMTP_PORT": str(port), "KITH_ALERT_FROM": "kith@brand.example"}
        with session_scope(engine) as session:
            breaches = check_breaches(session, now=NOW)
            assert mail_breaches(session, breaches, env) == 1  # sales has no address
        with session_scope(engine) as session:
            assert check_breaches(session, now=NOW + timedelta(minutes=5)) == []
            assert mail_breaches(session, [], env) == 0
    breached = {b.conversation_id for b in breaches}
    assert breached == {ids["unassigned"], ids["assigned"], ids["answered_late"], ids["sales"]}
    with session_scope(engine) as session:
        events = list(session.scalars(select(ConversationEvent).where(ConversationEvent.kind == "sla_breach")))
        assert sorted(e.conversation_id for e in events) == sorted(breached)
        assert all(e.data["late_minutes"] == 30 for e in events)
        notes = session.execute(select(Notification.conversation_id, Notification.user_id)).all()
        by_conversation: dict[int | None, set[int]] = {}
        for conversation_id, user_id in notes:
            by_conversation.setdefault(conversation_id, set()).add(user_id)
        assert by_conversation[ids["assigned"]] == {ids["ana"]}  # the assignee only
        assert len(by_conversation[ids["unassigned"]]) == 2  # every active member of the department
        assert ids["sales"] not in by_conversation  # a department without members: nobody to notify
        stamped = session.scalar(select(Conversation.sla_breached_at).where(Conversation.id == ids["unassigned"]))
        assert stamped == NOW
    (mail,) = sink.messages
    assert mail["To"] == "service@brand.example" and mail["Subject"] == "[Kith] 3 SLA breaches in Customer service"
    body = mail.get_content()
    assert body.count("30 min late") == 3 and "My order never arrived" in body and "[high]" in body


def reply(engine: Engine, conv_id: int, at: datetime) -> int:
    with session_scope(engine) as session:
        conv = session.get(Conversation, conv_id)
        assert conv is not None
        return record_event(session, conv, "reply", at=at, body="We are on it", channel="x").id


def test_a_customer_writing_again_fills_the_follow_up_and_reopens(engine: Engine) -> None:
    t = datetime(2026, 9, 10, 9, 0, tzinfo=UTC)
    with session_scope(engine) as session:
        calm = conversation(session, "x", "c1", status="pending")
        waiting = conversation(session, "x", "c2", status="resolved")
        unjudged = conversation(session, "x", "c3", status="pending")
        message(session, calm, "c1", t, "broken", sentiment="negative")
        message(session, waiting, "c2", t, "broken", sentiment="negative")
        message(session, unjudged, "c3", t, "broken", sentiment="negative")
        ids = (calm.id, waiting.id, unjudged.id)
    first = reply(engine, ids[0], t + timedelta(hours=1))
    second = reply(engine, ids[1], t + timedelta(hours=1))
    third = reply(engine, ids[2], t + timedelta(hours=1))
    with session_scope(engine) as session:
        # our own answer comes back through the listener: it is not the customer writing again
        session.add(
            OutboxMessage(
                idempotency_key="k1",
                channel="x",
                transport="x",
                body="We are on it",
                conversation_id=ids[0],
                status="sent",
                external_id="our-answer",
            )
        )
        calm_conv = session.get(Conversation, ids[0])
        unjudged_conv = session.get(Conversation, ids[2])
        assert calm_conv is not None and unjudged_conv is not None
        message(session, calm_conv, "our-answer", t + timedelta(hours=1, minutes=1), "We are on it")
        message(session, calm_conv, "c1-b", t + timedelta(hours=2), "thanks, works now", sentiment="positive")
        message(session, unjudged_conv, "c3-b", t + timedelta(hours=2), "hm", enriched=False)
    assert record_followups(engine) == 1
    with session_scope(engine) as session:
        sentiments = {e.id: e.followup_sentiment for e in session.scalars(select(ConversationEvent))}
        assert sentiments[first] == "positive" and sentiments[second] is None and sentiments[third] is None
        statuses = {c.id: c.status for c in session.scalars(select(Conversation))}
        assert statuses == {ids[0]: "open", ids[1]: "resolved", ids[2]: "open"}  # reopened even before enrichment
        reopen = session.scalars(
            select(ConversationEvent).where(
                ConversationEvent.kind == "status", ConversationEvent.conversation_id == ids[0]
            )
        ).one()
        assert reopen.data["reason"] == "customer wrote again" and reopen.data["from"] == "pending"
    # enrichment judges the late message: the next run fills it; nothing else changes, nothing is reopened twice
    with session_scope(engine) as session:
        item = session.scalars(select(Interaction).where(Interaction.external_id == "c3-b")).one()
        item.enriched_at, item.sentiment = t + timedelta(hours=3), None  # the model did not apply
    assert record_followups(engine) == 1
    assert record_followups(engine) == 0
    with session_scope(engine) as session:
        assert session.scalar(select(ConversationEvent.followup_sentiment).where(ConversationEvent.id == third)) == (
            "unknown"
        )
        assert session.scalar(select(func.count()).where(ConversationEvent.kind == "status")) == 2
