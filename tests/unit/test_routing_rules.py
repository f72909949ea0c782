"""Routing without a database: conditions, evaluation order, stop, tags, priority, SLA arithmetic, assignment."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from kith.enrichment.query import QuerySyntaxError
from kith.profiles.value import ValueThresholds, influence_of, segment_of
from kith.routing.assignment import Agent, pick
from kith.routing.conditions import RoutingDocument, compile_condition
from kith.routing.priority import PriorityFacts, derive_priority
from kith.routing.rules import CompiledRule, evaluate
from kith.routing.sla import WorkingHoursError, add_working_minutes, parse_working_hours, sla_minutes_for

BERLIN = {"tz": "Europe/Berlin", "days": [0, 1, 2, 3, 4], "start": "09:00", "end": "17:00"}


def doc(text: str = "", **facts: object) -> RoutingDocument:
    return RoutingDocument(text, **facts)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("condition", "document", "expected"),
    [
        ("intent:complaint AND akku*", doc("Mein Akku ist leer", intent="complaint"), True),
        ("intent:complaint AND akku*", doc("Mein Akku ist leer", intent="question"), False),
        ("sentiment:negative", doc("x", sentiment="negative"), True),
        ("product:NL-EB-*", doc("x", products=("NL-EB-1001", "Aurora 500")), True),
        ('product:"aurora 500"', doc("x", products=("NL-EB-1001", "Aurora 500")), True),
        ('topic:"Batteries & range"', doc("x", topics=("Batteries & range",)), True),
        ("value:high", doc("x", value="high"), True),
        ("value:>=1000", doc("x", monetary=Decimal("999.99")), False),
        ("value:>=1000", doc("x", monetary=Decimal("1000")), True),
        ("value:<50", doc("x", monetary=Decimal("10")), True),
        ("segment:vip OR segment:loyal", doc("x", segment="loyal"), True),
        ("influence:>10000", doc("x", followers=10_001), True),
        ("influence:high", doc("x", influence="medium"), False),
        ("visibility:private AND channel:x", doc("dm", visibility="private", channel="x"), True),
        ("NOT intent:spam AND lang:de", doc("Hallo", intent="question", lang="de-AT"), True),
    ],
)
def test_routing_fields_match_what_enrichment_and_the_profile_found(
    condition: str, document: RoutingDocument, expected: bool
) -> None:
    assert (compile_condition(condition).match(document) is not None) is expected


@pytest.mark.parametrize(
    ("condition", "message", "column"),
    [
        ("intent:angry", "intent: takes one of question, complaint", 1),
        ("akku AND value:lots", "value: takes high | medium | low | none or a comparison such as value:>=1000", 10),
        ("sentiment:bad", "sentiment: takes one of negative, neutral, positive", 1),
        ("mood:bad", "unknown field mood:", 1),
        ("intent:complaint AND", "has no right-hand side", 18),
    ],
)
def test_condition_mistakes_say_what_and_where(condition: str, message: str, column: int) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        compile_condition(condition)
    assert message in str(caught.value) and caught.value.column == column


def test_routing_fields_stay_out_of_topic_queries() -> None:
    from kith.enrichment.query import compile_query

    with pytest.raises(QuerySyntaxError, match="unknown field intent:"):
        compile_query("intent:complaint")


def rule(n: int, condition: str, **sets: object) -> CompiledRule:
    return CompiledRule(n, n, f"r{n}", condition, compile_condition(condition), **sets)  # type: ignore[arg-type]


def test_first_rule_with_a_department_decides_every_match_tags_and_stop_ends() -> None:
    rules = [
        rule(1, "akku*", tag="battery"),
        rule(2, "akku* AND intent:complaint", department="service", priority="high"),
        rule(3, "akku*", department="sales", tag="late", priority="low"),
        rule(4, "intent:complaint", tag="complaint", stop=True),
        rule(5, "akku*", tag="never"),
    ]
    found = evaluate(rules, doc("Akku kaputt", intent="complaint"))
    assert [h.rule.id for h in found.hits] == [1, 2, 3, 4]
    assert found.deciding is not None and found.deciding.id == 2
    assert found.priority_rule is not None and found.priority_rule.id == 2
    assert found.tags == ["battery", "late", "complaint"]
    assert found.stopped_by is not None and found.stopped_by.id == 4
    again = evaluate(rules, doc("Akku kaputt", intent="complaint"))
    assert [h.rule.id for h in again.hits] == [1, 2, 3, 4]  # deterministic


def test_priority_comes_from_a_later_rule_when_the_deciding_rule_sets_none() -> None:
    rules = [rule(1, "akku*", department="service"), rule(2, "akku*", priority="urgent")]
    found = evaluate(rules, doc("akku"))
    assert found.deciding is not None and found.deciding.id == 1
    assert found.priority_rule is not None and found.priority_rule.id == 2
    assert evaluate(rules, doc("nothing")).deciding is None


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (PriorityFacts("complaint", "negative", "high", "low", 10), "urgent"),
        (PriorityFacts("complaint", "negative", "none", "low", 10), "high"),
        (PriorityFacts("question", "neutral", "none", "high", 50_000), "high"),
        (PriorityFacts("question", "neutral", "high", "low", 0), "high"),
        (PriorityFacts("churn", "neutral", "none", "low", 0), "high"),
        (PriorityFacts("question", "neutral", "low", "low", 0), "normal"),
        (PriorityFacts("praise", "positive", "low", "low", 0), "low"),
    ],
)
def test_derived_priority_and_its_reasons(facts: PriorityFacts, expected: str) -> None:
    priority, reasons = derive_priority(facts)
    assert priority == expected and reasons


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("start", "minutes", "hours", "due"),
    [
        (at(2026, 9, 2, 8, 0), 60, BERLIN, at(2026, 9, 2, 9, 0)),  # Wed 10:00 CEST: inside hours
        (at(2026, 9, 2, 14, 0), 120, BERLIN, at(2026, 9, 3, 8, 0)),  # Wed 16:00: 1 h today, 1 h Thu from 09:00
        (at(2026, 9, 2, 18, 0), 30, BERLIN, at(2026, 9, 3, 7, 30)),  # after hours: Thu 09:30 CEST
        (at(2026, 9, 4, 14, 30), 60, BERLIN, at(2026, 9, 7, 7, 30)),  # Fri 16:30: weekend skipped → Mon 09:30
        (at(2026, 9, 5, 10, 0), 480, BERLIN, at(2026, 9, 7, 15, 0)),  # Saturday: one whole Monday
        (at(2026, 3, 27, 15, 30), 60, BERLIN, at(2026, 3, 30, 7, 30)),  # DST starts on Sunday: Mon 09:30 is UTC+2
        (at(2026, 10, 23, 14, 30), 60, BERLIN, at(2026, 10, 26, 8, 30)),  # DST ends: Mon 09:30 is UTC+1
        (at(2026, 9, 5, 10, 0), 90, {}, at(2026, 9, 5, 11, 30)),  # around the clock
        (at(2026, 9, 2, 8, 0), 0, BERLIN, at(2026, 9, 2, 8, 0)),
    ],
)
def test_sla_counts_working_minutes_only(
    start: datetime, minutes: int, hours: dict[str, object], due: datetime
) -> None:
    assert add_working_minutes(start, minutes, hours) == due


def test_a_night_shift_across_the_dst_change_counts_real_minutes() -> None:
    nights = {"tz": "Europe/Berlin", "days": [5], "start": "00:00", "end": "04:00"}  # Saturday night only
    # 2026-10-24 is a Saturday; the clocks go back on Sunday 25th, so the window is four ordinary hours
    assert add_working_minutes(at(2026, 10, 23, 12, 0), 240, nights) == at(2026, 10, 24, 2, 0)


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ({"tz": "Mars/Base"}, "unknown time zone"),
        ({"days": []}, "at least one weekday"),
        ({"start": "9am"}, "start must be a time"),
        ({"start": "17:00", "end": "09:00"}, "end after it starts"),
    ],
)
def test_broken_working_hours_say_what_to_fix(hours: dict[str, object], message: str) -> None:
    with pytest.raises(WorkingHoursError, match=message):
        parse_working_hours(hours)


def test_sla_minutes_from_the_department_else_the_defaults() -> None:
    assert sla_minutes_for("high", {"high": 90}) == (90, "department")
    assert sla_minutes_for("urgent", {"high": 90}) == (60, "default")


def agent(
    n: int,
    *,
    skills: tuple[str, ...] = (),
    languages: tuple[str, ...] = (),
    load: int = 0,
    last: datetime | None = None,
) -> Agent:
    return Agent(n, f"a{n}", skills, languages, last, load)


def test_round_robin_picks_who_waited_longest_among_those_who_can() -> None:
    agents = [
        agent(1, skills=("billing",), last=at(2026, 9, 1, 10, 0)),
        agent(2, skills=("billing",), last=at(2026, 9, 1, 9, 0)),
        agent(3, last=None),  # never assigned, but lacks the skill
        agent(4, skills=("billing",), languages=("fr",)),  # never assigned, but speaks French only
    ]
    chosen = pick(agents, "round_robin", "billing", "de-AT")
    assert chosen is not None and chosen.id == 2
    assert pick(agents, "round_robin", None, "fr")
    assert pick(agents, "none", None, None) is None
    assert pick(agents, "round_robin", "welding", None) is None


def test_least_loaded_picks_the_fewest_open_conversations() -> None:
    agents = [agent(1, load=3), agent(2, load=1), agent(3, load=1, last=at(2026, 9, 1, 9, 0))]
    chosen = pick(agents, "least_loaded", None, None)
    assert chosen is not None and chosen.id == 2  # tie on load: never assigned before waits longest


def test_value_tiers_segments_and_influence() -> None:
    totals = ValueThresholds(tuple(Decimal(v) for v in (10, 20, 30, 40, 50, 60, 70, 80, 90, 100)))
    assert totals.tier(Decimal(100), 1) == "high" and totals.tier(Decimal(90), 1) == "high"
    assert totals.tier(Decimal(50), 2) == "medium" and totals.tier(Decimal(10), 1) == "low"
    assert totals.tier(Decimal(0), 0) == "none"
    assert segment_of("high", 1, 0) == "vip" and segment_of("low", 3, 0) == "loyal"
    assert segment_of("none", 0, 7) == "engaged" and segment_of("none", 0, 1) == "prospect"
    assert (influence_of(10_000), influence_of(999), influence_of(1_000)) == ("high", "low", "medium")


def test_a_document_prepared_once_matches_every_rule_exactly_like_a_fresh_match() -> None:
    from kith.enrichment.query.matcher import Prepared

    conditions = [
        "akku*",
        '"akku kaputt"',
        "akku NEAR/2 kaputt",
        "#ebike OR @nordlicht",
        "NOT akku",
        "kaputt AND lang:de",
    ]
    queries = [compile_condition(c) for c in conditions]
    for text in ("Mein Akku ist kaputt #ebike", "Akku kaputt @nordlicht", "Alles gut", "AKKU, kaputt!"):
        document = doc(text, lang="de", hashtags=("ebike",) if "#" in text else ())
        prepared = Prepared(document)
        assert [q.match_prepared(prepared) for q in queries] == [q.match(document) for q in queries]
