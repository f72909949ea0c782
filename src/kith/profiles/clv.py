"""Customer lifetime value: BG/NBD (how many more purchases, and is the customer still "alive") plus
Gamma-Gamma (how much per purchase), fitted by maximum likelihood. No database here.

Why our own implementation: ``lifetimes`` is unmaintained (last release 2020) and ``btyd`` never left
beta (2022); ``pymc-marketing`` pulls in a whole probabilistic-programming stack. Both models are a
closed-form log-likelihood each, so a few vectorised lines with ``scipy.optimize`` are enough — and they
are tested against the published CDNOW results (Fader, Hardie & Lee 2005, "Counting your customers the
easy way"; Fader & Hardie 2013, "The Gamma-Gamma model of monetary value").

Inputs are per customer, in weeks: ``frequency`` = repeat purchases (distinct purchase days less one),
``recency`` = weeks from the first to the last purchase, ``age`` (the papers' T) = weeks from the first
purchase to the end of the observation, ``monetary`` = mean value of the repeat purchases.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize
from scipy.special import gammaln, hyp2f1

Floats = NDArray[np.float64]


class FitError(ValueError):
    """The data cannot support a fit (too few customers, or no repeat purchases at all)."""


@dataclass(frozen=True)
class BgNbd:
    """BG/NBD parameters: purchase rates ~ Gamma(r, alpha), dropout probabilities ~ Beta(a, b)."""

    r: float
    alpha: float
    a: float
    b: float
    customers: int
    log_likelihood: float

    def p_alive(self, frequency: float, recency: float, age: float) -> float:
        """Probability that a customer with this history has not dropped out (1 without repeat purchases)."""
        if frequency == 0:
            return 1.0
        odds = (self.a / (self.b + frequency - 1)) * ((self.alpha + age) / (self.alpha + recency)) ** (
            self.r + frequency
        )
        return float(1.0 / (1.0 + odds))

    def expected_purchases_new(self, horizon: float) -> float:
        """Expected purchases of a just-acquired customer in ``horizon`` weeks (the paper's equation 7)."""
        r, alpha, a, b = self.r, self.alpha, self.a, self.b
        hyper = hyp2f1(r, b, a + b - 1, horizon / (alpha + horizon))
        return float((a + b - 1) / (a - 1) * (1 - (alpha / (alpha + horizon)) ** r * hyper))

    def expected_purchases(self, horizon: float, frequency: float, recency: float, age: float) -> float:
        """Expected purchases in the next ``horizon`` weeks given the history (the paper's equation 10)."""
        r, alpha, a, b, x = self.r, self.alpha, self.a, self.b, frequency
        ratio = (alpha + age) / (alpha + age + horizon)
        hyper = hyp2f1(r + x, b + x, a + b + x - 1, horizon / (alpha + age + horizon))
        numerator = (a + b + x - 1) / (a - 1) * (1 - ratio ** (r + x) * hyper)
        return float(numerator * self.p_alive(frequency, recency, age))


@dataclass(frozen=True)
class GammaGamma:
    """Gamma-Gamma parameters of spend per transaction: shape p, and the scale's Gamma(q, gamma)."""

    p: float
    q: float
    gamma: float
    customers: int
    log_likelihood: float

    @property
    def population_mean(self) -> float:
        """Mean spend per transaction across customers (infinite when q <= 1)."""
        return self.p * self.gamma / (self.q - 1) if self.q > 1 else float("inf")

    def expected_spend(self, frequency: float, monetary: float) -> float:
        """Expected value of a customer's purchases: their own mean shrunk towards the population's."""
        if frequency == 0:
            return self.population_mean
        return self.p * (self.gamma + frequency * monetary) / (self.p * frequency + self.q - 1)


def _arrays(*columns: Sequence[float]) -> tuple[Floats, ...]:
    return tuple(np.asarray(column, dtype=np.float64) for column in columns)


def bgnbd_log_likelihood(params: Floats, x: Floats, t_x: Floats, age: Floats) -> float:
    """Total log-likelihood of (r, alpha, a, b) — the paper's equation 6, summed over customers."""
    r, alpha, a, b = params
    part_1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    part_2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
    part_3 = -(r + x) * np.log(alpha + age)
    repeat = x > 0
    part_4 = np.full_like(x, -np.inf)
    part_4[repeat] = np.log(a) - np.log(b + x[repeat] - 1) - (r + x[repeat]) * np.log(alpha + t_x[repeat])
    return float(np.sum(part_1 + part_2 + np.logaddexp(part_3, part_4)))


def gamma_gamma_log_likelihood(params: Floats, x: Floats, zbar: Floats) -> float:
    """Total log-likelihood of (p, q, gamma) over customers with repeat purchases (x > 0, zbar > 0)."""
    p, q, gamma = params
    px = p * x
    terms = (
        gammaln(px + q)
        - gammaln(px)
        - gammaln(q)
        + q * np.log(gamma)
        + (px - 1) * np.log(zbar)
        + px * np.log(x)
        - (px + q) * np.log(gamma + x * zbar)
    )
    return float(np.sum(terms))


LOG_BOUND = 12.0  # parameters stay within e^-12 .. e^12: a boundary optimum (say, nobody ever drops out)
# is reached in a few hundred evaluations instead of drifting towards infinity


def _maximise(log_likelihood: Callable[..., float], start: Floats, args: tuple[Floats, ...]) -> tuple[Floats, float]:
    """Maximise over the logarithms of the parameters (so each stays positive) with bounded L-BFGS-B."""
    scale = max(1, len(args[0]))  # the mean per customer keeps the gradient's size independent of the data

    def negative(log_params: Floats) -> float:
        value = log_likelihood(np.exp(log_params), *args)
        return -value / scale if np.isfinite(value) else 1e300

    bounds = [(-LOG_BOUND, LOG_BOUND)] * len(start)
    result = minimize(negative, np.log(start), method="L-BFGS-B", bounds=bounds, options={"ftol": 1e-13, "gtol": 1e-9})
    return np.exp(result.x), -float(result.fun) * scale


MIN_CUSTOMERS = 20  # below this the population parameters are mostly prior guesswork
MIN_REPEAT_CUSTOMERS = 10  # Gamma-Gamma learns only from customers with repeat purchases


def fit_bgnbd(
    frequency: Sequence[float], recency: Sequence[float], age: Sequence[float], *, min_customers: int = MIN_CUSTOMERS
) -> BgNbd:
    """Maximum-likelihood BG/NBD over all customers (those without repeat purchases included)."""
    x, t_x, big_t = _arrays(frequency, recency, age)
    if len(x) < min_customers:
        raise FitError(f"{len(x)} customers; the BG/NBD fit needs at least {min_customers}")
    if not np.any(x > 0):
        raise FitError("no customer has a repeat purchase yet")
    params, ll = _maximise(bgnbd_log_likelihood, np.ones(4), (x, t_x, big_t))
    r, alpha, a, b = (float(v) for v in params)
    return BgNbd(r=r, alpha=alpha, a=a, b=b, customers=len(x), log_likelihood=ll)


def fit_gamma_gamma(
    frequency: Sequence[float], monetary: Sequence[float], *, min_customers: int = MIN_REPEAT_CUSTOMERS
) -> GammaGamma:
    """Maximum-likelihood Gamma-Gamma over the customers with repeat purchases and a positive spend."""
    x, zbar = _arrays(frequency, monetary)
    keep = (x > 0) & (zbar > 0)
    x, zbar = x[keep], zbar[keep]
    if len(x) < min_customers:
        raise FitError(f"{len(x)} repeat customers; the Gamma-Gamma fit needs at least {min_customers}")
    params, ll = _maximise(gamma_gamma_log_likelihood, np.ones(3), (x, zbar))
    p, q, gamma = (float(v) for v in params)
    return GammaGamma(p=p, q=q, gamma=gamma, customers=len(x), log_likelihood=ll)
