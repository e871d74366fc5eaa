"""Contact rhythm and liveness: how often a relationship makes contact, and whether it still does.

The model (``docs/model.md``, section 2), after the Pareto/NBD model of Schmittlein, Morrison &
Colombo (1987) with its dropout rate known. While a relationship lasts, its contact days come as
a Poisson process at a rate lambda of its own; it ends, unobserved, at the constant hazard
``mu = ln 2 / lapse_half_life_days``.

- lambda is not known, only estimated: its posterior is ``Gamma(a, b)`` with
  ``a = k + m`` contact intervals over ``b = k g0 + E`` days, k pseudo-intervals of
  ``g0 = reference_interval_days`` as the prior (k = ``gap_prior_weight``). m and E are the
  intervals between distinct contact days and their length, each decayed toward the last
  contact with the half-life ``half_life_days``, so that the rhythm follows a
  relationship that speeds up or slows down (trapezoid rule: the first and the last contact
  day count one half each);
- the typical gap is ``g = b / a`` (the gap of the mean rate), never below ``min_gap_days``;
- ``p_alive``: the probability that a relationship silent for s days since its last contact is
  still going, lambda integrated over its posterior;
- ``liveness``: the probability that it is still going *and* makes contact within the next
  ``liveness_horizon_days``: the number the audit ranks relationships by.

The integrals are computed by Gauss-Legendre quadrature after the substitution
``u = b (e^v - 1)``, under which the gamma mixture's ``(b / (b + u)) ** a`` becomes ``e^(-a v)``.

References
----------
Schmittlein, D. C., Morrison, D. G. & Colombo, R. (1987). Counting your customers: who are they
and what will they do next? *Management Science* 33(1), 1-24.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from graphdyn.config import Config

__all__ = ["QUADRATURE", "Rhythm", "p_alive", "p_contact_within", "rhythm"]

#: Gauss-Legendre nodes and weights on [-1, 1] for the mixture integrals (exact for smooth
#: integrands to far below the 1e-9 the tests hold them to); the packaged Cypher query
#: ``tie_strength`` integrates with the same rule.
QUADRATURE: tuple[np.ndarray, np.ndarray] = np.polynomial.legendre.leggauss(32)
_NODES, _WEIGHTS = QUADRATURE


@dataclass(frozen=True)
class Rhythm:
    """The posterior of a relationship's contact rate: ``lambda ~ Gamma(shape, rate)``.

    Parameters
    ----------
    shape : numpy.ndarray
        a: the prior's k pseudo-intervals plus the (decayed) intervals observed.
    rate : numpy.ndarray
        b: the prior's k g0 days plus the (decayed) days those intervals span, in days.

    Examples
    --------
    >>> Rhythm(np.array([4.0]), np.array([120.0])).typical_gap.tolist()
    [30.0]
    """

    shape: np.ndarray
    rate: np.ndarray

    @property
    def typical_gap(self) -> np.ndarray:
        """Return g = b / a: the gap between contacts at the posterior mean rate, in days."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.asarray(self.rate / self.shape, dtype=np.float64)


def rhythm(
    contact_days: np.ndarray,
    recent_contact_days: np.ndarray,
    span_days: np.ndarray,
    config: Config,
) -> Rhythm:
    """Rate posterior from distinct contact days.

    Parameters
    ----------
    contact_days : numpy.ndarray
        Distinct contact days (0: no contact yet).
    recent_contact_days : numpy.ndarray
        The same days decayed toward the last one with the half-life ``half_life_days``
        (:class:`~graphdyn.engine.sums.GroupSums`).
    span_days : numpy.ndarray
        Days from the first to the last contact day.
    config : Config
        k = ``gap_prior_weight``, g0 = ``reference_interval_days``, g_min = ``min_gap_days``
        and the half-life H = ``half_life_days``.

    Returns
    -------
    Rhythm
        NaN where there is no contact.

    Examples
    --------
    Contact every 30 days for a long time: the typical gap is about 30 days, and the evidence
    is bounded by the half-life (90 days: about four intervals' worth):

    >>> config = Config()
    >>> span = np.array([30.0 * 200])
    >>> recent = np.array([sum(2 ** (-30.0 * j / 90) for j in range(201))])
    >>> result = rhythm(np.array([201.0]), recent, span, config)
    >>> round(float(result.typical_gap[0]), 1), round(float(result.shape[0]), 2)
    (29.9, 5.35)

    One contact day: the prior alone, one contact every ``reference_interval_days``:

    >>> rhythm(np.array([1.0]), np.array([1.0]), np.array([0.0]), config).typical_gap.tolist()
    [30.0]
    """
    half_life = config.half_life_days
    seen = contact_days > 0
    with np.errstate(invalid="ignore", over="ignore"):
        first_weight = np.exp2(-span_days / half_life)
        intervals = np.maximum(recent_contact_days - (1.0 + first_weight) / 2.0, 0.0)
        exposure = half_life / math.log(2.0) * -np.expm1(-math.log(2.0) * span_days / half_life)
    k = config.gap_prior_weight
    shape = np.where(seen, k + intervals, np.nan)
    rate = np.where(seen, k * config.reference_interval_days + exposure, np.nan)
    # A rhythm faster than the floor is read as the floor: the mean rate is capped.
    with np.errstate(invalid="ignore"):
        rate = np.where(shape > 0, np.maximum(rate, shape * config.min_gap_days), rate)
    return Rhythm(shape=np.asarray(shape, np.float64), rate=np.asarray(rate, np.float64))


#: Rows integrated at a time: their nodes (rows x 32 numbers, 256 kB) stay in the CPU's cache
#: through the few operations on them, where a whole chunk's would go to memory and back after
#: each.
_ROW_BLOCK = 1024


def _mixture_integral(
    upper: np.ndarray, shape: np.ndarray, scale: np.ndarray, hazard: float, power: float
) -> np.ndarray:
    """``int_0^V exp(power * v) * exp(-a v) * exp(-hazard * scale * (e^v - 1)) dv`` per row.

    Examples
    --------
    With no hazard and ``power = a``, the integrand is 1: the integral is V.

    >>> upper = np.array([0.5, 2.0])
    >>> _mixture_integral(upper, np.full(2, 3.0), np.ones(2), 0.0, 3.0).round(12).tolist()
    [0.5, 2.0]
    """
    half = np.asarray(upper, dtype=np.float64) / 2.0
    shape, scale = np.asarray(shape, np.float64), np.asarray(scale, np.float64)
    out = np.empty(len(half))
    shifted = _NODES + 1.0
    with np.errstate(over="ignore", invalid="ignore"):
        for start in range(0, len(half), _ROW_BLOCK):
            rows = slice(start, start + _ROW_BLOCK)
            v = half[rows, None] * shifted
            exponent = (power - shape[rows, None]) * v
            ended = np.expm1(v, out=v)
            ended *= hazard * scale[rows, None]
            exponent -= ended
            out[rows] = np.exp(exponent, out=exponent) @ _WEIGHTS
    out *= half
    return out


def p_alive(posterior: Rhythm, days_since_last: np.ndarray, config: Config) -> np.ndarray:
    """Probability that a relationship silent for s days is still going.

    With lambda ~ Gamma(a, b) and an end at hazard mu, the silence of s days has probability
    ``A = e^(-mu s) (b / (b + s)) ** a`` if the relationship is still going, and
    ``D = int_0^s mu e^(-mu u) (b / (b + u)) ** a du`` if it ended during it;
    ``P(alive) = A / (A + D)``.

    Parameters
    ----------
    posterior : Rhythm
        The rate posterior (see :func:`rhythm`).
    days_since_last : numpy.ndarray
        s, days since the last contact.
    config : Config
        ``lapse_half_life_days``.

    Examples
    --------
    A monthly rhythm with plenty of evidence, silent for one, three and six gaps:

    >>> monthly = Rhythm(np.full(3, 20.0), np.full(3, 600.0))
    >>> p_alive(monthly, np.array([30.0, 90.0, 180.0]), Config()).round(3).tolist()
    [0.976, 0.81, 0.248]
    """
    hazard = math.log(2.0) / config.lapse_half_life_days
    a, b = posterior.shape, posterior.rate
    with np.errstate(invalid="ignore", divide="ignore"):
        upper = np.log1p(days_since_last / b)
    upper = np.where(np.isfinite(upper), upper, 0.0)
    alive = np.exp(-hazard * days_since_last - a * upper)
    ended = hazard * b * _mixture_integral(upper, a, b, hazard, 1.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(alive / (alive + ended), dtype=np.float64)


def p_contact_within(
    posterior: Rhythm, days_since_last: np.ndarray, horizon_days: float, config: Config
) -> np.ndarray:
    """Probability of a contact within ``horizon_days``, for a relationship still going now.

    Given that it is still going after s silent days, lambda's posterior is
    ``Gamma(a, b + s)``; the first contact comes before the end and within h days with
    probability ``int_0^h E[lambda e^(-lambda u)] e^(-mu u) du``.

    Examples
    --------
    Without any end (a hazard near 0) this is the negative binomial's
    ``1 - (b / (b + h)) ** a``:

    >>> posterior = Rhythm(np.array([3.0]), np.array([90.0]))
    >>> config = Config(lapse_half_life_days=1e12)
    >>> round(float(p_contact_within(posterior, np.array([0.0]), 90.0, config)[0]), 6)
    0.875
    """
    hazard = math.log(2.0) / config.lapse_half_life_days
    a = posterior.shape
    beta = posterior.rate + days_since_last
    with np.errstate(invalid="ignore", divide="ignore"):
        upper = np.log1p(horizon_days / beta)
    upper = np.where(np.isfinite(upper), upper, 0.0)
    return np.asarray(a * _mixture_integral(upper, a, beta, hazard, 0.0), dtype=np.float64)
