"""Where groups (ties or customers) stand: strength, liveness, trend and status from their sums.

:func:`standing` turns a level's :class:`~graphdyn.engine.sums.GroupSums` into its numbers at the
as-of date (column 0 of the sums), the trend date (column 1) and the monthly snapshots (strength
only); :func:`level_frame` lays them out as the rows of ``ties.csv`` or ``customers.csv``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from graphdyn.config import Config
from graphdyn.engine.sums import GroupSums
from graphdyn.model.decay import (
    DAY_SECONDS,
    Silence,
    classify_status,
    classify_trend,
    days_to_at_risk,
)
from graphdyn.model.tie_strength import liveness_at, scores, strength_at

__all__ = ["Standing", "level_frame", "standing"]


@dataclass(frozen=True)
class Standing:
    """Strength, liveness and status of groups, as of T (column 0 of their sums) and over time.

    Parameters
    ----------
    parts : mapping of str to numpy.ndarray
        Each component at T, by name.
    strength : numpy.ndarray
        Strength at every evaluation time of the sums, shape ``(n_groups, n_times)``.
    silence : Silence
        Silence, rhythm and liveness at T.
    p_alive : numpy.ndarray
        P(alive) at T.
    trend_delta : numpy.ndarray
        strength(T) - strength(trend date) (0 for a group without contact then).
    trend, status : numpy.ndarray
        Labels (see :func:`~graphdyn.model.decay.classify_trend` and
        :func:`~graphdyn.model.decay.classify_status`).
    """

    parts: Mapping[str, np.ndarray]
    strength: np.ndarray
    silence: Silence
    p_alive: np.ndarray
    trend_delta: np.ndarray
    trend: np.ndarray
    status: np.ndarray

    @property
    def liveness(self) -> np.ndarray:
        """Liveness at T."""
        return self.silence.liveness


def standing(sums: GroupSums, value_ref: np.ndarray, config: Config) -> Standing:
    """Compute strength, liveness, trend and status of groups from their sums.

    The sums hold T in column 0 and the trend date in column 1; later columns (the monthly
    snapshots) add strength only, computed one time at a time so that the components of all
    times are never held at once.

    Parameters
    ----------
    sums : GroupSums
        From :class:`~graphdyn.engine.sums.LevelSums` (or
        :class:`~graphdyn.engine.without.WithoutEach`).
    value_ref : numpy.ndarray
        V_ref at each evaluation time of the sums.
    config : Config
        Model parameters.

    Returns
    -------
    Standing

    Examples
    --------
    >>> from graphdyn.engine.sums import one_group_sums
    >>> sums = one_group_sums([0.0, 30.0], offsets=[0.0, 90.0], day=[100, 70])
    >>> result = standing(sums, np.full(2, np.nan), Config())
    >>> result.status.tolist(), result.trend.tolist()
    (['new'], ['strengthening'])
    """
    now = scores(sums.select([0]), config, value_ref[:1])
    strength = np.empty((len(sums.first_age), len(sums.offsets)))
    strength[:, 0] = now.strength[:, 0]
    for column in range(1, len(sums.offsets)):
        at = strength_at(sums.select([column]), config, value_ref[column : column + 1])
        strength[:, column] = at[:, 0]
    days_since_last = sums.last_age[:, 0]
    shape, rate = now.rate_shape[:, 0], now.rate_days[:, 0]
    alive, live = liveness_at(shape, rate, days_since_last, config)
    silence = Silence(
        days_since_last, sums.contact_days[:, 0], now.typical_gap[:, 0], shape, rate, live
    )
    delta = strength[:, 0] - np.nan_to_num(strength[:, 1], nan=0.0)
    trend = classify_trend(delta, config)
    status = classify_status(
        tenure_days=sums.first_age,
        silence=silence,
        intensity=now.parts["intensity"][:, 0],
        weakening=trend == "weakening",
        config=config,
    )
    parts = {name: values[:, 0] for name, values in now.parts.items()}
    return Standing(parts, strength, silence, alive, delta, trend, status)


def _days_before(as_of: pd.Timestamp, days: np.ndarray) -> pd.DatetimeIndex:
    """``as_of - days * 1 day`` as pandas computes it: the days truncated to microseconds."""
    delta = (days * (DAY_SECONDS * 1e6)).astype(np.int64).astype("timedelta64[us]")
    naive = as_of.tz_localize(None).to_datetime64()
    return pd.DatetimeIndex(naive - delta).tz_localize(as_of.tz)


def level_frame(
    sums: GroupSums, value_ref: np.ndarray, as_of: pd.Timestamp, config: Config
) -> tuple[pd.DataFrame, np.ndarray]:
    """Build the table of a level (ties or customers); return it and the strength over time.

    The columns: strength and its components; liveness and P(alive); what is at risk
    (``value_at_risk`` = value_raw x (1 - liveness), ``strength_at_risk`` = strength x
    (1 - liveness)); counts and dates; the rhythm; trend, status and days_to_at_risk; the raw
    sums I and V.
    """
    result = standing(sums, value_ref, config)
    strength = result.strength[:, 0]
    silence = result.silence
    value_raw = np.where(sums.value_count[:, 0] > 0, sums.value[:, 0], np.nan)
    lapse = 1.0 - result.liveness
    frame = pd.DataFrame(
        {
            "strength": strength,
            **result.parts,
            "liveness": result.liveness,
            "p_alive": result.p_alive,
            "value_at_risk": value_raw * lapse,
            "strength_at_risk": strength * lapse,
            "n_interactions": sums.n[:, 0],
            "contact_days": sums.contact_days[:, 0].astype(np.int64),
            "first_contact": _days_before(as_of, sums.first_age),
            "last_contact": _days_before(as_of, silence.days_since_last),
            "days_since_last": silence.days_since_last,
            "typical_gap_days": silence.typical_gap,
            "overdue": silence.days_since_last / silence.typical_gap,
            "trend": result.trend,
            "trend_delta": result.trend_delta,
            "status": result.status,
            "days_to_at_risk": days_to_at_risk(silence, config),
            "intensity_raw": sums.intensity[:, 0],
            "value_raw": value_raw,
        }
    )
    return frame, result.strength
