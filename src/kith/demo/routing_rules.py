"""The Nordlicht demo's routing: rules an admin would write, and service settings per department.

The demo talks German and English; the shipped intent model reads English only, so each rule names the
German words too (the conditions are the listening query language, see docs/routing.md).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kith.auth.models import Department
from kith.routing.departments import department_infos
from kith.routing.models import RoutingRule
from kith.routing.rules import RuleInput, add_rule

BERLIN_WEEKDAYS = {"tz": "Europe/Berlin", "days": [0, 1, 2, 3, 4], "start": "08:00", "end": "18:00"}
SERVICE = {
    "service": (BERLIN_WEEKDAYS, {"urgent": 60, "high": 240, "normal": 480, "low": 1440}, "round_robin"),
    "sales": (BERLIN_WEEKDAYS, {"high": 120, "normal": 480}, "least_loaded"),
    "pr": ({}, {"urgent": 30, "high": 120}, "none"),
    "legal": (BERLIN_WEEKDAYS, {"high": 480, "normal": 2400}, "none"),
}
RULES = (
    RuleInput("VIP customers", "value:high OR segment:vip", tag="vip"),
    RuleInput(
        "Privacy and data requests",
        'gdpr OR dsgvo OR datenschutz* OR privacy OR "personal data" OR "delete my data" OR "meine daten" '
        'OR "delete my account" OR "konto löschen"',
        department="legal",
        priority="high",
        tag="privacy",
        stop=True,
    ),
    RuleInput(
        "Influential critics",
        "influence:>=500 AND (sentiment:negative OR intent:complaint OR intent:churn)",
        department="pr",
        priority="urgent",
        tag="influencer",
    ),
    RuleInput(
        "Battery and range problems",
        "(akku* OR batter* OR reichweite OR range OR ladeger* OR charger OR laden) AND "
        "(intent:complaint OR intent:question OR intent:churn OR sentiment:negative OR kaputt OR defekt OR "
        "problem* OR hilfe OR help OR frage*)",
        department="service",
        tag="battery",
    ),
    RuleInput(
        "Complaints and churn",
        "intent:complaint OR intent:churn OR kaputt OR defekt OR broken OR reklamation OR beschwerde OR "
        'enttäusch* OR disappointed OR kündig* OR "never again" OR "nie wieder" OR kratzer OR zerkratzt OR '
        "rückgabe OR garantie OR undicht OR quietsch*",
        department="service",
        tag="complaint",
    ),
    RuleInput(
        "Product ideas",
        'intent:suggestion OR vorschlag OR idee OR "wäre toll" OR "wäre schön" OR "would be great" OR '
        '"please add" OR "wish it had" OR feature*',
        department="product",
        tag="idea",
    ),
    RuleInput(
        "Purchase intent and prices",
        'intent:purchase_intent OR intent:price OR topic:"Prices & deals" OR kaufen OR bestell* OR '
        '"where can i buy" OR "wo kann ich" OR probefahrt OR finanzierung OR comprar OR acheter',
        department="sales",
        tag="lead",
    ),
    RuleInput(
        "Questions",
        'intent:question OR frage* OR "how do" OR "how can" OR raw:"?" OR raw:"？" OR raw:"¿"',
        department="service",
    ),
    RuleInput(
        "Praise",
        "intent:praise OR sentiment:positive OR toll OR super OR begeistert OR love OR great OR lob OR klasse OR "
        'raw:"Top!" OR "bester kauf" OR "jeden cent" OR génial OR genial OR merci OR gracias OR recommend*',
        department="marketing",
        priority="low",
        tag="praise",
    ),
)


def configure_demo_routing(session: Session) -> None:
    """Idempotent: service settings for the demo departments and the rules that are missing (by name)."""
    department_infos(session)  # creates the default departments on a fresh database
    for department in session.scalars(select(Department).where(Department.slug.in_(SERVICE))):
        hours, sla, assignment = SERVICE[department.slug]
        department.working_hours = department.working_hours or hours
        department.sla_minutes = department.sla_minutes or sla
        if department.assignment in (None, "", "none"):
            department.assignment = assignment
    existing = set(session.scalars(select(RoutingRule.name)))
    for rule in RULES:
        if rule.name not in existing:
            add_rule(session, rule)
