"""Affect: the sentiment the contact carries (Granovetter's emotional intensity)."""

from __future__ import annotations

import numpy as np

from graphdyn.components import Component, Settings, Sums


def affect(sums: Sums, config: Settings, value_reference: np.ndarray) -> np.ndarray:
    """``f_A = (1 + s) / 2``, s = decay-weighted mean sentiment; NaN without sentiment.

    Examples
    --------
    >>> from graphdyn.config import Config
    >>> from graphdyn.engine.sums import one_group_sums
    >>> sums = one_group_sums([0.0, 0.0], sentiment=[0.5, None])
    >>> affect(sums, Config(), np.full(1, np.nan)).tolist()
    [[0.75]]
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = sums.sentiment_sum / sums.sentiment_weight
    return np.where((sums.n > 0) & (sums.sentiment_weight > 0), (1.0 + mean) / 2.0, np.nan)


COMPONENT = Component(
    name="affect",
    label="Affect",
    order=40,
    weight=0.15,
    needs="sentiment",
    formula="f_A = (1 + s) / 2, s = the decay-weighted mean sentiment",
    meaning="how positive the recent contact has been (surveys, ticket satisfaction, scoring)",
    source="Granovetter (1973); Marsden & Campbell (1984); Gilbert & Karahalios (2009)",
    cypher="CASE WHEN sentiment_weight > 0 THEN (1.0 + sentiment_sum / sentiment_weight) / 2.0 END",
    compute=affect,
)
