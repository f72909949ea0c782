"""Routing operations people trigger (re-route, confirm) and what the pages read (explanations, counts, preview)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kith.auth.models import User
from kith.db import utcnow
from kith.enrichment.query.terms import Span
from kith.identities.models import Identity
from kith.interactions.models import Conversation, Interaction
from kith.routing.assignment import Assigner
from kith.routing.conditions import compile_condition, saved_segment_slugs
from kith.routing.decisions import apply_decision
from kith.routing.departments import department_infos
from kith.routing.facts import facts_for, lookups
from kith.routing.learned import learn_from_correction
from kith.routing.models import RoutingDecision, RoutingRule
from kith.routing.sla import add_working_minutes, describe, sla_minutes_for

COUNT_DAYS = 7
PREVIEW_LIMIT = 2000  # most recently routed conversations a preview looks at
PREVIEW_SHOWN = 20


def reroute(
    session: Session, conversation: Conversation, department: str, user_id: int | None, reason: str | None = None
) -> RoutingDecision:
    """A person sends the conversation to ``department`` (training data for the learned router).

    The SLA clock restarts in the new department's working hours at the conversation's priority, and the
    new department's assignment strategy picks an agent (the previous assignee belonged to the old team).
    """
    now = utcnow()
    info = department_infos(session).get(department)
    priority = conversation.priority or "normal"
    minutes, _ = sla_minutes_for(priority, info.sla_minutes if info else None)
    due = add_working_minutes(now, minutes, info.working_hours if info else {})
    explanation: dict[str, Any] = {
        "decided_by": {"kind": "manual", "why": "re-routed by a person"},
        "sla": {
            "due": due.isoformat(),
            "minutes": minutes,
            "working_hours": describe(info.working_hours if info else {}),
        },
    }
    if reason:
        explanation["reason"] = reason
    decision = apply_decision(
        session,
        conversation,
        source="manual",
        department=department,
        priority=priority,
        sla_due_at=due,
        user_id=user_id,
        explanation=explanation,
        now=now,
    )
    conversation.assignee_id = None
    assigned = Assigner(session).assign(conversation, info, skill=None, lang=None, now=now)
    if assigned is not None:
        decision.explanation = {**explanation, "assignment": assigned}
    learn_from_correction(session, decision.id)
    return decision


def confirm(session: Session, conversation: Conversation, user_id: int | None) -> RoutingDecision | None:
    """An agent confirms the current routing (a rule's, the model's or the fallback's) was right."""
    if conversation.routing_decision_id is None:
        return None
    decision = session.get(RoutingDecision, conversation.routing_decision_id)
    if decision is None or decision.confirmed_at is not None:
        return decision
    decision.confirmed_at = utcnow()
    decision.explanation = {**decision.explanation, "confirmed_by": user_id}
    learn_from_correction(session, decision.id)
    return decision


# ---- explanations ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Explanation:
    """Why a conversation is where it is: the current decision, what it says, and the history."""

    decision: RoutingDecision
    details: dict[str, Any]
    decided_by: str  # one line: "rule «Battery complaints» (position 2)", "learned router (87%)", …
    history: list[RoutingDecision]
    users: dict[int, str] = field(default_factory=dict)  # user id → name, for manual decisions and assignees


def explanation_for(session: Session, conversation: Conversation) -> Explanation | None:
    """The routing explanation of a conversation, or ``None`` when it has not been routed."""
    if conversation.routing_decision_id is None:
        return None
    decision = session.get(RoutingDecision, conversation.routing_decision_id)
    if decision is None:
        return None
    history = list(
        session.scalars(
            select(RoutingDecision)
            .where(RoutingDecision.conversation_id == conversation.id)
            .order_by(RoutingDecision.id.desc())
            .limit(10)
        )
    )
    ids = {d.user_id for d in history if d.user_id} | (
        {conversation.assignee_id} if conversation.assignee_id else set()
    )
    users = dict(session.execute(select(User.id, User.name).where(User.id.in_(ids))).all()) if ids else {}
    return Explanation(decision, dict(decision.explanation or {}), _decided_by(decision, users), history, users)


def _decided_by(decision: RoutingDecision, users: dict[int, str]) -> str:
    by = (decision.explanation or {}).get("decided_by") or {}
    if decision.source == "rule":
        return f"rule «{by.get('name', decision.rule_id)}» (position {by.get('position', '?')})"
    if decision.source == "model":
        return f"learned router {decision.model_version} ({(decision.confidence or 0):.0%} sure)"
    if decision.source == "manual":
        return f"{users.get(decision.user_id or 0, 'a person')} (manual)"
    if decision.source == "suggestion":
        return f"suggestion of the learned router ({(decision.confidence or 0):.0%})"
    return "fallback department (no rule or confident model)"


# ---- rule counts and preview -------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleCount:
    matched: int = 0  # conversations routed in the window that the rule matched
    decided: int = 0  # … of which it decided the department


def rule_counts(session: Session, now: datetime | None = None, days: int = COUNT_DAYS) -> dict[int, RuleCount]:
    """Rule id → what it matched and decided among the routing decisions of the last ``days`` days.

    Counted from the decisions' explanations (every matching rule is listed there), so a count says what the
    rule did at routing time, with the rules as they were then; the preview shows what it would match now.
    """
    since = (now or utcnow()) - timedelta(days=days)
    matched: dict[int, set[int]] = {}
    decided: dict[int, set[int]] = {}
    rows = session.execute(
        select(RoutingDecision.conversation_id, RoutingDecision.rule_id, RoutingDecision.explanation)
        .where(RoutingDecision.created_at >= since)
        .where(RoutingDecision.source.in_(("rule", "model", "default")))
    )
    for conversation_id, rule_id, explanation in rows:
        for hit in (explanation or {}).get("matched", []):
            if isinstance(hit, dict) and isinstance(hit.get("rule"), int):
                matched.setdefault(hit["rule"], set()).add(conversation_id)
        if rule_id is not None:
            decided.setdefault(rule_id, set()).add(conversation_id)
    return {rid: RuleCount(len(convs), len(decided.get(rid, ()))) for rid, convs in matched.items()}


@dataclass(frozen=True)
class PreviewItem:
    conversation: str  # public id
    department: str | None
    text: str
    spans: list[Span]


@dataclass(frozen=True)
class Preview:
    looked_at: int
    matched: int
    items: list[PreviewItem]
    days: int = COUNT_DAYS


def preview(session: Session, condition: str, now: datetime | None = None, days: int = COUNT_DAYS) -> Preview:
    """Which conversations routed in the last ``days`` days ``condition`` matches now (raises on a bad one)."""
    query = compile_condition(condition)
    since = (now or utcnow()) - timedelta(days=days)
    rows = session.execute(
        select(Conversation.id, Conversation.public_id, Conversation.department, RoutingDecision.interaction_id)
        .join(RoutingDecision, RoutingDecision.id == Conversation.routing_decision_id)
        .where(Conversation.routed_at >= since, RoutingDecision.interaction_id.is_not(None))
        .order_by(Conversation.routed_at.desc(), Conversation.id.desc())
        .limit(PREVIEW_LIMIT)
    ).all()
    interactions = {
        i.id: i for i in session.scalars(select(Interaction).where(Interaction.id.in_([r[3] for r in rows])))
    }
    identities = {
        i.id: i
        for i in session.scalars(
            select(Identity).where(Identity.id.in_({i.identity_id for i in interactions.values() if i.identity_id}))
        )
    }
    picked: dict[int, tuple[Interaction, Identity | None]] = {}
    for cid, _, _, iid in rows:
        interaction = interactions.get(iid or 0)
        if interaction is not None:
            picked[cid] = (interaction, identities.get(interaction.identity_id or 0))
    meta = {cid: (public_id, department) for cid, public_id, department, _ in rows}
    matched = 0
    items: list[PreviewItem] = []
    newest_first = {row[0]: n for n, row in enumerate(rows)}
    looked_up = lookups(session, saved_segment_slugs(condition))
    facts = sorted(facts_for(session, picked, looked_up), key=lambda f: newest_first[f.conversation_id])
    for fact in facts:
        found = query.match(fact.doc)
        if found is None:
            continue
        matched += 1
        if len(items) < PREVIEW_SHOWN:
            public_id, department = meta[fact.conversation_id]
            items.append(PreviewItem(public_id, department, fact.doc.text, found.spans))
    return Preview(len(picked), matched, items, days)


def rules_with_assignees(session: Session, rules: list[RoutingRule]) -> dict[int, str]:
    ids = {r.assignee_id for r in rules if r.assignee_id}
    return dict(session.execute(select(User.id, User.email).where(User.id.in_(ids))).all()) if ids else {}
