"""The demo's agents at work: they confirm or correct how the rules routed conversations, then the learned
router trains on what they did.

A fresh demo has no routing history, so the learned router would have nothing to learn from and
/admin/router nothing to show. This module *simulates* that history (the docs say so): for each routed
conversation an agent either leaves it (not handled yet), confirms the routing when it fits the story, or
re-routes it to the department the story implies — from the routed message's intent, a few tell-tale
words (the demo writes German, French and Spanish too, where the intent model abstains) and the demo
topics' owning departments. A seeded ``random.Random`` makes the same seed give the same history; a small
share of agents' choices are deliberately "wrong" (people disagree), so held-out figures stay honest.
All changes go through ``kith.routing.service`` (``reroute`` / ``confirm``) like the inbox's buttons.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from kith.auth.models import Department, Role, User
from kith.db import utcnow
from kith.enrichment.models import InteractionTopic, Topic
from kith.interactions.models import Conversation, Interaction
from kith.routing.learned_service import do_train_router
from kith.routing.learned_train import TooLittleHistory
from kith.routing.models import RouterModel, RoutingDecision
from kith.routing.service import confirm, reroute

UNHANDLED_SHARE = 0.15  # conversations nobody has looked at yet
DISAGREE_SHARE = 0.05  # an agent picks another of the story's departments (label noise, as in real life)
BY_INTENT = {
    "complaint": "service",
    "question": "service",
    "churn": "service",
    "purchase_intent": "sales",
    "price": "sales",
    "suggestion": "product",
    "praise": "marketing",
}
DATA_REQUEST = r"dsgvo|gdpr|datenschutz|personal data|meine daten|my data|rgpd"  # legal's, whatever the intent
BY_WORDS = (  # (department, pattern) for messages the intent model does not cover, first match wins
    ("product", r"\bidee\b|\bidée\b|\bidea\b|bitte eine app|wäre super|bitte auch in|serait génial|me encantaría"),
    (
        "sales",
        r"probefahrt|budget|\bpreis|\bprix\b|\bprecio|günstiger|happig|kaufe ich|überlege|acheter|comprar|"
        r"würde ich nicht zahlen|wäre ich dabei|too expensive|trop cher|demasiado caro",
    ),
    (
        "service",
        r"kaputt|werkstatt|lädt|ticket|hotline|warteschleife|verschickt|storniert|repariert|termin|"
        r"inspektion|akku|panne|cassé|roto|no funciona|reparación|livraison|envío|reichweite|display|firmware|"
        r"zurück|geliefert|lieferung|kratzer|zerkratzt|defekt|garantie|rayado|qué hago|que faire",
    ),
    ("marketing", r"\blob\b|\btop!|klasse|bester kauf|jeden cent|génial|genial|merci|gracias|\bvs\b|verglichen"),
)


@dataclass
class HistoryReport:
    confirmed: int = 0
    rerouted: int = 0
    left: int = 0
    trained: str | None = None  # the version trained, or why none was
    accuracy: float | None = None

    def summary(self) -> str:
        """One line for ``kith demo``: what the simulated agents did and what the router learned."""
        done = f"Agents (simulated): {self.confirmed} routings confirmed, {self.rerouted} re-routed, {self.left} left"
        if self.accuracy is not None:
            return f"{done}; router {self.trained} trained, held-out accuracy {self.accuracy:.0%}"
        return f"{done}; router: {self.trained or 'not trained'}"


def implied_department(intent: str | None, text: str, topic_departments: list[str], known: set[str]) -> str | None:
    """Where the demo's story says this message belongs (``None``: nowhere in particular, e.g. spam)."""
    if intent == "spam":
        return None
    lowered = text.lower()
    found = "legal" if re.search(DATA_REQUEST, lowered) else BY_INTENT.get(intent or "")  # any intent
    if found is None:
        found = next((dept for dept, pattern in BY_WORDS if re.search(pattern, lowered)), None)
    if found is None and re.search(r"[?？¿]", text):
        found = "service"  # an open question the intent model could not read: customer service answers it
    if found is None:
        found = next(iter(topic_departments), None)
    return found if found in known else None


def _agents(session: Session) -> list[int]:
    ids = session.scalars(select(User.id).where(User.role.in_((Role.AGENT, Role.DEPARTMENT))).order_by(User.id))
    return [int(i) for i in ids] or [0]


def simulate_agents(session: Session, seed: int) -> HistoryReport:
    """Confirm or re-route every routed, not yet handled conversation, deterministically from ``seed``."""
    rng = random.Random(f"routing-history-{seed}")
    report = HistoryReport()
    known = set(session.scalars(select(Department.slug)))
    agents = _agents(session)
    now = utcnow()
    rows = session.execute(
        select(Conversation, RoutingDecision)
        .join(RoutingDecision, RoutingDecision.id == Conversation.routing_decision_id)
        .where(RoutingDecision.confirmed_at.is_(None), RoutingDecision.source != "manual")
        .order_by(Conversation.id)
    ).all()
    interaction_ids = [d.interaction_id for _, d in rows if d.interaction_id is not None]
    interactions = {i.id: i for i in session.scalars(select(Interaction).where(Interaction.id.in_(interaction_ids)))}
    topics: dict[int, list[str]] = {}
    for iid, dept in session.execute(
        select(InteractionTopic.interaction_id, Topic.department)
        .join(Topic, Topic.id == InteractionTopic.topic_id)
        .where(InteractionTopic.interaction_id.in_(interaction_ids), Topic.department.is_not(None))
        .order_by(InteractionTopic.interaction_id, Topic.id)
    ):
        topics.setdefault(int(iid), []).append(str(dept))
    for conversation, decision in rows:
        interaction = interactions.get(decision.interaction_id or -1)
        if interaction is None:
            continue
        text = f"{interaction.title or ''}\n{interaction.text or ''}"
        story = implied_department(interaction.intent, text, topics.get(interaction.id, []), known)
        agent = agents[rng.randrange(len(agents))] or None
        roll = rng.random()
        if story is None or roll < UNHANDLED_SHARE:
            report.left += 1
            continue
        if roll < UNHANDLED_SHARE + DISAGREE_SHARE:
            story = rng.choice(sorted(set(BY_INTENT.values()) & known))
        if story == conversation.department:
            done = confirm(session, conversation, agent)
            report.confirmed += 1
        else:
            done = reroute(session, conversation, story, agent, reason="demo: the story's department")
            report.rerouted += 1
        if done is not None:  # back-date to when the story's agent handled it, so history has a timeline
            at = min(interaction.sort_at + timedelta(hours=rng.randint(1, 30)), now)
            done.confirmed_at = at
            if done.source == "manual":
                done.created_at = at
    session.flush()
    return report


def play_agents_and_train(session: Session, seed: int) -> HistoryReport:
    """The demo's routing history, then a router trained on it (unless the history is too small)."""
    report = simulate_agents(session, seed)
    try:
        row: RouterModel = do_train_router(session)
    except TooLittleHistory as exc:
        report.trained = str(exc)
        return report
    report.trained = row.version
    holdout = row.metrics.get("holdout") or {}
    report.accuracy = holdout.get("accuracy")
    return report
