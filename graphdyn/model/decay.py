"""Relationship decay: contact rhythm, trend, status and time left before a tie is at risk.

The model (``docs/model.md``, section 2):

- typical gap g: median interval between a tie's distinct contact days, shrunk toward the
  global median gap: ``g = (m * g_tie + k * g_global) / (m + k)`` for m intervals and prior
  weight k, so one old contact does not define a rhythm; never below ``min_gap_days``;
- overdue = days_since_last / g;
- trend = strength(T) - strength(T - 90 d): strengthening above +delta, weakening below -delta;
- status, first match wins: new, dormant, at_risk, cooling, active (thresholds in
  :class:`~graphdyn.config.Config`);
- days_to_at_risk: with no further contact, intensity decays as ``I * 2 ** (-x / H)`` and
  tenure grows by x; the smallest x at which strength falls below the at-risk threshold.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graphdyn.config import Config

__all__ = [
    "STATUSES",
    "TRENDS",
    "RhythmStats",
    "classify_status",
    "classify_trend",
    "days_to_at_risk",
    "typical_gaps",
]

#: Relationship statuses, in the order the rules are tried.
STATUSES: tuple[str, ...] = ("new", "dormant", "at_risk", "cooling", "active")

#: Trend labels.
TRENDS: tuple[str, ...] = ("strengthening", "stable", "weakening")


@dataclass(frozen=True)
class RhythmStats:
    """Contact rhythm per group.

    Parameters
    ----------
    typical_gap : numpy.ndarray
        Shrunk typical gap g in days.
    raw_gap : numpy.ndarray
        The group's own median gap (NaN with fewer than two contact days).
    intervals : numpy.ndarray
        Number of intervals between distinct contact days.
    global_gap : float
        The median of the groups' own gaps, the prior the gaps are shrunk toward.
    """

    typical_gap: np.ndarray
    raw_gap: np.ndarray
    intervals: np.ndarray
    global_gap: float


def typical_gaps(
    groups: np.ndarray, days: np.ndarray, n_groups: int, config: Config
) -> RhythmStats:
    """Median interval between distinct contact days per group, shrunk toward the global median.

    Parameters
    ----------
    groups : numpy.ndarray
        Group code of each event.
    days : numpy.ndarray
        Calendar day (integer) of each event.
    n_groups : int
        Number of groups.
    config : Config
        ``gap_prior_weight`` is k; with no rhythm anywhere the prior is
        ``reference_interval_days``; ``min_gap_days`` is the floor.

    Examples
    --------
    Contacts on days 0, 10, 20, 50: gaps 10, 10, 30, own median 10. With a global median of 10
    (the only group) the shrunk gap stays 10:

    >>> import numpy as np
    >>> stats = typical_gaps(np.zeros(4, int), np.array([0, 10, 20, 50]), 1, Config())
    >>> stats.raw_gap.tolist(), stats.typical_gap.tolist()
    ([10.0], [10.0])
    """
    key = (groups.astype(np.int64) << 32) + days.astype(np.int64)
    distinct = np.unique(key)
    owner = distinct >> 32
    same = owner[1:] == owner[:-1]
    interval_owner = owner[1:][same]
    intervals = np.diff(distinct)[same].astype(np.float64)
    order = np.lexsort((intervals, interval_owner))
    intervals, interval_owner = intervals[order], interval_owner[order]
    count = np.bincount(interval_owner, minlength=n_groups)
    start = np.concatenate(([0], np.cumsum(count)[:-1]))
    raw = np.full(n_groups, np.nan)
    has = count > 0
    low = start[has] + (count[has] - 1) // 2
    high = start[has] + count[has] // 2
    raw[has] = (intervals[low] + intervals[high]) / 2.0
    global_gap = float(np.median(raw[has])) if has.any() else config.reference_interval_days
    k = config.gap_prior_weight
    shrunk = np.where(has, (count * np.nan_to_num(raw) + k * global_gap) / (count + k), global_gap)
    return RhythmStats(np.maximum(shrunk, config.min_gap_days), raw, count, global_gap)


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
    - at_risk: overdue > ``overdue_at_risk``, or strength < ``at_risk_threshold`` and weakening;
    - cooling: overdue > ``overdue_cooling`` or weakening;
    - active: otherwise.
    """
    overdue = days_since_last / typical_gap
    rules = [
        (tenure_days <= 2 * typical_gap) & (tenure_days < config.new_window_days),
        (days_since_last >= config.dormant_days) | (intensity < config.dormant_intensity),
        (overdue > config.overdue_at_risk) | ((strength < config.at_risk_threshold) & weakening),
        (overdue > config.overdue_cooling) | weakening,
    ]
    return np.select(rules, list(STATUSES[:4]), default="active").astype(object)


def days_to_at_risk(
    parts: dict[str, np.ndarray],
    raw_intensity: np.ndarray,
    tenure_days: np.ndarray,
    config: Config,
) -> np.ndarray:
    """Days of silence until strength falls below the at-risk threshold.

    With no further contact, intensity decays as ``I * 2 ** (-x / H)`` and tenure grows by x;
    reciprocity, affect and value stay as they are (a ratio, a mean, and a sum that decays
    exactly as fast as its reference median).

    For a given x the intensity that puts strength exactly on the threshold has a closed form,
    and so has the time it takes I to decay to it: call that g(x). g is increasing (more tenure
    needs less intensity), so iterating ``x <- g(x)`` from 0 climbs monotonically to the
    smallest fixed point: the first crossing.

    Parameters
    ----------
    parts : dict of str to numpy.ndarray
        The components at T (NaN = no data).
    raw_intensity : numpy.ndarray
        I at T.
    tenure_days : numpy.ndarray
        D at T.
    config : Config
        H, I_ref, the tenure scale, weights and the at-risk threshold.

    Returns
    -------
    numpy.ndarray
        0 where strength is already below the threshold, NaN where it never falls below.

    Examples
    --------
    With intensity as the only weighted component, strength = f_I and the answer is the time
    I takes to decay from f_I = 0.4 to the threshold 0.2:

    >>> import numpy as np
    >>> config = Config(weights={"intensity": 1.0, "tenure": 0.0})
    >>> i_ref = config.intensity_reference
    >>> i_now = -i_ref * np.log(1 - 0.4)          # f_I = 0.4 now
    >>> parts = {"intensity": np.array([0.4]), "tenure": np.array([0.0])}
    >>> x = days_to_at_risk(parts, np.array([i_now]), np.array([0.0]), config)
    >>> i_at = -i_ref * np.log(1 - 0.2)           # f_I = 0.2 at the threshold
    >>> bool(np.isclose(x[0], 90 * np.log2(i_now / i_at)))
    True
    """
    alpha = {name: float(config.weights.get(name, 0.0)) for name in parts}
    present = {name: ~np.isnan(values) for name, values in parts.items()}
    total_weight = sum(np.where(present[name], alpha[name], 0.0) for name in parts)
    fixed = sum(
        np.where(present[name], alpha[name] * np.nan_to_num(parts[name]), 0.0)
        for name in parts
        if name not in ("intensity", "tenure")
    )
    target = config.at_risk_threshold * total_weight
    tenure_weight = alpha.get("tenure", 0.0) * present.get("tenure", False)

    def crossing(x: np.ndarray) -> np.ndarray:
        tenure = -np.expm1(-(tenure_days + x) / config.tenure_scale_days)
        needed = (target - fixed - tenure_weight * tenure) / alpha["intensity"]
        with np.errstate(divide="ignore", invalid="ignore"):
            intensity_at = -config.intensity_reference * np.log1p(-needed)
            days = config.half_life_days * np.log2(raw_intensity / intensity_at)
        return np.where(needed > 0, np.maximum(days, 0.0), np.inf)

    x = np.zeros(len(raw_intensity))
    with np.errstate(invalid="ignore"):
        for _ in range(200):
            following = crossing(x)
            converged = np.isinf(following) | (np.abs(following - x) <= 1e-9)
            x = following
            if converged.all():
                break
    return np.where(np.isinf(x), np.nan, x)
