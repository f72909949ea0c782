"""The worker's inbox round (run by `kith listen` after each listening round): answers go out, breaches are
noticed — once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select

from kith.db import session_scope
from kith.inbox.events import record_event
from kith.inbox.models import Notification, OutboxMessage
from kith.inbox.outbox import queue_message
from kith.inbox.worker import inbox_round
from kith.interactions.models import Conversation
from tests.integration.outbox_seed import conversation, department, member


def test_a_round_sends_due_answers_and_notices_breaches_once(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KITH_SMTP_HOST", raising=False)
    past = datetime.now(UTC) - timedelta(hours=3)
    with session_scope(engine) as session:
        service = department(session, "service")
        member(session, service, "sam@example.org")
        answered = conversation(session, "youtube", "answered", status="pending", tags=[])
        event = record_event(session, answered, "reply", body="Thanks, a new part is on its way.", channel="youtube")
        queue_message(
            session,
            idempotency_key="reply-1",
            channel="youtube",
            transport="outbox",
            body="Thanks, a new part is on its way.",
            conversation_id=answered.id,
            event_id=event.id,
        )
        conversation(session, "youtube", "late", status="open", sla_due_at=past, tags=[])
    lines = inbox_round(engine)
    assert any(line.startswith("outbox: 1 sent") for line in lines), lines
    assert any(line.startswith("SLA: 1 new breach") for line in lines), lines
    with session_scope(engine) as session:
        assert session.scalars(select(OutboxMessage.status)).one() == "sent"
        late = session.scalars(select(Conversation).where(Conversation.thread_key == "late")).one()
        assert late.sla_breached_at is not None
        assert len(session.scalars(select(Notification)).all()) == 1  # Sam, the department's only member
    assert inbox_round(engine) == []  # nothing new: nothing sent twice, no second breach
