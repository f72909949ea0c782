"""E-mail: one message through the SMTP server the alert mail uses (``KITH_SMTP_HOST``/``KITH_SMTP_PORT``).

The answer threads in the customer's mail client because ``In-Reply-To`` names the message answered and
``References`` the whole thread (RFC 5322 §3.6.4). Its ``Message-ID`` is derived from the outbox key, so the
id Kith records is the id the customer's reply will quote — and the e-mail parser will file that reply
into the same conversation.
"""

from __future__ import annotations

import hashlib
import smtplib
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import formatdate

from kith.config import Settings
from kith.enrichment.alert_mail import mail_settings
from kith.inbox.transports.base import MissingCredential, Outgoing, Transport, TransportError

TIMEOUT_S = 30


class SmtpTransport(Transport):
    name = "smtp"

    def __init__(self, settings: Settings, env: Mapping[str, str] | None = None) -> None:
        server = mail_settings(env)
        if server is None:
            raise MissingCredential("KITH_SMTP_HOST", "the SMTP server e-mail replies go through")
        self.server = server
        self.sender = settings.reply_from or server.sender

    def compose(self, message: Outgoing) -> EmailMessage:
        if not message.recipient or "@" not in message.recipient:
            raise TransportError(
                f"an e-mail reply needs the customer's address, got {message.recipient!r}", retryable=False
            )
        mail = EmailMessage()
        subject = (message.subject or "").strip() or "Your message"
        mail["Subject"] = subject if subject.lower().startswith("re:") else f"Re: {subject}"
        mail["From"] = self.sender
        mail["To"] = message.recipient
        mail["Date"] = formatdate(localtime=False, usegmt=True)
        mail["Message-ID"] = f"<{message_id(message.idempotency_key, self.sender)}>"
        if message.in_reply_to:
            mail["In-Reply-To"] = f"<{message.in_reply_to}>"
            thread = [*message.references]
            if message.in_reply_to not in thread:
                thread.append(message.in_reply_to)
            mail["References"] = " ".join(f"<{ref}>" for ref in thread)
        mail.set_content(message.body)
        return mail

    def send(self, message: Outgoing) -> str:
        mail = self.compose(message)
        try:
            with smtplib.SMTP(self.server.host, self.server.port, timeout=TIMEOUT_S) as smtp:
                smtp.send_message(mail)
        except smtplib.SMTPRecipientsRefused as exc:
            raise TransportError(
                f"the mail server refused {message.recipient}: {exc.recipients}", retryable=False
            ) from exc
        except smtplib.SMTPResponseException as exc:
            temporary = 400 <= exc.smtp_code < 500
            raise TransportError(
                f"the mail server answered {exc.smtp_code} {exc.smtp_error!r}", retryable=temporary
            ) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise TransportError(
                f"cannot reach the mail server {self.server.host}:{self.server.port} ({exc})", retryable=True
            ) from exc
        return str(mail["Message-ID"]).strip("<>")


def message_id(idempotency_key: str, sender: str) -> str:
    """A Message-ID (without brackets) fixed by the outbox key, in the sender's domain."""
    domain = sender.rpartition("@")[2].strip(" >") or "kith.localhost"
    return f"kith-{hashlib.sha256(idempotency_key.encode()).hexdigest()[:24]}@{domain}"
