"""Routing rules: evaluating them (pure, deterministic) and keeping them (add, edit, move, remove).

Evaluation order is ``position`` then ``id`` — never insertion luck — so the same conversation and the same
rules always give the same answer. The first matching rule that sets a department decides the department
(and its assignee and skill); the priority is the deciding rule's, else the first matching rule's that sets
one; every matching rule adds its tag; a matching rule with ``stop`` ends evaluation after itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from kith.auth.models import User
from kith.db import utcnow
from kith.enrichment.query import Query, QuerySyntaxError
from kith.enrichment.query.matcher import Prepared
from kith.enrichment.query.terms import Span
from kith.profiles.segments_models import Segment
from kith.routing.conditions import RoutingDocument, compile_condition, saved_segment_slugs
from kith.routing.decisions import PRIORITIES
from kith.routing.departments import department_infos
from kith.routing.models import RoutingDecision, RoutingRule

MAX_NAME = 200
MAX_LABEL = 64


class RuleError(ValueError):
    """A rule that cannot be saved; the message says what to change."""


@dataclass(frozen=True)
class CompiledRule:
    id: int
    position: int
    name: str
    condition: str
    query: Query
    department: str | None = None
    priority: str | None = None
    tag: str | None = None
    assignee_id: int | None = None
    skill: str | None = None
    stop: bool = False

    def sets(self) -> dict[str, Any]:
        """What the rule sets, for explanations (only what it does set)."""
        found = {
            "department": self.department,
            "priority": self.priority,
            "tag": self.tag,
            "assignee_id": self.assignee_id,
            "skill": self.skill,
        }
        return {k: v for k, v in found.items() if v is not None} | ({"stop": True} if self.stop else {})


@dataclass
class Hit:
    rule: CompiledRule
    spans: list[Span]


@dataclass
class Evaluation:
    """What the rules say about one document."""

    hits: list[Hit] = field(default_factory=list)
    deciding: CompiledRule | None = None  # the rule whose department applies
    priority_rule: CompiledRule | None = None  # the rule whose priority applies
    stopped_by: CompiledRule | None = None

    @property
    def tags(self) -> list[str]:
        seen: list[str] = []
        for hit in self.hits:
            if hit.rule.tag and hit.rule.tag not in seen:
                seen.append(hit.rule.tag)
        return seen


def evaluate(rules: list[CompiledRule], doc: RoutingDocument) -> Evaluation:
    """Match ``doc`` against ``rules`` in order (they must already be sorted by position, id)."""
    result = Evaluation()
    prepared = Prepared(doc)  # fold and tokenise once for all rules
    for rule in rules:
        match = rule.query.match_prepared(prepared)
        if match is None:
            continue
        result.hits.append(Hit(rule, match.spans))
        if rule.department and result.deciding is None:
            result.deciding = rule
        if rule.stop:
            result.stopped_by = rule
            break
    if result.deciding is not None and result.deciding.priority:
        result.priority_rule = result.deciding
    else:
        result.priority_rule = next((h.rule for h in result.hits if h.rule.priority), None)
    return result


def compile_rule(rule: RoutingRule) -> CompiledRule:
    return CompiledRule(
        id=rule.id,
        position=rule.position,
        name=rule.name,
        condition=rule.condition,
        query=compile_condition(rule.condition),
        department=rule.department or None,
        priority=rule.priority or None,
        tag=rule.tag or None,
        assignee_id=rule.assignee_id,
        skill=rule.skill or None,
        stop=rule.stop,
    )


def ordered_rules(session: Session, *, active_only: bool = False) -> list[RoutingRule]:
    stmt = select(RoutingRule).order_by(RoutingRule.position, RoutingRule.id)
    if active_only:
        stmt = stmt.where(RoutingRule.active.is_(True))
    return list(session.scalars(stmt))


def active_rules(session: Session) -> list[CompiledRule]:
    """The active rules, compiled, in evaluation order. A rule saved before a field changed meaning and no
    longer compiling is skipped rather than stopping all routing (the rules page shows its error)."""
    compiled = []
    for rule in ordered_rules(session, active_only=True):
        try:
            compiled.append(compile_rule(rule))
        except QuerySyntaxError:
            continue
    return compiled


# ---- keeping rules ----------------------------------------------------------------------------------


@dataclass
class RuleInput:
    """A rule as a form or the CLI gives it (empty strings mean "not set")."""

    name: str
    condition: str
    department: str = ""
    priority: str = ""
    tag: str = ""
    assignee: str = ""  # e-mail address of the user
    skill: str = ""
    stop: bool = False
    active: bool = True


def check_rule(session: Session, given: RuleInput) -> int | None:
    """Raise :class:`RuleError` or ``QuerySyntaxError`` for a rule that cannot be saved; the assignee's id."""
    if not given.name.strip():
        raise RuleError("give the rule a name, e.g. 'Battery complaints to service'")
    if len(given.name) > MAX_NAME:
        raise RuleError(f"the name is longer than {MAX_NAME} characters")
    if not given.condition.strip():
        raise RuleError("write a condition, e.g. intent:complaint AND (akku* OR battery)")
    compile_condition(given.condition)
    named = saved_segment_slugs(given.condition)
    if named:
        known_segments = set(session.scalars(select(Segment.slug).where(Segment.slug.in_(sorted(named)))))
        missing = sorted(named - known_segments)
        if missing:
            raise RuleError(
                f"there is no saved segment {missing[0]!r}; segment: takes vip, loyal, customer, engaged, prospect "
                "or the slug of a segment saved on the Segments page"
            )
    if given.department:
        known = set(department_infos(session))
        if given.department not in known:
            raise RuleError(f"there is no department {given.department!r}; use one of {', '.join(sorted(known))}")
    if given.priority and given.priority not in PRIORITIES:
        raise RuleError(f"priority must be one of {', '.join(PRIORITIES)}")
    for label, value in (("tag", given.tag), ("skill", given.skill)):
        if len(value) > MAX_LABEL or (value and not value.replace("-", "").replace("_", "").isalnum()):
            raise RuleError(f"the {label} must be one word of letters, digits, - or _ (at most {MAX_LABEL})")
    assignee_id = None
    if given.assignee:
        user = session.scalar(select(User).where(func.lower(User.email) == given.assignee.strip().lower()))
        if user is None or not user.active:
            raise RuleError(f"there is no active user {given.assignee!r} to assign to")
        assignee_id = user.id
    if not (given.department or given.priority or given.tag or assignee_id or given.stop):
        raise RuleError("the rule does nothing: set a department, a priority, a tag or an assignee")
    return assignee_id


def _apply(rule: RoutingRule, given: RuleInput, assignee_id: int | None) -> None:
    rule.name = given.name.strip()
    rule.condition = given.condition.strip()
    rule.department = given.department or None
    rule.priority = given.priority or None
    rule.tag = given.tag or None
    rule.assignee_id = assignee_id
    rule.skill = given.skill or None
    rule.stop = given.stop
    rule.active = given.active
    rule.updated_at = utcnow()


def add_rule(session: Session, given: RuleInput, position: int | None = None) -> RoutingRule:
    """Check and add a rule: last, or at ``position`` (1-based) with the rules from there moved down."""
    assignee_id = check_rule(session, given)
    rules = ordered_rules(session)
    rule = RoutingRule(position=0, created_at=utcnow())
    _apply(rule, given, assignee_id)
    session.add(rule)
    at = len(rules) if position is None else max(0, min(position - 1, len(rules)))
    rules.insert(at, rule)
    _renumber(rules)
    session.flush()
    return rule


def update_rule(session: Session, rule: RoutingRule, given: RuleInput) -> RoutingRule:
    assignee_id = check_rule(session, given)
    _apply(rule, given, assignee_id)
    session.flush()
    return rule


def remove_rule(session: Session, rule: RoutingRule) -> None:
    """Delete a rule. Past decisions keep its name in their explanation; their link to it is cleared."""
    session.execute(update(RoutingDecision).where(RoutingDecision.rule_id == rule.id).values(rule_id=None))
    session.delete(rule)
    session.flush()
    _renumber(ordered_rules(session))


def move_rule(session: Session, rule: RoutingRule, to: int) -> None:
    """Move ``rule`` to 1-based position ``to`` (clamped), renumbering every rule 1..n."""
    rules = [r for r in ordered_rules(session) if r.id != rule.id]
    rules.insert(max(0, min(to - 1, len(rules))), rule)
    _renumber(rules)
    session.flush()


def _renumber(rules: list[RoutingRule]) -> None:
    for n, rule in enumerate(rules, start=1):
        if rule.position != n:
            rule.position = n


def rule_by_ref(session: Session, ref: str) -> RoutingRule | None:
    """A rule by public id, by 1-based position (``3``) or by exact name."""
    ref = ref.strip()
    found = session.scalar(select(RoutingRule).where(RoutingRule.public_id == ref))
    if found is None and ref.isdigit():
        found = session.scalar(select(RoutingRule).where(RoutingRule.position == int(ref)))
    if found is None:
        found = session.scalar(select(RoutingRule).where(RoutingRule.name == ref).order_by(RoutingRule.id).limit(1))
    return found


def rule_input_of(session: Session, rule: RoutingRule) -> RuleInput:
    assignee = session.get(User, rule.assignee_id) if rule.assignee_id else None
    return RuleInput(
        name=rule.name,
        condition=rule.condition,
        department=rule.department or "",
        priority=rule.priority or "",
        tag=rule.tag or "",
        assignee=assignee.email if assignee else "",
        skill=rule.skill or "",
        stop=rule.stop,
        active=rule.active,
    )
