"""Value: the money the relationship moves, against the population's median."""

from __future__ import annotations

import numpy as np

from graphdyn.components import Component, Settings, Sums


def value(sums: Sums, config: Settings, value_reference: np.ndarray) -> np.ndarray:
    """``f_V = 1 - exp(-V / V_ref)``, ``V = sum(value w)``; NaN without any value.

    V_ref (per evaluation time) is the median V over the customers with a value; where it is
    0 or missing any positive V counts as 1.

    Examples
    --------
    >>> from graphdyn.config import Config
    >>> from graphdyn.engine.sums import one_group_sums
    >>> sums = one_group_sums([0.0], value=[200.0])
    >>> value(sums, Config(), np.array([200.0])).round(4).tolist()
    [[0.6321]]
    """
    reference = value_reference[None, :]
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        ratio = np.where(reference > 0, sums.value / reference, np.inf)
        scaled = np.where(sums.value > 0, -np.expm1(-ratio), 0.0)
    return np.where((sums.n > 0) & (sums.value_count > 0), scaled, np.nan)


COMPONENT = Component(
    name="value",
    label="Value",
    order=50,
    weight=0.15,
    needs="value",
    formula="f_V = 1 - exp(-V / V_ref), V = sum(value w), V_ref = the median V over customers",
    meaning="how much recent order value the relationship carries, against the median customer",
    source="graphdyn (the exchange Granovetter's reciprocal services stands for, in money)",
    cypher=(
        "CASE WHEN value_count = 0 THEN null WHEN value_sum <= 0 THEN 0.0 "
        "WHEN v_ref IS NULL OR v_ref <= 0 THEN 1.0 ELSE 1.0 - exp(-value_sum / v_ref) END"
    ),
    compute=value,
)
