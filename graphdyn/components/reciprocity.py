"""Reciprocity: whether both sides reach out (Granovetter's reciprocal services)."""

from __future__ import annotations

import numpy as np

from graphdyn.components import Component, Settings, Sums


def reciprocity(sums: Sums, config: Settings, value_reference: np.ndarray) -> np.ndarray:
    """``f_R = 1 - |in - out| / (in + out)`` over decayed counts; NaN without a direction.

    Examples
    --------
    >>> from graphdyn.config import Config
    >>> from graphdyn.engine.sums import one_group_sums
    >>> sums = one_group_sums(
    ...     [0.0] * 4, inbound=[True, False, False, False], outbound=[False, True, True, False]
    ... )
    >>> reciprocity(sums, Config(), np.full(1, np.nan)).round(4).tolist()  # 1 in, 2 out
    [[0.6667]]
    """
    directed = sums.inbound + sums.outbound
    with np.errstate(invalid="ignore", divide="ignore"):
        balance = 1.0 - np.abs(sums.inbound - sums.outbound) / directed
    return np.where((sums.n > 0) & (directed > 0), balance, np.nan)


COMPONENT = Component(
    name="reciprocity",
    label="Reciprocity",
    order=30,
    weight=0.15,
    needs="direction",
    formula="f_R = 1 - |in - out| / (in + out), decayed counts of inbound and outbound events",
    meaning="how balanced customer-initiated and vendor-initiated contact is",
    source="Granovetter (1973); Gilbert & Karahalios (2009)",
    cypher=(
        "CASE WHEN inbound + outbound > 0 "
        "THEN 1.0 - abs(inbound - outbound) / (inbound + outbound) END"
    ),
    compute=reciprocity,
)
