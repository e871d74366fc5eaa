"""The index of a graph's tables is the graph ``build_graph`` makes, without building it.

Every part the index builds (nodes, edges, their attribute dicts and their order) and every
column it reads per node or edge is checked against the graph built whole from the same tables:
tables with every column type an audit produces, duplicate rows, ids only the edge tables name,
numeric ids, and columns that give ``kind`` and ``id`` themselves.
"""

from __future__ import annotations

import math
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from graphdyn.errors import UsageError
from graphdyn.model.graph import GraphFrames, build_graph
from graphdyn.model.graph_index import index_frames

from .test_centrality_graph import assert_identical, audit_like_frames


def with_repeated_nodes(frames: GraphFrames) -> GraphFrames:
    """The frames with a customer listed twice (the second row fills a gap and overrides)."""
    first = frames.customers.iloc[[0]].copy()
    again = first.assign(segment="again", strength=np.nan, n_interactions=999)
    customers = pd.concat([frames.customers, again], ignore_index=True)
    return GraphFrames(customers, frames.staff, frames.products, frames.ties, frames.product_links)


def with_own_kind_and_id(frames: GraphFrames) -> GraphFrames:
    """The frames with ``kind`` and ``id`` columns that override the defaults here and there."""
    staff = frames.staff.assign(id=[None, "other", *[None] * (len(frames.staff) - 2)])
    ties = frames.ties.assign(
        kind=["special" if i % 5 == 0 else None for i in range(len(frames.ties))]
    )
    customers = frames.customers.assign(kind=["vip"] + [None] * (len(frames.customers) - 1))
    return GraphFrames(customers, staff, frames.products, ties, frames.product_links)


def with_numeric_ids(frames: GraphFrames) -> GraphFrames:
    """The frames with staff ids as numbers (keyed ``staff:3``, with ``id`` the number)."""
    staff = frames.staff.assign(staff_id=range(len(frames.staff)))
    ties = frames.ties.assign(staff_id=frames.ties["staff_id"].str[1:].astype(int))
    return GraphFrames(frames.customers, staff, frames.products, ties, frames.product_links)


VARIANTS = {
    "audit-like": lambda seed: audit_like_frames(seed),
    "repeated nodes": lambda seed: with_repeated_nodes(audit_like_frames(seed)),
    "own kind and id": lambda seed: with_own_kind_and_id(audit_like_frames(seed)),
    "numeric ids": lambda seed: with_numeric_ids(audit_like_frames(seed)),
}


def same_value(a: object, b: object) -> bool:
    if isinstance(b, float) and math.isnan(b):
        return isinstance(a, float) and math.isnan(a)
    return a == b


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_the_whole_index_built_is_the_graph(variant: str, seed: int) -> None:
    frames = VARIANTS[variant](seed)
    index = index_frames(frames)
    built = build_graph(frames)
    assert index.keys == list(built)
    assert_identical(index.subgraph(np.arange(index.n_nodes)), built)


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_parts_built_are_the_graphs_parts(variant: str, seed: int) -> None:
    frames = VARIANTS[variant](seed)
    index = index_frames(frames)
    built = build_graph(frames)
    rng = np.random.default_rng(seed)
    nodes = np.sort(rng.choice(index.n_nodes, size=index.n_nodes // 2, replace=False))
    part = index.subgraph(nodes)
    reference = nx.Graph()
    reference.add_nodes_from((node, built.nodes[node]) for node in np.array(index.keys)[nodes])
    reference.add_edges_from(
        (u, v, data) for u, v, data in built.edges(data=True) if u in reference and v in reference
    )
    assert_identical(part, reference)
    # edges given in any order are added in that order
    among = np.flatnonzero(np.isin(index.u, nodes) & np.isin(index.v, nodes))
    edges = rng.permutation(among)
    listed = list(built.edges)
    in_order = nx.Graph()
    in_order.add_nodes_from(reference.nodes(data=True))
    in_order.add_edges_from((*listed[e], built.edges[listed[e]]) for e in edges.tolist())
    assert_identical(index.subgraph(nodes, edges), in_order)


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_edges_are_the_graphs_edges_in_its_order(variant: str) -> None:
    frames = VARIANTS[variant](3)
    index = index_frames(frames)
    built = build_graph(frames)
    keys = index.keys
    assert [(keys[u], keys[v]) for u, v in zip(index.u, index.v, strict=True)] == list(built.edges)
    assert (index.u < index.v).all()


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_columns_read_per_node_and_edge_are_the_graphs_attributes(variant: str) -> None:
    frames = VARIANTS[variant](2)
    index = index_frames(frames)
    built = build_graph(frames)
    node_names = {name for _, data in built.nodes(data=True) for name in data} | {"absent"}
    for name in sorted(node_names):
        values, present = index.node_values(name)
        for position, (_, data) in enumerate(built.nodes(data=True)):
            assert bool(present[position]) == (name in data), (name, position)
            if name in data:
                assert same_value(values[position], data[name]), (name, position)
    edge_names = {name for *_, data in built.edges(data=True) for name in data} | {"absent"}
    for name in sorted(edge_names):
        values, present = index.edge_values(name)
        for position, (*_, data) in enumerate(built.edges(data=True)):
            assert bool(present[position]) == (name in data), (name, position)
            if name in data:
                assert same_value(values[position], data[name]), (name, position)


def test_numbers_come_as_floats_and_the_rest_as_python_values() -> None:
    index = index_frames(audit_like_frames(1))
    weight, _ = index.edge_values("weight")
    status, _ = index.edge_values("status")
    stamps, present = index.node_values("last_contact")
    assert weight.dtype == np.float64
    assert status.dtype == object and {type(s) for s in status.tolist()} == {str, type(None)}
    assert all(isinstance(s, pd.Timestamp) for s in stamps[present].tolist())


def test_empty_tables() -> None:
    empty = pd.DataFrame()
    index = index_frames(GraphFrames(empty, empty, empty, empty, empty))
    assert (index.keys, index.n_edges) == ([], 0)
    assert index.subgraph([]).number_of_nodes() == 0


def test_errors_are_build_graphs() -> None:
    frames = audit_like_frames(1)
    ties = frames.ties.copy()
    ties.loc[3, "staff_id"] = None
    broken: dict[str, Any] = {"ties": ties}
    no_column = {"staff": frames.staff.drop(columns="staff_id")}
    for change, message in (
        (broken, "staff_id is missing in row 3"),
        (no_column, "a table with rows has no staff_id column"),
    ):
        tables = {
            "customers": frames.customers,
            "staff": frames.staff,
            "products": frames.products,
            "ties": frames.ties,
            "product_links": frames.product_links,
            **change,
        }
        for make in (build_graph, index_frames):
            with pytest.raises(UsageError, match=message):
                make(GraphFrames(**tables))
