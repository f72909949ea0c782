"""Inbox actions on SQLite and PostgreSQL: replies queue once, response time, @mentions, status and outcome,
snooze coming back, merge, queues in SLA order, suggested answers and the next best offer."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from kith.auth.models import User
from kith.db import session_scope
from kith.identities.models import Identity
from kith.inbox.actions import add_note, add_tag, assign, remove_tag, set_status, snooze
from kith.inbox.answers import AnswerInput, create_answer
from kith.inbox.merge import merge, merge_candidates, merged_sources
from kith.inbox.models import ConversationEvent, Notification, OutboxMessage
from kith.inbox.queues import QueueFilter, inbox_page, sla_clock, wake_snoozed
from kith.inbox.reply import reply, reply_targets
from kith.inbox.service import InboxError
from kith.inbox.suggestions import similar_answered, similar_saved_answers
from kith.interactions.models import Conversation, Interaction
from kith.interactions.service import Cursor
from kith.profiles.next_offer import next_best_offers
from tests.integration.inbox_seed import T0, World, seed


@pytest.fixture
def world(engine: Engine) -> World:
    return seed(engine)


def conv(session: Session, public_id: str) -> Conversation:
    found = session.scalar(select(Conversation).where(Conversation.public_id == public_id))
    assert found is not None
    return found


def who(session: Session, email: str) -> User:
    found = session.scalar(select(User).where(User.email == email))
    assert found is not None
    return found


def events(session: Session, c: Conversation, kind: str) -> list[ConversationEvent]:
    stmt = select(ConversationEvent).where(ConversationEvent.conversation_id == c.id, ConversationEvent.kind == kind)
    return list(session.scalars(stmt.order_by(ConversationEvent.id)))


def test_a_double_submitted_reply_queues_once_and_measures_the_first_response(engine: Engine, world: World) -> None:
    now = T0 + timedelta(minutes=90)
    with session_scope(engine) as session:
        c = conv(session, world.x_conversation)
        agent = who(session, "ana.lopez@test.example")
        first = reply(session, c, user_id=agent.id, body="Update to 2.2, it fixes it.", token="form-token-1", now=now)
        again = reply(session, c, user_id=agent.id, body="Update to 2.2, it fixes it.", token="form-token-1", now=now)
        assert not first.duplicate and again.duplicate and again.message.id == first.message.id
    with session_scope(engine) as session:
        c = conv(session, world.x_conversation)
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 1
        message = session.scalars(select(OutboxMessage)).one()
        # answers the customer's latest message (not our own "which version?") on X, to the customer
        assert (message.channel, message.transport, message.recipient, message.in_reply_to) == ("x", "x", "mia", "x1-2")
        assert message.status == "queued" and message.body == "Update to 2.2, it fixes it."
        [event] = events(session, c, "reply")
        assert event.response_seconds == 90 * 60  # since the first customer message, not the latest
        assert message.event_id == event.id and event.department == "service"
        assert c.first_response_at == now and c.status == "pending"
        later = reply(session, c, user_id=None, body="Did it help?", token="form-token-2", now=now + timedelta(hours=1))
        assert later.event is not None and later.event.response_seconds is None  # only the first reply counts
        with pytest.raises(InboxError, match="token"):
            reply(session, c, user_id=None, body="x", token="")
        with pytest.raises(InboxError, match="empty"):
            reply(session, c, user_id=None, body="   ", token="form-token-3")


def test_reply_via_the_preferred_channel_only_with_consent(engine: Engine, world: World) -> None:
    with session_scope(engine) as session:
        c = conv(session, world.x_conversation)
        assert [t.channel.name for t in reply_targets(session, c)] == ["x"]
        c.reply_via = "email"
        targets = reply_targets(session, c)
        assert [(t.channel.name, t.transport, t.recipient) for t in targets] == [
            ("email", "smtp", "mia@example.com"),
            ("x", "x", "mia"),
        ]
        done = reply(session, c, user_id=None, body="Details by mail.", token="via-mail-1", channel="email")
        assert done.message.transport == "smtp" and done.message.subject
        mail = session.scalar(select(Identity).where(Identity.external_id == "mia@example.com"))
        assert mail is not None
        mail.consent_state = "objected"
        assert [t.channel.name for t in reply_targets(session, c)] == ["x"]
        with pytest.raises(InboxError, match="cannot be answered on 'email'"):
            reply(session, c, user_id=None, body="again", token="via-mail-2", channel="email")


def test_notes_notify_mentioned_colleagues_and_refuse_unknown_mentions(engine: Engine, world: World) -> None:
    with session_scope(engine) as session:
        c = conv(session, world.x_conversation)
        ben = who(session, "b.stone@test.example")
        note = add_note(session, c, ben, "@ana.lopez and @CleoPark: upsell? Customer wrote from mia@example.com.")
        assert [m["name"] for m in note.data["mentions"]] == ["Ana Lopez", "Cleo Park"]
        with pytest.raises(InboxError, match="@nobody matches nobody"):
            add_note(session, c, ben, "ask @nobody")
        with pytest.raises(InboxError, match="@Ben matches several people"):
            add_note(session, c, ben, "@Ben?")  # Ben Stone and Ben Ray
    with session_scope(engine) as session:
        notes = session.scalars(select(Notification).order_by(Notification.id)).all()
        assert [(n.user_id, n.kind) for n in notes] == [
            (who(session, "ana.lopez@test.example").id, "mention"),
            (who(session, "cleo@test.example").id, "mention"),
        ]
        assert len(events(session, conv(session, world.x_conversation), "note")) == 1


def test_status_outcome_tags_assign_and_snooze_coming_back(engine: Engine, world: World) -> None:
    with session_scope(engine) as session:
        c = conv(session, world.x_conversation)
        ana, ben = who(session, "ana.lopez@test.example"), who(session, "b.stone@test.example")
        assert add_tag(session, c, ana.id, "  Firmware ") and not add_tag(session, c, ana.id, "firmware")
        assert c.tags == ["firmware"] and remove_tag(session, c, ana.id, "firmware") and c.tags == []
        assign(session, c, ana, ben)
        assert c.assignee_id == ben.id
        with pytest.raises(InboxError, match="cannot take"):
            assign(session, c, ana, who(session, "cleo@test.example"))  # sales member, service conversation
        snooze(session, c, ana.id, T0 + timedelta(days=1), now=T0)
        assert c.status == "snoozed"
        assert wake_snoozed(session, now=T0 + timedelta(hours=23)) == 0
        assert wake_snoozed(session, now=T0 + timedelta(days=1, minutes=1)) == 1
        assert c.status == "open" and c.snoozed_until is None
        with pytest.raises(InboxError, match="outcome"):
            set_status(session, c, ana.id, "resolved", "happy")
        set_status(session, c, ana.id, "resolved", "sale", now=T0 + timedelta(days=2))
        assert (c.status, c.outcome, c.resolved_at) == ("resolved", "sale", T0 + timedelta(days=2))
    with session_scope(engine) as session:
        c = conv(session, world.x_conversation)
        assert [e.data for e in events(session, c, "tag")] == [{"added": "firmware"}, {"removed": "firmware"}]
        assert [e.outcome for e in events(session, c, "outcome")] == ["sale"]
        woke = events(session, c, "status")[0]
        assert woke.user_id is None and woke.data == {"from": "snoozed", "to": "open", "woke": True}
        assert session.scalar(select(Notification.kind)) == "assigned"


def test_merge_moves_a_thread_into_another_with_events_on_both(engine: Engine, world: World) -> None:
    with session_scope(engine) as session:
        x, mail = conv(session, world.x_conversation), conv(session, world.mail_conversation)
        assert [c.public_id for c in merge_candidates(session, mail, None)] == [x.public_id]  # same person, X
        merge(session, mail, x, None)
        assert (mail.status, mail.merged_into_id) == ("merged", x.id)
        assert merged_sources(session, x) == [mail]
        assert events(session, mail, "merge")[0].data["into"] == x.public_id
        assert events(session, x, "merge")[0].data["from"] == mail.public_id
        with pytest.raises(InboxError, match="already merged"):
            merge(session, mail, x, None)
        with pytest.raises(InboxError, match="itself"):
            merge(session, x, x, None)
        entries, _ = inbox_page(session, QueueFilter(department="service", status=None), None, now=T0)
        assert mail.public_id not in [e.public_id for e in entries]


def test_queues_order_by_sla_due_with_keyset_pages(engine: Engine, world: World) -> None:
    with session_scope(engine) as session:
        x = conv(session, world.x_conversation)
        x.sla_due_at = T0 - timedelta(hours=1)  # overdue: first
        now = T0 + timedelta(minutes=30)
        f = QueueFilter(department="service")
        entries, cursor = inbox_page(session, f, None, now=now, limit=2)
        assert [e.public_id for e in entries] == [world.resolved_conversation, world.x_conversation]
        assert entries[1].sla is not None and entries[1].sla.overdue and entries[1].sla.label == "overdue by 1h 30m"
        assert cursor is not None
        rest, end = inbox_page(session, f, Cursor.decode(cursor), now=now, limit=2)
        assert [e.public_id for e in rest] == [world.mail_conversation] and end is None
        x.assignee_id = who(session, "b.stone@test.example").id
        unassigned, _ = inbox_page(session, QueueFilter(department="service", unassigned=True), None, now=now)
        assert world.x_conversation not in [e.public_id for e in unassigned]
        mine, _ = inbox_page(session, QueueFilter(assignee_id=x.assignee_id), None, now=now)
        assert [e.public_id for e in mine] == [world.x_conversation]
        x_authors = frozenset(
            i for i in session.scalars(select(Interaction.identity_id).where(Interaction.conversation_id == x.id)) if i
        )
        in_segment, _ = inbox_page(session, QueueFilter(department="service", identity_ids=x_authors), None, now=now)
        assert [e.public_id for e in in_segment] == [world.x_conversation]  # a saved segment's customers only
        nobody, _ = inbox_page(session, QueueFilter(department="service", identity_ids=frozenset()), None, now=now)
        assert nobody == []
        x.department = None  # not routed (not relevant, or an offline record): in no queue, not even "All"
        everything, _ = inbox_page(session, QueueFilter(status=None), None, now=now)
        assert everything and world.x_conversation not in [e.public_id for e in everything]
        x.department = "service"
        assert sla_clock(T0 + timedelta(hours=2), T0, "open").label == "2h 00m left"  # type: ignore[union-attr]
        assert sla_clock(T0, T0, "resolved") is None


def test_suggested_answers_come_from_similar_resolved_conversations(engine: Engine, world: World) -> None:
    with session_scope(engine) as session:
        old = conv(session, world.resolved_conversation)
        reply(session, old, user_id=None, body="Reinstall firmware 2.2 from the app.", token="old-reply-1")
        set_status(session, old, None, "resolved", "resolved")
        create_answer(session, AnswerInput("Firmware flicker", "Update the lamp firmware.", None, "en"), None, None)
        create_answer(session, AnswerInput("Shipping", "We ship to Norway in 3 days.", "sales", None), None, None)
    with session_scope(engine) as session:
        x = conv(session, world.x_conversation)
        [past] = similar_answered(session, x, None)
        assert past.public_id == world.resolved_conversation and past.reply.startswith("Reinstall firmware")
        assert 0.2 < past.similarity <= 1.0
        assert similar_answered(session, x, "sales") == []  # a sales member never sees service's conversations
        matches = similar_saved_answers(session, x, None)
        assert [m.answer.title for m in matches] == ["Firmware flicker"]  # the sales answer is not for service


def test_next_best_offer_from_co_purchases_across_the_persons_identities(engine: Engine, world: World) -> None:
    with session_scope(engine) as session:
        mia_x = session.scalar(select(Identity.id).where(Identity.handle == "mia"))
        olaf = session.scalar(select(Identity.id).where(Identity.handle == "olaf"))
        assert mia_x is not None and olaf is not None
        [offer] = next_best_offers(session, mia_x)  # her orders are on her e-mail identity
        assert (offer.sku, offer.because_sku, offer.together, offer.because_orders, offer.orders) == (
            "BULB",
            "LAMP",
            3,
            5,
            7,
        )
        assert offer.confidence == pytest.approx(0.6) and offer.lift == pytest.approx(0.6 / (3 / 7))
        assert "in 3 of 5 orders" in offer.why and "Aurora lamp" in offer.why
        assert [o.sku for o in next_best_offers(session, olaf)] == []  # TENT with LAMP once: chance, not a pattern
