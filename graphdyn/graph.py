"""Frames <-> NetworkX: the one place that knows the graph's node and edge schema.

Nodes are keyed ``"customer:<id>"``, ``"staff:<id>"`` and ``"product:<id>"`` (ids of different
kinds may coincide) and carry ``kind``, ``id`` and their attribute-table columns. Edges join a
customer to a staff member (``kind="tie"``) or to a product (``kind="product"``) and carry
``n_interactions`` plus whatever metric columns the frames have (an audit adds strength, status
and the components; ``weight`` is what graph measures use).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import networkx as nx
import pandas as pd

from graphdyn.data.dataset import Dataset

__all__ = [
    "NODE_KINDS",
    "GraphFrames",
    "build_graph",
    "graph_from_dataset",
    "graph_to_frames",
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
    present on a node or edge is a real value.
    """
    graph: nx.Graph[str] = nx.Graph()
    for kind, table in (
        ("customer", frames.customers),
        ("staff", frames.staff),
        ("product", frames.products),
    ):
        id_column = NODE_KINDS[kind]  # type: ignore[index]
        for record in _records(table):
            node_id = record.pop(id_column)
            graph.add_node(node_key(kind, node_id), kind=kind, id=node_id, **record)  # type: ignore[arg-type]
    for table, other_kind, kind_label in (
        (frames.ties, "staff", "tie"),
        (frames.product_links, "product", "product"),
    ):
        other_column = NODE_KINDS[other_kind]  # type: ignore[index]
        graph.add_edges_from(
            (
                node_key("customer", record.pop("customer_id")),
                node_key(other_kind, record.pop(other_column)),  # type: ignore[arg-type]
                {"kind": kind_label, **record},
            )
            for record in _records(table)
        )
    for node, attributes in graph.nodes(data=True):
        if "kind" not in attributes:
            kind, _, node_id = str(node).partition(":")
            attributes.update(kind=kind, id=node_id)
    return graph


def graph_to_frames(graph: nx.Graph[str]) -> GraphFrames:
    """Read node and edge tables back from a graph made by :func:`build_graph`.

    Columns are ordered id first, then in order of first appearance; missing attributes are NaN.
    """
    nodes: dict[str, list[dict[str, Any]]] = {kind: [] for kind in NODE_KINDS}
    for _, attributes in graph.nodes(data=True):
        kind = attributes["kind"]
        record = {NODE_KINDS[kind]: attributes["id"]}
        record.update((k, v) for k, v in attributes.items() if k not in ("kind", "id"))
        nodes[kind].append(record)
    edges: dict[str, list[dict[str, Any]]] = {"tie": [], "product": []}
    for u, v, attributes in graph.edges(data=True):
        ends = {
            graph.nodes[u]["kind"]: graph.nodes[u]["id"],
            graph.nodes[v]["kind"]: graph.nodes[v]["id"],
        }
        kind = attributes["kind"]
        other = "staff" if kind == "tie" else "product"
        record = {"customer_id": ends["customer"], NODE_KINDS[other]: ends[other]}  # type: ignore[index]
        record.update((k, val) for k, val in attributes.items() if k != "kind")
        edges[kind].append(record)
    return GraphFrames(
        customers=_frame(nodes["customer"], ["customer_id"]),
        staff=_frame(nodes["staff"], ["staff_id"]),
        products=_frame(nodes["product"], ["product_id"]),
        ties=_frame(edges["tie"], ["customer_id", "staff_id"]),
        product_links=_frame(edges["product"], ["customer_id", "product_id"]),
    )


def _with_all_ids(table: pd.DataFrame, ids: pd.Index) -> pd.DataFrame:
    key = str(ids.name)
    missing = ids.difference(pd.Index(table[key].dropna()))
    if len(missing) == 0:
        return table
    return pd.concat([table, pd.DataFrame({key: missing.to_numpy()})], ignore_index=True)


def _records(table: pd.DataFrame) -> Iterable[dict[str, Any]]:
    columns = list(table.columns)
    for row in table.itertuples(index=False, name=None):
        yield {c: _python(v) for c, v in zip(columns, row, strict=True) if not _missing(v)}


def _missing(value: object) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))  # type: ignore[call-overload]


def _python(value: object) -> object:
    item = getattr(value, "item", None)
    return item() if callable(item) and not isinstance(value, pd.Timestamp) else value


def _frame(records: list[dict[str, Any]], keys: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(records) if records else pd.DataFrame(columns=keys)
    return frame.sort_values(keys, kind="stable").reset_index(drop=True)
