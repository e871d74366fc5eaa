"""Contact-point centrality: known values from the literature and by hand, and NetworkX's numbers.

Every measure is compared with NetworkX to 1e-9 on small and medium graphs (after the same
normalisation); the hand-built graphs check the definitions themselves.
"""

from __future__ import annotations

import dataclasses
import math
import shutil
import sys
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graphdyn import Config, UsageError
from graphdyn.audits.run import audit
from graphdyn.config import load_config
from graphdyn.errors import ConfigError, GraphdynError
from graphdyn.model import brandes
from graphdyn.model.centrality import (
    PIVOT_RULE,
    betweenness_pivots,
    burt_constraint,
    effective_size,
    node_centrality,
    weighted_betweenness,
    weighted_pagerank,
)
from graphdyn.model.graph import node_key

Measure = Callable[..., dict[Hashable, float]]


def assert_same(ours: dict[Hashable, float], theirs: dict[Hashable, float], tol: float) -> None:
    assert ours.keys() == theirs.keys()
    for node, value in theirs.items():
        if math.isnan(value):
            assert math.isnan(ours[node]), node
        else:
            assert ours[node] == pytest.approx(value, abs=tol, rel=0), node


def with_distance(graph: nx.Graph[Any]) -> nx.Graph[Any]:
    """NetworkX's path measures read a distance; ours read the strength and invert it."""
    for _, _, data in graph.edges(data=True):
        data["distance"] = 1.0 / data["weight"]
    return graph


# --- known values ---------------------------------------------------------------------------


def test_betweenness_of_the_krackhardt_kite() -> None:
    # Krackhardt (1990), "Assessing the political landscape", Table 1 (Freeman betweenness):
    # Heather 14, Fernando and Garth 8.33, Ike 8, Diane 3.67, Andre and Beverly 0.83; the rest 0.
    # Normalised over the C(9, 2) = 36 pairs that exclude the node.
    raw = {0: 5 / 6, 1: 5 / 6, 2: 0, 3: 11 / 3, 4: 0, 5: 25 / 3, 6: 25 / 3, 7: 14, 8: 8, 9: 0}
    ours = weighted_betweenness(nx.krackhardt_kite_graph(), weight=None)
    assert_same(ours, {node: value / 36 for node, value in raw.items()}, 1e-12)


def test_a_strong_detour_beats_a_weak_direct_tie() -> None:
    # Square a-b-c-d-a, all strengths 1 except b-c at 0.25 (distance 4). By hand:
    # a-c: via d (2) beats via b (5); b-d: via a (2); b-c: b-a-d-c (3) beats the direct 4.
    # a is inside {b,c} and {b,d}, d inside {a,c} and {b,c}: 2 pairs each, over C(3,2) = 3.
    square = nx.cycle_graph(["a", "b", "c", "d"])
    nx.set_edge_attributes(square, 1.0, "weight")
    square["b"]["c"]["weight"] = 0.25
    assert weighted_betweenness(square) == pytest.approx(
        {"a": 2 / 3, "b": 0.0, "c": 0.0, "d": 2 / 3}
    )
    # Unweighted, each opposite pair has two shortest paths: every node gets 1/2 of 1 pair.
    assert weighted_betweenness(square, weight=None) == pytest.approx(
        {"a": 1 / 6, "b": 1 / 6, "c": 1 / 6, "d": 1 / 6}
    )


def test_pagerank_of_a_weighted_path_solved_by_hand() -> None:
    # a -1- b -3- c. b sends 1/4 of its rank to a and 3/4 to c; a and c send all to b.
    # Stationary: b = 0.05 + 0.85 (a + c) = 0.05 + 0.85 (1 - b), so b = 0.9 / 1.85;
    # a = 0.05 + 0.85 b / 4, c = 0.05 + 0.85 * 3 b / 4.
    path = nx.Graph([("a", "b", {"weight": 1.0}), ("b", "c", {"weight": 3.0})])
    b = 0.9 / 1.85
    expected = {"a": 0.05 + 0.85 * b / 4, "b": b, "c": 0.05 + 0.85 * 3 * b / 4}
    assert_same(weighted_pagerank(path), expected, 1e-12)
    assert sum(weighted_pagerank(path).values()) == pytest.approx(1.0, abs=1e-12)


def holes_graph() -> nx.Graph[str]:
    """The ego network of Borgatti (1997), Connections 20(1), "Structural holes" figure 1."""
    weights = {
        ("A", "B"): 2,
        ("A", "F"): 3,
        ("A", "G"): 5,
        ("A", "E"): 2,
        ("E", "G"): 8,
        ("F", "G"): 3,
        ("B", "G"): 4,
        ("B", "D"): 1,
        ("D", "G"): 3,
        ("G", "C"): 10,
    }
    graph: nx.Graph[str] = nx.Graph()
    graph.add_edges_from((u, v, {"weight": float(w)}) for (u, v), w in weights.items())
    return graph


def test_constraint_of_the_holes_graph() -> None:
    graph = holes_graph()
    unweighted = burt_constraint(graph, weight=None)
    # By hand for A (contacts B, E, F, G, p = 1/4 each; B, E, F tie to G only):
    # B, E, F: (1/4 + 1/4 * 1/6)^2 = 49/576 each (G has 6 contacts);
    # G: (1/4 + 1/4 * 1/3 + 1/4 * 1/2 + 1/4 * 1/2)^2 = (14/24)^2 = 196/576.
    assert unweighted["A"] == pytest.approx((3 * 49 + 196) / 576, abs=1e-12)
    # UCINET's values, as published with NetworkX's tests: G 0.400, C 1 (one contact).
    assert unweighted["G"] == pytest.approx(0.400, abs=1e-3)
    assert unweighted["C"] == 1.0
    weighted = burt_constraint(graph)
    assert weighted["G"] == pytest.approx(0.299, abs=1e-3)
    assert weighted["A"] == pytest.approx(0.795, abs=1e-3)
    assert weighted["C"] == 1.0


def test_effective_size_of_the_holes_graph() -> None:
    graph = holes_graph()
    # Borgatti's n - 2t/n: G has 6 contacts with 4 ties among them (A-B, A-E, A-F, B-D);
    # A has 4 contacts with 3 ties among them (B-G, E-G, F-G).
    unweighted = effective_size(graph, weight=None)
    assert unweighted["G"] == pytest.approx(6 - 8 / 6, abs=1e-12)
    assert unweighted["A"] == pytest.approx(4 - 6 / 4, abs=1e-12)
    assert unweighted["C"] == 1.0
    # Burt's weighted redundancy (UCINET values published with NetworkX's tests).
    weighted = effective_size(graph)
    assert weighted["G"] == pytest.approx(5.47, abs=1e-2)
    assert weighted["A"] == pytest.approx(2.47, abs=1e-2)


def test_isolated_nodes() -> None:
    graph = nx.Graph([("a", "b", {"weight": 1.0})])
    graph.add_node("alone")
    assert math.isnan(burt_constraint(graph)["alone"])
    assert math.isnan(effective_size(graph)["alone"])
    assert weighted_betweenness(graph)["alone"] == 0.0
    # An isolated node only receives the random jumps, and gives them back uniformly.
    assert weighted_pagerank(graph)["alone"] == pytest.approx(
        nx.pagerank(graph, tol=1e-14)["alone"], abs=1e-12
    )


# --- the same numbers as NetworkX -------------------------------------------------------------


def random_weights(graph: nx.Graph[Any], seed: int) -> nx.Graph[Any]:
    rng = np.random.default_rng(seed)
    for _, _, data in graph.edges(data=True):
        data["weight"] = float(rng.uniform(0.05, 1.0))
    return with_distance(graph)


def contact_graph(customers: int, staff: int, products: int, seed: int) -> nx.Graph[str]:
    """A customer–staff–product graph like an audit's: strengths in (0, 1], volumes above 1."""
    rng = np.random.default_rng(seed)
    graph: nx.Graph[str] = nx.Graph()
    for c in range(customers):
        for s in rng.choice(staff, size=rng.integers(1, 5), replace=False):
            graph.add_edge(f"customer:{c}", f"staff:{s}", weight=float(rng.uniform(0.05, 1.0)))
        for p in rng.choice(products, size=rng.integers(0, 4), replace=False):
            graph.add_edge(f"customer:{c}", f"product:{p}", weight=float(rng.uniform(0.1, 20.0)))
    graph.add_node("staff:nobody")
    return with_distance(graph)


def medium_graphs() -> dict[str, nx.Graph[Any]]:
    gnm = nx.gnm_random_graph(300, 1500, seed=5)
    gnm.add_node("isolated")
    return {
        "karate": random_weights(nx.karate_club_graph(), 1),
        "les miserables": random_weights(nx.Graph(nx.les_miserables_graph()), 2),
        "complete K8": random_weights(nx.complete_graph(8), 3),
        "random 300 nodes, 1,500 edges": random_weights(gnm, 4),
        "contact graph 600 nodes": contact_graph(400, 40, 60, 5),
        "two components": random_weights(nx.disjoint_union(nx.path_graph(5), nx.cycle_graph(7)), 6),
    }


GRAPHS = medium_graphs()


@pytest.mark.parametrize("name", list(GRAPHS))
def test_exact_betweenness_equals_networkx(name: str) -> None:
    graph = GRAPHS[name]
    reference = nx.betweenness_centrality(graph, weight="distance")
    assert_same(weighted_betweenness(graph), reference, 1e-9)


@pytest.mark.parametrize("name", list(GRAPHS))
def test_sampled_betweenness_equals_networkx_with_the_same_seed(name: str) -> None:
    graph = GRAPHS[name]
    k = max(2, len(graph) // 5)
    reference = nx.betweenness_centrality(graph, k=k, weight="distance", seed=11)
    assert_same(weighted_betweenness(graph, k, seed=11), reference, 1e-9)
    other_seed = weighted_betweenness(graph, k, seed=12)
    assert other_seed != weighted_betweenness(graph, k, seed=11)


@pytest.mark.parametrize("name", list(GRAPHS))
def test_pagerank_equals_networkx(name: str) -> None:
    graph = GRAPHS[name]
    # NetworkX stops its power iteration at tol=1e-6 by default; converged, it agrees to 1e-9.
    reference = nx.pagerank(graph, weight="weight", tol=1e-13, max_iter=100_000)
    assert_same(weighted_pagerank(graph), reference, 1e-9)


@pytest.mark.parametrize("name", list(GRAPHS))
def test_constraint_equals_networkx(name: str) -> None:
    graph = GRAPHS[name]
    assert_same(burt_constraint(graph), nx.constraint(graph, weight="weight"), 1e-9)
    assert_same(burt_constraint(graph, weight=None), nx.constraint(graph), 1e-9)


@pytest.mark.parametrize("name", list(GRAPHS))
def test_effective_size_equals_networkx(name: str) -> None:
    graph = GRAPHS[name]
    # nodes=list(G) selects NetworkX's per-node definition. Its vectorised path (nodes=None,
    # with SciPy) divides by the wrong row maximum in NetworkX 3.6 (networkx/networkx#8906).
    reference = nx.effective_size(graph, nodes=list(graph), weight="weight")
    assert_same(effective_size(graph), reference, 1e-9)
    assert_same(effective_size(graph, weight=None), nx.effective_size(graph), 1e-9)


@st.composite
def small_graphs(draw: st.DrawFn) -> nx.Graph[int]:
    # From one node: NetworkX's constraint rejects the empty graph.
    n = draw(st.integers(min_value=1, max_value=12))
    pairs = [(u, v) for u in range(n) for v in range(u + 1, n)]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True)) if pairs else []
    graph: nx.Graph[int] = nx.Graph()
    graph.add_nodes_from(range(n))
    for u, v in chosen:
        # Strengths on a coarse grid: ties in path length happen, and are exact in floats.
        graph.add_edge(u, v, weight=draw(st.sampled_from([0.25, 0.5, 1.0, 2.0])))
    return with_distance(graph)


@settings(max_examples=150, deadline=None)
@given(small_graphs())
def test_every_measure_equals_networkx_on_small_graphs(graph: nx.Graph[int]) -> None:
    assert_same(
        weighted_betweenness(graph), nx.betweenness_centrality(graph, weight="distance"), 1e-9
    )
    reference = nx.pagerank(graph, tol=1e-13, max_iter=100_000)
    assert_same(weighted_pagerank(graph), reference, 1e-9)
    assert_same(burt_constraint(graph), nx.constraint(graph, weight="weight"), 1e-9)
    reference = nx.effective_size(graph, nodes=list(graph), weight="weight")
    assert_same(effective_size(graph), reference, 1e-9)


def test_path_lengths_equal_up_to_rounding_count_as_tied() -> None:
    # s - t directly at distance 0.3, or through a and b at 0.1 + 0.1 + 0.1, which is
    # 0.30000000000000004 in floating point. a lies on the shortest s-b path (1 of the 3 pairs
    # it could lie between); igraph, comparing with a relative tolerance of 1e-10, also puts
    # it on one of the two s-t paths (1.5 pairs), NetworkX compares exactly: one s-t path.
    graph = nx.Graph()
    graph.add_edge("s", "t", weight=1 / 0.3)
    graph.add_edges_from([("s", "a"), ("a", "b"), ("b", "t")], weight=10.0)
    ours = weighted_betweenness(graph)
    assert ours == pytest.approx({"s": 0.0, "t": 0.0, "a": 1.5 / 3, "b": 1.5 / 3})
    networkx = nx.betweenness_centrality(with_distance(graph), weight="distance")
    assert networkx == pytest.approx({"s": 0.0, "t": 0.0, "a": 1 / 3, "b": 1 / 3})


# --- node_centrality: exact within the budget, sampled above it ------------------------------


def test_pivots_by_the_budget_rule() -> None:
    # exact while nodes x edges fit; then the pivots that fit, never below the floor
    assert betweenness_pivots(100, 1_000, 100_000, 10) is None
    assert betweenness_pivots(200, 1_000, 100_000, 10) == 100
    assert betweenness_pivots(200, 1_000, 5_000, 10) == 10
    assert betweenness_pivots(200, 1_000, 5_000, 300) is None  # the floor is every node
    assert betweenness_pivots(5, 0, 1, 1) is None  # no edges: nothing to search


def test_node_centrality_is_exact_within_the_budget() -> None:
    graph = GRAPHS["contact graph 600 nodes"]
    work = len(graph) * graph.number_of_edges()
    result = node_centrality(graph, Config(betweenness_budget=work))
    assert result.exact and result.k is None and result.seed is None
    assert result.summary()["betweenness"] == {
        "exact": True,
        "k": None,
        "seed": None,
        "sources_x_edges": work,
        "budget": work,
        "fewest_pivots": 100,
        "rule": PIVOT_RULE,
    }
    reference = nx.betweenness_centrality(graph, weight="distance")
    assert_same(result.table["betweenness"].to_dict(), reference, 1e-9)
    assert list(result.table.columns) == ["betweenness", "pagerank", "constraint", "effective_size"]


@pytest.mark.parametrize(("budget", "k"), [(60, 60), (1, 25)])
def test_node_centrality_samples_the_pivots_that_fit_the_budget(budget: int, k: int) -> None:
    graph = GRAPHS["contact graph 600 nodes"]
    edges = graph.number_of_edges()
    config = Config(betweenness_budget=budget * edges, betweenness_k=25, seed=3)
    result = node_centrality(graph, config)
    assert not result.exact
    summary = result.summary()["betweenness"]
    assert (summary["exact"], summary["k"], summary["seed"]) == (False, k, 3)
    assert summary["sources_x_edges"] == k * edges
    reference = nx.betweenness_centrality(graph, k=k, weight="distance", seed=3)
    assert_same(result.table["betweenness"].to_dict(), reference, 1e-9)


def test_k_at_least_the_node_count_is_exact() -> None:
    graph = GRAPHS["karate"]
    assert weighted_betweenness(graph, len(graph), seed=1) == weighted_betweenness(graph)


@pytest.mark.parametrize(
    ("graph", "message"),
    [
        (nx.DiGraph([(1, 2)]), "undirected"),
        (nx.MultiGraph([(1, 2), (1, 2)]), "parallel edges"),
        (nx.Graph([(1, 1)]), "self-loops"),
        (nx.Graph([(1, 2, {"weight": 0.0})]), "weight must be a positive number"),
        (nx.Graph([(1, 2, {"weight": float("nan")})]), "weight must be a positive number"),
    ],
)
def test_graphs_the_measures_do_not_accept(graph: nx.Graph[Any], message: str) -> None:
    for measure in (weighted_betweenness, weighted_pagerank, burt_constraint, effective_size):
        with pytest.raises(UsageError, match=message):
            measure(graph)


# --- on several cores ------------------------------------------------------------------------


def test_betweenness_on_several_cores_equals_one_core_and_networkx(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    graph = GRAPHS["random 300 nodes, 1,500 edges"]
    single_call = weighted_betweenness(graph, workers=2)  # below PARALLEL_WORK: one igraph call
    monkeypatch.setattr(brandes, "PARALLEL_WORK", 1)
    chunked = weighted_betweenness(graph, workers=1)
    # The 32 chunks' sums are added in order, whatever the number of processes: the same bits.
    assert weighted_betweenness(graph, workers=2) == chunked
    assert_same(chunked, single_call, 1e-15)
    assert_same(chunked, nx.betweenness_centrality(graph, weight="distance"), 1e-9)
    config = Config(betweenness_budget=1, betweenness_k=60, seed=11)
    sampled = node_centrality(graph, config, workers=2).table["betweenness"].to_dict()
    assert sampled == weighted_betweenness(graph, 60, seed=11, workers=1)
    from_config = node_centrality(graph, dataclasses.replace(config, workers=1))
    assert from_config.table["betweenness"].to_dict() == sampled
    reference = nx.betweenness_centrality(graph, k=60, weight="distance", seed=11)
    assert_same(sampled, reference, 1e-9)


def test_a_worker_that_fails_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(brandes, "PARALLEL_WORK", 1)
    monkeypatch.setattr(sys, "executable", shutil.which("false"))
    with pytest.raises(GraphdynError, match="a worker process failed"):
        weighted_betweenness(GRAPHS["karate"], workers=2)


def test_bad_parameters() -> None:
    graph = GRAPHS["karate"]
    with pytest.raises(UsageError, match="k must be"):
        weighted_betweenness(graph, 0)
    with pytest.raises(UsageError, match="workers must be"):
        weighted_betweenness(graph, workers=0)
    with pytest.raises(UsageError, match="alpha"):
        weighted_pagerank(graph, alpha=1.0)
    with pytest.raises(ConfigError, match="workers: must be a whole number >= 0"):
        Config(workers=-1)


# --- on an audit ------------------------------------------------------------------------------


def test_the_audit_staff_table_holds_the_measures_of_its_graph() -> None:
    events = pd.DataFrame(
        {
            "interaction_id": [f"i{n}" for n in range(8)],
            "timestamp": pd.date_range("2024-01-01", periods=8, freq="10D").strftime("%Y-%m-%d"),
            "customer_id": ["c1", "c1", "c2", "c2", "c3", "c3", "c1", "c3"],
            "staff_id": ["s1", "s1", "s1", "s2", "s2", "s2", None, "s3"],
            "channel": ["meeting", "phone", "email", "meeting", "video", "chat", "order", "email"],
            "product_id": [None, None, None, None, None, None, "p1", None],
            "value": [None, None, None, None, None, None, 100.0, None],
        }
    )
    result = audit(events)
    graph = result.graph
    staff = result.staff.set_index("staff_id")
    keys = [node_key("staff", s) for s in staff.index]
    expected = {
        "betweenness": nx.betweenness_centrality(with_distance(nx.Graph(graph)), weight="distance"),
        "pagerank": nx.pagerank(graph, tol=1e-13, max_iter=100_000),
        "constraint": nx.constraint(graph, weight="weight"),
        "effective_size": nx.effective_size(graph, nodes=list(graph), weight="weight"),
    }
    for column, values in expected.items():
        assert staff[column].tolist() == pytest.approx([values[k] for k in keys], abs=1e-9)
    # The graph is the path p1 - c1 - s1 - c2 - s2 - c3 - s3: s1 and s2 each join 2 x 4 of the
    # C(6, 2) = 15 pairs around them, whatever the weights; s3 is an end.
    assert staff["betweenness"].tolist() == pytest.approx([8 / 15, 8 / 15, 0.0], abs=1e-12)
    # Customers are never tied to each other: no redundancy, effective size = contacts.
    assert staff["effective_size"].tolist() == [2.0, 2.0, 1.0]
    assert result.summary["centrality"] == {
        "nodes": graph.number_of_nodes(),
        "distance": "1 / weight",
        "betweenness": {
            "exact": True,
            "k": None,
            "seed": None,
            "sources_x_edges": graph.number_of_nodes() * graph.number_of_edges(),
            "budget": Config().betweenness_budget,
            "fewest_pivots": Config().betweenness_k,
            "rule": PIVOT_RULE,
        },
        "pagerank_alpha": 0.85,
    }
    columns = list(result.staff.columns)
    assert columns[columns.index("customers") :] == [
        "customers",
        "portfolio_strength",
        "strong_ties",
        "betweenness",
        "pagerank",
        "constraint",
        "effective_size",
        "single_threaded_customers",
        "sole_strong_tie_customers",
        "departure_at_risk",
        "value_at_stake",
    ]


def test_an_audit_above_the_budget_records_k_seed_and_the_rule() -> None:
    events = pd.DataFrame(
        {
            "interaction_id": [f"i{n}" for n in range(40)],
            "timestamp": "2024-01-01",
            "customer_id": [f"c{n % 20}" for n in range(40)],
            "staff_id": [f"s{n % 7}" for n in range(40)],
            "channel": "phone",
        }
    )
    result = audit(events, config=Config(betweenness_budget=10, betweenness_k=5, seed=9))
    recorded = result.summary["centrality"]["betweenness"]
    assert recorded == {
        "exact": False,
        "k": 5,
        "seed": 9,
        "sources_x_edges": 5 * result.graph.number_of_edges(),
        "budget": 10,
        "fewest_pivots": 5,
        "rule": PIVOT_RULE,
    }
    graph = with_distance(nx.Graph(result.graph))
    reference = nx.betweenness_centrality(graph, k=5, weight="distance", seed=9)
    staff = result.staff.set_index("staff_id")["betweenness"]
    assert staff.tolist() == pytest.approx(
        [reference[node_key("staff", s)] for s in staff.index], abs=1e-9, nan_ok=True
    )


def test_channels_reach_and_dependence() -> None:
    # c1: four meetings and one email; c2: one email; c3: ten chats. Meetings carry most of
    # c1's intensity (richness 1.0 against 0.3), email all of c2's, chat all of c3's.
    days = pd.date_range("2024-01-01", periods=10, freq="7D").strftime("%Y-%m-%d")
    events = pd.DataFrame(
        {
            "interaction_id": [f"i{n}" for n in range(16)],
            "timestamp": [*days[:4], days[4], days[4], *days],
            "customer_id": ["c1"] * 5 + ["c2"] + ["c3"] * 10,
            "staff_id": "s1",
            "channel": ["meeting"] * 4 + ["email", "email"] + ["chat"] * 10,
        }
    )
    channels = audit(events).channels.set_index("channel")
    assert channels.loc[["meeting", "email", "chat"], "customers_reached"].tolist() == [1, 2, 1]
    assert channels.loc[["meeting", "email", "chat"], "dependent_customers"].tolist() == [1, 1, 1]
    assert channels.loc[["phone", "order"], "customers_reached"].tolist() == [0, 0]
    assert channels["share_of_intensity"].sum() == pytest.approx(1.0)
    assert (
        channels.loc["chat", "share_of_intensity"] > channels.loc["meeting", "share_of_intensity"]
    )


def test_the_retired_exact_limit_reads_from_an_old_summary_and_is_named_in_a_config_file(
    tmp_path: Path,
) -> None:
    old = {**Config().to_dict(), "betweenness_exact_limit": 5000, "betweenness_k": 500}
    assert Config.from_dict(old) == Config(betweenness_k=500)
    toml = tmp_path / "graphdyn.toml"
    toml.write_text("betweenness_exact_limit = 5000\n", encoding="utf-8")
    with pytest.raises(
        ConfigError, match="'betweenness_exact_limit' is no longer a setting: .*betweenness_budget"
    ):
        load_config(toml)
    with pytest.raises(ConfigError, match="betweenness_budget: must be a whole number >= 1"):
        Config(betweenness_budget=0)
