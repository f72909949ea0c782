"""E-mail for new alerts: one message per alert to the address of the department that owns the topic.

Settings come from the environment for now (to move into ``kith.config.Settings``):
``KITH_SMTP_HOST`` (no host: nothing is sent, alerts still show on the web), ``KITH_SMTP_PORT`` (25),
``KITH_ALERT_FROM`` and ``KITH_ALERT_TO_<DEPARTMENT>`` (e.g. ``KITH_ALERT_TO_SERVICE``), with
``KITH_ALERT_TO_DEFAULT`` for topics without a department or a department without an address.
``KITH_BASE_URL`` (optional) turns the alert's link path into a full URL.

A message that fails is left un-notified (``notified_at`` stays empty) so the next check retries it;
sending never undoes the alert itself.
"""

from __future__ import annotations

import os
import re
import smtplib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage

from sqlalchemy import select
from sqlalchemy.orm import Session

from kith.db import utcnow
from kith.enrichment.models import Alert, Topic
from kith.interactions.models import Interaction

SAMPLE_CHARS = 500
RETRY_FOR = timedelta(hours=6)


@dataclass(frozen=True)
class MailSettings:
    host: str
    port: int
    sender: str


def mail_settings(env: Mapping[str, str] | None = None) -> MailSettings | None:
    """The SMTP server to send through, or ``None`` when none is configured (mail is then skipped)."""
    env = os.environ if env is None else env
    host = env.get("KITH_SMTP_HOST", "").strip()
    if not host:
        return None
    return MailSettings(host, int(env.get("KITH_SMTP_PORT", "25") or 25), env.get("KITH_ALERT_FROM", "kith@localhost"))


def recipient_for(department: str | None, env: Mapping[str, str] | None = None) -> str | None:
    """The address alerts of ``department`` go to: KITH_ALERT_TO_<DEPARTMENT>, else KITH_ALERT_TO_DEFAULT."""
    env = os.environ if env is None else env
    if department:
        key = "KITH_ALERT_TO_" + re.sub(r"[^A-Z0-9]", "_", department.upper())
        if env.get(key, "").strip():
            return env[key].strip()
    return env.get("KITH_ALERT_TO_DEFAULT", "").strip() or None


def alert_path(alert: Alert) -> str:
    return f"/alerts/{alert.public_id}"


def compose(session: Session, alert: Alert, sender: str, to: str, base_url: str = "") -> EmailMessage:
    """The message for one alert: what spiked, against what baseline, the sample posts and the link."""
    topic = session.get(Topic, alert.topic_id)
    name = topic.name if topic is not None else f"topic {alert.topic_id}"
    found = select(Interaction.public_id, Interaction.text).where(Interaction.public_id.in_(alert.samples))
    texts = {str(row[0]): str(row[1]) for row in session.execute(found)}
    what = "negative posts" if alert.kind == "negative" else "posts"
    message = EmailMessage()
    message["Subject"] = f"[Kith] {alert.kind} spike on {name}"
    message["From"] = sender
    message["To"] = to
    lines = [
        f"{int(alert.observed)} {what} on {name} between {alert.window_start:%Y-%m-%d %H:%M} and "
        f"{alert.window_end:%H:%M} UTC, against a usual {alert.baseline:.1f} per hour.",
        "",
        "Sample posts:",
    ]
    for public_id in alert.samples:
        text = " ".join(texts.get(public_id, "").split())
        lines.append(f"- {text[:SAMPLE_CHARS]}")
    lines += ["", f"Open the alert: {base_url.rstrip('/')}{alert_path(alert)}"]
    message.set_content("\n".join(lines))
    return message


def do_send_alert_mail(session: Session, alerts: list[Alert], env: Mapping[str, str] | None = None) -> int:
    """Send each alert not yet notified; mark ``notified_at`` on success. Returns how many were sent."""
    env = os.environ if env is None else env
    settings = mail_settings(env)
    if settings is None:
        return 0
    pending = [(a, recipient_for(a.department, env)) for a in alerts if a.notified_at is None]
    pending = [(a, to) for a, to in pending if to]
    if not pending:
        return 0
    sent = 0
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=30) as smtp:
            for alert, to in pending:
                assert to is not None
                try:
                    smtp.send_message(compose(session, alert, settings.sender, to, env.get("KITH_BASE_URL", "")))
                except smtplib.SMTPRecipientsRefused:
                    continue  # left un-notified: the next check retries it
                alert.notified_at = utcnow()
                sent += 1
    except (OSError, smtplib.SMTPException):
        pass  # server down or gone mid-way: what was sent is marked, the rest is retried next time
    return sent


def unnotified(session: Session, within: timedelta = RETRY_FOR) -> list[Alert]:
    """Recent alerts whose mail has not gone out yet (an SMTP outage): old news is not worth a late mail."""
    since = utcnow() - within
    stmt = select(Alert).where(Alert.notified_at.is_(None), Alert.created_at >= since, Alert.acknowledged_by.is_(None))
    return list(session.scalars(stmt.order_by(Alert.id)))
