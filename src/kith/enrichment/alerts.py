"""Spike alerts: a topic suddenly gets far more posts, or far more negative posts, than it usually does.

The rule (``detect_spikes``), per topic and per kind (``volume`` = all tagged interactions in the hour,
``negative`` = those whose sentiment is negative), for one UTC hour:

* **baseline** λ = the topic's own mean count per hour over the previous ``history_hours`` (7 x 24 by default,
  so the weekly rhythm is in it), with hours without posts counted as 0 and the busiest 2 % of hours left
  out — an earlier spike must not raise the bar for the next one (a trimmed mean is robust like a median,
  but unlike a median it is not 0 for a topic that gets a post every few hours);
* an alert needs **all three** of: at least ``min_count`` items in the hour (no alert on 3 posts, however
  quiet the topic usually is), at least ``min_ratio`` x λ (a real jump, not a busy Monday), and a
  Poisson upper-tail probability P(X ≥ observed | λ) ≤ ``max_tail`` (unlikely as chance). Social volume is
  over-dispersed, so Poisson alone would fire too often on big topics; the ratio guards big topics and
  the minimum count guards small ones, while the tail guards the middle;
* a topic needs ``min_history_hours`` of history (from its first tagged post) before it can alert:
  a new topic has no baseline yet, and its first busy hour is not a spike.

``score`` is -log10 of that tail probability (capped at 300): 3 means "one hour in a thousand".

``do_check_alerts`` feeds the detector from the database (one grouped query, the hour bucket computed by
the database) and stores each new spike as an :class:`Alert` once — the unique key (topic, kind, hour)
makes a second run in the same hour a no-op — with up to five sample posts for the people who must act.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, case, func, literal_column, select
from sqlalchemy.orm import Session

from kith.db import insert_ignore, new_public_id, utcnow
from kith.enrichment.models import Alert, InteractionTopic, Topic
from kith.interactions.models import Interaction

HOUR = timedelta(hours=1)
KINDS = ("volume", "negative")
MAX_SAMPLES = 5


@dataclass(frozen=True)
class HourCount:
    """Interactions of one topic created in one UTC hour (``hour`` is the start, on the hour)."""

    topic_id: int
    hour: datetime
    total: int
    negative: int


@dataclass(frozen=True)
class Spike:
    topic_id: int
    kind: str  # volume | negative
    window_start: datetime
    window_end: datetime
    observed: int
    baseline: float
    score: float


def hour_of(moment: datetime) -> datetime:
    """The start of the UTC hour ``moment`` falls in."""
    return moment.replace(minute=0, second=0, microsecond=0)


def poisson_tail(k: int, lam: float) -> float:
    """P(X ≥ k) for X ~ Poisson(lam), summed in log space so large counts do not underflow to 0."""
    if k <= 0:
        return 1.0
    if lam <= 0:
        return 0.0
    logs = [-lam + i * math.log(lam) - math.lgamma(i + 1) for i in range(k, k + 2000)]
    top = max(logs)
    return min(1.0, math.exp(top) * sum(math.exp(v - top) for v in logs))


def trimmed_mean(values: Sequence[int], trim: float = 0.02) -> float:
    """Mean without the top ``trim`` share of values (at least one dropped when there are 20 or more)."""
    ordered = sorted(values)
    drop = math.ceil(len(ordered) * trim) if len(ordered) >= 20 else 0
    kept = ordered[: len(ordered) - drop]
    return sum(kept) / len(kept) if kept else 0.0


def detect_spikes(
    hourly: Sequence[HourCount],
    *,
    now_hour: datetime,
    history_hours: int = 7 * 24,
    min_count: int = 10,
    min_ratio: float = 3.0,
    max_tail: float = 1e-4,
    min_history_hours: int = 24,
    floor_rate: float = 0.05,
) -> list[Spike]:
    """The spikes in the hour starting at ``now_hour``, judged against each topic's previous hours.

    ``hourly`` may hold any hours (others are ignored) and omits empty ones. ``floor_rate`` keeps the
    baseline of a nearly silent topic above zero so the tail probability stays finite.
    """
    now_hour = hour_of(now_hour)
    start = now_hour - history_hours * HOUR
    current: dict[int, HourCount] = {}
    history: dict[int, dict[datetime, HourCount]] = defaultdict(dict)
    first_seen: dict[int, datetime] = {}
    for row in hourly:
        hour = hour_of(row.hour)
        if hour == now_hour:
            current[row.topic_id] = row
        elif start <= hour < now_hour:
            history[row.topic_id][hour] = row
            if row.total and (row.topic_id not in first_seen or hour < first_seen[row.topic_id]):
                first_seen[row.topic_id] = hour
    spikes: list[Spike] = []
    for topic_id, row in sorted(current.items()):
        first = first_seen.get(topic_id)
        if first is None or now_hour - first < min_history_hours * HOUR:
            continue
        past = history[topic_id]
        hours = [start + i * HOUR for i in range(history_hours)]
        for kind, observed in (("volume", row.total), ("negative", row.negative)):
            counts = [(past[h].total if kind == "volume" else past[h].negative) if h in past else 0 for h in hours]
            baseline = trimmed_mean(counts)
            if observed < min_count or observed < min_ratio * baseline:
                continue
            tail = poisson_tail(observed, max(baseline, floor_rate))
            if tail > max_tail:
                continue
            score = min(300.0, -math.log10(tail)) if tail > 0 else 300.0
            spikes.append(Spike(topic_id, kind, now_hour, now_hour + HOUR, observed, round(baseline, 3), score))
    return spikes


# ---- the database side ---------------------------------------------------------------------------------


def _hour_bucket(session: Session) -> ColumnElement[Any]:
    """The UTC hour of ``created_at``, computed by the database (so the grouping happens there)."""
    if session.get_bind().dialect.name == "postgresql":
        utc = Interaction.created_at.op("AT TIME ZONE")(literal_column("'UTC'"))
        return func.date_trunc("hour", utc)
    return func.strftime("%Y-%m-%d %H:00:00", Interaction.created_at)  # SQLite keeps naive UTC text


def _as_hour(value: Any) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def hourly_counts(session: Session, since: datetime, until: datetime) -> list[HourCount]:
    """Tagged interactions per active topic per UTC hour in [since, until): totals and negatives."""
    bucket = _hour_bucket(session).label("hour")
    negative = func.sum(case((Interaction.sentiment == "negative", 1), else_=0))
    stmt = (
        select(InteractionTopic.topic_id, bucket, func.count(), negative)
        .join(Interaction, Interaction.id == InteractionTopic.interaction_id)
        .join(Topic, Topic.id == InteractionTopic.topic_id)
        .where(
            Topic.active.is_(True),
            Interaction.deleted_at.is_(None),
            Interaction.created_at >= since,
            Interaction.created_at < until,
        )
        .group_by(InteractionTopic.topic_id, bucket)
    )
    return [HourCount(t, _as_hour(h), int(n), int(neg or 0)) for t, h, n, neg in session.execute(stmt).all()]


def sample_ids(session: Session, spike: Spike, limit: int = MAX_SAMPLES) -> list[str]:
    """Example posts of a spike: for a negative spike the most negative first, else the most recent."""
    stmt = (
        select(Interaction.public_id)
        .join(InteractionTopic, InteractionTopic.interaction_id == Interaction.id)
        .where(
            InteractionTopic.topic_id == spike.topic_id,
            Interaction.deleted_at.is_(None),
            Interaction.created_at >= spike.window_start,
            Interaction.created_at < spike.window_end,
        )
    )
    if spike.kind == "negative":
        stmt = stmt.where(Interaction.sentiment == "negative").order_by(
            Interaction.sentiment_score.desc().nulls_last(), Interaction.created_at.desc(), Interaction.id.desc()
        )
    else:
        stmt = stmt.order_by(Interaction.created_at.desc(), Interaction.id.desc())
    return list(session.scalars(stmt.limit(limit)))


def do_check_alerts(session: Session, now: datetime | None = None, history_hours: int = 7 * 24) -> list[Alert]:
    """Detect spikes in the last complete hour and the current one; store and return the new alerts.

    The current hour is checked too so a storm is reported while it happens (its counts only grow, and
    the first run that sees it crossing the bar records it); the last complete hour catches what happened
    after the previous run. Already-recorded (topic, kind, hour) keys are skipped, so running every few
    minutes is safe.
    """
    current = hour_of(now or utcnow())
    hourly = hourly_counts(session, current - (history_hours + 1) * HOUR, current + HOUR)
    spikes = [
        s
        for hour in (current - HOUR, current)
        for s in detect_spikes(hourly, now_hour=hour, history_hours=history_hours)
    ]
    if not spikes:
        return []
    owners = select(Topic.id, Topic.department).where(Topic.id.in_({s.topic_id for s in spikes}))
    departments = {row[0]: row[1] for row in session.execute(owners)}
    rows = [
        {
            "public_id": new_public_id(),
            "topic_id": s.topic_id,
            "kind": s.kind,
            "window_start": s.window_start,
            "window_end": s.window_end,
            "observed": float(s.observed),
            "baseline": s.baseline,
            "score": s.score,
            "department": departments.get(s.topic_id),
            "samples": sample_ids(session, s),
            "created_at": utcnow(),
        }
        for s in spikes
    ]
    table = Alert.__table__
    inserted = insert_ignore(session, table, rows, keys=["topic_id", "kind", "window_start"], returning=[table.c.id])
    ids = [row[0] for row in inserted]
    if not ids:
        return []
    return list(session.scalars(select(Alert).where(Alert.id.in_(ids)).order_by(Alert.id)))
