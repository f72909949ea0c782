"""Inbox queues: a department's, an agent's own ("Mine"), filtered and ordered by SLA due time.

Order: the conversation due soonest first, so overdue ones lead; conversations with no SLA come last.
Pages continue after the last conversation shown (keyset on due time and id, like the stream), so new
arrivals never shift what the "next" link shows.

Snoozed conversations come back on their own: :func:`wake_snoozed` reopens every conversation whose
``snoozed_until`` has passed. Queue pages call it before reading (so an inbox is never stale), and the
pipeline or a scheduler may call it too; it is idempotent and records a ``status`` event per wake-up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, and_, bindparam, exists, func, literal, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import BindParameter

from kith.auth.models import User
from kith.channels.models import Channel
from kith.channels.service import DISPLAY_NAMES
from kith.db import UTCDateTime, utcnow
from kith.inbox.events import record_event
from kith.interactions.models import Conversation, Interaction
from kith.interactions.service import Cursor
from kith.interactions.views import latest_interactions

PAGE = 50
SNIPPET = 200
TITLE = 80
STATUSES = ("open", "pending", "snoozed", "resolved")
PRIORITIES = ("urgent", "high", "normal", "low")
NO_DUE = datetime(9999, 12, 31, tzinfo=UTC)  # conversations without an SLA sort after every due one


@dataclass(frozen=True)
class QueueFilter:
    """What a queue shows. ``department``/``assignee_id``: the queue's scope (either or both)."""

    department: str | None = None
    assignee_id: int | None = None
    status: str | None = "open"  # None: every status except merged
    priority: str | None = None
    unassigned: bool = False
    identity_ids: frozenset[int] | None = None  # customers among these wrote in it (a saved segment); None: any


@dataclass(frozen=True)
class SlaClock:
    """Time left until the SLA is due (``overdue`` False) or by how much it is overdue."""

    overdue: bool
    minutes: int

    @property
    def label(self) -> str:
        hours, minutes = divmod(self.minutes, 60)
        days, hours = divmod(hours, 24)
        text = f"{days}d {hours}h" if days else f"{hours}h {minutes:02d}m" if hours else f"{minutes}m"
        return f"overdue by {text}" if self.overdue else f"{text} left"


@dataclass(frozen=True)
class InboxEntry:
    public_id: str
    channel: str
    status: str
    priority: str | None
    department: str | None
    assignee: str | None
    tags: tuple[str, ...]
    sla: SlaClock | None
    due_at: datetime | None
    count: int
    title: str | None
    author: str | None
    snippet: str


def sla_clock(due_at: datetime | None, now: datetime, status: str) -> SlaClock | None:
    """The clock for a conversation; none without a due time or once nobody owes an answer."""
    if due_at is None or status in ("resolved", "merged"):
        return None
    seconds = (due_at - now).total_seconds()
    return SlaClock(overdue=seconds < 0, minutes=int(abs(seconds) // 60))


def wake_snoozed(session: Session, now: datetime | None = None) -> int:
    """Reopen snoozed conversations whose time has come; returns how many woke."""
    now = now or utcnow()
    due = session.scalars(
        select(Conversation).where(Conversation.status == "snoozed", Conversation.snoozed_until <= now)
    ).all()
    for conversation in due:
        conversation.status = "open"
        record_event(session, conversation, "status", at=now, data={"from": "snoozed", "to": "open", "woke": True})
        conversation.snoozed_until = None
    return len(due)


def _conditions(f: QueueFilter) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [
        Conversation.department.is_not(None),  # routed: unrouted ones (not relevant, offline records) never queue
        Conversation.merged_into_id.is_(None),
        Conversation.status != "merged",
    ]
    if f.department is not None:
        where.append(Conversation.department == f.department)
    if f.assignee_id is not None:
        where.append(Conversation.assignee_id == f.assignee_id)
    if f.status is not None:
        where.append(Conversation.status == f.status)
    if f.priority is not None:
        where.append(Conversation.priority == f.priority)
    if f.unassigned:
        where.append(Conversation.assignee_id.is_(None))
    if f.identity_ids is not None:  # inlined integers: a large segment must not hit bound-parameter limits
        members: BindParameter[int] = bindparam(
            "segment_members", sorted(f.identity_ids), expanding=True, literal_execute=True
        )
        where.append(
            exists().where(Interaction.conversation_id == Conversation.id, Interaction.identity_id.in_(members))
        )
    return where


def inbox_page(
    session: Session, f: QueueFilter, cursor: Cursor | None, now: datetime | None = None, limit: int = PAGE
) -> tuple[list[InboxEntry], str | None]:
    """One page of a queue, soonest due first, with each conversation's latest interaction as a snippet."""
    now = now or utcnow()
    due = func.coalesce(Conversation.sla_due_at, literal(NO_DUE, UTCDateTime))
    stmt = (
        select(Conversation, Channel.name, User.name)
        .join(Channel, Channel.id == Conversation.channel_id)
        .outerjoin(User, User.id == Conversation.assignee_id)
        .where(*_conditions(f))
    )
    if cursor is not None:
        stmt = stmt.where(or_(due > cursor.sort_at, and_(due == cursor.sort_at, Conversation.id > cursor.id)))
    found = session.execute(stmt.order_by(due, Conversation.id).limit(limit + 1)).all()
    page = found[:limit]
    latest = latest_interactions(session, [c.id for c, _, _ in page])
    openings = first_texts(session, [c.id for c, _, _ in page])
    entries = []
    for conversation, channel, assignee in page:
        interaction, author, count, title = latest.get(conversation.id, (None, None, 0, None))
        text = " ".join((interaction.text if interaction and interaction.deleted_at is None else "").split())
        entries.append(
            InboxEntry(
                public_id=conversation.public_id,
                channel=DISPLAY_NAMES.get(channel, channel),
                status=conversation.status,
                priority=conversation.priority,
                department=conversation.department,
                assignee=assignee or conversation.assignee,
                tags=tuple(conversation.tags or ()),
                sla=sla_clock(conversation.sla_due_at, now, conversation.status),
                due_at=conversation.sla_due_at,
                count=count,
                title=title or openings.get(conversation.id),
                author=author,
                snippet=text if len(text) <= SNIPPET else text[:SNIPPET].rstrip() + "…",
            )
        )
    next_cursor = None
    if len(found) > limit:
        last = page[-1][0]
        next_cursor = Cursor(last.sla_due_at or NO_DUE, last.id).encode()
    return entries, next_cursor


def first_texts(session: Session, ids: list[int]) -> dict[int, str]:
    """Per conversation, the start of its first live text: a heading that says more than "Conversation on X"."""
    if not ids:
        return {}
    ranked = (
        select(
            Interaction.conversation_id.label("cid"),
            Interaction.text.label("text"),
            func.row_number()
            .over(partition_by=Interaction.conversation_id, order_by=(Interaction.sort_at, Interaction.id))
            .label("n"),
        )
        .where(Interaction.conversation_id.in_(ids), Interaction.deleted_at.is_(None), Interaction.text != "")
        .subquery()
    )
    found = {}
    for cid, text in session.execute(select(ranked.c.cid, ranked.c.text).where(ranked.c.n == 1)):
        words = " ".join(str(text).split())
        found[int(cid)] = words if len(words) <= TITLE else words[:TITLE].rsplit(" ", 1)[0] + "…"
    return found


def queue_counts(session: Session, f: QueueFilter) -> dict[str, int]:
    """How many conversations of the queue's scope are in each status (for the filter tabs)."""
    scope = QueueFilter(department=f.department, assignee_id=f.assignee_id, status=None)
    rows = session.execute(
        select(Conversation.status, func.count()).where(*_conditions(scope)).group_by(Conversation.status)
    )
    return {str(status): int(n) for status, n in rows}
