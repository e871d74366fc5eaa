"""Relationship decay: contact rhythm, P(alive), trend, status and time left before at risk.

The model (``docs/model.md``, section 2):

- typical gap g: the mean interval between a tie's distinct contact days, shrunk toward the
  reference interval g0 (``reference_interval_days``) as k pseudo-intervals:
  ``g = (span + k * g0) / (m + k)`` for m intervals over ``span`` days, so one old contact does
  not define a rhythm; never below ``min_gap_days``;
- overdue = days_since_last / g;
- P(alive): the probability the relationship is still going after ``s = days_since_last`` days
  of silence, with contact at rate ``lambda = 1 / g`` while it lasts and an end at hazard
  ``mu = ln 2 / lapse_half_life_days`` (Schmittlein, Morrison & Colombo 1987):
  ``1 / (1 + mu / (lambda + mu) * (exp((lambda + mu) * s) - 1))``;
- trend = strength(T) - strength(T - 90 d): strengthening above +delta, weakening below -delta;
- status, first match wins: new, dormant, at_risk, cooling, active (thresholds in
  :class:`~graphdyn.config.Config`);
- days_to_at_risk: with no further contact, intensity decays as ``I * 2 ** (-x / H)``, tenure
  grows by x and P(alive) falls; the x at which strength falls below the at-risk threshold.

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

__all__ = [
    "STATUSES",
    "TRENDS",
    "classify_status",
    "classify_trend",
    "days_to_at_risk",
    "p_alive",
    "typical_gap",
]

#: Relationship statuses, in the order the rules are tried.
STATUSES: tuple[str, ...] = ("new", "dormant", "at_risk", "cooling", "active")

#: Trend labels.
TRENDS: tuple[str, ...] = ("strengthening", "stable", "weakening")

#: Doublings of the search bracket of :func:`days_to_at_risk` (2 ** 20 days: 2,870 years), and
#: bisection steps inside it (down to 2 ** -40 of a day).
_DOUBLINGS, _BISECTIONS = 20, 60


def typical_gap(intervals: np.ndarray, span_days: np.ndarray, config: Config) -> np.ndarray:
    """Shrunk mean interval between contact days: ``max((span + k g0) / (m + k), g_min)``.

    The posterior mean gap of a Poisson contact rhythm under a gamma prior worth k intervals
    of g0 days (k = ``gap_prior_weight``, g0 = ``reference_interval_days``).

    Parameters
    ----------
    intervals : numpy.ndarray
        m: intervals between distinct contact days (their number minus one).
    span_days : numpy.ndarray
        Days from the first to the last contact day.
    config : Config
        k, g0 and the floor g_min = ``min_gap_days``.

    Examples
    --------
    Four contact days over 50 days, shrunk toward one contact every 30 days:

    >>> import numpy as np
    >>> typical_gap(np.array([3]), np.array([50.0]), Config()).tolist()  # (50 + 90) / (3 + 3)
    [23.333333333333332]
    """
    k, prior = config.gap_prior_weight, config.reference_interval_days
    weight = intervals + k
    with np.errstate(invalid="ignore", divide="ignore"):
        gap = np.where(weight > 0, (span_days + k * prior) / weight, prior)
    return np.maximum(gap, config.min_gap_days)


def p_alive(days_since_last: np.ndarray, typical_gap: np.ndarray, config: Config) -> np.ndarray:
    """Probability that a relationship silent for s days is still going.

    While it lasts, contact comes at rate ``lambda = 1 / g``; it ends at the constant hazard
    ``mu = ln 2 / lapse_half_life_days``. Given a contact s days ago and none since
    (Schmittlein, Morrison & Colombo 1987, for one relationship with known rates):

    ``P(alive) = 1 / (1 + mu / (lambda + mu) * (exp((lambda + mu) * s) - 1))``

    1 right after a contact; about the prior ``2 ** (-s / lapse_half_life_days)`` while the
    silence is short for the rhythm; then falling fast once s is several gaps.

    Parameters
    ----------
    days_since_last : numpy.ndarray
        s, days since the last contact (NaN for no contact).
    typical_gap : numpy.ndarray
        g, the typical gap in days (see :func:`typical_gap`).
    config : Config
        ``lapse_half_life_days``.

    Examples
    --------
    A fortnightly rhythm, silent for one, three and six gaps:

    >>> import numpy as np
    >>> p_alive(np.array([14.0, 42.0, 84.0]), np.full(3, 14.0), Config()).round(3).tolist()
    [0.977, 0.793, 0.149]
    """
    rate = 1.0 / typical_gap
    hazard = math.log(2.0) / config.lapse_half_life_days
    with np.errstate(over="ignore"):
        growth = np.expm1((rate + hazard) * days_since_last)
    return np.asarray(1.0 / (1.0 + hazard / (rate + hazard) * growth), dtype=np.float64)


def classify_trend(delta: np.ndarray, config: Config) -> np.ndarray:
    """Label strength changes: strengthening, stable or weakening (NaN change = stable).

    Examples
    --------
    >>> import numpy as np
    >>> classify_trend(np.array([0.2, 0.0, -0.06]), Config()).tolist()
    ['strengthening', 'stable', 'weakening']
    """
    out = np.full(delta.shape, "stable", dtype=object)
    out[delta > config.trend_delta] = "strengthening"
    out[delta < -config.trend_delta] = "weakening"
    return out


def classify_status(
    *,
    tenure_days: np.ndarray,
    days_since_last: np.ndarray,
    typical_gap: np.ndarray,
    intensity: np.ndarray,
    strength: np.ndarray,
    weakening: np.ndarray,
    config: Config,
) -> np.ndarray:
    """Apply the status rules; the first that matches wins.

    - new: first contact within 2 g and less than ``new_window_days`` ago;
    - dormant: no contact for ``dormant_days`` or f_I < ``dormant_intensity``;
    - at_risk: overdue > ``overdue_at_risk`` and P(alive) < ``p_alive_at_risk`` (several
      typical gaps of silence, and more likely an end than a pause), or strength <
      ``at_risk_threshold`` and weakening;
    - cooling: overdue > ``overdue_cooling`` or weakening;
    - active: otherwise.

    Examples
    --------
    A fortnightly tie silent for 2, 5 and 10 weeks: overdue 1, 2.5 and 5, P(alive) 0.98, 0.87
    and 0.33:

    >>> import numpy as np
    >>> classify_status(tenure_days=np.full(3, 400.0), days_since_last=np.array([14.0, 35, 70]),
    ...                 typical_gap=np.full(3, 14.0), intensity=np.full(3, 0.5),
    ...                 strength=np.full(3, 0.5), weakening=np.zeros(3, bool),
    ...                 config=Config()).tolist()
    ['active', 'cooling', 'at_risk']
    """
    overdue = days_since_last / typical_gap
    rules = [
        (tenure_days <= 2 * typical_gap) & (tenure_days < config.new_window_days),
        (days_since_last >= config.dormant_days) | (intensity < config.dormant_intensity),
        (
            (overdue > config.overdue_at_risk)
            & (p_alive(days_since_last, typical_gap, config) < config.p_alive_at_risk)
        )
        | ((strength < config.at_risk_threshold) & weakening),
        (overdue > config.overdue_cooling) | weakening,
    ]
    return np.select(rules, list(STATUSES[:4]), default="active").astype(object)


def days_to_at_risk(
    parts: dict[str, np.ndarray],
    raw_intensity: np.ndarray,
    tenure_days: np.ndarray,
    config: Config,
    *,
    days_since_last: np.ndarray,
    typical_gap: np.ndarray,
) -> np.ndarray:
    """Days of silence until strength falls below the at-risk threshold.

    With no further contact, x days from now intensity has decayed to ``I * 2 ** (-x / H)``,
    tenure has grown by x, the silence is ``s + x`` days (the typical gap does not change
    without a contact) and reciprocity, affect and value stay as they are (a ratio, a mean, and
    a sum that decays exactly as fast as its reference median). So strength(x) is what an audit
    x days later would report.

    P(alive) and intensity only fall with silence; tenure grows, but by at most
    ``alpha_D / (sum alpha * tenure_scale_days)`` a day, so strength can only creep up where
    P(alive) is still near 1. The crossing is bracketed on a doubling grid of days (0, 1, 2, 4,
    ...): the first grid day below the threshold and the grid day before it; bisection inside
    that bracket then finds the day strength reaches the threshold.

    Parameters
    ----------
    parts : dict of str to numpy.ndarray
        The components at T (NaN = no data).
    raw_intensity : numpy.ndarray
        I at T.
    tenure_days : numpy.ndarray
        D at T.
    config : Config
        H, I_ref, the tenure scale, weights, the lapse hazard and the at-risk threshold.
    days_since_last : numpy.ndarray
        s at T.
    typical_gap : numpy.ndarray
        g at T.

    Returns
    -------
    numpy.ndarray
        0 where strength is already below the threshold, NaN where it does not fall below in
        ``2 ** 20`` days (a threshold of 0) or for a group without contact.

    Examples
    --------
    Intensity alone, f_I = 0.4, just contacted on a weekly rhythm: strength falls to 0.2 after
    32 days of silence, when P(alive) has fallen to about 0.6 (intensity alone would take
    ``90 * log2(I_now / I_at_0.2) = 108`` days):

    >>> import numpy as np
    >>> config = Config(weights={"intensity": 1.0, "tenure": 0.0}, at_risk_threshold=0.2)
    >>> i_now = -config.intensity_reference * np.log(1 - 0.4)
    >>> parts = {"intensity": np.array([0.4]), "tenure": np.array([0.0])}
    >>> x = days_to_at_risk(parts, np.array([i_now]), np.array([0.0]), config,
    ...                     days_since_last=np.array([0.0]), typical_gap=np.array([7.0]))
    >>> x.round(1).tolist()
    [31.9]
    """
    alpha = {name: float(config.weights.get(name, 0.0)) for name in parts}
    present = {name: ~np.isnan(values) for name, values in parts.items()}
    n = len(raw_intensity)
    total_weight = sum(np.where(present[name], alpha[name], 0.0) for name in parts)
    fixed = sum(
        np.where(present[name], alpha[name] * np.nan_to_num(parts[name]), 0.0)
        for name in parts
        if name not in ("intensity", "tenure")
    )
    tenure_weight = alpha.get("tenure", 0.0) * present.get("tenure", False)
    rows = _Rows(
        index=np.arange(n),
        raw_intensity=np.asarray(raw_intensity, dtype=np.float64),
        tenure_days=np.asarray(tenure_days, dtype=np.float64),
        tenure_alpha=_per_row(tenure_weight, n),
        steady=_per_row(fixed, n),
        weights=_per_row(total_weight, n),
        days_since_last=np.asarray(days_since_last, dtype=np.float64),
        typical_gap=np.asarray(typical_gap, dtype=np.float64),
    )
    alpha_intensity = alpha["intensity"]

    def strength_after(x: np.ndarray, at: _Rows) -> np.ndarray:
        decayed = at.raw_intensity * np.exp2(-x / config.half_life_days)
        intensity = -np.expm1(-decayed / config.intensity_reference)
        tenure = -np.expm1(-(at.tenure_days + x) / config.tenure_scale_days)
        level = alpha_intensity * intensity + at.tenure_alpha * tenure + at.steady
        alive = p_alive(at.days_since_last + x, at.typical_gap, config)
        return np.asarray(level / at.weights * alive, dtype=np.float64)

    threshold = config.at_risk_threshold
    out = np.full(n, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        now = strength_after(np.zeros(n), rows)
    out[now < threshold] = 0.0
    # Each step works on the rows still moving: a row whose strength is below the threshold at
    # its bracket's high end keeps that bracket; a bisection whose midpoint is one of its ends
    # has converged (further steps would leave it as it is).
    active = rows.take(np.flatnonzero(now >= threshold))
    low, high = np.zeros(len(active.index)), np.ones(len(active.index))
    brackets: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for _ in range(_DOUBLINGS):
        if len(active.index) == 0:
            break
        above = strength_after(high, active) >= threshold
        brackets.append((active.index[~above], low[~above], high[~above]))
        active, low, high = active.take(above), high[above], 2.0 * high[above]
    crosses = strength_after(high, active) < threshold
    brackets.append((active.index[crosses], low[crosses], high[crosses]))
    active = rows.take(np.concatenate([index for index, _, _ in brackets]))
    low = np.concatenate([lows for _, lows, _ in brackets])
    high = np.concatenate([highs for _, _, highs in brackets])
    for _ in range(_BISECTIONS):
        middle = (low + high) / 2.0
        moving = (middle != low) & (middle != high)
        if not moving.all():
            out[active.index[~moving]] = high[~moving]
            active, low, high, middle = (
                active.take(moving),
                low[moving],
                high[moving],
                middle[moving],
            )
        below = strength_after(middle, active) < threshold
        high = np.where(below, middle, high)
        low = np.where(below, low, middle)
    out[active.index] = high
    return out


@dataclass(frozen=True)
class _Rows:
    """The per-row inputs of :func:`days_to_at_risk`'s strength, for some of its rows."""

    index: np.ndarray
    raw_intensity: np.ndarray
    tenure_days: np.ndarray
    tenure_alpha: np.ndarray
    steady: np.ndarray
    weights: np.ndarray
    days_since_last: np.ndarray
    typical_gap: np.ndarray

    def take(self, selection: np.ndarray) -> _Rows:
        """Return the rows selected by a boolean mask or index array."""
        return _Rows(*(getattr(self, name)[selection] for name in self.__dataclass_fields__))


def _per_row(values: np.ndarray | float, n: int) -> np.ndarray:
    """``values`` as a float array of n rows (a scalar repeated)."""
    return np.array(np.broadcast_to(np.asarray(values, dtype=np.float64), (n,)))
