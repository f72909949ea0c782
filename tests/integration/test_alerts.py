"""Spike alerts on SQLite and PostgreSQL, fed by the real ingest → run → enrich pipeline, and their e-mail."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.message import Message
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from kith.db import session_scope
from kith.enrichment.alert_mail import do_send_alert_mail, recipient_for, unnotified
from kith.enrichment.alerts import do_check_alerts
from kith.enrichment.models import Alert
from kith.enrichment.stage import enrich_pending
from kith.enrichment.topics import do_add_topic
from kith.interactions.models import Interaction
from kith.pipeline.ingest import ingest_bytes
from kith.pipeline.runner import run_pending

pytestmark = pytest.mark.storage

SPIKE = datetime(2026, 9, 15, 14, tzinfo=UTC)
DAYS = 8
CALM = ("Rode my Aurora to work this morning along the river", "Aurora e-bike parked outside the office today")
ANGRY = "My Aurora bike broke down again, worst purchase ever, I am furious and want a refund ({})"


def status(ident: str, at: datetime, text: str) -> dict[str, Any]:
    return {
        "id": ident,
        "created_at": at.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "content": f"<p>{text}</p>",
        "visibility": "public",
        "in_reply_to_id": None,
        "spoiler_text": "",
        "edited_at": None,
        "account": {"id": "7", "username": "mia", "acct": "mia@example.social", "display_name": "Mia"},
    }


def seed(engine: Engine) -> None:
    """Eight quiet days of two posts an hour about the brand, then an hour of forty angry ones."""
    with session_scope(engine) as session:
        do_add_topic(session, "Aurora", "product", "aurora*", "service")
        do_add_topic(session, "Elsewhere", "theme", "nothing_matches_this_xyz", "sales")
    statuses = []
    start = SPIKE - timedelta(days=DAYS)
    for hour in range(DAYS * 24):
        for k in range(2):
            at = start + timedelta(hours=hour, minutes=10 + 20 * k)
            statuses.append(status(f"c{hour}-{k}", at, CALM[k]))
    statuses += [status(f"a{i}", SPIKE + timedelta(minutes=i), ANGRY.format(i)) for i in range(40)]
    ingest_bytes(engine, "mastodon", json.dumps(statuses).encode(), "alerts-test")
    run_pending(engine)
    enrich_pending(engine)


def test_a_negative_storm_raises_one_volume_and_one_negative_alert_once(engine: Engine) -> None:
    seed(engine)
    quiet_hour = SPIKE - timedelta(hours=5, minutes=-30)
    with session_scope(engine) as session:
        assert do_check_alerts(session, now=quiet_hour) == []
    with session_scope(engine) as session:
        new = do_check_alerts(session, now=SPIKE + timedelta(minutes=45))
        found = {a.kind: a for a in new}
        assert sorted(found) == ["negative", "volume"]
        for alert in new:
            assert alert.window_start == SPIKE and alert.window_end == SPIKE + timedelta(hours=1)
            assert alert.observed == 40 and alert.department == "service"
            assert alert.baseline == pytest.approx(2.0 if alert.kind == "volume" else 0.0, abs=0.3)
            assert len(alert.samples) == 5
        samples = session.scalars(select(Interaction.text).where(Interaction.public_id.in_(found["negative"].samples)))
        assert all(text.startswith("My Aurora bike broke down") for text in samples)
    with session_scope(engine) as session:  # the same hour again, and the next hour: nothing new
        assert do_check_alerts(session, now=SPIKE + timedelta(minutes=55)) == []
        assert do_check_alerts(session, now=SPIKE + timedelta(hours=1, minutes=5)) == []
        assert session.scalar(select(func.count()).select_from(Alert)) == 2


class Sink:
    """A local SMTP server that keeps what it receives."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def smtp_sink() -> Iterator[tuple[Sink, int]]:
    controller_module = pytest.importorskip("aiosmtpd.controller", reason="aiosmtpd is a development requirement")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    sink = Sink()
    controller = controller_module.Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


def test_new_alerts_are_mailed_to_their_department_once(engine: Engine, smtp_sink: tuple[Sink, int]) -> None:
    sink, port = smtp_sink
    seed(engine)
    env = {
        "KITH_SMTP_HOST": "127.0.0.1",
        "KITH_SMTP_PORT": str(port),
        "KITH_ALERT_FROM": "kith@example.com",
        "KITH_ALERT_TO_SERVICE": "service-team@example.com",
    }
    assert recipient_for("sales", env) is None and recipient_for("service", env) == "service-team@example.com"
    with session_scope(engine) as session:
        new = do_check_alerts(session, now=SPIKE + timedelta(minutes=45))
        assert do_send_alert_mail(session, new, env) == 2
        negative = next(a for a in new if a.kind == "negative")
        link = f"/alerts/{negative.public_id}"
    with session_scope(engine) as session:
        assert unnotified(session) == []  # marked, so a retry sends nothing twice
        assert do_send_alert_mail(session, list(session.scalars(select(Alert))), env) == 0
    assert len(sink.messages) == 2
    mail = next(m for m in sink.messages if "negative" in m["Subject"])
    assert "Aurora" in mail["Subject"] and mail["To"] == "service-team@example.com"
    body = mail.get_payload(decode=True)
    assert isinstance(body, bytes)
    text = body.decode()
    assert link in text and "40 negative posts on Aurora" in text
    assert text.count("- My Aurora bike broke down again") == 5


def test_without_an_smtp_host_nothing_is_sent_and_the_alert_stays(engine: Engine) -> None:
    seed(engine)
    with session_scope(engine) as session:
        new = do_check_alerts(session, now=SPIKE + timedelta(minutes=45))
        assert do_send_alert_mail(session, new, {}) == 0
        assert all(a.notified_at is None for a in new) and len(new) == 2
