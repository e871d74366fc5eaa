"""Tenure: how long the relationship has existed (Marsden & Campbell's duration)."""

from __future__ import annotations

import numpy as np

from graphdyn.components import Component, Settings, Sums


def tenure(sums: Sums, config: Settings, value_reference: np.ndarray) -> np.ndarray:
    """``f_D = 1 - exp(-D / tenure_scale_days)``, D = days since the first contact.

    Examples
    --------
    >>> from graphdyn.config import Config
    >>> from graphdyn.engine.sums import one_group_sums
    >>> sums = one_group_sums([365.0])
    >>> tenure(sums, Config(), np.full(1, np.nan)).round(4).tolist()
    [[0.6321]]
    """
    days = sums.first_age[:, None] - sums.offsets[None, :]
    with np.errstate(invalid="ignore"):
        return np.where(sums.n > 0, -np.expm1(-days / config.tenure_scale_days), np.nan)


COMPONENT = Component(
    name="tenure",
    label="Tenure",
    order=20,
    weight=0.10,
    needs=None,
    formula="f_D = 1 - exp(-D / tenure_scale_days), D = days since the first contact",
    meaning="how long the relationship has existed; it does not fade with silence",
    source="Marsden & Campbell (1984); Gilbert & Karahalios (2009)",
    cypher="1.0 - exp(-first_age / $tenure_scale)",
    compute=tenure,
)
