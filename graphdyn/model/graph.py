"""Frames <-> NetworkX: the one place that knows the graph's node and edge schema.

Nodes are keyed ``"customer:<id>"``, ``"staff:<id>"`` and ``"product:<id>"`` (ids of different
kinds may coincide) and carry ``kind``, ``id`` and their attribute-table columns. Edges join a
customer to a staff member (``kind="tie"``) or to a product (``kind="product"``) and carry
``n_interactions`` plus whatever metric columns the frames have (an audit adds strength, status
and the components; ``weight`` is what graph measures use).

:func:`build_graph` turns the tables into the graph a batch of rows at a time, one column at a
time; :mod:`graphdyn.model.graph_index` finds the nodes and edges that graph would have, in its
order, without building it (what centrality and the network view need).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import networkx as nx
import numpy as np
import pandas as pd

from graphdyn.errors import UsageError
from graphdyn.ingest.dataset import Dataset

__all__ = [
    "NODE_KINDS",
    "GraphFrames",
    "build_graph",
    "graph_from_dataset",
    "interaction_counts",
    "node_key",
]

NodeKind = Literal["customer", "staff", "product"]

#: The node kinds and the id column each is keyed by.
NODE_KINDS: Mapping[NodeKind, str] = {
    "customer": "customer_id",
    "staff": "staff_id",
    "product": "product_id",
}


#: Rows turned into attribute dicts at a time by :func:`build_graph`.
_BATCH_ROWS = 65_536


def node_key(kind: NodeKind, node_id: str) -> str:
    """Return the graph key of a node.

    Examples
    --------
    >>> node_key("customer", "C001")
    'customer:C001'
    """
    return f"{kind}:{node_id}"


@dataclass(frozen=True)
class GraphFrames:
    """The tables a graph is built from, and read back into.

    Parameters
    ----------
    customers, staff, products : pandas.DataFrame
        One row per node, keyed by ``customer_id`` / ``staff_id`` / ``product_id``.
    ties : pandas.DataFrame
        One row per customer–staff edge: ``customer_id``, ``staff_id``, ``n_interactions``, ...
    product_links : pandas.DataFrame
        One row per customer–product edge: ``customer_id``, ``product_id``, ``n_interactions``,
        ``value``, ...
    """

    customers: pd.DataFrame
    staff: pd.DataFrame
    products: pd.DataFrame
    ties: pd.DataFrame
    product_links: pd.DataFrame


def interaction_counts(data: Dataset) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Count interactions per customer–staff pair and per customer–product pair.

    Returns
    -------
    ties, product_links : pandas.DataFrame
        ``ties``: customer_id, staff_id, n_interactions. ``product_links``: customer_id,
        product_id, n_interactions, value (sum of order values, 0 when none).
    """
    events = data.interactions
    staffed = events.loc[events["staff_id"].notna()]
    ties = (
        staffed.groupby(["customer_id", "staff_id"], sort=True, observed=True)
        .size()
        .rename("n_interactions")
        .reset_index()
    )
    with_product = events.loc[events["product_id"].notna()]
    product_links = (
        with_product.groupby(["customer_id", "product_id"], sort=True, observed=True)
        .agg(n_interactions=("interaction_id", "size"), value=("value", "sum"))
        .reset_index()
    )
    return ties, product_links


def graph_from_dataset(data: Dataset) -> nx.Graph[str]:
    """Build the customer–staff–product graph of a data set, with interaction counts.

    Every id in an attribute table or an interaction is a node; attribute rows never
    referenced are isolated nodes.

    Examples
    --------
    >>> import pandas as pd
    >>> data = Dataset.from_frames(pd.DataFrame({
    ...     "interaction_id": ["i1", "i2"], "timestamp": ["2024-05-01", "2024-05-02"],
    ...     "customer_id": ["c1", "c1"], "staff_id": ["s1", "s1"], "channel": ["phone", "email"]}))
    >>> graph = graph_from_dataset(data)
    >>> graph.edges["customer:c1", "staff:s1"]["n_interactions"]
    2
    """
    ties, product_links = interaction_counts(data)
    nodes = {
        "customer": _with_all_ids(data.customers, data.customer_ids()),
        "staff": _with_all_ids(data.staff, data.staff_ids()),
        "product": _with_all_ids(data.products, data.product_ids()),
    }
    return build_graph(
        GraphFrames(nodes["customer"], nodes["staff"], nodes["product"], ties, product_links)
    )


def build_graph(frames: GraphFrames) -> nx.Graph[str]:
    """Turn node and edge tables into an undirected NetworkX graph.

    Missing values (NaN, None, NaT) are left out of the attribute dicts, so every attribute
    present on a node or edge is a real value. Nodes come in table order (customers, staff,
    products, then ids only the edge tables name); an edge listed twice keeps its first place
    and the later row's values.

    Examples
    --------
    >>> frames = GraphFrames(
    ...     customers=pd.DataFrame({"customer_id": ["c1"], "segment": ["smb"]}),
    ...     staff=pd.DataFrame({"staff_id": ["s1"], "region": [None]}),
    ...     products=pd.DataFrame({"product_id": []}),
    ...     ties=pd.DataFrame({"customer_id": ["c1"], "staff_id": ["s1"], "weight": [0.5]}),
    ...     product_links=pd.DataFrame({"customer_id": [], "product_id": []}))
    >>> graph = build_graph(frames)
    >>> dict(graph.nodes(data=True))
    {'customer:c1': {'kind': 'customer', 'id': 'c1', 'segment': 'smb'}, \
'staff:s1': {'kind': 'staff', 'id': 's1'}}
    >>> graph.edges["customer:c1", "staff:s1"]
    {'kind': 'tie', 'weight': 0.5}
    """
    graph: nx.Graph[str] = nx.Graph()
    for kind, table in _node_tables(frames):
        id_column = NODE_KINDS[kind]
        ids = _values(table, id_column)
        records = _attribute_dicts(table, [id_column])
        graph.add_nodes_from(
            (key, {"kind": kind, "id": node_id, **record})
            for key, node_id, record in zip(_keys(kind, ids), ids, records, strict=True)
        )
    for table, other_kind, kind_label in _edge_tables(frames):
        other_column = NODE_KINDS[other_kind]
        customers = _keys("customer", _values(table, "customer_id"))
        others = _keys(other_kind, _values(table, other_column))
        records = _attribute_dicts(table, ["customer_id", other_column])
        graph.add_edges_from(
            (c, o, {"kind": kind_label, **record})
            for c, o, record in zip(customers, others, records, strict=True)
        )
    for node, attributes in graph.nodes(data=True):
        if "kind" not in attributes:
            prefix, _, node_id = str(node).partition(":")
            attributes.update(kind=prefix, id=node_id)
    return graph


def _with_all_ids(table: pd.DataFrame, ids: pd.Index) -> pd.DataFrame:
    key = str(ids.name)
    missing = ids.difference(pd.Index(table[key].dropna()))
    if len(missing) == 0:
        return table
    return pd.concat([table, pd.DataFrame({key: missing.to_numpy()})], ignore_index=True)


def _node_tables(frames: GraphFrames) -> list[tuple[NodeKind, pd.DataFrame]]:
    return [
        ("customer", frames.customers),
        ("staff", frames.staff),
        ("product", frames.products),
    ]


def _edge_tables(frames: GraphFrames) -> list[tuple[pd.DataFrame, NodeKind, str]]:
    return [(frames.ties, "staff", "tie"), (frames.product_links, "product", "product")]


def _column(series: pd.Series[Any]) -> tuple[list[Any], np.ndarray]:
    """Return a column's values as Python objects, and where they are missing (NaN, None, NaT)."""
    values = series.tolist()
    if not _holds_python_values(series.dtype):
        values = [_python(value) for value in values]
    return values, series.isna().to_numpy(dtype=bool)


def _holds_python_values(dtype: object) -> bool:
    """Whether ``tolist()`` of a column of this type gives Python scalars or Timestamps."""
    if isinstance(dtype, np.dtype):
        return dtype.kind in "biufmM"
    return isinstance(dtype, pd.StringDtype | pd.DatetimeTZDtype)


def _values(table: pd.DataFrame, column: str) -> list[Any]:
    """Return the ids in ``column``, which must all be there."""
    if column not in table.columns and len(table) == 0:
        return []
    if column not in table.columns:
        raise UsageError(f"graph: a table with rows has no {column} column")
    values, missing = _column(table[column])
    if missing.any():
        row = int(np.flatnonzero(missing)[0])
        raise UsageError(f"graph: {column} is missing in row {row} of its table")
    return values


def _keys(kind: NodeKind, ids: list[Any]) -> list[str]:
    """Return :func:`node_key` of each id."""
    return [f"{kind}:{node_id}" for node_id in ids]


def _attribute_dicts(table: pd.DataFrame, keys: list[str]) -> Iterator[dict[str, Any]]:
    """Yield one dict per row of the columns other than ``keys``, without the missing values.

    A batch of rows at a time, so that only the graph grows with the table.
    """
    names = [c for c in table.columns if c not in keys]
    for start in range(0, len(table), _BATCH_ROWS):
        rows = table.iloc[start : start + _BATCH_ROWS]
        if not names:
            yield from ({} for _ in range(len(rows)))
            continue
        columns = [_column(rows[name]) for name in names]
        records = [
            dict(zip(names, row, strict=True)) for row in zip(*(c[0] for c in columns), strict=True)
        ]
        for name, (_, missing) in zip(names, columns, strict=True):
            for row in np.flatnonzero(missing).tolist():
                del records[row][name]
        yield from records


def _python(value: object) -> object:
    item = getattr(value, "item", None)
    return item() if callable(item) and not isinstance(value, pd.Timestamp) else value
