"""IMAP polling against a local IMAP server serving real .eml messages (tests/fixtures/payloads/email)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select, update

from kith.channels.live.base import SourceError
from kith.channels.live.runner import ListenReport, listen_once
from kith.channels.live.sources import do_add_source, source_name
from kith.channels.models import Channel, ConnectorCursor
from kith.channels.service import ensure_channel
from kith.db import session_scope
from kith.pipeline.models import RawItem
from tests.conftest import PAYLOADS
from tests.integration.imap_server import ImapServer, Mailbox, imap_server

MAILS = [
    (PAYLOADS / "email" / name).read_bytes()
    for name in (
        "forwarded_message_rfc822_simple.eml",
        "multipart_mixed_qp_base64_parts.eml",
        "reply_threaded_multipart_alternative.eml",
    )
]


def setup(engine: Engine, monkeypatch: pytest.MonkeyPatch, server: ImapServer, password: str = "mail-secret") -> str:  # noqa: S107 (a test server)
    monkeypatch.setenv("KITH_TEST_IMAP_PASSWORD", password)
    params = {"host": server.host, "port": str(server.port), "user": "support@example.com", "security": "none"}
    source, checked = source_name("imap", params)
    with session_scope(engine) as session:
        ensure_channel(session, "email")
        session.execute(
            update(Channel).where(Channel.name == "email").values(credentials_ref="KITH_TEST_IMAP_PASSWORD")
        )
        do_add_source(session, "email", source, checked)
    return source


def poll(engine: Engine) -> ListenReport:
    return listen_once(engine, interval_s=60, process=False)


def position_of(engine: Engine, source: str) -> dict[str, object]:
    with session_scope(engine) as session:
        row = session.scalar(select(ConnectorCursor).where(ConnectorCursor.source == source))
        assert row is not None
        return dict(row.state.get("position") or {})


def make_due(engine: Engine) -> None:
    with session_scope(engine) as session:
        session.execute(update(ConnectorCursor).values(next_poll_at=None))


def raw_count(engine: Engine) -> int:
    with session_scope(engine) as session:
        return len(session.scalars(select(RawItem.id)).all())


def test_imap_new_mail_by_uid_and_uidvalidity_resync(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    box = Mailbox(uidvalidity=7, messages=[(1, MAILS[0]), (2, MAILS[1])])
    with imap_server(box) as server:
        source = setup(engine, monkeypatch, server)
        assert source == "imap:support@example.com@127.0.0.1/INBOX"
        first = poll(engine)
        assert first.polled == 1 and first.counts.new == 2, first.errors
        assert position_of(engine, source) == {"uidvalidity": 7, "last_uid": 2}
        assert 'EXAMINE "INBOX"' in box.commands and not box.seen_flag_set  # read-only, PEEK

        box.messages.append((5, MAILS[2]))  # new mail (UIDs may skip)
        make_due(engine)
        box.commands.clear()
        second = poll(engine)
        assert second.counts.new == 1 and second.counts.duplicate == 0
        assert "UID SEARCH UID 3:*" in box.commands and "UID FETCH 5 (BODY.PEEK[])" in box.commands
        assert position_of(engine, source) == {"uidvalidity": 7, "last_uid": 5}

        make_due(engine)
        box.commands.clear()
        quiet = poll(engine)  # ``6:*`` returns UID 5 (the highest): it must not be fetched again
        assert quiet.counts.new == 0 and quiet.counts.duplicate == 0
        assert not [c for c in box.commands if c.startswith("UID FETCH")]

        # the mailbox was rebuilt: new UIDVALIDITY, new UIDs for the same mail
        box.uidvalidity = 8
        box.messages[:] = [(10, MAILS[0]), (11, MAILS[1]), (12, MAILS[2])]
        make_due(engine)
        resync = poll(engine)
        assert resync.counts.new == 0 and resync.counts.duplicate == 3  # unique by Message-ID
        assert position_of(engine, source) == {"uidvalidity": 8, "last_uid": 12}
    assert raw_count(engine) == 3


def test_imap_wrong_password_is_a_failure(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    with imap_server(Mailbox(uidvalidity=1, messages=[(1, MAILS[0])])) as server:
        source = setup(engine, monkeypatch, server, password="wrong")
        report = poll(engine)
    assert report.failed == 1 and "AUTHENTICATIONFAILED" in report.errors[0]
    assert "password" in report.errors[0]
    with session_scope(engine) as session:
        row = session.scalar(select(ConnectorCursor).where(ConnectorCursor.source == source))
        assert row is not None and row.failures == 1


def test_imap_unreachable_server_is_transient(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    with imap_server(Mailbox(uidvalidity=1, messages=[])) as server:
        port = server.port
    closed = ImapServer("127.0.0.1", port, Mailbox(uidvalidity=1, messages=[]))
    setup(engine, monkeypatch, closed)
    report = poll(engine)
    assert report.failed == 1 and "connection failed" in report.errors[0]


@pytest.mark.parametrize(
    ("params", "hint"),
    [
        ({"host": "imap.example.com"}, "user="),
        ({"host": "imap.example.com", "user": "a", "security": "none"}, "only for localhost"),
        ({"host": "imap.example.com", "user": "a", "security": "tls13"}, "security="),
        ({"host": "imap.example.com", "user": "a", "port": "imaps"}, "port="),
    ],
)
def test_imap_source_errors(params: dict[str, str], hint: str) -> None:
    with pytest.raises(SourceError, match=hint):
        source_name("imap", params)


def test_imap_defaults() -> None:
    source, checked = source_name("imap", {"host": "imap.example.com", "user": "support@example.com"})
    assert checked == {
        "host": "imap.example.com",
        "port": 993,
        "user": "support@example.com",
        "mailbox": "INBOX",
        "security": "ssl",
    }
    assert source == "imap:support@example.com@imap.example.com/INBOX"
