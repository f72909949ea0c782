"""The routing stage of the pipeline: every relevant, enriched conversation gets a department, a priority,
an SLA due time, maybe a reply channel and an agent — once (``routed_at`` marks it).

Batch by batch, each batch one transaction (claimed with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, like the
enrichment stage), so a crash redoes at most one batch and two workers never route the same conversation.
Offline records (store visits, calls, orders, panel answers: visibility ``offline``) are never routed:
staff already handled them in person, nobody can answer them through a channel, and they still count in
the customer's history and profile. A conversation with no customer-written relevant interaction yet (only
the company's own post) stays pending; the run walks the pending conversations by id once, so such a
conversation never loops.

Order of decision: the rules (see ``rules.evaluate``); for what no rule decides, the learned router — its
prediction is applied (source ``model``) at or above the admin's confidence threshold, else recorded as a
``suggestion``; then the fallback department (source ``default``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, exists, func, select
from sqlalchemy.orm import Session

from kith.channels.base import Visibility
from kith.db import session_scope, utcnow
from kith.interactions.models import Conversation, Interaction
from kith.routing import learned
from kith.routing.assignment import Assigner
from kith.routing.conditions import saved_segment_slugs
from kith.routing.decisions import new_decision, route_by
from kith.routing.departments import DepartmentInfo, department_infos
from kith.routing.facts import Facts, Lookups, facts_for, first_inbound, lookups
from kith.routing.models import RoutingDecision
from kith.routing.priority import PriorityFacts, derive_priority
from kith.routing.rules import CompiledRule, Evaluation, active_rules, evaluate
from kith.routing.settings import fallback_department
from kith.routing.sla import add_working_minutes, describe, sla_minutes_for

EMAIL = "email"


@dataclass
class RouteReport:
    routed: int = 0
    examined: int = 0
    by_department: dict[str, int] = field(default_factory=dict)
    by_source: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        """One line for ``kith run``: how many, where to, decided by what."""
        where = ", ".join(f"{d} {n}" for d, n in sorted(self.by_department.items(), key=lambda p: (-p[1], p[0])))
        how = ", ".join(f"{s} {n}" for s, n in sorted(self.by_source.items()))
        return f"Routed {self.routed} conversation(s)" + (f": {where} (by {how})" if self.routed else "")


@dataclass(frozen=True)
class RunContext:
    """What a routing run reads once: rules, departments, fallback, router threshold, lookups."""

    rules: list[CompiledRule]
    departments: dict[str, DepartmentInfo]
    fallback: str
    threshold: float | None
    looked_up: Lookups


def run_context(session: Session) -> RunContext:
    rules = active_rules(session)
    named = {slug for rule in rules for slug in saved_segment_slugs(rule.condition)}
    return RunContext(
        rules=rules,
        departments=department_infos(session),
        fallback=fallback_department(session),
        threshold=learned.auto_apply_threshold(session),
        looked_up=lookups(session, named),
    )


def _pending() -> Any:
    relevant = exists().where(
        Interaction.conversation_id == Conversation.id,
        Interaction.relevant.is_(True),
        Interaction.deleted_at.is_(None),
        Interaction.visibility != Visibility.OFFLINE.value,
    )
    return Conversation.routed_at.is_(None) & Conversation.merged_into_id.is_(None) & relevant


def pending_routing(session: Session) -> int:
    """How many conversations wait to be routed (relevant, not routed yet)."""
    return int(session.scalar(select(func.count()).select_from(Conversation).where(_pending())) or 0)


def claim(session: Session, after_id: int, limit: int) -> list[Conversation]:
    """The next pending conversations by id, locked for this transaction on PostgreSQL."""
    stmt = select(Conversation).where(_pending(), Conversation.id > after_id).order_by(Conversation.id).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True, of=Conversation)
    return list(session.scalars(stmt))


def route_pending(
    engine: Engine,
    batch_size: int = 500,
    on_batch: Callable[[int], None] | None = None,
    now: datetime | None = None,
) -> RouteReport:
    """Route every pending conversation, one transaction per batch."""
    report = RouteReport()
    with session_scope(engine) as session:
        context = run_context(session)
    after = 0
    while True:
        with session_scope(engine) as session:
            batch = claim(session, after, batch_size)
            if not batch:
                break
            after = batch[-1].id
            route_batch(session, context, batch, now or utcnow(), report)
        report.examined += len(batch)
        if on_batch:
            on_batch(len(batch))
    return report


def route_batch(
    session: Session, context: RunContext, batch: list[Conversation], now: datetime, report: RouteReport
) -> None:
    by_id = {c.id: c for c in batch}
    picked = first_inbound(session, by_id, context.looked_up.accounts)
    facts = facts_for(session, picked, context.looked_up)
    evaluations = [evaluate(context.rules, f.doc) for f in facts]
    undecided = [n for n, e in enumerate(evaluations) if e.deciding is None]
    predictions = _predict(session, [facts[n] for n in undecided])
    predicted = dict(zip(undecided, predictions, strict=True)) if predictions is not None else {}
    plans = [
        _plan_one(context, by_id[fact.conversation_id], fact, evaluation, predicted.get(n), now)
        for n, (fact, evaluation) in enumerate(zip(facts, evaluations, strict=True))
    ]
    # every decision of the batch in one flush (one batched INSERT), then route by each: a flush per
    # conversation would make the session re-scan itself hundreds of times per batch
    session.add_all([d for plan in plans for d in (plan.suggestion, plan.decision) if d is not None])
    session.flush()
    assigner = Assigner(session)
    for plan in plans:
        route_by(session, plan.conversation, plan.decision)
        assigned = assigner.assign(
            plan.conversation,
            context.departments.get(plan.decision.department or ""),
            skill=plan.rule.skill if plan.rule else None,
            lang=plan.lang,
            now=now,
            assignee_id=plan.rule.assignee_id if plan.rule else None,
            rule_name=plan.rule_name,
        )
        if assigned is not None:
            plan.decision.explanation = {**plan.decision.explanation, "assignment": assigned}
        department = plan.conversation.department or "-"
        report.routed += 1
        report.by_department[department] = report.by_department.get(department, 0) + 1
        report.by_source[plan.decision.source] = report.by_source.get(plan.decision.source, 0) + 1


@dataclass
class _Plan:
    """One conversation's decision (and the router's suggestion, if any), made but not yet saved."""

    conversation: Conversation
    decision: RoutingDecision
    suggestion: RoutingDecision | None
    rule: CompiledRule | None  # the deciding rule, when a rule decided
    rule_name: str | None
    lang: str | None


def _predict(session: Session, facts: list[Facts]) -> list[learned.Prediction] | None:
    if not facts:
        return []
    texts = [learned.RoutingText(f.doc.text, f.channel, f.doc.intent, f.doc.sentiment, f.doc.lang) for f in facts]
    found = learned.predict_departments(session, texts)
    return found if found is None or len(found) == len(facts) else None


def _plan_one(
    context: RunContext,
    conversation: Conversation,
    fact: Facts,
    evaluation: Evaluation,
    prediction: learned.Prediction | None,
    now: datetime,
) -> _Plan:
    """Decide and explain one conversation (nothing is written: ``route_batch`` saves the batch at once)."""
    explanation: dict[str, Any] = {
        "interaction": fact.interaction.public_id,
        "matched": [
            {"rule": h.rule.id, "name": h.rule.name, "position": h.rule.position, "sets": h.rule.sets()}
            for h in evaluation.hits
        ],
        "rules_evaluated": len(context.rules),
        "customer": fact.customer.summary() if fact.customer else None,
    }
    if evaluation.stopped_by is not None:
        explanation["stopped_by"] = {"rule": evaluation.stopped_by.id, "name": evaluation.stopped_by.name}
    rule = evaluation.deciding
    department: str
    confidence = model_version = None
    suggested: RoutingDecision | None = None
    if rule is not None and rule.department:
        source, department = "rule", rule.department
        explanation["decided_by"] = {
            "kind": "rule",
            "rule": rule.id,
            "name": rule.name,
            "position": rule.position,
            "why": f"first matching rule (of {len(evaluation.hits)}) that sets a department",
        }
    elif prediction is not None and context.threshold is not None and prediction.confidence >= context.threshold:
        source, department = "model", prediction.department
        confidence, model_version = prediction.confidence, prediction.model_version
        explanation["decided_by"] = {
            "kind": "model",
            "model_version": prediction.model_version,
            "confidence": round(prediction.confidence, 3),
            "threshold": context.threshold,
            "evidence": prediction.explanation,
            "why": f"no rule decided; the learned router is {prediction.confidence:.0%} sure "
            f"(applies from {context.threshold:.0%})",
        }
    else:
        source, department = "default", context.fallback
        why = "no rule decided and no router model is trained yet"
        if prediction is not None:
            suggestion = {
                "department": prediction.department,
                "confidence": round(prediction.confidence, 3),
                "model_version": prediction.model_version,
                "evidence": prediction.explanation,
            }
            explanation["suggestion"] = suggestion
            bar = "automatic routing is off" if context.threshold is None else f"below {context.threshold:.0%}"
            why = (
                f"no rule decided; the learned router suggests {prediction.department} "
                f"at {prediction.confidence:.0%} ({bar})"
            )
            suggested = new_decision(
                conversation,
                source="suggestion",
                department=prediction.department,
                interaction_id=fact.interaction.id,
                confidence=prediction.confidence,
                model_version=prediction.model_version,
                explanation=dict(explanation, why=why),
                now=now,
            )
        explanation["decided_by"] = {"kind": "default", "why": f"{why}: the fallback department"}
    info = context.departments.get(department)
    priority, priority_why = _priority(evaluation, fact)
    explanation["priority"] = {"value": priority, "why": priority_why}
    due, sla = _sla(info, priority, now)
    explanation["sla"] = sla
    explanation["tags"] = evaluation.tags
    via = _reply_via(fact)
    if via is not None:
        explanation["reply_via"] = via
        conversation.reply_via = via["channel"]
    if evaluation.tags:
        conversation.tags = [
            *(conversation.tags or []),
            *(t for t in evaluation.tags if t not in (conversation.tags or [])),
        ]
    decision = new_decision(
        conversation,
        source=source,
        department=department,
        priority=priority,
        sla_due_at=due,
        interaction_id=fact.interaction.id,
        rule_id=rule.id if source == "rule" and rule else None,
        model_version=model_version,
        confidence=confidence,
        explanation=explanation,
        now=now,
    )
    return _Plan(
        conversation,
        decision,
        suggested,
        rule if source == "rule" else None,
        rule.name if rule else None,
        fact.doc.lang,
    )


def _priority(evaluation: Evaluation, fact: Facts) -> tuple[str, str]:
    rule = evaluation.priority_rule
    if rule is not None and rule.priority:
        return rule.priority, f"rule «{rule.name}» sets it"
    customer = fact.customer
    priority, reasons = derive_priority(
        PriorityFacts(
            intent=fact.doc.intent,
            sentiment=fact.doc.sentiment,
            value=customer.tier if customer else "none",
            influence=customer.influence if customer else "low",
            followers=customer.followers if customer else 0,
        )
    )
    return priority, "derived: " + "; ".join(reasons)


def _sla(info: DepartmentInfo | None, priority: str, now: datetime) -> tuple[datetime, dict[str, Any]]:
    minutes, basis = sla_minutes_for(priority, info.sla_minutes if info else None)
    hours = info.working_hours if info else {}
    due = add_working_minutes(now, minutes, hours)
    where = f"{info.name}'s" if info else "the"
    origin = f"set for {info.name}" if basis == "department" and info else "default"
    return due, {
        "due": due.isoformat(),
        "minutes": minutes,
        "basis": f"{priority}: {minutes} working minutes ({origin})",
        "working_hours": f"{where} working hours: {describe(hours)}",
    }


def _reply_via(fact: Facts) -> dict[str, str] | None:
    """E-mail instead of a public reply: a linked, high-value customer who prefers e-mail and consented."""
    customer = fact.customer
    if customer is None or customer.person_id is None or fact.channel == EMAIL:
        return None
    if fact.interaction.visibility != "public" or customer.tier != "high":
        return None
    if customer.preferred_channel != EMAIL or not customer.email_with_consent:
        return None
    return {
        "channel": EMAIL,
        "why": f"high-value customer who mostly writes by e-mail and consented to it; the post is public on "
        f"{fact.channel}",
    }
