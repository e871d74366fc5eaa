"""The graph centrality reads: building it from tables, and reading its arrays without building it.

``build_graph`` is checked against its per-row definition (one attribute dict per row, missing
values left out) on tables with every column type an audit produces; ``graph_arrays`` and
``node_centrality`` on tables against the NetworkX graph built from the same tables.
"""

from __future__ import annotations

import math
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from graphdyn import Config, UsageError
from graphdyn.model import graph
from graphdyn.model.centrality import _indexed, node_centrality
from graphdyn.model.graph import GraphFrames, build_graph
from graphdyn.model.graph_index import graph_arrays


def row_by_row(frames: GraphFrames) -> nx.Graph[str]:
    """The definition: one ``add_node`` / ``add_edge`` per row, missing values left out."""

    def present(table: pd.DataFrame) -> list[dict[str, Any]]:
        rows = []
        for record in table.itertuples(index=False, name=None):
            row = {}
            for column, value in zip(table.columns, record, strict=True):
                if value is None or (not isinstance(value, str) and pd.isna(value)):
                    continue
                item = getattr(value, "item", None)
                convert = callable(item) and not isinstance(value, pd.Timestamp)
                row[column] = item() if convert else value
            rows.append(row)
        return rows

    built: nx.Graph[str] = nx.Graph()
    for kind, table in (
        ("customer", frames.customers),
        ("staff", frames.staff),
        ("product", frames.products),
    ):
        for row in present(table):
            node_id = row.pop(f"{kind}_id")
            built.add_node(f"{kind}:{node_id}", kind=kind, id=node_id, **row)
    for table, other, label in (
        (frames.ties, "staff", "tie"),
        (frames.product_links, "product", "product"),
    ):
        for row in present(table):
            customer, other_id = row.pop("customer_id"), row.pop(f"{other}_id")
            built.add_edge(f"customer:{customer}", f"{other}:{other_id}", kind=label, **row)
    for node, attributes in built.nodes(data=True):
        if "kind" not in attributes:
            prefix, _, node_id = node.partition(":")
            attributes.update(kind=prefix, id=node_id)
    return built


def assert_identical(ours: nx.Graph[str], theirs: nx.Graph[str]) -> None:
    """Same nodes and edges in the same order, same attributes in the same order and types."""

    def same(a: object, b: object) -> bool:
        if isinstance(a, float) and math.isnan(a):
            return isinstance(b, float) and math.isnan(b)
        return type(a) is type(b) and a == b

    assert list(ours.nodes) == list(theirs.nodes)
    for node in theirs:
        mine, reference = ours.nodes[node], theirs.nodes[node]
        assert list(mine) == list(reference), node
        assert all(same(mine[key], reference[key]) for key in reference), node
    assert list(ours.edges) == list(theirs.edges)
    for u, v, reference in theirs.edges(data=True):
        mine = ours.edges[u, v]
        assert list(mine) == list(reference), (u, v)
        assert all(same(mine[key], reference[key]) for key in reference), (u, v)


def audit_like_frames(seed: int, customers: int = 60) -> GraphFrames:
    """Tables like an audit's: text, floats with gaps, UTC timestamps with gaps, ints, flags,
    an object column of numpy scalars, a nullable integer column; duplicate edges and edges
    to ids no table lists."""
    rng = np.random.default_rng(seed)
    ids = [f"C{n:03d}" for n in range(customers)]
    stamps = pd.Series(pd.date_range("2024-01-01", periods=customers, freq="D", tz="UTC"))
    stamps[rng.random(customers) < 0.2] = pd.NaT
    strength = rng.random(customers)
    strength[rng.random(customers) < 0.2] = np.nan
    customer_table = pd.DataFrame(
        {
            "customer_id": ids,
            "segment": pd.Series(rng.choice(["smb", "enterprise", None], customers), dtype="str"),
            "strength": strength,
            "last_contact": stamps,
            "n_interactions": rng.integers(1, 50, customers),
            "single_threaded": rng.random(customers) < 0.5,
            "raw": pd.Series([np.float64(x) for x in rng.random(customers)], dtype=object),
            "open_tickets": pd.array(
                [None if x < 0.3 else int(10 * x) for x in rng.random(customers)], dtype="Int64"
            ),
        }
    )
    staff_table = pd.DataFrame({"staff_id": [f"S{n}" for n in range(8)], "team": "sales"})
    product_table = pd.DataFrame({"product_id": [f"P{n}" for n in range(5)]})
    pairs = [(c, f"S{s}") for c in ids for s in rng.choice(10, size=rng.integers(1, 4))]
    weights = rng.uniform(0.01, 1.0, len(pairs))
    weights[rng.random(len(pairs)) < 0.1] = np.nan
    ties = pd.DataFrame(
        {
            "customer_id": [c for c, _ in pairs],
            "staff_id": [s for _, s in pairs],
            "n_interactions": rng.integers(1, 9, len(pairs)),
            "status": rng.choice(["active", "dormant"], len(pairs)),
            "weight": weights,
        }
    )
    links = pd.DataFrame(
        {
            "customer_id": rng.choice(ids, 40),
            "product_id": [f"P{n}" for n in rng.integers(0, 7, 40)],
            "value": rng.uniform(0, 1000, 40),
            "weight": rng.uniform(0.5, 20.0, 40),
        }
    )
    return GraphFrames(customer_table, staff_table, product_table, ties, links)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_build_graph_equals_its_row_by_row_definition(seed: int) -> None:
    frames = audit_like_frames(seed)
    assert frames.ties.duplicated(["customer_id", "staff_id"]).any()
    assert_identical(build_graph(frames), row_by_row(frames))


def test_build_graph_in_batches_of_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    frames = audit_like_frames(4)
    monkeypatch.setattr(graph, "_BATCH_ROWS", 7)
    assert_identical(build_graph(frames), row_by_row(frames))


def test_build_graph_of_empty_tables() -> None:
    empty = pd.DataFrame()
    frames = GraphFrames(empty, empty, empty, empty, empty)
    assert build_graph(frames).number_of_nodes() == 0
    assert graph_arrays(frames).nodes == []


def test_a_missing_id_is_an_error() -> None:
    frames = audit_like_frames(1)
    ties = frames.ties.copy()
    ties.loc[3, "staff_id"] = None
    broken = GraphFrames(
        frames.customers, frames.staff, frames.products, ties, frames.product_links
    )
    with pytest.raises(UsageError, match="staff_id is missing in row 3"):
        build_graph(broken)
    with pytest.raises(UsageError, match="staff_id is missing in row 3"):
        graph_arrays(broken)


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("weight", ["weight", "n_interactions", "no such column", None])
def test_graph_arrays_are_what_centrality_reads_from_the_built_graph(
    seed: int, weight: str | None
) -> None:
    frames = audit_like_frames(seed)
    arrays = graph_arrays(frames, weight)
    indexed = _indexed(build_graph(frames), weight)
    assert arrays.nodes == indexed.nodes
    assert arrays.u.tolist() == indexed.u.tolist()
    assert arrays.v.tolist() == indexed.v.tolist()
    assert arrays.weight.tolist() == indexed.weight.tolist()


def test_duplicate_edges_keep_their_first_place_and_the_last_weight_given() -> None:
    # c1 - s1 is listed three times: weight 0.2, then missing, then 0.7. The graph keeps the
    # edge where it first appeared (before c1 - s2) and dict.update's last value, 0.7.
    frames = GraphFrames(
        customers=pd.DataFrame({"customer_id": ["c1"]}),
        staff=pd.DataFrame({"staff_id": ["s1", "s2"]}),
        products=pd.DataFrame({"product_id": []}),
        ties=pd.DataFrame(
            {
                "customer_id": ["c1", "c1", "c1", "c1"],
                "staff_id": ["s1", "s2", "s1", "s1"],
                "weight": [0.2, 0.4, None, 0.7],
            }
        ),
        product_links=pd.DataFrame({"customer_id": [], "product_id": []}),
    )
    built = build_graph(frames)
    assert list(built.edges(data="weight")) == [
        ("customer:c1", "staff:s1", 0.7),
        ("customer:c1", "staff:s2", 0.4),
    ]
    arrays = graph_arrays(frames)
    assert (arrays.u.tolist(), arrays.v.tolist(), arrays.weight.tolist()) == (
        [0, 0],
        [1, 2],
        [0.7, 0.4],
    )


def test_a_weight_column_of_text_is_an_error() -> None:
    frames = audit_like_frames(1)
    ties = frames.ties.assign(weight="strong")
    broken = GraphFrames(
        frames.customers, frames.staff, frames.products, ties, frames.product_links
    )
    with pytest.raises(UsageError, match="weight column must hold numbers"):
        graph_arrays(broken)
    with pytest.raises(UsageError, match="weight must be a positive number"):
        node_centrality(build_graph(broken))


@pytest.mark.parametrize("seed", [1, 2])
def test_node_centrality_of_the_tables_equals_that_of_the_graph(seed: int) -> None:
    frames = audit_like_frames(seed, customers=200)
    for config in (Config(), Config(betweenness_budget=1, betweenness_k=30, seed=seed)):
        from_tables = node_centrality(frames, config)
        from_graph = node_centrality(build_graph(frames), config)
        assert from_tables.table.equals(from_graph.table)
        assert from_tables.summary() == from_graph.summary()


def test_node_centrality_of_tables_rejects_what_the_graph_rejects() -> None:
    frames = audit_like_frames(1)
    ties = frames.ties.copy()
    customer, staff = ties.loc[5, "customer_id"], ties.loc[5, "staff_id"]
    ties.loc[(ties["customer_id"] == customer) & (ties["staff_id"] == staff), "weight"] = -1.0
    broken = GraphFrames(
        frames.customers, frames.staff, frames.products, ties, frames.product_links
    )
    edge = f"'customer:{customer}' - 'staff:{staff}'"
    for source in (broken, build_graph(broken)):
        with pytest.raises(UsageError, match=f"edge {edge}: weight must be a positive number"):
            node_centrality(source)
