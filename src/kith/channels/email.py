"""E-mail: single RFC 5322 messages (.eml) and mbox files.

Why this parser looks the way it does:

* An RFC 5322 message is already self-contained, so the raw payload is the message's bytes exactly as
  received — no envelope. ``normalise`` re-parses them with the standard ``email`` package
  (``policy.default``: decoded headers, ``Address`` objects, aware ``Date``).
* An mbox is messages glued together, each starting with a ``From `` separator line; we split on those
  lines ourselves (the ``mailbox`` module wants a path) and undo the mboxrd ``>From`` escaping.
* Bodies are where mail gets hard: multipart trees, quoted-printable, base64, parts without a
  Content-Transfer-Encoding, legacy charsets, HTML-only mail, forwarded ``message/rfc822`` parts and
  attachments. The text is the message's own inline text (text/plain preferred over HTML within a
  multipart/alternative; several inline parts of a multipart/mixed are joined); forwarded messages and
  attachment names go to attributes so nothing is silently dropped.
* Threading comes from the headers: ``In-Reply-To`` is the parent, the first ``References`` id the root.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from email import policy
from email.header import decode_header, make_header
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr, parsedate_to_datetime
from typing import Any

from kith.channels.base import (
    Basis,
    IdentityRecord,
    InteractionRecord,
    Kind,
    Normalised,
    ParseError,
    Parser,
    RawRecord,
    Rejected,
    Visibility,
)
from kith.channels.html_text import html_to_text

# headers of which at least one must be present for bytes to count as an e-mail
_MAIL_HEADERS = {"from", "to", "date", "subject", "message-id", "received", "return-path", "mime-version"}
_MBOX_SEPARATOR = re.compile(rb"^From [^\r\n]*\r?\n", re.MULTILINE)
_MBOXRD_ESCAPE = re.compile(rb"^>(>*From )", re.MULTILINE)
_MSG_ID = re.compile(r"<([^<>\s]+)>")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Outlook .msg (a binary compound file, not RFC 5322)


def _parse(data: bytes) -> EmailMessage:
    message = BytesParser(policy=policy.default).parsebytes(data)
    assert isinstance(message, EmailMessage)  # policy.default always builds EmailMessage
    return message


def _looks_like_mail(message: Message) -> bool:
    return any(key.lower() in _MAIL_HEADERS for key in message)


def message_external_id(message: Message, data: bytes) -> str:
    """The Message-ID without angle brackets, or a hash of the bytes for mail that has none.

    The hash is taken over LF line endings so a CRLF and an LF copy of one message get one id.
    """
    ids = _ids(_raw_header(message, "Message-ID"))
    if ids:
        return ids[0]
    digest = hashlib.sha256(data.replace(b"\r\n", b"\n")).hexdigest()
    return f"sha256:{digest}"


def _ids(value: Any) -> list[str]:
    """Message ids in a Message-ID/In-Reply-To/References header, brackets removed."""
    if value is None:
        return []
    text = str(value)
    found = _MSG_ID.findall(text)
    if not found and text.strip() and " " not in text.strip():
        found = [text.strip().strip("<>")]  # an id some mailer wrote without brackets
    return found


class EmailParser(Parser):
    name = "email"
    suffixes = (".eml", ".mbox", ".msg", "")  # "" = files without a suffix (Maildir, mbox exports)

    def split(self, data: bytes, source: str) -> Iterator[RawRecord | Rejected]:
        if not data.strip():
            raise ParseError(f"{source}: the input is empty")
        if data.startswith(_OLE_MAGIC):
            raise ParseError(
                f"{source}: this is an Outlook .msg file (a binary format), not an RFC 5322 message; "
                "save the mail as .eml (or export the folder as mbox) and ingest that"
            )
        if data.startswith(b"From "):
            yield from self._split_mbox(data, source)
            return
        message = _parse(data)
        if not _looks_like_mail(message):
            raise ParseError(f"{source}: {_not_mail_reason(data)}")
        yield RawRecord(message_external_id(message, data), data)

    def _split_mbox(self, data: bytes, source: str) -> Iterator[RawRecord | Rejected]:
        starts = list(_MBOX_SEPARATOR.finditer(data))
        for number, match in enumerate(starts, start=1):
            end = starts[number].start() if number < len(starts) else len(data)
            body = _MBOXRD_ESCAPE.sub(rb"\1", data[match.end() : end])
            if not body.strip():
                yield Rejected(f"{source}: message {number} of the mbox is empty", body)
                continue
            message = _parse(body)
            if not _looks_like_mail(message):
                yield Rejected(f"{source}: message {number} of the mbox: {_not_mail_reason(body)}", body)
                continue
            yield RawRecord(message_external_id(message, body), body)

    def normalise(self, payload: bytes) -> list[Normalised]:
        message = _parse(payload)
        if not _looks_like_mail(message):
            raise ParseError(_not_mail_reason(payload))
        author = _sender(message)
        if author is None:
            raise ParseError("e-mail has no usable From address; a message needs a sender")
        created_at = _date(message)
        external_id = message_external_id(message, payload)
        parent = _ids(_raw_header(message, "In-Reply-To"))
        references = _ids(_raw_header(message, "References"))
        body = _Body()
        body.collect(message)
        attributes: dict[str, Any] = {
            "message_id": external_id,
            "to": _addresses(message, "To"),
            "cc": _addresses(message, "Cc"),
            "references": references,
            "attachments": body.attachments,
            "forwarded": body.forwarded,
        }
        return [
            InteractionRecord(
                external_id=external_id,
                kind=Kind.EMAIL,
                text=body.text(),
                created_at=created_at,
                visibility=Visibility.EMAIL,
                basis=Basis.DIRECT_CONTACT,
                author=author,
                title=_header_text(message, "Subject"),
                lang=_header_text(message, "Content-Language"),
                in_reply_to=parent[0] if parent else None,
                thread_root=references[0] if references else (parent[0] if parent else None),
                attributes={key: value for key, value in attributes.items() if value},
            )
        ]


def _not_mail_reason(data: bytes) -> str:
    first = data.lstrip().split(b"\n", 1)[0][:60]
    return (
        f"not an e-mail message: no mail headers (From:, Date:, Subject:, Message-ID: ...) before the "
        f"first blank line; it starts with {first!r}. Ingest .eml files or mbox exports"
    )


def _header_text(message: Message, name: str) -> str | None:
    try:
        value = message.get(name)
    except (ValueError, TypeError, IndexError):  # a header policy.default cannot parse
        return None
    text = str(value).strip() if value is not None else ""
    return text or None


def _raw_header(message: Message, name: str) -> str | None:
    """A header's value as written (unfolded), without policy parsing that could trip on odd mail."""
    for key, value in message.raw_items():
        if key.lower() == name.lower():
            return re.sub(r"\r?\n[ \t]+", " ", str(value)).strip()
    return None


def _sender(message: EmailMessage) -> IdentityRecord | None:
    """From as an identity; old 'addr (Full Name)' comments are read for the name too."""
    raw = _raw_header(message, "From")
    if raw is None:
        return None
    try:
        addresses = list(message["From"].addresses)
    except (AttributeError, ValueError, TypeError, IndexError):
        addresses = []
    name, address = (addresses[0].display_name, addresses[0].addr_spec) if addresses else ("", "")
    if "@" not in address or not name:  # e.g. 'barry@python.org (Barry A. Warsaw)': name in a comment
        fallback_name, fallback_address = parseaddr(raw)
        if "@" not in address:
            address = fallback_address
        if not name and fallback_name:
            name = str(make_header(decode_header(fallback_name)))
    address = address.strip().lower()
    if "@" not in address:
        return None
    return IdentityRecord(
        external_id=address,
        visibility=Visibility.EMAIL,
        basis=Basis.DIRECT_CONTACT,
        display_name=name.strip() or None,
        email=address,
    )


def _addresses(message: EmailMessage, name: str) -> list[str]:
    values = [str(value) for key, value in message.raw_items() if key.lower() == name.lower()]
    return sorted({address.lower() for _, address in getaddresses(values) if "@" in address})


def _date(message: EmailMessage) -> datetime:
    raw = _raw_header(message, "Date")
    if raw is None:
        raise ParseError("e-mail has no Date header; cannot place it in time")
    try:
        value = parsedate_to_datetime(raw.strip())
    except (TypeError, ValueError) as exc:
        raise ParseError(f"e-mail Date header {raw.strip()!r} is not an RFC 5322 date") from exc
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _optional_date(message: EmailMessage) -> str | None:
    try:
        return _date(message).isoformat()
    except ParseError:
        return None


def _decoded_text(part: Message) -> str:
    """A text part's content: transfer encoding undone, then its charset (unknown charsets: UTF-8)."""
    raw = part.get_payload(decode=True)
    data = raw if isinstance(raw, bytes) else str(part.get_payload()).encode("utf-8", "replace")
    charset = part.get_content_charset() or "us-ascii"
    try:
        return data.decode(charset, errors="replace")
    except LookupError:  # a charset Python does not know: UTF-8 is the best guess today
        return data.decode("utf-8", errors="replace")


class _Body:
    """Walks a message's MIME tree once, collecting inline text, attachments and forwarded messages."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.attachments: list[dict[str, Any]] = []
        self.forwarded: list[dict[str, Any]] = []

    def text(self) -> str:
        return "\n\n".join(part for part in self.parts if part).strip()

    def collect(self, part: Message) -> None:
        maintype, subtype = part.get_content_maintype(), part.get_content_subtype()
        filename = part.get_filename()
        if part.get_content_disposition() == "attachment" or (filename and maintype != "multipart"):
            self.attachments.append(self._attachment(part, filename))
            if maintype == "message":
                self._forward(part)
        elif maintype == "message" and subtype == "rfc822":
            self._forward(part)
        elif maintype == "multipart" and subtype == "alternative":
            self.parts.append(self._best_alternative(part))
        elif part.is_multipart():
            for child in part.get_payload():
                if isinstance(child, Message):
                    self.collect(child)
        elif maintype == "text" and subtype == "plain":
            self.parts.append(_decoded_text(part).strip())
        elif maintype == "text" and subtype == "html":
            self.parts.append(html_to_text(_decoded_text(part)))
        else:
            self.attachments.append(self._attachment(part, filename))  # inline image, text/calendar...

    def _best_alternative(self, part: Message) -> str:
        """text/plain over text/html (RFC 2046 orders alternatives worst first; we prefer plain)."""
        children = [child for child in part.get_payload() if isinstance(child, Message)]
        ranked = sorted(children, key=lambda child: 0 if child.get_content_type() == "text/plain" else 1)
        for child in ranked:
            nested = _Body()
            nested.collect(child)
            self.attachments.extend(nested.attachments)
            self.forwarded.extend(nested.forwarded)
            if nested.text():
                return nested.text()
        return ""

    @staticmethod
    def _attachment(part: Message, filename: str | None) -> dict[str, Any]:
        raw = part.get_payload(decode=True)
        info: dict[str, Any] = {"content_type": part.get_content_type(), "filename": filename}
        if isinstance(raw, bytes):
            info["size"] = len(raw)
        return {key: value for key, value in info.items() if value is not None}

    def _forward(self, part: Message) -> None:
        inner = part.get_payload()
        inner = inner[0] if isinstance(inner, list) and inner else inner
        if not isinstance(inner, EmailMessage):
            return
        nested = _Body()
        nested.collect(inner)
        sender = _sender(inner)
        ids = _ids(_raw_header(inner, "Message-ID"))
        info = {
            "message_id": ids[0] if ids else None,
            "from": sender.email if sender else None,
            "subject": _header_text(inner, "Subject"),
            "date": _optional_date(inner),
            "text": nested.text(),
            "attachments": nested.attachments,
        }
        self.forwarded.append({key: value for key, value in info.items() if value not in (None, "", [])})


parser = EmailParser()
