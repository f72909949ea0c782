"""The digest as an e-mail: a text part and an HTML part (same figures as the page), one per department.

Sent through the SMTP server the alert mail uses (``KITH_SMTP_HOST``/``KITH_SMTP_PORT``, from
``KITH_ALERT_FROM``) to ``Department.email``, or to one address given on the command line. The HTML part is
rendered from ``digest_email.html`` with inline-free, table-free markup so any mail client shows it.
"""

from __future__ import annotations

import os
import smtplib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from email.message import EmailMessage
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import select
from sqlalchemy.orm import Session

from kith.auth.models import Department
from kith.enrichment.alert_mail import mail_settings
from kith.inbox.digest import (
    Digest,
    DigestError,
    build_digest,
    department_by_slug,
    duration,
    normalise_period,
    outcome_summary,
    signed,
)

TEMPLATES = Path(__file__).parents[1] / "web" / "templates"


@dataclass(frozen=True)
class DigestSent:
    slug: str
    to: str
    subject: str


@cache
def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True))
    env.globals.update(duration=duration, signed=signed, outcome_summary=outcome_summary)
    return env


def subject_of(digest: Digest) -> str:
    span = f"{digest.start:%Y-%m-%d}" if digest.period == "daily" else f"{digest.start:%Y-%m-%d}–{digest.end:%Y-%m-%d}"
    return f"[Kith] {digest.period.capitalize()} digest: {digest.name}, {span}"


def text_of(digest: Digest, base_url: str = "") -> str:
    """The plain-text part: every figure on its own line, so it reads well and tests can parse it."""
    sla = digest.sla
    lines = [
        f"{digest.name} — {digest.period} digest, {digest.start:%Y-%m-%d %H:%M} to {digest.end:%Y-%m-%d %H:%M} UTC",
        "",
        f"Messages: {digest.messages}",
        f"New conversations: {digest.new_conversations}",
        f"Net sentiment: {signed(digest.sentiment.net)} (previous period {signed(digest.previous_sentiment.net)}, "
        f"shift {signed(digest.sentiment_shift)})",
        f"SLA: {sla.due} due, {sla.met} met, {sla.breached} breached, {sla.waiting} not yet due",
        f"Median first response: {duration(sla.median_first_response_s)} over {sla.replies} replies",
        f"Outcomes: {outcome_summary(digest.outcomes)}",
        f"Open now: {digest.open_count}",
        "",
        "Top topics:",
        *([f"- {name}: {n}" for name, n in digest.topics] or ["- none"]),
        "",
        "New ideas:",
        *([f"- {i.title} ({i.votes} votes, {i.status})" for i in digest.ideas] or ["- none"]),
        "",
        "Oldest open conversations:",
        *(
            [
                f"- {o.started_at:%Y-%m-%d} [{o.priority or 'normal'}] {o.snippet} "
                f"{base_url.rstrip('/')}/conversations/{o.public_id}"
                if o.started_at
                else f"- [{o.priority or 'normal'}] {o.snippet} {base_url.rstrip('/')}/conversations/{o.public_id}"
                for o in digest.oldest_open
            ]
            or ["- none"]
        ),
        "",
        f"On the web: {base_url.rstrip('/')}/digest/{digest.slug}?period={digest.period}",
    ]
    return "\n".join(lines) + "\n"


def compose_digest(digest: Digest, sender: str, to: str, base_url: str = "") -> EmailMessage:
    mail = EmailMessage()
    mail["Subject"] = subject_of(digest)
    mail["From"] = sender
    mail["To"] = to
    mail.set_content(text_of(digest, base_url))
    html = _environment().get_template("digest_email.html").render(d=digest, base_url=base_url.rstrip("/"))
    mail.add_alternative(html, subtype="html")
    return mail


def send_digests(
    session: Session,
    period: str,
    *,
    department: str | None = None,
    to: str | None = None,
    end: datetime | date | None = None,
    env: Mapping[str, str] | None = None,
) -> tuple[list[DigestSent], list[str]]:
    """Mail the digest of one department (or of every department with an address); returns what was sent
    and the slugs skipped for want of an address."""
    env = os.environ if env is None else env
    period = normalise_period(period)
    server = mail_settings(env)
    if server is None:
        raise DigestError("KITH_SMTP_HOST is not set; set it (and KITH_SMTP_PORT) to send digests by e-mail")
    if department:
        departments = [department_by_slug(session, department)]
        if not (to or departments[0].email):
            raise DigestError(f"department {department!r} has no e-mail address; set one under Admin or pass --to")
    else:
        departments = list(session.scalars(select(Department).order_by(Department.slug)))
    base_url = env.get("KITH_BASE_URL", "")
    sent: list[DigestSent] = []
    skipped: list[str] = []
    mails = []
    for dept in departments:
        address = to or dept.email
        if not address:
            skipped.append(dept.slug)
            continue
        mail = compose_digest(build_digest(session, dept, period, end), server.sender, address, base_url)
        mails.append(mail)
        sent.append(DigestSent(dept.slug, address, str(mail["Subject"])))
    if mails:
        try:
            with smtplib.SMTP(server.host, server.port, timeout=30) as smtp:
                for mail in mails:
                    smtp.send_message(mail)
        except (OSError, smtplib.SMTPException) as exc:
            raise DigestError(f"cannot send through {server.host}:{server.port} ({exc}); check KITH_SMTP_HOST") from exc
    return sent, skipped
