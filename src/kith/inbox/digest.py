"""The department digest: what happened to one department's conversations in a day or a week.

One function computes the figures (:func:`build_digest`) and both the web page (``/digest/{slug}``) and the
e-mail (``kith digest send``) show them, so the page and the mail never disagree. Every figure is counted
from the database in the period ``[start, end)``:

* volume: customer messages in the department's conversations, and conversations started;
* top topics: listening topics matched by those messages (``InteractionTopic``);
* sentiment shift: the share of positive minus negative messages, against the previous period of the same
  length (in percentage points; messages the model did not judge are left out of the shares);
* new ideas: ideas first raised in the period in this department's conversations — product design, which
  owns the idea board, gets every new idea;
* SLA: conversations due in the period, met (first answer by the due time) against breached (noticed late,
  answered late, or due and still unanswered), and the median first-response time of replies in the period;
* outcomes of the period's outcome events, and the open items: how many are open now, oldest first.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kith.auth.models import Department
from kith.db import utcnow
from kith.enrichment.models import InteractionTopic, Topic
from kith.ideas.models import Idea, IdeaMention
from kith.inbox.models import ConversationEvent
from kith.inbox.sla_breach import first_snippets
from kith.interactions.models import Conversation, Interaction

PERIODS = {"daily": timedelta(days=1), "weekly": timedelta(days=7)}
ALIASES = {"day": "daily", "week": "weekly", "daily": "daily", "weekly": "weekly"}
IDEA_OWNER = "product"  # the department that owns the idea board sees every new idea
TOP_TOPICS = 5
OLDEST_OPEN = 5
MAX_IDEAS = 10


class DigestError(ValueError):
    """A digest that cannot be made as asked (unknown period or department); the message says what to use."""


@dataclass(frozen=True)
class Sentiment:
    positive: int = 0
    neutral: int = 0
    negative: int = 0

    @property
    def judged(self) -> int:
        return self.positive + self.neutral + self.negative

    @property
    def net(self) -> float | None:
        """Positive minus negative share in percentage points (None when nothing was judged)."""
        return None if not self.judged else 100.0 * (self.positive - self.negative) / self.judged


@dataclass(frozen=True)
class Sla:
    due: int = 0
    met: int = 0
    breached: int = 0
    waiting: int = 0  # due in the period but not yet (the period ends in the future)
    median_first_response_s: float | None = None
    replies: int = 0

    @property
    def met_share(self) -> float | None:
        decided = self.met + self.breached
        return None if not decided else 100.0 * self.met / decided


@dataclass(frozen=True)
class OpenItem:
    public_id: str
    status: str
    priority: str | None
    started_at: datetime | None
    snippet: str


@dataclass(frozen=True)
class IdeaItem:
    public_id: str
    title: str
    status: str
    votes: int


@dataclass
class Digest:
    slug: str
    name: str
    period: str
    start: datetime
    end: datetime
    messages: int = 0
    new_conversations: int = 0
    topics: list[tuple[str, int]] = field(default_factory=list)
    sentiment: Sentiment = field(default_factory=Sentiment)
    previous_sentiment: Sentiment = field(default_factory=Sentiment)
    ideas: list[IdeaItem] = field(default_factory=list)
    sla: Sla = field(default_factory=Sla)
    outcomes: dict[str, int] = field(default_factory=dict)
    open_count: int = 0
    oldest_open: list[OpenItem] = field(default_factory=list)

    @property
    def sentiment_shift(self) -> float | None:
        now, before = self.sentiment.net, self.previous_sentiment.net
        return None if now is None or before is None else now - before


def normalise_period(period: str) -> str:
    name = ALIASES.get(period.strip().lower())
    if name is None:
        raise DigestError(f"unknown period {period!r}; use daily or weekly")
    return name


def window(period: str, end: datetime | date | None = None) -> tuple[datetime, datetime]:
    """``[start, end)`` of the period ending now, or at the end of the day ``end`` (a date)."""
    if end is None:
        stop = utcnow()
    elif isinstance(end, datetime):
        stop = end
    else:
        stop = datetime.combine(end + timedelta(days=1), time(0), tzinfo=UTC)
    return stop - PERIODS[normalise_period(period)], stop


def department_by_slug(session: Session, slug: str) -> Department:
    department = session.scalar(select(Department).where(Department.slug == slug[:64]))
    if department is None:
        known = ", ".join(session.scalars(select(Department.slug).order_by(Department.slug)))
        raise DigestError(f"there is no department {slug!r}; known: {known}")
    return department


def build_digest(session: Session, department: Department, period: str, end: datetime | date | None = None) -> Digest:
    """Every figure of ``department``'s digest for the period (see the module docstring)."""
    period = normalise_period(period)
    start, stop = window(period, end)
    slug = department.slug
    digest = Digest(slug, department.name, period, start, stop)
    in_department = Conversation.department == slug
    messages = (
        select(Interaction.id)
        .join(Conversation, Conversation.id == Interaction.conversation_id)
        .where(in_department, Interaction.sort_at >= start, Interaction.sort_at < stop)
    )
    digest.messages = int(session.scalar(select(func.count()).select_from(messages.subquery())) or 0)
    digest.new_conversations = int(
        session.scalar(
            select(func.count()).where(in_department, Conversation.started_at >= start, Conversation.started_at < stop)
        )
        or 0
    )
    digest.topics = _topics(session, slug, start, stop)
    digest.sentiment = _sentiment(session, slug, start, stop)
    digest.previous_sentiment = _sentiment(session, slug, start - (stop - start), start)
    digest.ideas = _ideas(session, slug, start, stop)
    digest.sla = _sla(session, slug, start, stop)
    outcome_rows = session.execute(
        select(ConversationEvent.outcome, func.count())
        .where(
            ConversationEvent.kind == "outcome",
            ConversationEvent.department == slug,
            ConversationEvent.at >= start,
            ConversationEvent.at < stop,
        )
        .group_by(ConversationEvent.outcome)
    )
    digest.outcomes = {str(outcome or "unspecified"): int(n) for outcome, n in outcome_rows}
    digest.open_count, digest.oldest_open = _open_items(session, slug)
    return digest


def _topics(session: Session, slug: str, start: datetime, stop: datetime) -> list[tuple[str, int]]:
    count = func.count(func.distinct(InteractionTopic.interaction_id))
    rows = session.execute(
        select(Topic.name, count)
        .join(InteractionTopic, InteractionTopic.topic_id == Topic.id)
        .join(Interaction, Interaction.id == InteractionTopic.interaction_id)
        .join(Conversation, Conversation.id == Interaction.conversation_id)
        .where(Conversation.department == slug, Interaction.sort_at >= start, Interaction.sort_at < stop)
        .group_by(Topic.name)
        .order_by(count.desc(), Topic.name)
        .limit(TOP_TOPICS)
    )
    return [(str(name), int(n)) for name, n in rows]


def _sentiment(session: Session, slug: str, start: datetime, stop: datetime) -> Sentiment:
    rows = session.execute(
        select(Interaction.sentiment, func.count())
        .join(Conversation, Conversation.id == Interaction.conversation_id)
        .where(
            Conversation.department == slug,
            Interaction.sort_at >= start,
            Interaction.sort_at < stop,
            Interaction.sentiment.in_(("positive", "neutral", "negative")),
        )
        .group_by(Interaction.sentiment)
    )
    counts = {str(label): int(n) for label, n in rows}
    return Sentiment(counts.get("positive", 0), counts.get("neutral", 0), counts.get("negative", 0))


def _ideas(session: Session, slug: str, start: datetime, stop: datetime) -> list[IdeaItem]:
    stmt = select(Idea).where(Idea.created_at >= start, Idea.created_at < stop)
    if slug != IDEA_OWNER:
        linked = (
            select(IdeaMention.idea_id)
            .join(Interaction, Interaction.id == IdeaMention.interaction_id)
            .join(Conversation, Conversation.id == Interaction.conversation_id)
            .where(Conversation.department == slug)
        )
        stmt = stmt.where(Idea.id.in_(linked))
    ideas = session.scalars(stmt.order_by(Idea.votes.desc(), Idea.id).limit(MAX_IDEAS))
    return [IdeaItem(i.public_id, i.title, i.status, i.votes) for i in ideas]


def _sla(session: Session, slug: str, start: datetime, stop: datetime) -> Sla:
    now = utcnow()
    rows = session.execute(
        select(Conversation.sla_due_at, Conversation.first_response_at, Conversation.sla_breached_at).where(
            Conversation.department == slug,
            Conversation.sla_due_at >= start,
            Conversation.sla_due_at < stop,
            Conversation.status != "merged",
        )
    ).all()
    met = breached = waiting = 0
    for due, answered, noticed in rows:
        assert due is not None  # filtered by the query
        if noticed is not None or (answered is not None and answered > due):
            breached += 1
        elif answered is not None:
            met += 1
        elif due < now:
            breached += 1  # due, unanswered, not noticed yet (the check has not run)
        else:
            waiting += 1
    seconds = [
        float(s)
        for s in session.scalars(
            select(ConversationEvent.response_seconds).where(
                ConversationEvent.kind == "reply",
                ConversationEvent.department == slug,
                ConversationEvent.response_seconds.is_not(None),
                ConversationEvent.at >= start,
                ConversationEvent.at < stop,
            )
        )
        if s is not None
    ]
    replies = int(
        session.scalar(
            select(func.count()).where(
                ConversationEvent.kind == "reply",
                ConversationEvent.department == slug,
                ConversationEvent.at >= start,
                ConversationEvent.at < stop,
            )
        )
        or 0
    )
    median = statistics.median(seconds) if seconds else None
    return Sla(len(rows), met, breached, waiting, median, replies)


def _open_items(session: Session, slug: str) -> tuple[int, list[OpenItem]]:
    where = (Conversation.department == slug, Conversation.status == "open")
    total = int(session.scalar(select(func.count()).where(*where)) or 0)
    oldest = list(
        session.scalars(
            select(Conversation)
            .where(*where)
            .order_by(Conversation.started_at.is_(None), Conversation.started_at, Conversation.id)
            .limit(OLDEST_OPEN)
        )
    )
    snippets = first_snippets(session, [c.id for c in oldest]) if oldest else {}
    return total, [OpenItem(c.public_id, c.status, c.priority, c.started_at, snippets.get(c.id, "")) for c in oldest]


def outcome_summary(outcomes: dict[str, int]) -> str:
    return ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in Counter(outcomes).most_common()) or "none"


def duration(seconds: float | None) -> str:
    """A readable duration: ``45 min``, ``3.5 h``, ``2.0 d`` (a dash when unknown)."""
    if seconds is None:
        return "–"
    if seconds < 3600:
        return f"{round(seconds / 60)} min"
    if seconds < 86400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} d"


def signed(points: float | None) -> str:
    return "–" if points is None else f"{points:+.1f} pts"
