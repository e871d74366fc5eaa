"""Intensity: decayed, richness-weighted volume of contact (Granovetter's amount of time)."""

from __future__ import annotations

import numpy as np

from graphdyn.components import Component, Settings, Sums


def intensity(sums: Sums, config: Settings, value_reference: np.ndarray) -> np.ndarray:
    """``f_I = 1 - exp(-I / I_ref)``, ``I = sum(r w)``; defined for every group with events.

    Examples
    --------
    >>> from graphdyn.config import Config
    >>> from graphdyn.engine.sums import one_group_sums
    >>> sums = one_group_sums([0.0])
    >>> config = Config()
    >>> f = intensity(sums, config, np.full(1, np.nan))
    >>> bool(np.isclose(f[0, 0], 1 - np.exp(-1 / config.intensity_reference)))
    True
    """
    with np.errstate(invalid="ignore"):
        return np.where(sums.n > 0, -np.expm1(-sums.intensity / config.intensity_reference), np.nan)


COMPONENT = Component(
    name="intensity",
    label="Intensity",
    order=10,
    weight=0.45,
    needs=None,
    formula="f_I = 1 - exp(-I / I_ref), I = sum(r w) over the events",
    meaning="how much recent contact there is, richer channels (meetings, calls) counting more",
    source="Granovetter (1973); Gilbert & Karahalios (2009); Daft & Lengel (1986)",
    cypher="1.0 - exp(-intensity_sum / i_ref)",
    compute=intensity,
)
