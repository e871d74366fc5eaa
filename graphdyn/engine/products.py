"""Product sums: each customer–product link's interactions, order value and decayed volume.

An interaction names a product or none; the links are the (customer, product) pairs of those
that name one, and a product's totals are its links' added up. One query over the events gives
the links, sorted by customer and product (far fewer rows than events); the totals add up those
rows.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
import pandas as pd
from ibis.backends import BaseBackend

from graphdyn.config import Config
from graphdyn.engine.events import event_table

__all__ = ["product_links", "product_totals"]


def product_links(
    backend: BaseBackend, interactions: ir.Table, as_of: pd.Timestamp, config: Config
) -> pd.DataFrame:
    """Sum the interactions of each customer–product pair.

    Parameters
    ----------
    backend : ibis.backends.BaseBackend
        The engine (:func:`graphdyn.engine.backend.connect`).
    interactions : ibis.expr.types.Table
        The interaction columns and ``product_id``, none after ``as_of``.
    as_of : pandas.Timestamp
        The audit date T (UTC).
    config : Config
        Supplies the half-life H.

    Returns
    -------
    pandas.DataFrame
        customer_id, product_id, n_interactions, value (the order values added up, 0 without
        any) and weight (the decayed interaction count, ``sum 2 ** (-age / H)``), sorted by
        customer and product.

    Examples
    --------
    >>> from graphdyn.engine.backend import connect
    >>> from graphdyn.engine.events import interactions_table
    >>> frame = pd.DataFrame({
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-03-31", "2024-03-31"], utc=True),
    ...     "customer_id": ["c1", "c1", "c1"], "staff_id": ["s1", None, None],
    ...     "channel": pd.Categorical(["order", "order", "email"]),
    ...     "direction": pd.Categorical([None] * 3, categories=["inbound", "outbound"]),
    ...     "sentiment": float("nan"), "value": [100.0, float("nan"), 5.0],
    ...     "product_id": ["p1", "p1", None]})
    >>> with connect() as backend:
    ...     links = product_links(backend, interactions_table(frame),
    ...                           pd.Timestamp("2024-03-31", tz="UTC"), Config())
    >>> links.to_dict("records")
    [{'customer_id': 'c1', 'product_id': 'p1', 'n_interactions': 2, 'value': 100.0, 'weight': 1.5}]
    """
    events = event_table(
        interactions.filter(interactions.product_id.notnull()), as_of, config, keep=["product_id"]
    )
    weight = ibis.literal(2.0) ** (-events.age / config.half_life_days)
    links = (
        events.mutate(weight=weight)
        .group_by(["customer_id", "product_id"])
        .aggregate(
            n_interactions=ibis._.count(),
            value=ibis._.value.sum().fill_null(0.0),
            weight=ibis._.weight.sum(),
        )
        .order_by(["customer_id", "product_id"])
    )
    frame: pd.DataFrame = backend.to_pyarrow(links).to_pandas()
    return frame


def product_totals(products: pd.DataFrame, links: pd.DataFrame) -> pd.DataFrame:
    """Add each product's ``n_interactions`` and ``value``, its links' added up.

    Every product of ``products`` and of ``links`` has a row, sorted by product_id; those
    without links have no totals (NaN).

    Examples
    --------
    >>> links = pd.DataFrame({"customer_id": ["c1", "c2"], "product_id": ["p1", "p1"],
    ...                       "n_interactions": [2, 1], "value": [100.0, 0.0]})
    >>> products = pd.DataFrame({"product_id": ["p1", "p2"], "name": ["One", "Two"]})
    >>> product_totals(products, links)[["product_id", "n_interactions", "value"]].values.tolist()
    [['p1', 3.0, 100.0], ['p2', nan, nan]]
    """
    totals = (
        links.groupby("product_id")
        .agg(n_interactions=("n_interactions", "sum"), value=("value", "sum"))
        .reset_index()
    )
    return products.merge(totals, on="product_id", how="outer")
