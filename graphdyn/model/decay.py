"""Relationship decay: trend, status and the days of silence left before a relationship is at risk.

The model (``docs/model.md``, section 2):

- trend = strength(T) - strength(T - trend window): strengthening above +delta, weakening below
  -delta;
- a relationship has **gone cold** when it is overdue by more than ``overdue_at_risk`` of its
  typical gaps and its liveness is below ``liveness_at_risk``;
- status, first match wins: new, dormant, at_risk, cooling, active (thresholds in
  :class:`~graphdyn.config.Config`). ``at_risk`` is a relationship gone cold whose rhythm is
  established (at least ``at_risk_min_contact_days`` contact days): its silence is read against
  a rhythm known well enough to judge it;
- days_to_at_risk: with no further contact, the silence grows, the overdue ratio with it, and
  liveness falls; the number of silent days after which the relationship would go cold.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graphdyn.config import Config
from graphdyn.model.tie_strength import liveness_at

__all__ = [
    "DAY_SECONDS",
    "STATUSES",
    "TRENDS",
    "Silence",
    "classify_status",
    "gone_cold",
    "classify_trend",
    "days_to_at_risk",
    "decay_weight",
]

DAY_SECONDS = 86_400.0


def decay_weight(age_days: np.ndarray | float, half_life_days: float) -> np.ndarray:
    """Weight of an event ``age_days`` before the as-of date: ``2 ** (-age / H)``.

    Examples
    --------
    >>> float(decay_weight(90.0, 90.0))
    0.5
    """
    return np.exp2(-np.asarray(age_days, dtype=np.float64) / half_life_days)


#: Relationship statuses, in the order the rules are tried.
STATUSES: tuple[str, ...] = ("new", "dormant", "at_risk", "cooling", "active")

#: Trend labels.
TRENDS: tuple[str, ...] = ("strengthening", "stable", "weakening")

#: Doublings of the search bracket of :func:`days_to_at_risk` (2 ** 20 days: 2,870 years), and
#: the width in days the bisection inside it narrows the crossing to (about a tenth of a second).
_DOUBLINGS, _TOLERANCE_DAYS = 20, 1e-6


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


@dataclass(frozen=True)
class Silence:
    """Where groups stand at T: their silence, rhythm and what follows from them.

    Parameters
    ----------
    days_since_last : numpy.ndarray
        s, days since the last contact.
    contact_days : numpy.ndarray
        Distinct contact days so far.
    typical_gap : numpy.ndarray
        g, days.
    rate_shape, rate_days : numpy.ndarray
        The contact rate's posterior (see :class:`~graphdyn.model.rhythm.Rhythm`).
    liveness : numpy.ndarray
        Liveness at T.
    """

    days_since_last: np.ndarray
    contact_days: np.ndarray
    typical_gap: np.ndarray
    rate_shape: np.ndarray
    rate_days: np.ndarray
    liveness: np.ndarray

    def take(self, selection: np.ndarray) -> Silence:
        """Return the rows selected by a boolean mask or index array."""
        return Silence(*(getattr(self, name)[selection] for name in self.__dataclass_fields__))

    def after(self, days: np.ndarray, config: Config) -> Silence:
        """Return the same groups after ``days`` more days without contact (same rhythm)."""
        later = self.days_since_last + days
        _, live = liveness_at(self.rate_shape, self.rate_days, later, config)
        return Silence(
            later, self.contact_days, self.typical_gap, self.rate_shape, self.rate_days, live
        )


def gone_cold(silence: Silence, config: Config) -> np.ndarray:
    """Overdue by more than ``overdue_at_risk`` gaps, and liveness below ``liveness_at_risk``.

    Examples
    --------
    >>> import numpy as np
    >>> silence = Silence(np.array([20.0, 100.0]), np.full(2, 30.0), np.full(2, 20.0),
    ...                   np.full(2, 10.0), np.full(2, 200.0), np.array([0.9, 0.3]))
    >>> gone_cold(silence, Config()).tolist()
    [False, True]
    """
    with np.errstate(invalid="ignore"):
        overdue = silence.days_since_last / silence.typical_gap
        return np.asarray(
            (overdue > config.overdue_at_risk) & (silence.liveness < config.liveness_at_risk),
            dtype=bool,
        )


def classify_status(
    *,
    tenure_days: np.ndarray,
    silence: Silence,
    intensity: np.ndarray,
    weakening: np.ndarray,
    config: Config,
) -> np.ndarray:
    """Apply the status rules; the first that matches wins.

    - new: first contact within 2 g and less than ``new_window_days`` ago;
    - dormant: no contact for ``dormant_days`` or f_I < ``dormant_intensity``;
    - at_risk: :func:`gone_cold` (several typical gaps of silence, and liveness low) with an
      established rhythm (at least ``at_risk_min_contact_days`` contact days);
    - cooling: overdue > ``overdue_cooling`` or weakening;
    - active: otherwise.

    Examples
    --------
    A fortnightly tie with 30 contact days, silent for 2, 5 and 10 weeks:

    >>> import numpy as np
    >>> s = np.array([14.0, 35, 70])
    >>> shape, rate = np.full(3, 20.0), np.full(3, 280.0)
    >>> live = liveness_at(shape, rate, s, Config())[1]
    >>> gap = np.full(3, 14.0)
    >>> silence = Silence(s, np.full(3, 30.0), gap, shape, rate, live)
    >>> classify_status(tenure_days=np.full(3, 400.0), silence=silence,
    ...                 intensity=np.full(3, 0.5), weakening=np.zeros(3, bool),
    ...                 config=Config()).tolist()
    ['active', 'cooling', 'at_risk']
    """
    gap = silence.typical_gap
    with np.errstate(invalid="ignore"):
        overdue = silence.days_since_last / gap
    rules = [
        (tenure_days <= 2 * gap) & (tenure_days < config.new_window_days),
        (silence.days_since_last >= config.dormant_days) | (intensity < config.dormant_intensity),
        gone_cold(silence, config) & (silence.contact_days >= config.at_risk_min_contact_days),
        (overdue > config.overdue_cooling) | weakening,
    ]
    return np.select(rules, list(STATUSES[:4]), default="active").astype(object)


def days_to_at_risk(silence: Silence, config: Config) -> np.ndarray:
    """Days of further silence until the relationship would go cold (:func:`gone_cold`).

    With no further contact, x days from now the silence is ``s + x`` days while the rhythm
    stays as it is (it changes only with a contact): overdue grows and liveness falls, so a
    relationship, once cold, stays cold. It is then at risk if its rhythm is established.
    Cold needs both conditions, so the day is the later of two crossings: overdue passes
    ``overdue_at_risk`` after ``overdue_at_risk * g - s`` days (exactly), and liveness falls
    below ``liveness_at_risk`` at a day found by bracketing from that one on a doubling grid
    (1, 2, 4, ... days later), then bisection inside the bracket to :data:`_TOLERANCE_DAYS`.

    Parameters
    ----------
    silence : Silence
        The groups at T.
    config : Config
        ``overdue_at_risk``, ``liveness_at_risk`` and what liveness needs.

    Returns
    -------
    numpy.ndarray
        0 where it is cold already; NaN for a group without contact, or where it would not go
        cold within ``2 ** 20`` days (a threshold of 0).

    Examples
    --------
    A monthly rhythm, just contacted: cold after about three months of silence, when its
    liveness falls below 0.7 (more than three of its gaps overdue by then).

    >>> import numpy as np
    >>> shape, rate = np.array([20.0]), np.array([600.0])
    >>> now = Silence(np.zeros(1), np.full(1, 30.0), np.full(1, 30.0), shape, rate,
    ...               liveness_at(shape, rate, np.zeros(1), Config())[1])
    >>> days_to_at_risk(now, Config()).round(1).tolist()
    [96.3]
    """
    n = len(silence.days_since_last)
    out = np.full(n, np.nan)
    contacted = np.isfinite(silence.days_since_last)
    # The overdue crossing, or 0 where it is past; from there on only liveness can wait.
    with np.errstate(invalid="ignore"):
        overdue_day = np.maximum(
            config.overdue_at_risk * silence.typical_gap - silence.days_since_last, 0.0
        )
    index = np.flatnonzero(contacted)
    start = overdue_day[index]
    rows = silence.take(index)
    cold = rows.after(start, config).liveness < config.liveness_at_risk
    out[index[cold]] = start[cold]
    index, start, rows = index[~cold], start[~cold], rows.take(~cold)
    low, step = start.copy(), np.ones(len(index))
    found: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for _ in range(_DOUBLINGS + 1):
        if len(index) == 0:
            break
        high = start + step
        reached = rows.after(high, config).liveness < config.liveness_at_risk
        found.append((index[reached], low[reached], high[reached]))
        keep = ~reached
        index, start, rows = index[keep], start[keep], rows.take(keep)
        low, step = high[keep], 2.0 * step[keep]
    if not found:
        return out
    index = np.concatenate([rows_ for rows_, _, _ in found])
    low = np.concatenate([lows for _, lows, _ in found])
    high = np.concatenate([highs for _, _, highs in found])
    rows = silence.take(index)
    while len(index):
        settled = (high - low) <= _TOLERANCE_DAYS
        out[index[settled]] = high[settled]
        moving = ~settled
        index, rows, low, high = index[moving], rows.take(moving), low[moving], high[moving]
        middle = (low + high) / 2.0
        reached = rows.after(middle, config).liveness < config.liveness_at_risk
        high = np.where(reached, middle, high)
        low = np.where(reached, low, middle)
    return out
