"""The rows the loader sends: a data set's tables as Python values of the types Neo4j stores.

Ids and text become STRING, numbers FLOAT, dates DATE and timestamps epoch seconds plus
nanoseconds (the statements build a UTC DATETIME from them); a blank value becomes None, which
stores no property. Interactions are converted a batch at a time (:func:`interaction_batches`),
so the client never holds more than one batch as Python objects.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from graphdyn.data.contract import INTERACTIONS, Table
from graphdyn.neo4j.schema import LISTED, NodeLabel

__all__ = [
    "LINKS",
    "PROPERTIES",
    "Elements",
    "InteractionBatch",
    "attribute_rows",
    "extra_columns",
    "interaction_batches",
    "python_values",
]

#: Interaction columns that become relationships rather than properties.
LINKS = ("customer_id", "staff_id", "product_id")
#: Interaction properties named in ``load_interactions_new.cypher``: the contract's columns
#: but the id, the timestamp and the links.
PROPERTIES = tuple(
    name
    for name in INTERACTIONS.column_names
    if name not in (*LINKS, "interaction_id", "timestamp")
)
#: Node id to element id, per id column of the interactions (``customer_id`` ...).
Elements = dict[str, dict[str, str]]

_MICROS = 1_000_000


def extra_columns(frame: pd.DataFrame, table: Table) -> list[str]:
    """Return the frame's columns that the data contract does not define, in order.

    Examples
    --------
    >>> from graphdyn.neo4j.schema import CUSTOMER
    >>> extra_columns(pd.DataFrame(columns=["customer_id", "tier"]), CUSTOMER.table)
    ['tier']
    """
    return [str(c) for c in frame.columns if c not in table.column_names]


def python_values(series: pd.Series, kind: str) -> list[Any]:
    """Return a column as Python values Neo4j stores with the right type; None if blank.

    Parameters
    ----------
    series : pandas.Series
        The column, as the data contract reads it.
    kind : str
        Its contract kind: ``date`` (to :class:`datetime.date`), ``number`` (to float) or
        anything else (as it is).

    Examples
    --------
    >>> python_values(pd.Series([1.5, float("nan")]), "number")
    [1.5, None]
    """
    if kind == "date":
        return [None if pd.isna(v) else v.date() for v in series]
    if kind == "number":
        return [None if math.isnan(v) else v for v in series.to_numpy(dtype=np.float64).tolist()]
    values: list[Any] = series.astype(object).where(series.notna(), None).tolist()
    return values


def attribute_rows(frame: pd.DataFrame, kind: NodeLabel) -> list[dict[str, Any]]:
    """Return one row per attribute-table row: its id and every attribute (None when blank).

    The properties also mark the node ``listed``.

    Examples
    --------
    >>> from graphdyn import Dataset
    >>> from graphdyn.neo4j.schema import STAFF
    >>> events = pd.DataFrame({"interaction_id": ["i1"], "timestamp": ["2024-05-01"],
    ...                        "customer_id": ["c1"], "staff_id": ["s1"], "channel": ["phone"]})
    >>> staff = pd.DataFrame({"staff_id": ["s1"], "name": ["Ada"]})
    >>> data = Dataset.from_frames(events, staff=staff)
    >>> attribute_rows(data.staff, STAFF)[0]["properties"]["name"]
    'Ada'
    """
    names = [*kind.attribute_columns, *extra_columns(frame, kind.table)]
    contract = set(kind.table.column_names)
    columns = [
        python_values(frame[n], kind.table.column(n).kind if n in contract else "text")
        for n in names
    ]
    ids = python_values(frame[kind.key], "id")
    return [
        {"id": key, "properties": {LISTED: True, **dict(zip(names, values, strict=True))}}
        for key, *values in zip(ids, *columns, strict=True)
    ]


@dataclass(frozen=True)
class InteractionBatch:
    """One batch of interactions as parallel columns of Python values.

    Attributes
    ----------
    ids, customer_ids, staff_ids, product_ids : list
        The id columns (staff and product may be None).
    epoch_seconds, nanoseconds : list of int
        The timestamp, UTC.
    columns : dict of str to list
        The contract's property columns (:data:`PROPERTIES`), by name.
    extra : list of dict
        Per row, the extra columns' values by name; empty dicts when the table has none.
    """

    ids: list[str]
    customer_ids: list[str]
    staff_ids: list[str | None]
    product_ids: list[str | None]
    epoch_seconds: list[int]
    nanoseconds: list[int]
    columns: dict[str, list[Any]]
    extra: list[dict[str, Any]]

    def new_rows(self, chosen: list[int], elements: Elements) -> list[dict[str, Any]]:
        """Rows for ``load_interactions_new.cypher``: nodes by element id and key, properties."""
        customers, staff, products = (elements[name] for name in LINKS)
        return [
            {
                "interaction_id": self.ids[k],
                "customer": customers.get(self.customer_ids[k]),
                "staff": _element(staff, self.staff_ids[k]),
                "product": _element(products, self.product_ids[k]),
                "customer_id": self.customer_ids[k],
                "staff_id": self.staff_ids[k],
                "product_id": self.product_ids[k],
                "epoch_seconds": self.epoch_seconds[k],
                "nanosecond": self.nanoseconds[k],
                **{name: values[k] for name, values in self.columns.items()},
            }
            for k in chosen
        ]

    def extra_rows(self, chosen: list[int]) -> list[dict[str, Any]]:
        """Rows for ``load_interactions_extra.cypher``: the id and the extra columns."""
        return [{"interaction_id": self.ids[k], "properties": self.extra[k]} for k in chosen]

    def updated_rows(self, chosen: list[int]) -> list[dict[str, Any]]:
        """Rows for ``load_interactions_update.cypher``: nodes by their ids, every property."""
        return [
            {
                "interaction_id": self.ids[k],
                "customer_id": self.customer_ids[k],
                "staff_id": self.staff_ids[k],
                "product_id": self.product_ids[k],
                "epoch_seconds": self.epoch_seconds[k],
                "nanosecond": self.nanoseconds[k],
                "properties": {
                    **{name: values[k] for name, values in self.columns.items()},
                    **self.extra[k],
                },
            }
            for k in chosen
        ]


def interaction_batches(
    interactions: pd.DataFrame, positions: np.ndarray, batch_size: int
) -> Iterator[InteractionBatch]:
    """Yield the interactions at ``positions`` a batch at a time, converted as they go.

    Parameters
    ----------
    interactions : pandas.DataFrame
        The validated interactions table.
    positions : numpy.ndarray
        Row positions to send, in order.
    batch_size : int
        Rows per batch.

    Examples
    --------
    >>> events = pd.DataFrame({"interaction_id": ["i1"], "timestamp": ["2024-05-01"],
    ...                        "customer_id": ["c1"], "channel": ["phone"]})
    >>> from graphdyn import Dataset
    >>> data = Dataset.from_frames(events)
    >>> batch = next(interaction_batches(data.interactions, np.arange(1), 100))
    >>> batch.ids, batch.epoch_seconds, batch.columns["channel"]
    (['i1'], [1714521600], ['phone'])
    """
    micros = interactions["timestamp"].to_numpy(dtype="datetime64[us]").astype(np.int64)
    extra = extra_columns(interactions, INTERACTIONS)
    for start in range(0, len(positions), batch_size):
        chosen = positions[start : start + batch_size]
        frame = interactions.iloc[chosen]
        seconds, remainder = np.divmod(micros[chosen], _MICROS)
        extra_values = [python_values(frame[name], "text") for name in extra]
        yield InteractionBatch(
            ids=python_values(frame["interaction_id"], "id"),
            customer_ids=python_values(frame["customer_id"], "id"),
            staff_ids=python_values(frame["staff_id"], "id"),
            product_ids=python_values(frame["product_id"], "id"),
            epoch_seconds=seconds.tolist(),
            nanoseconds=(remainder * 1000).tolist(),
            columns={
                name: python_values(frame[name], INTERACTIONS.column(name).kind)
                for name in PROPERTIES
            },
            extra=_row_maps(extra, extra_values, len(chosen)),
        )


def _row_maps(names: list[str], columns: list[list[Any]], count: int) -> list[dict[str, Any]]:
    """Turn columns into ``count`` rows of ``{name: value}``."""
    if not names:
        return [{} for _ in range(count)]
    return [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]


def _element(elements: Mapping[str, str], key: str | None) -> str | None:
    return None if key is None else elements.get(key)
