"""SLA breach alerts: an open or pending conversation past its ``sla_due_at`` without a first answer in time.

Why "noticed" is a column: ``sla_breached_at`` is set once, so ``kith sla check`` can run every minute from
cron and each breach raises one ``sla_breach`` event, one notification per person and one line in one mail.
Working hours are already in ``sla_due_at`` (routing computes it), so this check is plain time comparison.
Who hears of it: the assignee, or every active member of the department when nobody is assigned; and the
department's address (``Department.email``), one mail per department and run listing its breaches.
"""

from __future__ import annotations

import os
import smtplib
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from kith.auth.models import Department, User
from kith.db import utcnow
from kith.enrichment.alert_mail import mail_settings
from kith.inbox.events import record_event
from kith.inbox.models import Notification
from kith.interactions.models import Conversation, Interaction

SNIPPET = 120
OPEN_STATUSES = ("open", "pending")


@dataclass(frozen=True)
class Breach:
    conversation_id: int
    public_id: str
    department: str | None
    priority: str | None
    due: datetime
    noticed: datetime
    snippet: str
    notified: int  # notifications created


def check_breaches(session: Session, now: datetime | None = None) -> list[Breach]:
    """Mark every new breach, record its event and notify; returns the new breaches (none on a re-run)."""
    now = now or utcnow()
    stmt = (
        select(Conversation)
        .where(
            Conversation.status.in_(OPEN_STATUSES),
            Conversation.sla_due_at.is_not(None),
            Conversation.sla_due_at < now,
            Conversation.sla_breached_at.is_(None),
            or_(Conversation.first_response_at.is_(None), Conversation.first_response_at > Conversation.sla_due_at),
        )
        .order_by(Conversation.sla_due_at, Conversation.id)
    )
    conversations = list(session.scalars(stmt))
    if not conversations:
        return []
    snippets = first_snippets(session, [c.id for c in conversations])
    members = _members(session, {c.department for c in conversations if c.department})
    breaches = []
    for conversation in conversations:
        assert conversation.sla_due_at is not None
        conversation.sla_breached_at = now
        late = int((now - conversation.sla_due_at).total_seconds() // 60)
        event = record_event(
            session,
            conversation,
            "sla_breach",
            at=now,
            data={"due": conversation.sla_due_at.isoformat(), "late_minutes": late, "priority": conversation.priority},
        )
        people = [conversation.assignee_id] if conversation.assignee_id else members.get(conversation.department, [])
        text = f"SLA breached: due {conversation.sla_due_at:%Y-%m-%d %H:%M} UTC ({late} min late)"
        for user_id in people:
            session.add(
                Notification(
                    user_id=user_id, kind="sla_breach", conversation_id=conversation.id, event_id=event.id, text=text
                )
            )
        breaches.append(
            Breach(
                conversation.id,
                conversation.public_id,
                conversation.department,
                conversation.priority,
                conversation.sla_due_at,
                now,
                snippets.get(conversation.id, ""),
                len(people),
            )
        )
    session.flush()
    return breaches


def first_snippets(session: Session, conversation_ids: list[int]) -> dict[int, str]:
    """The first words of each conversation's first item, so a mail says what is waiting."""
    rows = session.execute(
        select(Interaction.conversation_id, Interaction.text)
        .where(Interaction.conversation_id.in_(conversation_ids))
        .order_by(Interaction.conversation_id, Interaction.sort_at, Interaction.id)
    )
    first: dict[int, str] = {}
    for conversation_id, text in rows:
        if conversation_id is not None and conversation_id not in first:
            first[conversation_id] = " ".join(str(text or "").split())[:SNIPPET]
    return first


def _members(session: Session, slugs: set[str | None]) -> dict[str | None, list[int]]:
    rows = session.execute(
        select(Department.slug, User.id)
        .join(User, User.department_id == Department.id)
        .where(Department.slug.in_([s for s in slugs if s]), User.active.is_(True))
        .order_by(User.id)
    )
    members: dict[str | None, list[int]] = defaultdict(list)
    for slug, user_id in rows:
        members[slug].append(int(user_id))
    return members


def compose_breach_mail(department: Department, breaches: list[Breach], sender: str, base_url: str) -> EmailMessage:
    mail = EmailMessage()
    count = len(breaches)
    mail["Subject"] = f"[Kith] {count} SLA breach{'es' if count != 1 else ''} in {department.name}"
    mail["From"] = sender
    mail["To"] = department.email or ""
    lines = [f"{count} conversation(s) of {department.name} passed their answer deadline without an answer:", ""]
    for b in breaches:
        late = int((b.noticed - b.due).total_seconds() // 60)
        lines.append(
            f"- [{b.priority or 'normal'}] due {b.due:%Y-%m-%d %H:%M} UTC, {late} min late: {b.snippet}\n"
            f"  {base_url.rstrip('/')}/conversations/{b.public_id}"
        )
    mail.set_content("\n".join(lines) + "\n")
    return mail


def mail_breaches(session: Session, breaches: list[Breach], env: Mapping[str, str] | None = None) -> int:
    """One mail per department with an address listing its new breaches; returns how many mails went out.

    Without ``KITH_SMTP_HOST`` nothing is sent (the notifications and events are the record). A mail that
    fails is not retried: the breach is already in every assignee's notifications.
    """
    env = os.environ if env is None else env
    server = mail_settings(env)
    if server is None or not breaches:
        return 0
    by_department: dict[str, list[Breach]] = defaultdict(list)
    for breach in breaches:
        if breach.department:
            by_department[breach.department].append(breach)
    departments = session.scalars(select(Department).where(Department.slug.in_(sorted(by_department))))
    addressed = [d for d in departments if d.email]
    if not addressed:
        return 0
    base_url = env.get("KITH_BASE_URL", "")
    sent = 0
    try:
        with smtplib.SMTP(server.host, server.port, timeout=30) as smtp:
            for department in addressed:
                smtp.send_message(
                    compose_breach_mail(department, by_department[department.slug], server.sender, base_url)
                )
                sent += 1
    except (OSError, smtplib.SMTPException):
        pass  # the breaches stay recorded and notified in Kith; the mail is a courtesy
    return sent
