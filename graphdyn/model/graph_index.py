"""The graph of an audit's tables, indexed: nodes and edges by position, without building it.

:func:`index_frames` finds the nodes and edges :func:`~graphdyn.model.graph.build_graph` would
make of a :class:`~graphdyn.model.graph.GraphFrames`, in the graph's order, as arrays, and
remembers which table rows each one comes from. A :class:`GraphIndex` then reads a column per
node or per edge (:meth:`~GraphIndex.node_values`, :meth:`~GraphIndex.edge_values`) and builds
the NetworkX graph of any part of it (:meth:`~GraphIndex.subgraph`) with the attributes
``build_graph`` gives those nodes and edges. A view picks what it draws from the arrays and
builds only that: at 10M interactions (106,000 nodes and 2.2M edges) indexing takes about half
a second, where building the whole graph takes 24 s and 2.5 GB.

:func:`graph_arrays` gives the weighted edge list graph measures read
(:func:`graphdyn.model.centrality.node_centrality`).

The graph's order: nodes as ``build_graph`` adds them (the customers, staff and products
tables, then ids only the edge tables name, in the order the ties and then the product links
first name them); edges as ``graph.edges()`` lists them, by their earlier end's position and
then in the order they were first listed, each as ``(u, v)`` with ``u < v``. An edge (or a
node) listed twice keeps its first place, and its attributes are the rows' dicts applied in
order (``dict.update``): the last value given of each attribute.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np
import numpy.typing as npt
import pandas as pd

from graphdyn.errors import UsageError
from graphdyn.model.graph import (
    NODE_KINDS,
    GraphFrames,
    NodeKind,
    _attribute_dicts,
    _column,
    _edge_tables,
    _node_tables,
)

__all__ = ["GraphArrays", "GraphIndex", "graph_arrays", "index_frames"]

IntArray = npt.NDArray[np.intp]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class _Rows:
    """Where the rows of one table go: the node or edge position of each row."""

    table: pd.DataFrame
    target: IntArray
    keys: list[str]  # the id columns, which are not attributes
    defaults: dict[str, Any]  # what every row's dict starts with (kind, and id per row)
    ids: list[Any] | None  # a node table's raw ids, per row (the "id" attribute)
    repeated: bool  # whether two rows name the same position


@dataclass(frozen=True)
class GraphIndex:
    """The nodes and edges of the graph of some :class:`~graphdyn.model.graph.GraphFrames`.

    Made by :func:`index_frames`; see the module docstring for the order.

    Parameters
    ----------
    keys : list of str
        The node keys, in the graph's order.
    u, v : numpy.ndarray
        Each edge's ends (positions in ``keys``, ``u < v``), in ``graph.edges()`` order.
    node_rows, edge_rows : tuple
        Per node table (customers, staff, products) and per edge table (ties, product
        links): the table and the position each of its rows names.
    """

    keys: list[str]
    u: IntArray
    v: IntArray
    node_rows: tuple[_Rows, ...]
    edge_rows: tuple[_Rows, ...]

    @property
    def n_nodes(self) -> int:
        """The number of nodes."""
        return len(self.keys)

    @property
    def n_edges(self) -> int:
        """The number of edges."""
        return len(self.u)

    def node_values(self, name: str) -> tuple[np.ndarray, BoolArray]:
        """Return the attribute ``name`` of every node, and where it is present.

        As the graph's node dicts hold it: the last value the node's rows give. Every row
        gives ``kind`` and ``id`` (its table's kind and its id, unless a column of that name
        says otherwise); a node only the edge tables name has its key's kind and id. Numbers
        come as a float array (NaN where absent), anything else as an object array of Python
        values (None where absent).
        """
        if name not in ("kind", "id"):
            return self._values(self.node_rows, self.n_nodes, name)
        values = np.empty(self.n_nodes, dtype=object)
        for position, key in enumerate(self.keys):
            prefix, _, node_id = key.partition(":")
            values[position] = prefix if name == "kind" else node_id
        for rows in self.node_rows:
            if not len(rows.table):
                continue
            given = (
                np.full(len(rows.table), rows.defaults["kind"], dtype=object)
                if name == "kind"
                else _objects(rows.ids or [])
            )
            own = self._present_rows(rows, name)
            if len(own):
                given[own] = _python_values(rows.table[name].iloc[own])
            targets, chosen = _last_per_target(rows.target, given, rows.repeated)
            values[targets] = chosen
        return values, np.ones(self.n_nodes, dtype=bool)

    def edge_values(self, name: str) -> tuple[np.ndarray, BoolArray]:
        """Return the attribute ``name`` of every edge, and where it is present.

        The last value the edge's rows give; every row gives ``kind`` (``"tie"`` or
        ``"product"``, unless a column of that name says otherwise). Numbers come as a float
        array (NaN where absent), anything else as an object array of Python values (None
        where absent).
        """
        if name != "kind":
            return self._values(self.edge_rows, self.n_edges, name)
        values = np.empty(self.n_edges, dtype=object)
        for rows in self.edge_rows:
            given = np.full(len(rows.table), rows.defaults["kind"], dtype=object)
            own = self._present_rows(rows, name)
            if len(own):
                given[own] = _python_values(rows.table[name].iloc[own])
            targets, chosen = _last_per_target(rows.target, given, rows.repeated)
            values[targets] = chosen
        return values, np.ones(self.n_edges, dtype=bool)

    def node_data(self, nodes: Sequence[int] | IntArray) -> list[dict[str, Any]]:
        """Return the attribute dicts of some nodes (positions), as the graph holds them."""
        positions = np.asarray(nodes, dtype=np.intp)
        found = self._dicts(self.node_rows, self.n_nodes, positions)
        out = []
        for position in positions.tolist():
            data = found.get(position)
            if data is None:
                prefix, _, node_id = self.keys[position].partition(":")
                data = {"kind": prefix, "id": node_id}
            out.append(data)
        return out

    def edge_data(self, edges: Sequence[int] | IntArray) -> list[dict[str, Any]]:
        """Return the attribute dicts of some edges (positions), as the graph holds them."""
        positions = np.asarray(edges, dtype=np.intp)
        found = self._dicts(self.edge_rows, self.n_edges, positions)
        return [found[position] for position in positions.tolist()]

    def subgraph(
        self, nodes: Sequence[int] | IntArray, edges: Sequence[int] | IntArray | None = None
    ) -> nx.Graph[str]:
        """Build the NetworkX graph of some nodes and edges, with their attributes.

        Parameters
        ----------
        nodes : sequence of int
            Node positions, added in this order.
        edges : sequence of int, optional
            Edge positions, added in this order (their ends must be among ``nodes``); default:
            every edge among ``nodes``, in the graph's order.

        Returns
        -------
        networkx.Graph
            The nodes and edges with the attribute dicts ``build_graph`` gives them.
        """
        node_positions = np.asarray(nodes, dtype=np.intp)
        if edges is None:
            member = np.zeros(self.n_nodes, dtype=bool)
            member[node_positions] = True
            edge_positions = np.flatnonzero(member[self.u] & member[self.v])
        else:
            edge_positions = np.asarray(edges, dtype=np.intp)
        graph: nx.Graph[str] = nx.Graph()
        keys = self.keys
        graph.add_nodes_from(
            zip(
                (keys[i] for i in node_positions.tolist()),
                self.node_data(node_positions),
                strict=True,
            )
        )
        graph.add_edges_from(
            (keys[a], keys[b], data)
            for a, b, data in zip(
                self.u[edge_positions].tolist(),
                self.v[edge_positions].tolist(),
                self.edge_data(edge_positions),
                strict=True,
            )
        )
        return graph

    def _present_rows(self, rows: _Rows, name: str) -> IntArray:
        if name not in rows.table.columns or name in rows.keys:
            return np.empty(0, dtype=np.intp)
        return np.flatnonzero(rows.table[name].notna().to_numpy(dtype=bool))

    def _values(
        self, tables: tuple[_Rows, ...], size: int, name: str
    ) -> tuple[np.ndarray, BoolArray]:
        columns = [
            rows.table[name]
            for rows in tables
            if name in rows.table.columns and name not in rows.keys and len(rows.table)
        ]
        numeric = bool(columns) and all(_is_number_dtype(c.dtype) for c in columns)
        values: np.ndarray = np.full(size, np.nan) if numeric else np.full(size, None, dtype=object)
        present = np.zeros(size, dtype=bool)
        for rows in tables:
            own = self._present_rows(rows, name)
            if not len(own):
                continue
            column = rows.table[name].iloc[own]
            row_values = column.to_numpy(dtype=np.float64) if numeric else _python_values(column)
            targets, chosen = _last_per_target(rows.target[own], row_values, rows.repeated)
            values[targets] = chosen
            present[targets] = True
        return values, present

    def _dicts(
        self, tables: tuple[_Rows, ...], size: int, positions: IntArray
    ) -> dict[int, dict[str, Any]]:
        """Apply every row of the wanted positions in table order, as the graph builder does."""
        wanted = np.zeros(size, dtype=bool)
        wanted[positions] = True
        found: dict[int, dict[str, Any]] = {}
        for rows in tables:
            chosen = np.flatnonzero(wanted[rows.target])
            if not len(chosen):
                continue
            records = _attribute_dicts(rows.table.iloc[chosen], rows.keys)
            for row, target, record in zip(
                chosen.tolist(), rows.target[chosen].tolist(), records, strict=True
            ):
                data = dict(rows.defaults)
                if rows.ids is not None:
                    data["id"] = rows.ids[row]
                data.update(record)
                if target in found:
                    found[target].update(data)
                else:
                    found[target] = data
        return found


def _python_values(column: pd.Series[Any]) -> np.ndarray:
    """Return a column's values as an object array of Python values (as the graph holds them)."""
    return _objects(_column(column)[0])


def _objects(values: list[Any]) -> np.ndarray:
    """Return a list as a one-dimensional object array (tuples and lists stay whole)."""
    return np.fromiter(values, dtype=object, count=len(values))


def _is_number_dtype(dtype: object) -> bool:
    return isinstance(dtype, np.dtype) and dtype.kind in "biuf"


def _last_per_target(
    targets: IntArray, values: np.ndarray, repeated: bool
) -> tuple[IntArray, np.ndarray]:
    """Keep, of rows naming the same target, the last: ``(targets, values)`` without repeats."""
    if not repeated or len(targets) < 2:
        return targets, values
    backwards = targets[::-1]
    unique, first = np.unique(backwards, return_index=True)
    if len(unique) == len(targets):
        return targets, values
    rows = np.sort(len(targets) - 1 - first)
    return targets[rows], values[rows]


def _id_codes(table: pd.DataFrame, column: str, kind: NodeKind) -> tuple[IntArray, list[str]]:
    """Return each row's code and the codes' node keys (``kind:id``), checking the column.

    Raises the errors :func:`~graphdyn.model.graph.build_graph` raises for a missing column or
    a missing id.
    """
    if column not in table.columns:
        if len(table) == 0:
            return np.empty(0, dtype=np.intp), []
        raise UsageError(f"graph: a table with rows has no {column} column")
    series = table[column]
    missing = series.isna().to_numpy(dtype=bool)
    if missing.any():
        row = int(np.flatnonzero(missing)[0])
        raise UsageError(f"graph: {column} is missing in row {row} of its table")
    if isinstance(series.dtype, pd.StringDtype):
        codes, uniques = pd.factorize(series)
        keys = [f"{kind}:{value}" for value in uniques.tolist()]
    else:
        # ids of other types (numbers, objects): keyed by their text, as the graph keys them
        row_keys = [f"{kind}:{value}" for value in _column(series)[0]]
        codes, key_index = pd.factorize(pd.Index(row_keys, dtype=object))
        keys = list(key_index)
    return codes.astype(np.intp), keys


def index_frames(frames: GraphFrames) -> GraphIndex:
    """Index the graph :func:`~graphdyn.model.graph.build_graph` would make of ``frames``.

    Parameters
    ----------
    frames : GraphFrames
        The tables.

    Returns
    -------
    GraphIndex

    Raises
    ------
    UsageError
        As ``build_graph`` raises: a table with rows but no id column, or a missing id.

    Examples
    --------
    >>> frames = GraphFrames(
    ...     customers=pd.DataFrame({"customer_id": ["c1", "c2"], "segment": ["smb", None]}),
    ...     staff=pd.DataFrame({"staff_id": ["s1"]}),
    ...     products=pd.DataFrame({"product_id": ["p1"]}),
    ...     ties=pd.DataFrame({"customer_id": ["c2", "c1"], "staff_id": ["s1", "s1"],
    ...                        "weight": [0.5, 0.25]}),
    ...     product_links=pd.DataFrame({"customer_id": ["c1"], "product_id": ["p1"]}))
    >>> index = index_frames(frames)
    >>> index.keys
    ['customer:c1', 'customer:c2', 'staff:s1', 'product:p1']
    >>> index.u.tolist(), index.v.tolist()
    ([0, 0, 1], [2, 3, 2])
    >>> index.edge_values("weight")[0].tolist()
    [0.25, nan, 0.5]
    >>> small = index.subgraph([1, 2])
    >>> dict(small.nodes(data=True)), list(small.edges(data=True))
    ({'customer:c2': {'kind': 'customer', 'id': 'c2'}, 'staff:s1': {'kind': 'staff', 'id': 's1'}}, \
[('customer:c2', 'staff:s1', {'kind': 'tie', 'weight': 0.5})])
    """
    table_codes: list[tuple[IntArray, list[str]]] = []
    for kind, table in _node_tables(frames):
        table_codes.append(_id_codes(table, NODE_KINDS[kind], kind))
    row_keys = np.concatenate(
        [np.asarray(keys, dtype=object)[codes] for codes, keys in table_codes]
        or [np.empty(0, dtype=object)]
    )
    node_keys = pd.Index(pd.unique(row_keys), dtype=object)
    # The ends of the edges, per column: customer and other end of ties, then product links.
    ends: list[tuple[IntArray, list[str]]] = []
    for table, other_kind, _ in _edge_tables(frames):
        ends.append(_id_codes(table, "customer_id", "customer"))
        ends.append(_id_codes(table, NODE_KINDS[other_kind], other_kind))
    node_keys = _with_new_ends(node_keys, ends, [len(t) for t, _, _ in _edge_tables(frames)])
    positions = [node_keys.get_indexer(pd.Index(keys, dtype=object)) for _, keys in ends]
    first = [positions[i][ends[i][0]] for i in range(4)]
    a = np.concatenate([first[0], first[2]]).astype(np.intp)
    b = np.concatenate([first[1], first[3]]).astype(np.intp)
    n = len(node_keys)
    codes, uniques = pd.factorize(a.astype(np.int64) * max(n, 1) + b)
    codes = codes.astype(np.intp)
    if len(uniques) == len(a):
        first_rows = np.arange(len(a))
    else:
        first_rows = np.unique(codes, return_index=True)[1]
    low = np.minimum(a[first_rows], b[first_rows])
    high = np.maximum(a[first_rows], b[first_rows])
    order = np.argsort(low, kind="stable")
    place = np.empty(len(order), dtype=np.intp)
    place[order] = np.arange(len(order))
    row_edge = place[codes]
    n_ties = len(frames.ties)
    node_row_targets = node_keys.get_indexer(pd.Index(row_keys, dtype=object)).astype(np.intp)
    repeated_nodes = len(node_row_targets) > len(np.unique(node_row_targets))
    repeated_edges = len(uniques) < len(a)
    node_rows = []
    start = 0
    for kind, table in _node_tables(frames):
        id_column = NODE_KINDS[kind]
        count = len(table)
        node_rows.append(
            _Rows(
                table=table,
                target=node_row_targets[start : start + count],
                keys=[id_column],
                defaults={"kind": kind},
                ids=_column(table[id_column])[0] if count else [],
                repeated=repeated_nodes,
            )
        )
        start += count
    edge_rows = tuple(
        _Rows(
            table=table,
            target=part,
            keys=["customer_id", NODE_KINDS[other_kind]],
            defaults={"kind": label},
            ids=None,
            repeated=repeated_edges,
        )
        for (table, other_kind, label), part in zip(
            _edge_tables(frames), (row_edge[:n_ties], row_edge[n_ties:]), strict=True
        )
    )
    return GraphIndex(
        keys=node_keys.tolist(),
        u=low[order],
        v=high[order],
        node_rows=tuple(node_rows),
        edge_rows=edge_rows,
    )


def _with_new_ends(
    node_keys: pd.Index, ends: list[tuple[IntArray, list[str]]], rows: list[int]
) -> pd.Index:
    """Append the ends no node table lists, in the order the edge rows first name them.

    ``build_graph`` adds each edge row's customer, then its other end: the i-th row of the
    ties names its ends at steps ``2i`` and ``2i + 1``, the product links after all the ties.
    """
    found: list[pd.DataFrame] = []
    for column, (codes, keys) in enumerate(ends):
        unknown = np.flatnonzero(node_keys.get_indexer(pd.Index(keys, dtype=object)) < 0)
        if not len(unknown):
            continue
        first_row = np.full(len(keys), -1, dtype=np.intp)
        distinct, first = np.unique(codes, return_index=True)
        first_row[distinct] = first
        table, side = divmod(column, 2)
        offset = 2 * sum(rows[:table])
        found.append(
            pd.DataFrame(
                {
                    "key": np.asarray(keys, dtype=object)[unknown],
                    "step": offset + 2 * first_row[unknown] + side,
                }
            )
        )
    if not found:
        return node_keys
    new = pd.concat(found).groupby("key", sort=False)["step"].min().sort_values(kind="stable")
    return node_keys.append(pd.Index(new.index, dtype=object))


@dataclass(frozen=True)
class GraphArrays:
    """The nodes and weighted edges of :func:`~graphdyn.model.graph.build_graph`'s graph.

    Parameters
    ----------
    nodes : list of str
        Node keys in the graph's order (``list(graph)``).
    u, v : numpy.ndarray
        Positions in ``nodes`` of each edge's ends, ``u < v``, in ``graph.edges()`` order.
    weight : numpy.ndarray
        Each edge's weight attribute, 1 where it is missing (as graph measures read it).
    """

    nodes: list[str]
    u: np.ndarray
    v: np.ndarray
    weight: np.ndarray


def graph_arrays(frames: GraphFrames, weight: str | None = "weight") -> GraphArrays:
    """Return the nodes and weighted edges ``build_graph`` would make, without building it.

    Parameters
    ----------
    frames : GraphFrames
        The tables, as for :func:`~graphdyn.model.graph.build_graph`.
    weight : str or None
        The edge column holding the weight; missing values (or no such column) mean 1, and
        ``None`` weighs every edge 1.

    Returns
    -------
    GraphArrays

    Raises
    ------
    UsageError
        If the weight column holds something other than numbers.

    Examples
    --------
    >>> frames = GraphFrames(
    ...     customers=pd.DataFrame({"customer_id": ["c1", "c2"]}),
    ...     staff=pd.DataFrame({"staff_id": ["s1"]}),
    ...     products=pd.DataFrame({"product_id": ["p1"]}),
    ...     ties=pd.DataFrame({"customer_id": ["c2", "c1"], "staff_id": ["s1", "s1"],
    ...                        "weight": [0.5, None]}),
    ...     product_links=pd.DataFrame({"customer_id": ["c1"], "product_id": ["p1"],
    ...                                 "weight": [3.0]}))
    >>> arrays = graph_arrays(frames)
    >>> arrays.nodes
    ['customer:c1', 'customer:c2', 'staff:s1', 'product:p1']
    >>> arrays.u.tolist(), arrays.v.tolist(), arrays.weight.tolist()
    ([0, 0, 1], [2, 3, 2], [1.0, 3.0, 0.5])
    """
    index = index_frames(frames)
    weights = np.ones(index.n_edges)
    if weight is not None:
        values, present = index.edge_values(weight)
        if values.dtype == object:
            if not all(isinstance(value, int | float) for value in values[present].tolist()):
                raise UsageError(f"graph: the {weight} column must hold numbers")
            values = np.where(present, values, np.nan).astype(np.float64)
        weights[present] = values[present]
    return GraphArrays(nodes=index.keys, u=index.u, v=index.v, weight=weights)
