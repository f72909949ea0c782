"""What the long-running worker (``kith listen``) does for the inbox after each listening round: deliver
due outbox messages and notice SLA breaches. Why there: a company runs one worker; answers must go out and
breaches must be noticed without anyone remembering to run ``kith outbox send`` or ``kith sla check``
(both stay available for cron and for a run by hand)."""

from __future__ import annotations

from sqlalchemy import Engine

from kith.config import get_settings
from kith.db import session_scope
from kith.inbox.sender import send_pending
from kith.inbox.sla_breach import check_breaches, mail_breaches


def inbox_round(engine: Engine) -> list[str]:
    """One round; returns lines worth printing (nothing when nothing happened)."""
    lines: list[str] = []
    sent = send_pending(engine, get_settings())
    if sent.sent or sent.failed or sent.gave_up:
        lines.append(f"outbox: {sent.sent} sent, {sent.failed} to retry, {sent.gave_up} given up")
    lines.extend(sent.lines)
    lines.extend(
        f"outbox: {n} message(s) wait for {setting} to be configured" for setting, n in sorted(sent.waiting.items())
    )
    with session_scope(engine) as session:
        breaches = check_breaches(session)
        if breaches:
            mailed = mail_breaches(session, breaches)
            lines.append(f"SLA: {len(breaches)} new breach(es), {mailed} department mail(s) sent")
    return lines
