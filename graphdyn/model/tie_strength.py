"""Tie strength: decayed, channel-weighted components of a relationship, and their weighted mean.

The model (``docs/model.md``, section 1), after Granovetter (1973), Marsden & Campbell (1984),
Gilbert & Karahalios (2009) and media-richness theory (Daft & Lengel 1986). For an audit as of
T, an event at t weighs ``w = 2 ** (-(T - t) / H)`` and, per tie or customer:

- intensity   ``f_I = 1 - exp(-I / I_ref)``, ``I = sum(r * w)`` with channel richness r;
- tenure      ``f_D = 1 - exp(-D / tenure_scale)``, D = days since the first contact;
- reciprocity ``f_R = 1 - |in - out| / (in + out)`` over decayed inbound/outbound counts;
- affect      ``f_A = (1 + s) / 2``, s = decay-weighted mean sentiment;
- value       ``f_V = 1 - exp(-V / V_ref)``, ``V = sum(value * w)``, V_ref = median V over
  customers with value;
- strength    ``P(alive) * sum(alpha_j f_j) / sum(alpha_j)`` over the components that have
  data, P(alive) the probability that the relationship is still going given its silence and
  its own contact rhythm (:func:`graphdyn.model.decay.p_alive`).

The events are prepared in :mod:`graphdyn.model.events` and reduced per (group, evaluation
time) in :mod:`graphdyn.model.sums`; this module turns those sums into the components.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from graphdyn.config import COMPONENTS, Config
from graphdyn.model.decay import p_alive, typical_gap
from graphdyn.model.sums import GroupSums

__all__ = ["Components", "combine", "components", "value_reference"]


def value_reference(value: np.ndarray, value_count: np.ndarray) -> np.ndarray:
    """V_ref per evaluation time: the median V over customers with any value by then.

    Parameters
    ----------
    value, value_count : numpy.ndarray
        Customers' V and number of events with a value, shape ``(n_customers, n_times)``
        (see :func:`value_sums`).

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
class Components:
    """The components f_j, P(alive) and strength per group and evaluation time (NaN = no data).

    ``typical_gap`` is the rhythm g that P(alive) was computed with (defined without contact too).
    """

    intensity: np.ndarray
    tenure: np.ndarray
    reciprocity: np.ndarray
    affect: np.ndarray
    value: np.ndarray
    p_alive: np.ndarray
    strength: np.ndarray
    typical_gap: np.ndarray

    def as_mapping(self) -> Mapping[str, np.ndarray]:
        """Return the components by name, in :data:`~graphdyn.config.COMPONENTS` order."""
        return {name: getattr(self, name) for name in COMPONENTS}


def components(sums: GroupSums, config: Config, value_ref: np.ndarray) -> Components:
    """Compute every component and the strength from group sums.

    Parameters
    ----------
    sums : GroupSums
        From :func:`group_sums`.
    config : Config
        Weights, I_ref, the tenure scale, and the rhythm and lapse parameters of P(alive).
    value_ref : numpy.ndarray
        V_ref per evaluation time (see :func:`value_reference`).

    Returns
    -------
    Components
        Arrays shaped like the sums; a group with no events by an evaluation time has NaN
        everywhere at that time.
    """
    seen = sums.n > 0
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        intensity = np.where(seen, -np.expm1(-sums.intensity / config.intensity_reference), np.nan)
        tenure_days = sums.first_age[:, None] - sums.offsets[None, :]
        tenure = np.where(seen, -np.expm1(-tenure_days / config.tenure_scale_days), np.nan)
        directed = sums.inbound + sums.outbound
        reciprocity = np.where(
            seen & (directed > 0), 1.0 - np.abs(sums.inbound - sums.outbound) / directed, np.nan
        )
        mean_sentiment = sums.sentiment_sum / sums.sentiment_weight
        affect = np.where(seen & (sums.sentiment_weight > 0), (1.0 + mean_sentiment) / 2.0, np.nan)
        ratio = np.where(value_ref[None, :] > 0, sums.value / value_ref[None, :], np.inf)
        value = np.where(
            seen & (sums.value_count > 0), np.where(sums.value > 0, -np.expm1(-ratio), 0.0), np.nan
        )
        gap = typical_gap(np.maximum(sums.contact_days - 1, 0), sums.contact_span, config)
        alive = np.where(seen, p_alive(sums.last_age, gap, config), np.nan)
    parts = {
        "intensity": intensity,
        "tenure": tenure,
        "reciprocity": reciprocity,
        "affect": affect,
        "value": value,
    }
    return Components(
        **parts, p_alive=alive, strength=alive * combine(parts, config.weights), typical_gap=gap
    )


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
