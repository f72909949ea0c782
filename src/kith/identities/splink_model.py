"""The Splink model for customer lists: comparisons and blocking chosen from the fields a list has.

No per-list tuning: every list gets the same recipe, and the parameters are learnt from the list itself.
  * u-probabilities (how often two *different* people agree by chance) from random pairs;
  * m-probabilities (how often the *same* person's records agree) by expectation maximisation, in two
    sessions that block on disjoint fields (names / not names) so that every comparison is estimated once;
  * the prior (share of pairs that match) from high-precision exact rules with an assumed recall.

Blocking for prediction OR-s several two-field rules: a duplicate with a typo in one field is still found
through a rule on two others. Rules stay two-field (or one high-cardinality field) so that a million
records stay millions of pairs, not billions. The same settings run unchanged on Splink's Spark backend.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from copy import deepcopy
from typing import Any

import splink.comparison_library as cl
from splink import Linker, SettingsCreator, block_on
from splink.blocking_rule_library import CustomRule
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.comparison_creator import ComparisonCreator
from splink.internals.exceptions import EMTrainingException

from kith.identities.columns import FIELDS, Dialect

NAME_FIELDS = frozenset({"first_name", "surname", "full_name"})

# Prediction blocking rules, each used when all its fields are present. Two-field rules survive a typo in
# any other field; the single-field ones are identifiers with (nearly) one value per person.
BLOCKING: tuple[tuple[str, ...], ...] = (
    ("first_name", "surname"),
    ("surname", "dob"),
    ("first_name", "dob"),
    ("full_name", "dob"),
    ("full_name", "postcode"),
    ("dob", "postcode"),
    ("dob", "city"),
    ("surname", "postcode"),
    ("first_name", "postcode"),
    ("postcode", "street"),
    ("street", "street_number"),
    ("dob", "street_number"),
    ("postcode", "street_number"),
    ("email",),
    ("phone",),
    ("ssn",),
)
# High-precision rules for the prior (a pair agreeing on all of a rule's fields is almost surely a match).
DETERMINISTIC: tuple[tuple[str, ...], ...] = (
    ("first_name", "surname", "dob"),
    ("full_name", "dob"),
    ("email",),
    ("ssn",),
)
ASSUMED_RECALL = 0.7  # share of true matches the deterministic rules catch; Splink's documented default
U_MAX_PAIRS = 5e6  # random pairs for u: ample for ~10 comparisons, a few seconds in DuckDB
EM_MAX_PAIRS = 2e6  # cap per EM session so a million-record list trains as fast as a small one
SEED = 42  # u sampling is random; a fixed seed makes a run reproducible


def _name_fields(present: frozenset[str]) -> list[str]:
    """first_name/surname when either is present; full_name only as a fallback (else evidence counts twice)."""
    split: list[str] = [f for f in ("first_name", "surname") if f in present]
    return split or (["full_name"] if "full_name" in present else [])


def model_fields(present: frozenset[str]) -> frozenset[str]:
    """The fields the model compares: all present ones, less full_name when split names exist."""
    names = set(_name_fields(present))
    return frozenset((present - NAME_FIELDS) | names)


DOB_FORMAT: dict[Dialect, str] = {"duckdb": "%Y%m%d", "spark": "yyyyMMdd"}  # columns.py writes dob as YYYYMMDD

_COMPARISONS: dict[str, Callable[[str], ComparisonCreator]] = {
    "first_name": lambda f: cl.NameComparison(f),
    "surname": lambda f: cl.NameComparison(f),
    "full_name": lambda f: cl.NameComparison(f),
    # Not Splink's EmailComparison: its "same user name at another provider" level agrees for namesakes
    # (john.smith@gmail / john.smith@yahoo), which EM then mistakes for identity on large lists.
    "email": lambda f: cl.LevenshteinAtThresholds(f, [1, 2]),
    "phone": lambda f: cl.ExactMatch(f),
    "ssn": lambda f: cl.LevenshteinAtThresholds(f, [1, 2]),
    "street_number": lambda f: cl.ExactMatch(f),
    "street": lambda f: cl.JaroWinklerAtThresholds(f, [0.9, 0.7]),
    "address_2": lambda f: cl.JaroWinklerAtThresholds(f, [0.9, 0.7]),
    "city": lambda f: cl.JaroWinklerAtThresholds(f, [0.9]),
    "postcode": lambda f: cl.LevenshteinAtThresholds(f, [1]),
    "state": lambda f: cl.ExactMatch(f),
}


def comparisons(fields: frozenset[str], dialect: Dialect = "duckdb") -> list[ComparisonCreator | dict[str, Any]]:
    def make(field: str) -> ComparisonCreator:
        if field == "dob":
            return cl.DateOfBirthComparison(
                field, input_is_string=True, datetime_format=DOB_FORMAT[dialect], invalid_dates_as_null=False
            )
        return _COMPARISONS[field](field)

    return [make(f) for f in FIELDS if f in fields]


def _rules(candidates: Sequence[tuple[str, ...]], fields: frozenset[str]) -> list[BlockingRuleCreator]:
    return [block_on(*rule) for rule in candidates if set(rule) <= fields]


# Given name and surname swapped is a common entry error (and one FEBRL simulates): still an equi-join.
SWAPPED_NAMES = "l.first_name = r.surname AND l.surname = r.first_name"


def blocking_rules(fields: frozenset[str]) -> list[BlockingRuleCreator | dict[str, Any]]:
    """Prediction rules for these fields; a list with only one matchable field blocks on that field."""
    rules: list[BlockingRuleCreator | dict[str, Any]] = list(_rules(BLOCKING, fields))
    if {"first_name", "surname"} <= fields:
        rules.append(CustomRule(SWAPPED_NAMES))
    return rules or [block_on(f) for f in sorted(fields)]


def training_rules(fields: frozenset[str]) -> list[BlockingRuleCreator]:
    """Two EM blocking rules: one on names (trains everything else), one on a non-name field (trains names).

    A rule on every compared field would leave nothing to estimate, so it is not used.
    """
    names = _name_fields(fields)
    others = [f for f in ("dob", "email", "phone", "ssn", "postcode", "city") if f in fields]
    rules: list[BlockingRuleCreator] = []
    if names and set(names) != fields:
        rules.append(block_on(*names))
    if others:
        rules.append(block_on(others[0]))
    if len(rules) < 2 and len(others) > 1:
        rules.append(block_on(others[1]))
    return rules


def settings(fields: frozenset[str], dialect: Dialect = "duckdb") -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=comparisons(fields, dialect),
        blocking_rules_to_generate_predictions=blocking_rules(fields),
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )


def _estimate_prior(linker: Linker, deterministic: list[Any]) -> None:
    """Prior from exact rules; a list too small for them to find anything keeps Splink's default of 1e-4."""
    settings_obj = linker._settings_obj  # Splink exposes no getter for the trained prior
    default = settings_obj._probability_two_random_records_match
    try:
        linker.training.estimate_probability_two_random_records_match(deterministic, recall=ASSUMED_RECALL)
    except ValueError:  # more exact matches than the assumed recall allows: a list of near-copies
        settings_obj._probability_two_random_records_match = default
    if not 0 < settings_obj._probability_two_random_records_match < 1:
        settings_obj._probability_two_random_records_match = default


def train(linker: Linker, fields: frozenset[str], on_stage: Callable[[str], None] = lambda _: None) -> None:
    """Estimate the prior, u and m from the data itself (unsupervised).

    A small batch may give an EM session no pairs at all; its comparisons then keep Splink's default
    m-probabilities rather than failing the whole run.
    """
    deterministic: list[Any] = _rules(DETERMINISTIC, fields)
    if deterministic:
        on_stage("estimating the share of matching pairs")
        _estimate_prior(linker, deterministic)
    on_stage("estimating u-probabilities from random pairs")
    linker.training.estimate_u_using_random_sampling(max_pairs=U_MAX_PAIRS, seed=SEED)
    for rule in training_rules(fields):
        on_stage("estimating m-probabilities (expectation maximisation)")
        # Splink 5 drops the blocked comparisons from the linker's own settings when a session starts and
        # puts them back only when it succeeds; keep a copy to restore if this list gives the rule no pairs.
        saved = deepcopy(linker._settings_obj.core_model_settings)
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(rule, max_pairs=EM_MAX_PAIRS)
        except EMTrainingException:
            linker._settings_obj.core_model_settings = saved
