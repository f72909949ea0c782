"""Fellegi-Sunter scoring of compared profiles: each field's level weighs log2(m/u), summed with a prior.

Why this model: every figure is explainable to a reviewer ("the handles are the same apart from digits:
about 2^9 times likelier among true matches than among random pairs"), it needs no labelled data at the
installation, and it is the model Splink uses for customer records, so both matchers read alike.

* ``m`` — how often a level occurs among true matches — cannot be learned from unlabelled social data
  (EM on a few hundred profiles with mostly missing fields is unstable), so it is shipped: fitted once on
  the demo story's truth (``benchmarks/social_match.py --fit`` prints the table) and rounded.
* ``u`` — how often a level occurs among *random* pairs — is measured on each installation's own
  profiles at every run by sampling random pairs (like Splink's ``estimate_u_using_random_sampling``):
  a first name shared by a tenth of the customers weighs less there than in a more varied base.
* reviewers' decisions feed back: the pairs people accepted are true matches, so their levels re-estimate
  ``m`` (``m_from_decisions``), blended with the shipped table as a prior worth ``M_PRIOR_WEIGHT``
  decisions — a handful of accepts nudges it, hundreds outweigh it. Rejected pairs are never suggested
  again; they are near misses, not random pairs, so they do not touch ``u``.
* the prior is the chance that a random pair is one person: ``EXPECTED_PARTNERS`` true partners per
  profile among all profiles of the other side.

Fields are assumed independent, which they are not quite (a handle built from the name agrees with the
name), so probabilities are somewhat over-confident; the threshold was chosen on the demo truth.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from kith.identities.social_compare import Levels

EXPECTED_PARTNERS = 1.2  # true partners a profile has, on average, among all others (demo truth: 1.2)
MIN_U = 1e-4  # a level never seen among random pairs: rare, but not impossible
SAMPLE_PAIRS = 20000  # random pairs of each kind (profile-record, profile-profile) compared to measure u
SMOOTHING = 1.0  # added to every level count when measuring u (Laplace)

# m: P(level | same person, field comparable). Fitted on the demo story's truth, rounded; see module doc.
M: dict[str, dict[str, float]] = {
    "name": {
        "exact": 0.66,
        "nickname": 0.03,  # not in the demo (it uses no short forms): set by hand, small
        "initial": 0.19,
        "first_only": 0.11,
        "fuzzy": 0.005,
        "different": 0.005,
    },
    "handle": {"same": 0.78, "same_letters": 0.2, "similar": 0.015, "different": 0.005},
    "handle_name": {"full_name": 0.55, "surname": 0.07, "given_name": 0.3, "none": 0.08},
    "email": {"equal": 0.97, "different": 0.03},
    "link": {"links_to_other": 0.6, "same_site": 0.4},  # not in the demo: set by hand
    "location": {"equal": 0.95, "different": 0.05},
    "shared_links": {"yes": 0.3, "no": 0.7},  # not in the demo: set by hand
    "co_occurring": {"yes": 0.02, "no": 0.98},
}
# u defaults: measured on the demo (about 1,200 profiles), rounded; used where an installation has too few
# comparable random pairs to measure a field itself (a small list, or links that hardly anyone posts).
U_DEFAULT: dict[str, dict[str, float]] = {
    "name": {
        "exact": 0.0005,
        "nickname": 0.0002,
        "initial": 0.0003,
        "first_only": 0.0035,
        "fuzzy": 0.0002,
        "different": 0.995,
    },
    "handle": {"same": 0.0003, "same_letters": 0.0003, "similar": 0.0004, "different": 0.998},
    "handle_name": {"full_name": 0.0002, "surname": 0.006, "given_name": 0.009, "none": 0.985},
    "email": {"equal": 0.0005, "different": 0.9995},
    "link": {"links_to_other": 0.0005, "same_site": 0.01},
    "location": {"equal": 0.05, "different": 0.95},
    "shared_links": {"yes": 0.02, "no": 0.98},
    "co_occurring": {"yes": 0.003, "no": 0.997},
}
# An address or a profile link belongs to one person: two strangers agree on it by mistake (a shared
# family address) so rarely that a sample of a few thousand pairs cannot measure it; u stays fixed.
FIXED_U = {("email", "equal"), ("link", "links_to_other")}
MIN_COMPARABLE = 30  # random pairs that must be comparable on a field before its u is measured
M_PRIOR_WEIGHT = 20.0  # the shipped m counts as this many accepted pairs when blended with reviewers' accepts


@dataclass(frozen=True)
class Model:
    m: dict[str, dict[str, float]]
    u: dict[str, dict[str, float]]
    prior_log2: float  # log2 of the prior odds

    def weight(self, field_name: str, level: str) -> float:
        """log2(m/u); 0 (no evidence either way) for a level with neither a measured nor a default u."""
        m = self.m.get(field_name, {}).get(level, MIN_U)
        measured = None if (field_name, level) in FIXED_U else self.u.get(field_name, {}).get(level)
        u = measured or U_DEFAULT.get(field_name, {}).get(level)
        return 0.0 if u is None else math.log2(max(m, MIN_U) / max(u, MIN_U))

    def score(self, levels: Levels) -> tuple[float, dict[str, float]]:
        """(probability, log2 weight of each field) of one compared pair."""
        weights = {name: self.weight(name, level) for name, level in levels.items()}
        total = self.prior_log2 + sum(weights.values())
        return 1.0 / (1.0 + 2.0 ** (-total)), weights


def prior(profiles: int) -> float:
    """The chance that a random pair of ``profiles`` is one person."""
    return min(EXPECTED_PARTNERS / max(profiles, 1), 0.5)


def prior_log2(profiles: int) -> float:
    """Log2 prior odds that a random pair is one person."""
    p = prior(profiles)
    return math.log2(p / (1 - p))


def estimate_u(
    pairs: Sequence[tuple[int, int]], compare_pair: Callable[[int, int], Levels], prior: float = 0.0
) -> dict[str, dict[str, float]]:
    """u per field and level from random pairs, corrected for the few true matches among them.

    A random pair is one person with probability ``prior``, so a level's observed frequency is
    ``prior * m + (1 - prior) * u``; solving for u keeps a rare agreement (the same handle on two
    networks) from looking common only because the sample caught some real matches.
    """
    counts: dict[str, Counter[str]] = {name: Counter() for name in M}
    for a, b in pairs:
        for name, level in compare_pair(a, b).items():
            counts.setdefault(name, Counter())[level] += 1
    u: dict[str, dict[str, float]] = {}
    for name, levels in M.items():
        seen = counts.get(name, Counter())
        comparable = sum(seen.values())
        if comparable < MIN_COMPARABLE:
            continue
        total = comparable + SMOOTHING * len(levels)
        observed = {level: (seen[level] + SMOOTHING) / total for level in levels}
        u[name] = {level: max((freq - prior * levels[level]) / (1 - prior), MIN_U) for level, freq in observed.items()}
    return u


def m_from_decisions(
    accepted: Sequence[Levels], shipped: dict[str, dict[str, float]] = M
) -> dict[str, dict[str, float]]:
    """m re-estimated from the levels of pairs reviewers accepted (the shipped m as a Dirichlet prior).

    For each field, only accepted pairs where the field was comparable count (a missing value says
    nothing): ``m = (count(level) + w * shipped) / (comparable + w)`` with ``w = M_PRIOR_WEIGHT``.
    """
    if not accepted:
        return shipped
    learned: dict[str, dict[str, float]] = {}
    for name, levels in shipped.items():
        seen = Counter(pair[name] for pair in accepted if name in pair)
        comparable = sum(seen[level] for level in levels)
        total = comparable + M_PRIOR_WEIGHT
        learned[name] = {level: (seen[level] + M_PRIOR_WEIGHT * m) / total for level, m in levels.items()}
    return learned


def random_pairs(
    left: Sequence[int], right: Sequence[int], rng: random.Random, n: int = SAMPLE_PAIRS
) -> list[tuple[int, int]]:
    """Up to ``n`` random (left, right) index pairs, never an index with itself."""
    if not left or not right:
        return []
    pairs = []
    for _ in range(n):
        a, b = rng.choice(left), rng.choice(right)
        if a != b:
            pairs.append((a, b))
    return pairs
