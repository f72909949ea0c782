"""The demo's simulated agents: they confirm or correct the rules' routing by the story, then the router trains."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select

from kith.auth.service import ensure_default_departments
from kith.channels.models import Channel
from kith.db import session_scope
from kith.demo.routing_history import implied_department, play_agents_and_train, simulate_agents
from kith.interactions.models import Conversation, Interaction
from kith.routing.decisions import apply_decision
from kith.routing.models import RouterModel, RoutingDecision

pytestmark = pytest.mark.storage
KNOWN = {"service", "sales", "marketing", "product", "pr", "legal"}
MESSAGES = [
    ("complaint", "My Aurora battery stopped charging after the update"),
    ("purchase_intent", "Thinking of buying the Polaris tent for our trip, which size?"),
    ("suggestion", "Please make the trail jacket in matte black"),
    ("praise", "Best e-bike I ever had, thank you Nordlicht"),
    ("unsupported", "Mein Akku lädt nicht mehr, Ticket seit 5 Tagen offen"),
    ("unsupported", "Idee: eine Halterung für das Handy wäre super"),
]


def test_the_story_department_comes_from_intent_then_words_then_topics() -> None:
    assert implied_department("purchase_intent", "", [], KNOWN) == "sales"
    assert implied_department("unsupported", "Bitte eine App für den Akku", [], KNOWN) == "product"
    assert implied_department(None, "Schon wieder Regen", ["marketing"], KNOWN) == "marketing"
    assert implied_department("spam", "Verdiene 500 € am Tag", ["sales"], KNOWN) is None
    assert implied_department(None, "Schon wieder Regen", [], KNOWN) is None


def test_simulated_agents_confirm_reroute_and_train(engine: Engine) -> None:
    start = datetime(2026, 6, 1, tzinfo=UTC)
    with session_scope(engine) as session:
        ensure_default_departments(session)
        channel = Channel(name="x", kind="x", display_name="X")
        session.add(channel)
        session.flush()
        for i in range(120):
            intent, text = MESSAGES[i % len(MESSAGES)]
            conv = Conversation(channel_id=channel.id, thread_key=f"t{i}")
            session.add(conv)
            session.flush()
            at = start + timedelta(hours=i)
            item = Interaction(
                channel_id=channel.id,
                external_id=f"e{i}",
                conversation_id=conv.id,
                kind="post",
                text=f"{text} #{i}",
                visibility="public",
                basis="public_content",
                sort_at=at,
                created_at=at,
                intent=intent,
            )
            session.add(item)
            session.flush()
            apply_decision(session, conv, source="rule", department="service", interaction_id=item.id, now=at)
        report = play_agents_and_train(session, seed=2026)
        assert report.confirmed + report.rerouted + report.left == 120
        assert report.rerouted > report.confirmed > 0 and report.left > 0
        assert report.trained == "router-1" and report.accuracy is not None
        assert "router router-1 trained" in report.summary()
        left = report.left
    with session_scope(engine) as session:
        manual = session.scalars(select(RoutingDecision).where(RoutingDecision.source == "manual")).all()
        assert {d.department for d in manual} >= {"sales", "product", "marketing"}
        assert all(d.created_at < datetime(2026, 7, 1, tzinfo=UTC) for d in manual)  # back-dated to the story
        assert session.scalar(select(func.count()).select_from(RouterModel)) == 1
        again = simulate_agents(session, seed=2026)  # what was handled stays handled; only the rest comes back
        assert again.confirmed + again.rerouted + again.left == left
