"""Per staff member (a contact point): portfolio, single-threading, centrality and exposure."""

from __future__ import annotations

import numpy as np
import pandas as pd

from graphdyn.config import Config
from graphdyn.model.threads import sole_carriers

__all__ = ["EXPOSURE_COLUMNS", "add_exposure", "staff_table"]

#: Columns :func:`add_exposure` adds: centrality before ``single_threaded_customers``, departure
#: impact after ``sole_strong_tie_customers`` (the order of staff.csv).
EXPOSURE_COLUMNS: tuple[str, ...] = (
    "betweenness",
    "pagerank",
    "constraint",
    "effective_size",
    "departure_at_risk",
    "value_at_stake",
)


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
        portfolio_strength (sum of tie strengths), strong_ties, single_threaded_customers
        (customers this person carries alone, :mod:`graphdyn.model.threads`) and
        sole_strong_tie_customers (customers whose only strong tie is this person).

    Examples
    --------
    >>> ties = pd.DataFrame({"customer_id": ["c1", "c1", "c2"], "staff_id": ["s1", "s2", "s1"],
    ...                      "strength": [0.8, 0.3, 0.6], "contact_days": [20, 4, 9]})
    >>> table = staff_table(ties, pd.DataFrame({"staff_id": []}), Config())
    >>> table[["staff_id", "customers", "strong_ties", "single_threaded_customers",
    ...        "sole_strong_tie_customers"]].values.tolist()
    [['s1', 2, 2, 1, 2], ['s2', 1, 0, 0, 0]]
    """
    strong = ties["strength"] >= config.strong_threshold
    strong_per_customer = strong.groupby(ties["customer_id"]).transform("sum")
    sole = strong & (strong_per_customer == 1)
    customer_codes = pd.factorize(ties["customer_id"])[0]
    carried = sole_carriers(
        customer_codes, ties["strength"].to_numpy(), ties["contact_days"].to_numpy(), config
    )
    grouped = ties.assign(strong=strong, sole=sole, carried=carried).groupby("staff_id", sort=True)
    table = pd.DataFrame(
        {
            "customers": grouped.size(),
            "portfolio_strength": grouped["strength"].sum(),
            "strong_ties": grouped["strong"].sum(),
            "single_threaded_customers": grouped["carried"].sum(),
            "sole_strong_tie_customers": grouped["sole"].sum(),
        }
    )
    table.index.name = "staff_id"
    ids = pd.Index(staff["staff_id"].dropna()).union(table.index)
    table = table.reindex(ids)
    counts = ["customers", "strong_ties", "single_threaded_customers", "sole_strong_tie_customers"]
    table[counts] = table[counts].fillna(0).astype(np.int64)
    table["portfolio_strength"] = table["portfolio_strength"].fillna(0.0)
    table = table.reset_index().rename(columns={"index": "staff_id"})
    attributes = staff.drop_duplicates("staff_id")
    extra = [c for c in attributes.columns if c != "staff_id"]
    if extra:
        table = attributes.merge(table, on="staff_id", how="right")
        table = table[["staff_id", *extra, *counts[:1], "portfolio_strength", *counts[1:]]]
    return table


def add_exposure(
    table: pd.DataFrame, centrality: pd.DataFrame, departure: pd.DataFrame
) -> pd.DataFrame:
    """Add centrality and departure impact to a staff table, in staff.csv column order.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`staff_table`.
    centrality : pandas.DataFrame
        Indexed by staff_id: betweenness, pagerank, constraint, effective_size
        (see :func:`graphdyn.model.centrality.node_centrality`).
    departure : pandas.DataFrame
        Indexed by staff_id: departure_at_risk, value_at_stake
        (see :func:`graphdyn.model.departure.departure_impact`); staff members absent from it
        (no ties) put nothing at stake.

    Returns
    -------
    pandas.DataFrame
        ``table`` with the :data:`EXPOSURE_COLUMNS`.

    Examples
    --------
    >>> ties = pd.DataFrame({"customer_id": ["c1"], "staff_id": ["s1"], "strength": [0.8],
    ...                      "contact_days": [5]})
    >>> table = staff_table(ties, pd.DataFrame({"staff_id": ["s1", "s2"]}), Config())
    >>> centrality = pd.DataFrame({"betweenness": [0.0, 0.0], "pagerank": [0.4, 0.2],
    ...     "constraint": [1.0, float("nan")], "effective_size": [1.0, float("nan")]},
    ...     index=["s1", "s2"])
    >>> departure = pd.DataFrame({"departure_at_risk": [1], "value_at_stake": [250.0]},
    ...                          index=["s1"])
    >>> out = add_exposure(table, centrality, departure)
    >>> out[["staff_id", "pagerank", "departure_at_risk", "value_at_stake"]].values.tolist()
    [['s1', 0.4, 1, 250.0], ['s2', 0.2, 0, 0.0]]
    """
    ids = table["staff_id"]
    measures = centrality.reindex(ids)
    impact = departure.reindex(ids)
    out = table.copy()
    for column in EXPOSURE_COLUMNS[:4]:
        out[column] = measures[column].to_numpy(dtype=np.float64)
    out["departure_at_risk"] = impact["departure_at_risk"].fillna(0).to_numpy().astype(np.int64)
    out["value_at_stake"] = impact["value_at_stake"].fillna(0.0).to_numpy(dtype=np.float64)
    before = list(table.columns[: table.columns.get_loc("single_threaded_customers")])
    order = [
        *before,
        *EXPOSURE_COLUMNS[:4],
        "single_threaded_customers",
        "sole_strong_tie_customers",
        *EXPOSURE_COLUMNS[4:],
    ]
    return out[order]
