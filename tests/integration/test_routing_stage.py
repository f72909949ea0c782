"""The routing stage on SQLite and PostgreSQL: rules, fallback, SLA, tags, assignment, idempotence, crash safety."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, select, update

from kith.auth.models import Department, User
from kith.auth.service import do_create_user
from kith.channels.models import Channel
from kith.db import session_scope
from kith.enrichment.stage import enrich_pending
from kith.inbox.models import ConversationEvent
from kith.interactions.models import Conversation, Interaction
from kith.pipeline.ingest import ingest_bytes
from kith.pipeline.runner import run_pending
from kith.routing import stage
from kith.routing.models import RoutingDecision
from kith.routing.rules import RuleInput, add_rule
from kith.routing.settings import set_fallback_department
from kith.routing.stage import pending_routing, route_pending

pytestmark = pytest.mark.storage

NOW = datetime(2026, 9, 4, 15, 30, tzinfo=UTC)  # a Friday, 17:30 in Berlin


def status(ident: str, text: str, *, user: str = "mia", reply_to: str | None = None) -> dict[str, object]:
    return {
        "id": ident,
        "created_at": f"2026-09-01T10:00:{int(ident):02d}.000Z",
        "content": f"<p>{text}</p>",
        "visibility": "public",
        "in_reply_to_id": reply_to,
        "spoiler_text": "",
        "edited_at": None,
        "account": {"id": user, "username": user, "acct": f"{user}@example.social", "display_name": user.title()},
    }


def load(engine: Engine, statuses: list[dict[str, object]], facts: dict[str, dict[str, Any]] | None = None) -> None:
    """Ingest, normalise, enrich; then pin intent/sentiment so tests do not depend on the classifier."""
    ingest_bytes(engine, "mastodon", json.dumps(statuses).encode(), "test")
    run_pending(engine)
    enrich_pending(engine)
    with session_scope(engine) as session:
        session.execute(update(Interaction).values(relevant=True))
        for external_id, values in (facts or {}).items():
            session.execute(update(Interaction).where(Interaction.external_id == external_id).values(**values))


def rule(engine: Engine, name: str, condition: str, **sets: Any) -> None:
    with session_scope(engine) as session:
        add_rule(session, RuleInput(name=name, condition=condition, **sets))


def conversation_of(engine: Engine, external_id: str) -> tuple[Conversation, RoutingDecision | None]:
    with session_scope(engine) as session:
        cid = session.scalar(select(Interaction.conversation_id).where(Interaction.external_id == external_id))
        conversation = session.get(Conversation, cid)
        assert conversation is not None
        decision = session.get(RoutingDecision, conversation.routing_decision_id)
        session.expunge_all()
        return conversation, decision


def test_rules_decide_in_order_tags_accumulate_and_the_rest_falls_back(engine: Engine) -> None:
    load(
        engine,
        [
            status("1", "My battery died after two weeks, this is unacceptable"),
            status("2", "How much is the Aurora in the sale?"),
            status("3", "Lovely ride today"),
        ],
        {
            "1": {"intent": "complaint", "sentiment": "negative"},
            "2": {"intent": "price", "sentiment": "neutral"},
            "3": {"intent": "praise", "sentiment": "positive"},
        },
    )
    rule(engine, "Anything negative", "sentiment:negative", tag="negative")
    rule(
        engine,
        "Battery complaints",
        "intent:complaint AND batter*",
        department="service",
        priority="high",
        tag="battery",
    )
    rule(engine, "Also complaints", "intent:complaint", department="legal", tag="complaint")
    rule(engine, "Prices", "intent:price OR price* OR sale", department="sales")
    with session_scope(engine) as session:
        set_fallback_department(session, "marketing")
        assert pending_routing(session) == 3

    report = route_pending(engine, batch_size=2, now=NOW)
    assert report.routed == 3 and report.by_source == {"rule": 2, "default": 1}

    battery, decision = conversation_of(engine, "1")
    assert (battery.department, battery.priority, battery.routed_by) == ("service", "high", "rule")
    assert battery.tags == ["negative", "battery", "complaint"]  # every matching rule tags, in order
    assert decision is not None and decision.source == "rule"
    explanation = decision.explanation
    assert [m["name"] for m in explanation["matched"]] == ["Anything negative", "Battery complaints", "Also complaints"]
    assert explanation["decided_by"]["name"] == "Battery complaints"
    assert explanation["priority"] == {"value": "high", "why": "rule «Battery complaints» sets it"}
    # 480 → "high" is 240 working minutes; 24/7 by default: due four hours after routing
    assert battery.sla_due_at == datetime(2026, 9, 4, 19, 30, tzinfo=UTC)

    price, _ = conversation_of(engine, "2")
    assert (price.department, price.priority) == ("sales", "normal")
    praise, fallback = conversation_of(engine, "3")
    assert (praise.department, praise.routed_by, praise.priority) == ("marketing", "default", "low")
    assert fallback is not None and "fallback" in fallback.explanation["decided_by"]["why"]

    with session_scope(engine) as session:
        assert pending_routing(session) == 0
    assert route_pending(engine, now=NOW).routed == 0  # routed once


def test_stop_ends_evaluation_and_working_hours_shape_the_sla(engine: Engine) -> None:
    load(engine, [status("1", "Please delete my data under GDPR")], {"1": {"intent": "question"}})
    rule(engine, "Privacy", 'gdpr OR dsgvo OR "delete my data"', department="legal", priority="urgent", stop=True)
    rule(engine, "Questions", "intent:question", department="service", tag="question")
    with session_scope(engine) as session:
        legal = session.scalar(select(Department).where(Department.slug == "legal"))
        assert legal is not None
        legal.working_hours = {"tz": "Europe/Berlin", "days": [0, 1, 2, 3, 4], "start": "09:00", "end": "17:00"}
        legal.sla_minutes = {"urgent": 90}
    route_pending(engine, now=NOW)
    conversation, decision = conversation_of(engine, "1")
    assert conversation.department == "legal" and conversation.tags == []
    assert decision is not None and decision.explanation["stopped_by"]["name"] == "Privacy"
    # Friday 17:30 Berlin is after hours: 90 working minutes run from Monday 09:00 → 10:30 CEST = 08:30 UTC
    assert conversation.sla_due_at == datetime(2026, 9, 7, 8, 30, tzinfo=UTC)
    assert "Mon, Tue, Wed, Thu, Fri 09:00–17:00 Europe/Berlin" in decision.explanation["sla"]["working_hours"]


def test_round_robin_assignment_respects_skills_and_languages(engine: Engine) -> None:
    load(engine, [status(str(n), f"battery problem number {n}", user=f"u{n}") for n in range(1, 5)])
    with session_scope(engine) as session:
        for email, skills, languages in (
            ("ana@x.example", ["battery"], ["en"]),
            ("ben@x.example", ["battery"], []),
            ("cy@x.example", [], ["en"]),  # lacks the skill
            ("dee@x.example", ["battery"], ["fr"]),  # does not speak the language
        ):
            do_create_user(session, email, email[:3], "correct horse battery", "department", "service")
            user = session.scalar(select(User).where(User.email == email))
            assert user is not None
            user.skills, user.languages = skills, languages
        service = session.scalar(select(Department).where(Department.slug == "service"))
        assert service is not None
        service.assignment = "round_robin"
        session.execute(update(Interaction).values(lang="en", detected_lang="en"))
    rule(engine, "Battery", "batter*", department="service", skill="battery")
    route_pending(engine, now=NOW)
    with session_scope(engine) as session:
        names = dict(session.execute(select(User.id, User.email)).all())
        assigned = [names.get(a) for a in session.scalars(select(Conversation.assignee_id).order_by(Conversation.id))]
        events = session.scalar(select(ConversationEvent).where(ConversationEvent.kind == "assign").limit(1))
    assert assigned == ["ana@x.example", "ben@x.example", "ana@x.example", "ben@x.example"]
    assert events is not None and events.department == "service"


def test_company_posts_wait_until_a_customer_writes(engine: Engine) -> None:
    with session_scope(engine) as session:
        mastodon = session.scalar(select(Channel).where(Channel.name == "mastodon"))
        if mastodon is None:
            ingest_bytes(engine, "mastodon", b"[]", "empty")
    load(engine, [status("1", "Our new battery is here", user="nordlicht")])
    with session_scope(engine) as session:
        channel = session.scalar(select(Channel).where(Channel.name == "mastodon"))
        assert channel is not None
        channel.account = "nordlicht"
    assert route_pending(engine, now=NOW).routed == 0  # only our own post: nothing to route, and no endless loop
    load(engine, [status("2", "Does it fit the Aurora?", reply_to="1")])
    assert route_pending(engine, now=NOW).routed == 1
    _, decision = conversation_of(engine, "2")
    assert decision is not None and decision.interaction_id is not None
    with session_scope(engine) as session:
        routed = session.get(Interaction, decision.interaction_id)
        assert routed is not None and routed.external_id == "2"


def test_a_failing_batch_rolls_back_and_is_routed_again(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    load(engine, [status(str(n), f"question {n}", user=f"u{n}") for n in range(1, 5)])
    original = stage.route_batch
    calls = {"n": 0}

    def flaky(*args: Any, **kwargs: Any) -> None:
        calls["n"] += 1
        original(*args, **kwargs)
        if calls["n"] == 2:
            raise RuntimeError("crash in the middle of the second batch")

    monkeypatch.setattr(stage, "route_batch", flaky)
    with pytest.raises(RuntimeError):
        route_pending(engine, batch_size=2, now=NOW)
    with session_scope(engine) as session:
        assert pending_routing(session) == 2  # the first batch is kept, the second rolled back whole
        assert session.scalar(select(RoutingDecision.id).where(RoutingDecision.conversation_id > 2)) is None
    monkeypatch.setattr(stage, "route_batch", original)
    assert route_pending(engine, now=NOW).routed == 2
    with session_scope(engine) as session:
        assert pending_routing(session) == 0
        assert len(list(session.scalars(select(RoutingDecision)))) == 4  # each routed exactly once


def test_rules_can_name_saved_segments(engine: Engine) -> None:
    from kith.profiles.segments import create_segment
    from kith.routing.rules import RuleError

    load(engine, [status("1", "Is the Aurora worth it?"), status("2", "Where do I buy a tent?", user="ole")])
    with session_scope(engine) as session:
        create_segment(session, "Reddit people", "channel:reddit")  # nobody here
        create_segment(session, "Mastodon people", "channel:mastodon")  # both authors
        with pytest.raises(RuleError, match="no saved segment 'nobody-saved-this'"):
            add_rule(session, RuleInput(name="x", condition="segment:nobody-saved-this", department="pr"))
    rule(engine, "Redditors to legal", "segment:reddit-people", department="legal")
    rule(engine, "Mastodon people to sales", "segment:mastodon-people AND NOT segment:vip", department="sales")
    route_pending(engine, now=NOW)
    for external_id in ("1", "2"):
        conversation, decision = conversation_of(engine, external_id)
        assert conversation.department == "sales" and decision is not None and decision.source == "rule"
