"""Tie strength and liveness from group sums: two questions, two numbers.

The model (``docs/model.md``, sections 1 and 2), after Granovetter (1973), Marsden & Campbell
(1984), Gilbert & Karahalios (2009) and Schmittlein, Morrison & Colombo (1987):

- **strength**, how strong the relationship is: ``sum(alpha_j f_j) / sum(alpha_j)`` over the
  components that have data (:mod:`graphdyn.components` declares them, with their
  formulas); it does not depend on whether the relationship is still going;
- **liveness**, how likely it is still going: the probability that it is still going and makes
  contact within ``liveness_horizon_days`` (:mod:`graphdyn.model.rhythm`), with ``p_alive``
  (still going at all) and the typical gap it is computed from.

The events are reduced per (group, evaluation time) in the engine
(:mod:`graphdyn.engine.sums`); this module turns those sums into the numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from graphdyn.components import COMPONENTS
from graphdyn.config import Config
from graphdyn.engine.sums import GroupSums
from graphdyn.model.rhythm import Rhythm, p_alive, p_contact_within, rhythm

__all__ = ["Scores", "combine", "liveness_at", "scores", "strength_at", "value_reference"]


def value_reference(value: np.ndarray, value_count: np.ndarray) -> np.ndarray:
    """V_ref per evaluation time: the median V over customers with any value by then.

    Parameters
    ----------
    value, value_count : numpy.ndarray
        Customers' V and number of events with a value, shape ``(n_customers, n_times)``
        (see :meth:`~graphdyn.engine.sums.LevelSums.value_sums`).

    Returns
    -------
    numpy.ndarray
        NaN for a time at which no customer has a value.

    Examples
    --------
    >>> import numpy as np
    >>> value_reference(np.array([[10.0], [30.0], [0.0]]), np.array([[1.0], [2.0], [0.0]]))
    array([20.])
    """
    present = value_count > 0
    values = np.where(present, value, np.nan)
    out = np.full(values.shape[1], np.nan)
    some = present.any(axis=0)
    out[some] = np.nanmedian(values[:, some], axis=0)
    return out


@dataclass(frozen=True)
class Scores:
    """Components, strength and the rhythm per group and evaluation time (NaN = no data).

    Parameters
    ----------
    parts : mapping of str to numpy.ndarray
        Each component f_j, by name, in :data:`~graphdyn.components.COMPONENTS` order.
    strength : numpy.ndarray
        The weighted mean of the components that have data.
    typical_gap : numpy.ndarray
        g, days (defined before any contact too: the prior's).
    rate_shape, rate_days : numpy.ndarray
        The contact rate's posterior ``Gamma(a, b)`` (see :class:`~graphdyn.model.rhythm.Rhythm`).
    """

    parts: Mapping[str, np.ndarray]
    strength: np.ndarray
    typical_gap: np.ndarray
    rate_shape: np.ndarray
    rate_days: np.ndarray


def scores(sums: GroupSums, config: Config, value_ref: np.ndarray) -> Scores:
    """Compute every component, the strength and the contact rhythm from group sums.

    Parameters
    ----------
    sums : GroupSums
        From :class:`~graphdyn.engine.sums.LevelSums`.
    config : Config
        Weights, the components' scales and the rhythm parameters.
    value_ref : numpy.ndarray
        V_ref per evaluation time (see :func:`value_reference`).

    Returns
    -------
    Scores
        Arrays shaped like the sums; a group with no events by an evaluation time has NaN
        components and strength at that time.
    """
    parts = {c.name: c.compute(sums, config, value_ref) for c in COMPONENTS}
    posterior = rhythm(sums.contact_days, sums.recent_contact_days, sums.contact_span, config)
    return Scores(
        parts=parts,
        strength=combine(parts, config.weights),
        typical_gap=posterior.typical_gap,
        rate_shape=posterior.shape,
        rate_days=posterior.rate,
    )


def strength_at(sums: GroupSums, config: Config, value_ref: np.ndarray) -> np.ndarray:
    """Strength alone (the components' weighted mean), without the rhythm.

    Examples
    --------
    >>> from graphdyn.engine.sums import one_group_sums
    >>> sums = one_group_sums([0.0])
    >>> strength_at(sums, Config(), np.full(1, np.nan)).round(4).tolist()  # tenure 0
    [[0.2088]]
    """
    return combine({c.name: c.compute(sums, config, value_ref) for c in COMPONENTS}, config.weights)


def liveness_at(
    shape: np.ndarray, rate_days: np.ndarray, days_since_last: np.ndarray, config: Config
) -> tuple[np.ndarray, np.ndarray]:
    """P(alive) and liveness of relationships silent for some days.

    Parameters
    ----------
    shape, rate_days : numpy.ndarray
        The contact rate's posterior (:attr:`Scores.rate_shape`, :attr:`Scores.rate_days`).
    days_since_last : numpy.ndarray
        s, days of silence.
    config : Config
        ``lapse_half_life_days`` and ``liveness_horizon_days``.

    Returns
    -------
    p_alive, liveness : numpy.ndarray
        liveness = P(alive) x P(a contact within the horizon | alive).

    Examples
    --------
    A relationship with ten monthly contacts, just contacted and silent for half a year:

    >>> alive, live = liveness_at(np.full(2, 12.0), np.full(2, 360.0),
    ...                           np.array([0.0, 180.0]), Config())
    >>> alive.round(3).tolist(), live.round(3).tolist()
    ([1.0, 0.319], [0.92, 0.265])
    """
    posterior = Rhythm(np.asarray(shape, np.float64), np.asarray(rate_days, np.float64))
    alive = p_alive(posterior, days_since_last, config)
    within = p_contact_within(posterior, days_since_last, config.liveness_horizon_days, config)
    return alive, alive * within


def combine(parts: Mapping[str, np.ndarray], weights: Mapping[str, float]) -> np.ndarray:
    """Weighted mean of the components that have data: ``sum(alpha f) / sum(alpha)``.

    A component that is NaN (no data) is left out of both sums, never counted as zero.

    Examples
    --------
    >>> import numpy as np
    >>> combine({"intensity": np.array([0.5]), "affect": np.array([np.nan])},
    ...         {"intensity": 0.45, "affect": 0.15}).tolist()
    [0.5]
    """
    numerator: np.ndarray | float = 0.0
    denominator: np.ndarray | float = 0.0
    for name, values in parts.items():
        alpha = weights.get(name, 0.0)
        present = ~np.isnan(values)
        numerator = numerator + np.where(present, alpha * np.nan_to_num(values), 0.0)
        denominator = denominator + np.where(present, alpha, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(np.asarray(denominator) > 0, numerator / np.asarray(denominator), np.nan)
