"""BG/NBD and Gamma-Gamma against the published CDNOW results, and parameter recovery on simulated data.

The fixture ``tests/fixtures/clv/cdnow_sample_summary.csv`` is the CDNOW sample (2,357 customers, 39
weeks; columns x, t_x, T, zbar) as distributed by Bruce Hardie with the papers and shipped with the
``lifetimes`` package. Published figures: Fader, Hardie & Lee (2005), "Counting your customers the easy
way" — r=0.243, alpha=4.414, a=0.793, b=2.426, LL=-9582.4, E[Y(39) | x=2, t_x=30.43, T=38.86] = 1.226 and
the cumulative E[X(t)] of their Excel sheet; Fader & Hardie (2013), "The Gamma-Gamma model of monetary
value" — p=6.25, q=3.74, gamma=15.44 on the 946 repeat customers.
"""

from __future__ import annotations

import csv

import numpy as np
import pytest

from kith.profiles.clv import BgNbd, FitError, fit_bgnbd, fit_gamma_gamma
from tests.conftest import FIXTURES

CDNOW = FIXTURES / "clv" / "cdnow_sample_summary.csv"
PUBLISHED = BgNbd(r=0.243, alpha=4.414, a=0.793, b=2.426, customers=2357, log_likelihood=-9582.4)


@pytest.fixture(scope="module")
def cdnow() -> dict[str, list[float]]:
    with CDNOW.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 2357
    return {column: [float(row[column]) for row in rows] for column in ("x", "t_x", "T", "zbar")}


def test_bgnbd_fit_matches_the_published_cdnow_parameters(cdnow: dict[str, list[float]]) -> None:
    model = fit_bgnbd(cdnow["x"], cdnow["t_x"], cdnow["T"])
    assert model.customers == 2357
    assert model.r == pytest.approx(0.243, abs=1e-3)
    assert model.alpha == pytest.approx(4.414, abs=1e-3)
    assert model.a == pytest.approx(0.793, abs=1e-3)
    assert model.b == pytest.approx(2.426, abs=1e-3)
    assert model.log_likelihood == pytest.approx(-9582.4, abs=0.1)
    # the paper's worked example: customer with 2 repeat purchases, last at 30.43 of 38.86 weeks
    assert model.expected_purchases(39, 2, 30.43, 38.86) == pytest.approx(1.226, abs=1e-3)


def test_published_cumulative_expectations_of_a_new_customer(cdnow: dict[str, list[float]]) -> None:
    model = fit_bgnbd(cdnow["x"], cdnow["t_x"], cdnow["T"])  # full precision, as in the sheet
    times = [0.1429, 1.0, 3.0, 31.8571, 32.0, 78.0]
    expected = [0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576]  # Hardie's Excel sheet
    assert [model.expected_purchases_new(t) for t in times] == pytest.approx(expected, abs=1e-3)


def test_p_alive_behaves() -> None:
    assert PUBLISHED.p_alive(0, 0, 38.86) == 1.0  # nobody without a repeat purchase has been seen to leave
    recent, lapsed = PUBLISHED.p_alive(6, 38.0, 38.86), PUBLISHED.p_alive(6, 10.0, 38.86)
    assert 0.85 < recent <= 1.0 and lapsed < 0.05  # same count, long silence: probably gone


def test_gamma_gamma_fit_matches_the_published_cdnow_parameters(cdnow: dict[str, list[float]]) -> None:
    model = fit_gamma_gamma(cdnow["x"], cdnow["zbar"])
    assert model.customers == 946
    assert (model.p, model.q, model.gamma) == pytest.approx((6.25, 3.74, 15.44), abs=0.01)
    assert model.population_mean == pytest.approx(6.25 * 15.44 / 2.74, rel=1e-2)
    # shrinkage: a heavy spender's expectation lies between their own mean and the population's
    spend = model.expected_spend(1, 200.0)
    assert model.population_mean < spend < 200.0
    assert model.expected_spend(0, 0.0) == model.population_mean


def simulate(model: BgNbd, customers: int, weeks: float, rng: np.random.Generator) -> tuple[list[float], ...]:
    """Draw histories from the BG/NBD story: Poisson purchases at rate lambda until a coin says "gone"."""
    frequency, recency, age = [], [], []
    for _ in range(customers):
        rate = rng.gamma(model.r, 1 / model.alpha)
        dropout = rng.beta(model.a, model.b)
        t, last, count = 0.0, 0.0, 0
        while True:
            t += rng.exponential(1 / rate) if rate > 0 else weeks + 1
            if t > weeks:
                break
            count, last = count + 1, t
            if rng.random() < dropout:
                break
        frequency.append(float(count))
        recency.append(last)
        age.append(weeks)
    return frequency, recency, age


def test_parameters_are_recovered_from_simulated_customers() -> None:
    truth = BgNbd(r=0.5, alpha=6.0, a=0.8, b=3.0, customers=0, log_likelihood=0.0)
    frequency, recency, age = simulate(truth, 4000, 52.0, np.random.default_rng(7))
    fitted = fit_bgnbd(frequency, recency, age)
    assert fitted.r == pytest.approx(truth.r, rel=0.15)
    assert fitted.alpha == pytest.approx(truth.alpha, rel=0.2)
    assert fitted.a == pytest.approx(truth.a, rel=0.35)
    assert fitted.b == pytest.approx(truth.b, rel=0.45)


def test_too_little_data_is_refused() -> None:
    with pytest.raises(FitError, match="at least 20"):
        fit_bgnbd([1.0] * 5, [2.0] * 5, [10.0] * 5)
    with pytest.raises(FitError, match="no customer has a repeat purchase"):
        fit_bgnbd([0.0] * 30, [0.0] * 30, [10.0] * 30)
    with pytest.raises(FitError, match="repeat customers"):
        fit_gamma_gamma([0.0] * 30, [0.0] * 30)
