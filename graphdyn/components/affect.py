"""Affect: the sentiment the contact carries (Granovetter's emotional intensity)."""

from __future__ import annotations

import numpy as np

from graphdyn.components import Component, Settings, Sums


def affect(sums: Sums, config: Settings, value_reference: np.ndarray) -> np.ndarray:
    """``f_A = (1 + s) / 2``, s = decay-weighted mean sentiment; NaN without sentiment.

    Examples
    --------
    >>> from graphdyn.config import Config
    >>> import ibis
    >>> import pyarrow as pa
    >>> from graphdyn.engine.backend import connect
    >>> from graphdyn.engine.sums import group_sums
    >>> events = ibis.memtable(pa.table({
    ...     "g": [0] * 2, "age": [0.0] * 2, "day": [0] * 2, "richness": [1.0] * 2,
    ...     "inbound": [False] * 2, "outbound": [False] * 2,
    ...     "sentiment": pa.array([0.5, None], pa.float64()),
    ...     "value": pa.array([None] * 2, pa.float64())}))
    >>> with connect() as backend:
    ...     _, sums = group_sums(backend, events, ["g"], [0.0], 90.0)
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
