"""Per staff member (a contact point): portfolio and single-threading from the tie table."""

from __future__ import annotations

import numpy as np
import pandas as pd

from graphdyn.config import Config

__all__ = ["staff_table"]


def staff_table(ties: pd.DataFrame, staff: pd.DataFrame, config: Config) -> pd.DataFrame:
    """Summarise each staff member's customers from the audit's ties.

    Parameters
    ----------
    ties : pandas.DataFrame
        The audit's ties (customer_id, staff_id, strength).
    staff : pandas.DataFrame
        The staff attribute table (may be empty); its rows with no ties are kept.
    config : Config
        Supplies the strong-tie threshold.

    Returns
    -------
    pandas.DataFrame
        staff_id, the attribute columns, customers (number of customers with a tie),
        portfolio_strength (sum of tie strengths), strong_ties, and
        sole_strong_tie_customers (customers whose only strong tie is this person).

    Examples
    --------
    >>> ties = pd.DataFrame({"customer_id": ["c1", "c1", "c2"], "staff_id": ["s1", "s2", "s1"],
    ...                      "strength": [0.8, 0.3, 0.6]})
    >>> table = staff_table(ties, pd.DataFrame({"staff_id": []}), Config())
    >>> table[["staff_id", "customers", "strong_ties", "sole_strong_tie_customers"]].values.tolist()
    [['s1', 2, 2, 2], ['s2', 1, 0, 0]]
    """
    strong = ties["strength"] >= config.strong_threshold
    strong_per_customer = strong.groupby(ties["customer_id"]).transform("sum")
    sole = strong & (strong_per_customer == 1)
    grouped = ties.assign(strong=strong, sole=sole).groupby("staff_id", sort=True)
    table = pd.DataFrame(
        {
            "customers": grouped.size(),
            "portfolio_strength": grouped["strength"].sum(),
            "strong_ties": grouped["strong"].sum(),
            "sole_strong_tie_customers": grouped["sole"].sum(),
        }
    )
    table.index.name = "staff_id"
    ids = pd.Index(staff["staff_id"].dropna()).union(table.index)
    table = table.reindex(ids)
    counts = ["customers", "strong_ties", "sole_strong_tie_customers"]
    table[counts] = table[counts].fillna(0).astype(np.int64)
    table["portfolio_strength"] = table["portfolio_strength"].fillna(0.0)
    table = table.reset_index().rename(columns={"index": "staff_id"})
    attributes = staff.drop_duplicates("staff_id")
    extra = [c for c in attributes.columns if c != "staff_id"]
    if extra:
        table = attributes.merge(table, on="staff_id", how="right")
        table = table[["staff_id", *extra, *counts[:1], "portfolio_strength", *counts[1:]]]
    return table
