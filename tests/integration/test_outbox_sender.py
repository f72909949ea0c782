"""The outbox sender on SQLite and PostgreSQL: delivers each message at most once (a crash mid-run sends
nothing twice), retries with back-off and gives up, leaves unconfigured channels queued, and hands each
transport what it needs from the database (mentions, Bluesky strong refs, mail threading headers)."""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
from sqlalchemy import Engine, select

from kith.config import Settings
from kith.db import session_scope, utcnow
from kith.inbox.events import record_event
from kith.inbox.models import ConversationEvent, OutboxMessage
from kith.inbox.outbox import queue_message
from kith.inbox.sender import retry, send_pending
from kith.inbox.transports import Outgoing, Transport, TransportError
from kith.inbox.transports.local import LocalOutbox
from tests.integration.outbox_seed import conversation, identity, message, smtp_sink

pytestmark = pytest.mark.storage
T0 = datetime(2026, 9, 15, 9, 0, tzinfo=UTC)


class Crash(BaseException):
    """The process dying mid-run (not an error the sender may catch)."""


class Recorder(Transport):
    """Counts every send per key; dies after ``crash_after`` sends, or fails as told."""

    name = "outbox"

    def __init__(self, crash_after: int | None = None, error: TransportError | None = None) -> None:
        self.calls: list[str] = []
        self.crash_after = crash_after
        self.error = error

    def send(self, message: Outgoing) -> str:
        if self.crash_after is not None and len(self.calls) >= self.crash_after:
            self.calls.append(message.idempotency_key)
            raise Crash
        self.calls.append(message.idempotency_key)
        if self.error is not None:
            raise self.error
        return f"ext-{message.idempotency_key}"


def queue(engine: Engine, count: int, transport: str = "outbox", channel: str = "youtube") -> list[str]:
    keys = []
    with session_scope(engine) as session:
        conv = conversation(session, channel, f"thread-{transport}-{count}")
        for n in range(count):
            event = record_event(session, conv, "reply", body=f"answer {n}", channel=channel)
            queue_message(
                session,
                idempotency_key=f"{transport}-{n}",
                channel=channel,
                transport=transport,
                body=f"answer {n}",
                conversation_id=conv.id,
                event_id=event.id,
                in_reply_to=f"root-{n}",
            )
            keys.append(f"{transport}-{n}")
    return keys


def statuses(engine: Engine) -> dict[str, str]:
    with session_scope(engine) as session:
        return {m.idempotency_key: m.status for m in session.scalars(select(OutboxMessage))}


def test_the_local_outbox_marks_each_message_sent_once(engine: Engine) -> None:
    keys = queue(engine, 3)
    local = LocalOutbox()
    report = send_pending(engine, Settings(), transports={"outbox": local})
    assert (report.sent, report.failed, report.gave_up) == (3, 0, 0)
    assert [m.idempotency_key for m in local.sent] == keys
    with session_scope(engine) as session:
        rows = list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        assert all(m.status == "sent" and m.attempts == 1 and m.sent_at is not None for m in rows)
        assert [m.external_id for m in rows] == [f"outbox:{k}" for k in keys]
        event = session.get(ConversationEvent, rows[0].event_id)
        assert event is not None and event.data["external_id"] == "outbox:outbox-0"
    again = send_pending(engine, Settings(), transports={"outbox": local})
    assert again.sent == 0 and len(local.sent) == 3


def test_a_crash_mid_run_sends_nothing_twice(engine: Engine) -> None:
    keys = queue(engine, 5)
    dying = Recorder(crash_after=2)
    with pytest.raises(Crash):
        send_pending(engine, Settings(), transports={"outbox": dying})
    assert dying.calls == keys[:3]  # two delivered, the third in flight when the process died
    assert statuses(engine) == {
        keys[0]: "sent",
        keys[1]: "sent",
        keys[2]: "sending",
        keys[3]: "queued",
        keys[4]: "queued",
    }
    healthy = Recorder()
    report = send_pending(engine, Settings(), transports={"outbox": healthy})
    assert healthy.calls == keys[3:] and report.sent == 2  # the in-flight one is not guessed at
    with session_scope(engine) as session:  # a person checked it did not arrive and requeues it
        stuck = session.scalar(select(OutboxMessage).where(OutboxMessage.idempotency_key == keys[2]))
        assert stuck is not None
        retry(session, stuck.public_id)
    send_pending(engine, Settings(), transports={"outbox": healthy})
    sent_once = dying.calls[:2] + healthy.calls
    assert sorted(sent_once) == sorted(keys) and len(set(sent_once)) == len(sent_once)
    assert set(statuses(engine).values()) == {"sent"}
    with session_scope(engine) as session:
        sent = session.scalar(select(OutboxMessage).where(OutboxMessage.idempotency_key == keys[0]))
        assert sent is not None
        with pytest.raises(ValueError, match="already sent"):
            retry(session, sent.public_id)


def test_retryable_failures_back_off_then_give_up(engine: Engine) -> None:
    (key,) = queue(engine, 1)
    settings = Settings(outbox_max_attempts=3, outbox_retry_seconds=60)
    failing = Recorder(error=TransportError("HTTP 503; will retry", retryable=True))
    with session_scope(engine) as session:
        created = session.scalars(select(OutboxMessage.created_at)).one()
    first = send_pending(engine, settings, now=created, transports={"outbox": failing})
    assert first.failed == 1 and statuses(engine)[key] == "failed"
    assert (
        send_pending(engine, settings, now=created + timedelta(seconds=59), transports={"outbox": failing}).failed == 0
    )
    second = send_pending(engine, settings, now=created + timedelta(seconds=61), transports={"outbox": failing})
    assert second.failed == 1  # the second wait is twice as long, from this failure: due at +61 + 120 s
    with session_scope(engine) as session:
        assert session.scalars(select(OutboxMessage.next_attempt_at)).one() == created + timedelta(seconds=181)
    assert (
        send_pending(engine, settings, now=created + timedelta(seconds=180), transports={"outbox": failing}).failed == 0
    )
    third = send_pending(engine, settings, now=created + timedelta(seconds=181), transports={"outbox": failing})
    assert third.gave_up == 1 and len(failing.calls) == 3
    with session_scope(engine) as session:
        gone = session.scalars(select(OutboxMessage)).one()
        assert gone.status == "gave_up" and gone.attempts == 3 and "gave up after 3 attempts" in (gone.error or "")
    assert send_pending(engine, settings, now=created + timedelta(days=1), transports={"outbox": failing}).gave_up == 0


def test_a_failure_no_retry_can_fix_gives_up_at_once(engine: Engine) -> None:
    (key,) = queue(engine, 1)
    refused = Recorder(error=TransportError("HTTP 401; check the credentials", retryable=False))
    report = send_pending(engine, Settings(), transports={"outbox": refused})
    assert report.gave_up == 1 and statuses(engine)[key] == "gave_up"
    assert "not retryable" in report.lines[0]


def test_an_unconfigured_channel_waits_in_the_queue(engine: Engine) -> None:
    queue(engine, 2, transport="mastodon", channel="mastodon")
    report = send_pending(engine, Settings(), env={})
    assert report.sent == 0 and report.waiting == {"KITH_MASTODON_BASE_URL": 2}
    assert set(statuses(engine).values()) == {"queued"}


def test_mastodon_and_bluesky_replies_carry_what_the_database_knows(engine: Engine) -> None:
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        request.read()
        requests.append(request)
        if request.url.path.endswith("createSession"):
            return httpx.Response(200, json={"accessJwt": "jwt", "did": "did:plc:brand"})
        if request.url.path.endswith("createRecord"):
            return httpx.Response(200, json={"uri": "at://did:plc:brand/app.bsky.feed.post/3new", "cid": "c"})
        return httpx.Response(200, json={"id": "5551"})

    with session_scope(engine) as session:
        mia = identity(session, "mastodon", "109", handle="mia@example.social")
        toot = conversation(session, "mastodon", "1055")
        message(session, toot, "1055", T0, "my bike broke", identity=mia)
        queue_message(
            session,
            idempotency_key="m-1",
            channel="mastodon",
            transport="mastodon",
            body="Sorry!",
            conversation_id=toot.id,
            in_reply_to="1055",
        )
        child_uri = "at://did:plc:mia/app.bsky.feed.post/3child"
        post: dict[str, Any] = {
            "post": {
                "uri": child_uri,
                "cid": "bafychild",
                "author": {"did": "did:plc:mia", "handle": "mia.bsky.social"},
                "record": {
                    "text": "still broken",
                    "createdAt": "2026-09-15T09:00:00Z",
                    "reply": {
                        "root": {"uri": "at://did:plc:brand/app.bsky.feed.post/3root", "cid": "bafyroot"},
                        "parent": {"uri": "at://did:plc:brand/app.bsky.feed.post/3root", "cid": "bafyroot"},
                    },
                },
            }
        }
        sky = conversation(session, "bluesky", "at://did:plc:brand/app.bsky.feed.post/3root")
        message(session, sky, child_uri, T0, "still broken", payload=post)
        queue_message(
            session,
            idempotency_key="b-1",
            channel="bluesky",
            transport="bluesky",
            body="On it",
            conversation_id=sky.id,
            in_reply_to=child_uri,
        )
    settings = Settings(
        mastodon_base_url="https://social.example",
        mastodon_token="t",
        bluesky_handle="brand.example",
        bluesky_app_password="pw",
    )
    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        report = send_pending(engine, settings, client=client, env={})
    assert report.sent == 2, report.lines
    toot_request = next(r for r in requests if r.url.path == "/api/v1/statuses")
    fields = {k: v[0] for k, v in parse_qs(toot_request.content.decode()).items()}
    assert fields == {"status": "@mia@example.social Sorry!", "in_reply_to_id": "1055", "visibility": "public"}
    assert toot_request.headers["idempotency-key"] == "m-1"
    record = json.loads(next(r for r in requests if r.url.path.endswith("createRecord")).content)["record"]
    assert record["reply"] == {
        "root": {"uri": "at://did:plc:brand/app.bsky.feed.post/3root", "cid": "bafyroot"},
        "parent": {"uri": "at://did:plc:mia/app.bsky.feed.post/3child", "cid": "bafychild"},
    }
    with session_scope(engine) as session:
        ids = {m.idempotency_key: m.external_id for m in session.scalars(select(OutboxMessage))}
    assert ids == {"m-1": "5551", "b-1": "at://did:plc:brand/app.bsky.feed.post/3new"}


def test_an_email_reply_threads_in_the_customers_mail_client(engine: Engine) -> None:
    with session_scope(engine) as session:
        customer = identity(session, "email", "mia@example.org", visibility="email", basis="direct_contact")
        thread = conversation(session, "email", "first@example.org")
        message(
            session,
            thread,
            "second@example.org",
            T0,
            "Where is my order?",
            kind="email",
            visibility="email",
            identity=customer,
            title="Order 1234",
            attributes={"references": ["first@example.org"]},
        )
        queue_message(
            session,
            idempotency_key="e-1",
            channel="email",
            transport="smtp",
            body="It ships today.",
            conversation_id=thread.id,
            in_reply_to="second@example.org",
        )
    with smtp_sink() as (sink, port):
        env = {"KITH_SMTP_HOST": "127.0.0.1", "KITH_SMTP_PORT": str(port), "KITH_ALERT_FROM": "alerts@brand.example"}
        report = send_pending(engine, Settings(reply_from="Brand Care <care@brand.example>"), env=env)
    assert report.sent == 1, report.lines
    (mail,) = sink.messages
    assert mail["To"] == "mia@example.org" and sink.recipients == [["mia@example.org"]]
    assert mail["From"] == "Brand Care <care@brand.example>" and mail["Subject"] == "Re: Order 1234"
    assert mail["In-Reply-To"] == "<second@example.org>"
    assert mail["References"] == "<first@example.org> <second@example.org>"
    assert mail.get_content().strip() == "It ships today."
    with session_scope(engine) as session:
        sent = session.scalars(select(OutboxMessage)).one()
        assert f"<{sent.external_id}>" == mail["Message-ID"] and str(sent.external_id).endswith("@brand.example")


def test_a_mail_server_that_is_down_is_retried_later(engine: Engine) -> None:
    queue(engine, 1, transport="smtp", channel="email")
    with session_scope(engine) as session:
        session.scalars(select(OutboxMessage)).one().recipient = "mia@example.org"
    env = {"KITH_SMTP_HOST": "127.0.0.1", "KITH_SMTP_PORT": "9"}  # discard port: nothing listens
    report = send_pending(engine, Settings(), env=env, now=utcnow())
    assert report.failed == 1 and "cannot reach the mail server" in report.lines[0]


def test_two_senders_side_by_side_deliver_each_message_once(engine: Engine) -> None:
    keys = queue(engine, 12)
    calls: list[str] = []
    lock = threading.Lock()

    class Slow(Transport):
        name = "outbox"

        def send(self, message: Outgoing) -> str:
            time.sleep(0.01)  # let the other sender claim meanwhile (no timing is asserted)
            with lock:
                calls.append(message.idempotency_key)
            return f"ext-{message.idempotency_key}"

    errors: list[BaseException] = []

    def run() -> None:
        try:
            send_pending(engine, Settings(), transports={"outbox": Slow()})
        except BaseException as exc:  # a thread's failure must fail the test
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(calls) == sorted(keys) and len(calls) == len(set(calls))
    assert set(statuses(engine).values()) == {"sent"}
