"""The learned router against a real database (SQLite and PostgreSQL): history → training → RouterModel row
→ predictions; corrections teach the active row; versions roll back; the threshold setting."""

from __future__ import annotations

import io

import numpy as np
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kith.channels.models import Channel
from kith.db import session_scope
from kith.interactions.models import Conversation, Interaction
from kith.routing.decisions import apply_decision
from kith.routing.learned import auto_apply_threshold, predict_departments
from kith.routing.learned_features import RoutingText
from kith.routing.learned_history import available_samples, training_samples
from kith.routing.learned_service import do_activate, do_set_threshold, do_train_router
from kith.routing.learned_train import TooLittleHistory
from kith.routing.models import RouterModel, RoutingDecision
from kith.routing.service import confirm, reroute
from tests.unit.router_synthetic import synthetic_samples

pytestmark = pytest.mark.storage


def seed_history(session: Session, n: int = 90) -> list[Conversation]:
    """``n`` conversations routed by a rule to "service"; people confirm or re-route each (one in five
    is only routed, never confirmed: not training data)."""
    channels: dict[str, Channel] = {}
    conversations = []
    for sample in synthetic_samples(n, seed=11):
        name = sample.text.channel or "x"
        if name not in channels:
            channels[name] = Channel(name=name, kind=name, display_name=name)
            session.add(channels[name])
            session.flush()
        conv = Conversation(channel_id=channels[name].id, thread_key=f"t{sample.decision_id}")
        session.add(conv)
        session.flush()
        item = Interaction(
            channel_id=conv.channel_id,
            external_id=f"e{sample.decision_id}",
            conversation_id=conv.id,
            kind="post",
            text=sample.text.text,
            visibility="public",
            basis="public_content",
            sort_at=sample.at,
            created_at=sample.at,
            intent=sample.text.intent,
            lang=sample.text.lang,
        )
        session.add(item)
        session.flush()
        apply_decision(session, conv, source="rule", department="service", interaction_id=item.id, now=sample.at)
        if sample.decision_id % 5 == 0:
            pass  # routed, never confirmed
        elif sample.department == "service":
            confirm(session, conv, None)
        else:
            reroute(session, conv, sample.department, None)
        conversations.append(conv)
    return conversations


def test_train_store_and_predict(engine: Engine) -> None:
    with session_scope(engine) as session:
        seed_history(session)
    with session_scope(engine) as session:
        samples = training_samples(session)
        assert len(samples) == available_samples(session) == 72  # 90 minus the 18 never confirmed
        row = do_train_router(session)
        assert (row.version, row.samples, row.active) == ("router-1", 72, True)
    with session_scope(engine) as session:
        stored = session.scalars(select(RouterModel)).one()
        assert stored.metrics["holdout"]["size"] == 15 and stored.metrics["holdout"]["train_size"] == 57
        assert 0.0 <= stored.metrics["holdout"]["accuracy"] <= 1.0
        with np.load(io.BytesIO(stored.weights), allow_pickle=False) as z:
            assert sorted(z["classes"].tolist()) == ["legal", "product", "sales", "service"]
        predictions = predict_departments(
            session,
            [
                RoutingText("Please delete all personal data you hold about me (GDPR)", "email"),
                RoutingText("How much is the Aurora e-bike, any discount if I buy this week?", "x", "purchase_intent"),
            ],
        )
        assert predictions is not None
        assert [p.department for p in predictions] == ["legal", "sales"]
        assert predictions[0].model_version == "router-1" and predictions[0].explanation["terms"]


def test_the_latest_decision_of_a_conversation_is_its_label(engine: Engine) -> None:
    with session_scope(engine) as session:
        [conv, *_] = seed_history(session, n=3)
        reroute(session, conv, "sales", None)
        reroute(session, conv, "legal", None)
        labels = {s.conversation_id: s.department for s in training_samples(session)}
        assert labels[conv.id] == "legal"
        suggestion = session.scalar(select(RoutingDecision).where(RoutingDecision.source == "suggestion"))
        assert suggestion is None


def test_corrections_teach_the_active_model_and_versions_roll_back(engine: Engine) -> None:
    text = "Polaris tent: the porch could be bigger, maybe a version with two doors"
    with session_scope(engine) as session:
        conversations = seed_history(session)
        do_train_router(session)
    with session_scope(engine) as session:
        [before] = predict_departments(session, [RoutingText(text, "x")]) or []
        conv = session.get(Conversation, conversations[-1].id)
        assert conv is not None
        item = session.scalar(select(Interaction).where(Interaction.conversation_id == conv.id))
        assert item is not None
        item.text = text
        item.intent = None
        item.lang = None
        reroute(session, conv, "product", None)
    with session_scope(engine) as session:
        row = session.scalars(select(RouterModel)).one()
        assert row.metrics["incremental"]["updates"] == 1
        [after] = predict_departments(session, [RoutingText(text, "x")]) or []
        assert after.model_version == "router-1+1"
        assert after.department == "product"
        if before.department == "product":
            assert after.confidence > before.confidence
        second = do_train_router(session)
        assert second.version == "router-2"
    with session_scope(engine) as session:
        active = session.scalars(select(RouterModel.version).where(RouterModel.active.is_(True))).all()
        assert active == ["router-2"]
        do_activate(session, "router-1")
    with session_scope(engine) as session:
        [rolled] = predict_departments(session, [RoutingText(text, "x")]) or []
        assert rolled.model_version == "router-1+1"


def test_no_model_no_predictions_and_too_little_history(engine: Engine) -> None:
    with session_scope(engine) as session:
        seed_history(session, n=10)
        assert predict_departments(session, [RoutingText("hello")]) is None
        with pytest.raises(TooLittleHistory, match="found 8"):
            do_train_router(session)
        assert session.scalars(select(RouterModel)).all() == []


def test_the_threshold_setting(engine: Engine) -> None:
    with session_scope(engine) as session:
        assert auto_apply_threshold(session) is None
        do_set_threshold(session, 0.85)
    with session_scope(engine) as session:
        assert auto_apply_threshold(session) == 0.85
        do_set_threshold(session, None)
    with session_scope(engine) as session:
        assert auto_apply_threshold(session) is None
