"""Contract tests of the e-mail channel: CPython's real test messages, a hand-written threaded reply, mbox."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kith.channels.base import Basis, InteractionRecord, Kind, ParseError, RawRecord, Rejected, Visibility
from kith.channels.email import parser

MAIL = Path(__file__).parent.parent / "fixtures" / "payloads" / "email"
MULTIPART = MAIL / "multipart_mixed_qp_base64_parts.eml"
FORWARDED = MAIL / "forwarded_message_rfc822_simple.eml"
REPLY = MAIL / "reply_threaded_multipart_alternative.eml"  # hand-written, see README.md there


def _one(data: bytes, source: str = "mail.eml") -> RawRecord:
    items = list(parser.split(data, source))
    assert len(items) == 1
    assert isinstance(items[0], RawRecord), items[0]
    return items[0]


def _mail(payload: bytes) -> InteractionRecord:
    [record] = parser.normalise(payload)
    assert isinstance(record, InteractionRecord)
    return record


def _crlf(data: bytes) -> bytes:
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def test_multipart_parts_in_every_transfer_encoding_are_decoded() -> None:
    data = MULTIPART.read_bytes()
    raw = _one(data, MULTIPART.name)
    assert raw.payload == data  # the message itself is the payload
    # no Message-ID: the id is a hash of the (LF-normalised) bytes
    assert raw.external_id == f"sha256:{hashlib.sha256(data).hexdigest()}"
    mail = _mail(raw.payload)
    assert mail.external_id == raw.external_id
    assert mail.kind is Kind.EMAIL
    assert mail.visibility is Visibility.EMAIL
    assert mail.basis is Basis.DIRECT_CONTACT
    assert mail.title == "Lyrics"
    assert mail.created_at == datetime(2001, 4, 20, 23, 35, 2, tzinfo=UTC)
    assert mail.text.split("\n\n") == [
        "This is a 7bit encoded message.",  # 7bit
        "¡This is a Quoted Printable encoded message!",  # quoted-printable, iso-8859-1, HTML part
        "This is a Base64 encoded message.",  # base64
        "This is a Base64 encoded message.",  # base64 with a trailing newline
        "This has no Content-Transfer-Encoding: header.",
    ]
    assert mail.author is not None
    assert mail.author.external_id == "barry@python.org"
    assert mail.author.email == "barry@python.org"
    assert mail.author.display_name == "Barry Warsaw"
    assert mail.attributes["to"] == ["cravindogs@cravindogs.com"]
    assert mail.in_reply_to is None
    assert mail.thread_root is None


def test_crlf_copy_reads_the_same_and_gets_the_same_id() -> None:
    lf = MULTIPART.read_bytes()
    crlf = _crlf(lf)
    assert b"\r\n" in crlf
    raw_lf, raw_crlf = _one(lf), _one(crlf)
    assert raw_crlf.external_id == raw_lf.external_id
    assert raw_crlf.payload == crlf
    a, b = _mail(raw_lf.payload), _mail(raw_crlf.payload)
    assert b.text == a.text
    assert b.created_at == a.created_at
    assert b.author == a.author


def test_forwarded_message_is_noted_in_attributes() -> None:
    raw = _one(FORWARDED.read_bytes(), FORWARDED.name)
    assert raw.external_id == "15265.9482.641338.555352@python.org"
    mail = _mail(raw.payload)
    assert mail.title == "forwarded message from Barry A. Warsaw"
    assert mail.created_at == datetime(2001, 9, 13, 21, 28, 42, tzinfo=UTC)
    assert mail.author is not None
    # From: barry@python.org (Barry A. Warsaw) -- the old comment form still gives the name
    assert mail.author.display_name == "Barry A. Warsaw"
    assert mail.text == ""  # the outer message is only the forward
    [forwarded] = mail.attributes["forwarded"]
    assert forwarded["message_id"] == "15265.9468.713530.98441@python.org"
    assert forwarded["subject"] == "testing"
    assert forwarded["from"] == "barry@python.org"
    assert forwarded["date"] == "2001-09-13T21:28:28+00:00"


def test_reply_is_threaded_and_prefers_the_plain_text_alternative() -> None:
    raw = _one(REPLY.read_bytes(), REPLY.name)
    assert raw.external_id == "20240507074112.GA1234@mail.example.pl"
    mail = _mail(raw.payload)
    assert mail.in_reply_to == "support-7731@kith.example"
    assert mail.thread_root == "order-O-5001@kith.example"  # first References id
    assert mail.title == "Re: Your order O-5001 ☕ descaling"  # RFC 2047 decoded
    assert mail.created_at == datetime(2024, 5, 7, 7, 41, 12, tzinfo=UTC)
    # text/plain was chosen: only it carries the quote header line
    assert "> On Mon, 6 May 2024 at 16:02, Kith Support wrote:" in mail.text
    assert "thanks — the machine works again after descaling ☕👍\nDziękuję bardzo!" in mail.text
    assert mail.author is not None
    assert mail.author.external_id == "zoe.lukasiewicz@example.pl"  # lower-cased address
    assert mail.author.display_name == "Zoë Łukasiewicz"
    assert mail.attributes["to"] == ["support@kith.example"]
    assert mail.attributes["cc"] == ["orders@kith.example"]
    assert mail.attributes["references"] == ["order-O-5001@kith.example", "support-7731@kith.example"]
    assert mail.attributes["attachments"] == [
        {"content_type": "application/pdf", "filename": "receipt O-5001.pdf", "size": 42}
    ]


def test_in_reply_to_alone_is_also_the_thread_root() -> None:
    data = (
        b"From: Kim <kim@example.org>\nTo: help@kith.example\nSubject: Re: hi\n"
        b"Date: Wed, 08 May 2024 12:00:00 +0000\nMessage-ID: <r2@example.org>\nIn-Reply-To: <q1@kith.example>\n\nok\n"
    )
    mail = _mail(_one(data).payload)
    assert mail.in_reply_to == "q1@kith.example"
    assert mail.thread_root == "q1@kith.example"
    assert mail.text == "ok"


def test_html_only_mail_in_a_legacy_charset_becomes_text() -> None:
    html = "<p>Dzień dobry,<br>zamówienie &amp; faktura</p><script>x()</script>".encode("iso-8859-2")
    data = (
        b"From: =?iso-8859-2?q?Pawe=B3?= <pawel@example.pl>\nSubject: Zam\xf3wienie\n"
        b"Date: Wed, 08 May 2024 12:00:00 +0200\nMIME-Version: 1.0\n"
        b'Content-Type: text/html; charset="iso-8859-2"\nContent-Transfer-Encoding: 8bit\n\n' + html + b"\n"
    )
    mail = _mail(_one(data).payload)
    assert mail.text == "Dzień dobry,\nzamówienie & faktura"
    assert mail.author is not None
    assert mail.author.display_name == "Paweł"
    assert mail.created_at == datetime(2024, 5, 8, 10, 0, tzinfo=UTC)


def _mbox(*messages: bytes) -> bytes:
    out = b""
    for number, message in enumerate(messages):
        escaped = message.replace(b"\nFrom ", b"\n>From ")
        out += f"From sender{number}@example.org Thu Jan  1 00:00:00 2024\n".encode() + escaped + b"\n"
    return out


def test_mbox_is_split_on_from_lines_and_unescaped() -> None:
    body_with_from = (
        b"From: ana@example.com\nDate: Thu, 09 May 2024 08:00:00 +0000\nMessage-ID: <m3@example.com>\n"
        b"Subject: quoting\n\nFrom here on it gets better.\n"
    )
    mbox = _mbox(MULTIPART.read_bytes(), FORWARDED.read_bytes(), REPLY.read_bytes(), body_with_from)
    assert b"\n>From here" in mbox
    items = list(parser.split(mbox, "archive.mbox"))
    assert all(isinstance(item, RawRecord) for item in items)
    ids = [item.external_id for item in items if isinstance(item, RawRecord)]
    assert ids[1:] == [
        "15265.9482.641338.555352@python.org",
        "20240507074112.GA1234@mail.example.pl",
        "m3@example.com",
    ]
    assert ids[0].startswith("sha256:")
    last = items[-1]
    assert isinstance(last, RawRecord)
    assert _mail(last.payload).text == "From here on it gets better."
    reply = items[2]
    assert isinstance(reply, RawRecord)
    assert _mail(reply.payload).in_reply_to == "support-7731@kith.example"
    # the same archive again yields the same ids (re-import is a no-op)
    again = [item.external_id for item in parser.split(mbox, "archive.mbox") if isinstance(item, RawRecord)]
    assert again == ids


def test_mbox_with_crlf_endings_and_a_broken_piece() -> None:
    mbox = _crlf(_mbox(REPLY.read_bytes(), b"this is not a mail at all\nreally not\n"))
    items = list(parser.split(mbox, "inbox"))
    assert isinstance(items[0], RawRecord)
    assert items[0].external_id == "20240507074112.GA1234@mail.example.pl"
    assert _mail(items[0].payload).title == "Re: Your order O-5001 ☕ descaling"
    assert isinstance(items[1], Rejected)
    assert "message 2 of the mbox" in items[1].reason
    assert "not an e-mail message" in items[1].reason


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"Dear shop, this is just text.\nNo headers here.\n", "not an e-mail message"),
        (b'{"from": "a@b.c", "text": "json"}', "not an e-mail message"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "Outlook .msg"),
        (b"  \n", "empty"),
    ],
)
def test_bytes_that_are_not_mail_are_refused(data: bytes, expected: str) -> None:
    with pytest.raises(ParseError, match=expected):
        list(parser.split(data, "upload.eml"))


def test_normalise_needs_a_sender_and_a_date() -> None:
    with pytest.raises(ParseError, match="no Date"):
        parser.normalise(b"From: a@example.com\nSubject: x\n\nbody\n")
    with pytest.raises(ParseError, match="From"):
        parser.normalise(b"Subject: x\nDate: Wed, 08 May 2024 12:00:00 +0000\n\nbody\n")
    with pytest.raises(ParseError, match="not an RFC 5322 date"):
        parser.normalise(b"From: a@example.com\nDate: yesterday-ish\n\nbody\n")
    with pytest.raises(ParseError, match="not an e-mail"):
        parser.normalise(b"plain words\n")


def test_parser_registration_details() -> None:
    assert parser.name == "email"
    assert {".eml", ".mbox", ""} <= set(parser.suffixes)
