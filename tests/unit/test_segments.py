"""Segment definitions (parse errors with positions, evaluation) and the audience gap figures, by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kith.profiles.audience import breakdown, shares, total_variation
from kith.profiles.charts import grouped_bars
from kith.profiles.customer_facts import CustomerFacts, region_of
from kith.profiles.segment_rules import QuerySyntaxError, compile_definition
from kith.profiles.segments import slugify


def facts(**changes: object) -> CustomerFacts:
    base: dict[str, object] = {
        "subject": "identity:1",
        "person_id": None,
        "identity_ids": (1,),
        "public_id": "a" * 32,
        "name": "Ana",
        "channels": frozenset({"instagram"}),
        "original_posts": 9,
        "tier": "creator",
        "stage": "creation",
        "interactions": 12,
        "orders": 4,
        "monetary": Decimal("1200"),
        "value": "high",
        "segment": "vip",
        "followers": 1500,
        "influence": "medium",
        "wtp": "high",
        "clv": Decimal("250.5"),
        "products": ("Aurora 500", "NL-EB-500"),
        "categories": ("E-Bikes",),
        "country": "DE",
        "city": "Berlin",
    }
    base.update(changes)
    return CustomerFacts(**base)  # type: ignore[arg-type]


FULL = (
    "tier:creator AND value:high AND channel:instagram AND stage:creation AND wtp:high "
    "AND clv:>=200 AND country:DE AND product:aurora*"
)


@pytest.mark.parametrize(
    ("definition", "matches"),
    [
        (FULL, True),
        ("clv:>=251", False),
        ("clv:<251 AND orders:4", True),
        ("value:>=1200 AND influence:>=1000", True),
        ("influence:high OR city:Ber*", True),
        ("NOT channel:instagram", False),
        ("product:NL-EB-* AND category:e-bikes", True),
        ("(tier:lurker OR stage:creation) AND NOT country:AT", True),
        ("segment:vip", True),
    ],
)
def test_definitions_evaluate_over_facts(definition: str, matches: bool) -> None:
    assert compile_definition(definition)(facts()) is matches


def test_unknown_values_never_match_comparisons() -> None:
    assert not compile_definition("clv:>=0")(facts(clv=None))
    assert not compile_definition("country:*")(facts(country=None))
    assert compile_definition("NOT country:DE")(facts(country=None))


@pytest.mark.parametrize(
    ("definition", "column", "words"),
    [
        ("clv>=200", 1, "write clv:>=200"),
        ("tier:creator AND bikes", 18, "is a word"),
        ("tier:boss", 1, "takes one of creator, contributor, lurker"),
        ("value:lots", 1, "or a comparison such as value:>=1000"),
        ("tier:creator AND author:ana", 18, "listening field"),
        ("tier:creator AND colour:red", 18, "unknown field colour:"),
        ('"aurora bike"', 1, "text search"),
        ("tier:creator AND (stage:creation", 18, "unbalanced parenthesis"),
        ("segment:nobody", 1, "neither a built-in class"),
    ],
)
def test_errors_name_the_column_and_say_what_to_write(definition: str, column: int, words: str) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        compile_definition(definition)
    assert caught.value.column == column
    assert words in str(caught.value)


def test_saved_segments_nest_but_never_refer_back_to_themselves() -> None:
    saved = {
        "de": "country:DE",
        "big-de": "segment:de AND value:high",
        "loop": "segment:loop2",
        "loop2": "segment:loop",
    }
    nested = compile_definition("segment:big-de AND tier:creator", saved.get)
    assert nested(facts()) and not nested(facts(country="AT"))
    assert nested.uses == ("big-de", "de")
    with pytest.raises(QuerySyntaxError, match="refers back to itself"):
        compile_definition("segment:loop", saved.get, ("loop",))


def test_gap_figures_on_a_hand_computed_example() -> None:
    # customers: 2 DE, 2 AT; online: 3 DE, 1 unknown; panel: 1 AT
    got = breakdown(
        "country",
        "Country",
        {"online": ["DE", "DE", "DE", None], "customers": ["DE", "DE", "AT", "AT"], "panel": ["AT"]},
        order=("DE", "AT"),
    )
    de, at = got.rows
    assert de.shares == {"online": 1.0, "customers": 0.5, "panel": 0.0}
    assert de.gaps == {"online": pytest.approx(50.0), "panel": pytest.approx(-50.0)}
    assert de.index["online"] == pytest.approx(200.0) and at.index["panel"] == pytest.approx(200.0)
    assert got.distance == {"online": pytest.approx(0.5), "panel": pytest.approx(0.5)}
    assert got.known == {"online": 3, "customers": 4, "panel": 1}
    assert got.sizes == {"online": 4, "customers": 4, "panel": 1}


def test_total_variation_and_shares() -> None:
    assert shares({"a": 1, "b": 3}) == {"a": 0.25, "b": 0.75}
    assert shares({"a": 0}) == {"a": 0.0}
    assert total_variation({"a": 1.0}, {"b": 1.0}) == 1.0
    assert total_variation({"a": 0.25, "b": 0.75}, {"a": 0.5, "b": 0.5}) == pytest.approx(0.25)


def test_places_beyond_the_top_are_other_and_no_reference_means_no_gap() -> None:
    cities = [f"c{i}" for i in range(10)]
    got = breakdown("city", "City", {"online": cities, "customers": [], "panel": []})
    assert [r.category for r in got.rows][-1] == "other" and got.rows[-1].counts["online"] == 2
    assert got.distance == {"online": None, "panel": None}
    assert all(r.gaps["online"] is None for r in got.rows)


def test_bar_geometry_is_proportional() -> None:
    chart = grouped_bars(["DE", "AT"], ["online", "customers"], [[1.0, 0.5], [0.0, 0.25]])
    full, half = chart.groups[0].bars
    assert half.width == pytest.approx(full.width / 2) and full.label == "100%"
    assert chart.groups[1].bars[0].width == 0 and chart.groups[1].bars[0].y > half.y


def test_region_and_slugs() -> None:
    assert region_of({"country": "DE", "city": "Kiel"}) == ("DE", "Kiel")
    assert region_of({"location": "Wien "}) == (None, "Wien")
    assert slugify("Große Käufer (DE) ") == "grosse-kaufer-de"
