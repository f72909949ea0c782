"""The department digest on SQLite and PostgreSQL: every figure computed from a seeded database, and the
e-mail sent end to end to a local SMTP sink (aiosmtpd), parsed and checked against the same database."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select

from kith.db import session_scope
from kith.enrichment.models import InteractionTopic, Topic
from kith.ideas.models import Idea, IdeaMention
from kith.inbox.digest import DigestError, build_digest, department_by_slug, window
from kith.inbox.digest_mail import send_digests
from kith.inbox.events import record_event
from kith.interactions.models import Conversation, Interaction
from tests.integration.outbox_seed import conversation, department, message, smtp_sink

pytestmark = pytest.mark.storage
DAY = date(2026, 9, 14)  # the weekly digest of DAY covers 2026-09-08 00:00 up to 2026-09-15 00:00 UTC
IN = datetime(2026, 9, 10, 10, 0, tzinfo=UTC)
BEFORE = datetime(2026, 9, 3, 10, 0, tzinfo=UTC)


def seed_digest(engine: Engine) -> None:
    """Service: 6 messages this week (3 positive, 1 neutral, 2 negative), 2 negative the week before; SLA 1 met
    and 2 breached of 3 due; replies answered in 10, 30 and 60 minutes; 2 resolved and 1 sale; 3 open."""
    with session_scope(engine) as session:
        department(session, "service", "service@brand.example")
        department(session, "product", "product@brand.example")
        department(session, "sales", None)
        old = conversation(session, "x", "old", started_at=BEFORE, status="open")
        met = conversation(
            session,
            "x",
            "met",
            started_at=IN,
            status="resolved",
            sla_due_at=IN + timedelta(hours=2),
            first_response_at=IN + timedelta(hours=1),
        )
        noticed = conversation(
            session,
            "x",
            "noticed",
            started_at=IN,
            status="open",
            sla_due_at=IN + timedelta(hours=2),
            sla_breached_at=IN + timedelta(hours=3),
        )
        silent = conversation(
            session,
            "x",
            "silent",
            started_at=IN + timedelta(days=1),
            status="open",
            sla_due_at=IN + timedelta(days=1, hours=2),
        )
        later = conversation(session, "x", "later", started_at=IN, status="pending", sla_due_at=IN + timedelta(days=9))
        sales = conversation(
            session, "x", "sales", department="sales", started_at=IN, status="open", sla_due_at=IN + timedelta(hours=1)
        )
        texts = [
            (met, "positive"), (met, "positive"), (noticed, "negative"), (noticed, "neutral"),
            (silent, "negative"), (later, "positive"),
        ]  # fmt: skip
        items = [
            message(session, conv, f"m{n}", IN + timedelta(minutes=n), f"msg {n}", sentiment=s)
            for n, (conv, s) in enumerate(texts)
        ]
        message(session, old, "p1", BEFORE, "old 1", sentiment="negative")
        message(session, old, "p2", BEFORE + timedelta(hours=1), "old 2", sentiment="negative")
        other = message(session, sales, "s1", IN, "sales question", sentiment="positive")
        aurora = Topic(name="Aurora", kind="product", query="aurora")
        delivery = Topic(name="Delivery", kind="theme", query="delivery")
        session.add_all([aurora, delivery])
        session.flush()
        for item in items[:3]:
            session.add(InteractionTopic(interaction_id=item.id, topic_id=aurora.id, spans=[]))
        session.add(InteractionTopic(interaction_id=items[3].id, topic_id=delivery.id, spans=[]))
        session.add(InteractionTopic(interaction_id=other.id, topic_id=delivery.id, spans=[]))
        ideas = [
            Idea(title="Cargo rack for the Aurora", votes=4, created_at=IN),
            Idea(title="Cheaper spare batteries", votes=2, created_at=IN),
            Idea(title="An old wish", votes=9, created_at=BEFORE),
        ]
        session.add_all(ideas)
        session.flush()
        for idea, item in ((ideas[0], items[0]), (ideas[1], other), (ideas[2], items[1])):
            session.add(IdeaMention(idea_id=idea.id, interaction_id=item.id, similarity=1.0))
        for seconds, conv in ((600, met), (1800, noticed), (3600, later)):
            record_event(session, conv, "reply", at=IN + timedelta(hours=1), response_seconds=seconds)
        record_event(session, old, "reply", at=BEFORE + timedelta(hours=2), response_seconds=99999)
        for outcome, conv in (("resolved", met), ("resolved", later), ("sale", noticed), ("sale", sales)):
            record_event(session, conv, "outcome", at=IN + timedelta(hours=5), outcome=outcome)


def test_every_figure_of_the_weekly_digest(engine: Engine) -> None:
    seed_digest(engine)
    with session_scope(engine) as session:
        d = build_digest(session, department_by_slug(session, "service"), "week", DAY)
        product = build_digest(session, department_by_slug(session, "product"), "weekly", DAY)
        daily = build_digest(session, department_by_slug(session, "service"), "daily", date(2026, 9, 10))
    assert (d.start, d.end) == (datetime(2026, 9, 8, tzinfo=UTC), datetime(2026, 9, 15, tzinfo=UTC))
    assert d.messages == 6 and d.new_conversations == 4
    assert d.topics == [("Aurora", 3), ("Delivery", 1)]
    assert (d.sentiment.positive, d.sentiment.neutral, d.sentiment.negative) == (3, 1, 2)
    assert d.sentiment.net == pytest.approx(100 / 6) and d.previous_sentiment.net == pytest.approx(-100)
    assert d.sentiment_shift == pytest.approx(100 / 6 + 100)
    assert [i.title for i in d.ideas] == ["Cargo rack for the Aurora"]  # linked to service, raised this week
    assert [i.title for i in product.ideas] == ["Cargo rack for the Aurora", "Cheaper spare batteries"]
    assert (d.sla.due, d.sla.met, d.sla.breached, d.sla.waiting) == (3, 1, 2, 0)
    assert d.sla.median_first_response_s == 1800 and d.sla.replies == 3
    assert d.outcomes == {"resolved": 2, "sale": 1}
    assert d.open_count == 3 and [o.snippet for o in d.oldest_open] == ["old 1", "msg 2", "msg 4"]
    assert daily.messages == 6 and daily.new_conversations == 3  # "silent" started on the 11th
    with pytest.raises(DigestError, match="daily or weekly"):
        window("monthly")


def test_the_digest_mail_arrives_with_the_databases_figures(engine: Engine) -> None:
    seed_digest(engine)
    with smtp_sink() as (sink, port):
        env = {
            "KITH_SMTP_HOST": "127.0.0.1",
            "KITH_SMTP_PORT": str(port),
            "KITH_ALERT_FROM": "kith@brand.example",
            "KITH_BASE_URL": "https://kith.brand.example",
        }
        with session_scope(engine) as session:
            sent, skipped = send_digests(session, "weekly", end=DAY, env=env)
    assert sorted(s.slug for s in sent) == ["product", "service"] and "sales" in skipped
    mail = next(m for m in sink.messages if m["To"] == "service@brand.example")
    assert mail["Subject"] == "[Kith] Weekly digest: Customer service, 2026-09-08–2026-09-15"
    text_part = mail.get_body(preferencelist=("plain",))
    html_part = mail.get_body(preferencelist=("html",))
    assert text_part is not None and html_part is not None
    text, html = text_part.get_content().replace("\r\n", "\n"), html_part.get_content()
    figures = dict(re.findall(r"^([A-Z][A-Za-z ]+): (.+)$", text, flags=re.M))
    with session_scope(engine) as session:
        in_week = (
            select(func.count())
            .select_from(Interaction)
            .join(Conversation, Conversation.id == Interaction.conversation_id)
            .where(
                Conversation.department == "service",
                Interaction.sort_at >= IN - timedelta(days=2),
                Interaction.sort_at < datetime(2026, 9, 15, tzinfo=UTC),
            )
        )
        messages = session.scalar(in_week)
        open_now = session.scalar(
            select(func.count()).where(Conversation.department == "service", Conversation.status == "open")
        )
    assert figures["Messages"] == str(messages) == "6"
    assert figures["Open now"] == str(open_now) == "3"
    assert figures["SLA"] == "3 due, 1 met, 2 breached, 0 not yet due"
    assert figures["Median first response"] == "30 min over 3 replies"
    assert figures["Outcomes"] == "2 resolved, 1 sale"
    assert figures["Net sentiment"] == "+16.7 pts (previous period -100.0 pts, shift +116.7 pts)"
    assert "- Aurora: 3" in text and "- Cargo rack for the Aurora (4 votes, new)" in text
    assert "https://kith.brand.example/digest/service?period=weekly" in text
    assert 'id="kpi-messages">6<' in html and 'id="kpi-sla">1 / 2<' in html and "Cargo rack for the Aurora" in html
    assert "https://kith.brand.example/conversations/" in html


def test_digest_mail_refuses_clearly(engine: Engine) -> None:
    seed_digest(engine)
    with session_scope(engine) as session:
        with pytest.raises(DigestError, match="KITH_SMTP_HOST is not set"):
            send_digests(session, "weekly", env={})
        env = {"KITH_SMTP_HOST": "127.0.0.1", "KITH_SMTP_PORT": "9"}
        with pytest.raises(DigestError, match="use daily or weekly"):
            send_digests(session, "monthly", env=env)
        with pytest.raises(DigestError, match="no e-mail address"):
            send_digests(session, "weekly", department="sales", env=env)
        with pytest.raises(DigestError, match="no department 'nope'"):
            send_digests(session, "weekly", department="nope", env=env)
