"""What the "needs attention" lists sort by: what is at stake, times the chance of losing it.

Every tie and customer carries ``value_at_risk`` = V x (1 - liveness), the decayed order value
(``value_raw``) that lapses if the relationship does, and ``strength_at_risk`` = strength x
(1 - liveness). The lists sort by value at risk when the data has values, and by strength at
risk when it has none; :func:`priority_column` names the one, and ``summary.json`` records it
as ``priority``.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["PRIORITIES", "needs_attention", "priority_column"]

#: The priority columns, the preferred one first.
PRIORITIES: tuple[str, ...] = ("value_at_risk", "strength_at_risk")


def priority_column(table: pd.DataFrame) -> str:
    """Name the column a table of ties or customers is prioritised by.

    Examples
    --------
    >>> priority_column(pd.DataFrame({"value_at_risk": [float("nan")],
    ...                               "strength_at_risk": [0.2]}))
    'strength_at_risk'
    """
    values = table["value_at_risk"] if "value_at_risk" in table else pd.Series(dtype=float)
    return PRIORITIES[0] if values.notna().any() else PRIORITIES[1]


def needs_attention(
    table: pd.DataFrame, statuses: tuple[str, ...] = ("at_risk",), key: str = "customer_id"
) -> pd.DataFrame:
    """Return the rows with one of ``statuses``, most at stake first (ties broken by ``key``).

    Examples
    --------
    >>> customers = pd.DataFrame({"customer_id": ["c1", "c2", "c3"],
    ...     "status": ["at_risk", "at_risk", "active"], "value_at_risk": [10.0, 250.0, 900.0],
    ...     "strength_at_risk": [0.1, 0.3, 0.5]})
    >>> needs_attention(customers)["customer_id"].tolist()
    ['c2', 'c1']
    """
    column = priority_column(table)
    chosen = table.loc[table["status"].isin(statuses)]
    return chosen.sort_values([column, key], ascending=[False, True], na_position="last")
