"""What a view shows: the ego network, the strongest-ties pruning and the edges drawn."""

from __future__ import annotations

import networkx as nx
import pytest

from graphdyn.errors import UsageError
from graphdyn.views.scope import (
    drawn_edges,
    ego_nodes,
    resolve_focus,
    select_scope,
    strongest_ties,
)

from .graphs import hand_graph, random_graph


@pytest.mark.parametrize(
    ("depth", "expected"),
    [
        (0, {"customer:c1"}),
        (1, {"customer:c1", "staff:s1", "product:p1"}),
        (2, {"customer:c1", "staff:s1", "product:p1", "customer:c2"}),
        (3, {"customer:c1", "staff:s1", "product:p1", "customer:c2", "staff:s2"}),
        (4, {"customer:c1", "staff:s1", "product:p1", "customer:c2", "staff:s2", "customer:c3"}),
        (9, {"customer:c1", "staff:s1", "product:p1", "customer:c2", "staff:s2", "customer:c3"}),
    ],
)
def test_ego_nodes_by_hand(depth: int, expected: set[str]) -> None:
    assert ego_nodes(hand_graph(), "customer:c1", depth) == expected


def test_ego_of_a_staff_member() -> None:
    assert ego_nodes(hand_graph(), "staff:s2", 1) == {"staff:s2", "customer:c2", "customer:c3"}


def test_negative_depth_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="depth must be"):
        ego_nodes(hand_graph(), "customer:c1", -1)


def test_focus_accepts_a_key_or_a_raw_id() -> None:
    g = hand_graph()
    assert resolve_focus(g, "customer:c2") == "customer:c2"
    assert resolve_focus(g, "c2") == "customer:c2"
    assert resolve_focus(g, "s1") == "staff:s1"
    assert resolve_focus(g, "product:p1") == "product:p1"


def test_focus_by_raw_id_ignores_products() -> None:
    with pytest.raises(UsageError, match="no customer or staff member"):
        resolve_focus(hand_graph(), "p1")


def test_unknown_focus_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="'nobody'"):
        resolve_focus(hand_graph(), "nobody")


def test_ambiguous_raw_id_names_both_keys() -> None:
    g = hand_graph()
    g.add_node("staff:c1", kind="staff", id="c1", name="Same id")
    with pytest.raises(UsageError, match="customer:c1 and staff:c1"):
        resolve_focus(g, "c1")


def _pairs(weights: list[float]) -> nx.Graph:
    """Disjoint customer–staff pairs, pair i tied with weights[i]."""
    g = nx.Graph()
    for i, w in enumerate(weights):
        g.add_edge(f"customer:c{i}", f"staff:s{i}", kind="tie", weight=w, strength=w)
    return g


def test_pruning_keeps_the_strongest_ties() -> None:
    weights = [0.15, 0.9, 0.3, 0.05, 0.7, 0.5, 0.95, 0.2, 0.6, 0.1]
    nodes = strongest_ties(_pairs(weights), 6)
    # the three strongest pairs: 0.95 (pair 6), 0.9 (pair 1), 0.7 (pair 4)
    assert nodes == {
        f"{k}:{p}{i}" for i in (6, 1, 4) for k, p in (("customer", "c"), ("staff", "s"))
    }


def test_pruning_with_an_odd_budget_leaves_the_slot_to_a_node_without_ties() -> None:
    g = _pairs([0.9, 0.8])
    g.add_node("customer:lonely", kind="customer", id="lonely")
    assert strongest_ties(g, 3) == {"customer:c0", "staff:s0", "customer:c1"}


def test_no_pruning_within_the_budget() -> None:
    g = hand_graph()
    assert strongest_ties(g, g.number_of_nodes()) == set(g.nodes)


def test_pruning_shows_every_edge_among_the_chosen_nodes() -> None:
    # a triangle-free path: s1 -0.9- c1 -0.1- s2 -0.8- c2; budget 4 takes all four nodes
    g = nx.Graph()
    g.add_edge("staff:s1", "customer:c1", kind="tie", weight=0.9)
    g.add_edge("customer:c1", "staff:s2", kind="tie", weight=0.1)
    g.add_edge("staff:s2", "customer:c2", kind="tie", weight=0.8)
    g.add_node("customer:c3", kind="customer")
    scope, _ = select_scope(g, focus=None, depth=1, max_nodes=4)
    assert set(scope.graph) == {"staff:s1", "customer:c1", "staff:s2", "customer:c2"}
    assert scope.graph.number_of_edges() == 3
    assert (scope.nodes_in_scope, scope.edges_in_scope) == (5, 3)


def test_product_edges_rank_by_quantile_within_their_kind() -> None:
    g = hand_graph()  # ties 0.9, 0.5, 0.3, 0.1; one product edge of volume 0.7
    # c1–s1 (the strongest tie) and c1–p1 (the strongest product edge) both rank first
    assert strongest_ties(g, 3) == {"customer:c1", "staff:s1", "product:p1"}


def test_raw_graphs_rank_by_number_of_interactions() -> None:
    g = nx.Graph()
    for i, n in enumerate([3, 40, 7]):
        g.add_edge(f"customer:c{i}", f"staff:s{i}", kind="tie", n_interactions=n)
    assert strongest_ties(g, 2) == {"customer:c1", "staff:s1"}


def test_nan_weights_rank_last() -> None:
    assert strongest_ties(_pairs([float("nan"), 0.01]), 2) == {"customer:c1", "staff:s1"}


def test_budget_below_one_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="max_nodes must be"):
        strongest_ties(hand_graph(), 0)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_pruned_random_graphs_fit_the_budget_and_count_right(seed: int) -> None:
    g = random_graph(600, seed=seed)
    scope, _ = select_scope(g, focus=None, depth=1, max_nodes=250)
    shown = scope.graph
    assert shown.number_of_nodes() == 250
    assert (scope.nodes_in_scope, scope.edges_in_scope) == (600, g.number_of_edges())
    assert shown.number_of_edges() < g.number_of_edges()
    # the 50 strongest of ~910 ties touch at most 100 nodes, and the ~26 product edges ranked
    # above them (same top quantile of ~470) at most 52 more, within 250: all 50 are shown
    ties = sorted(
        ((d["weight"], u, v) for u, v, d in g.edges(data=True) if d["kind"] == "tie"),
        reverse=True,
    )
    assert all(shown.has_edge(u, v) for _, u, v in ties[:50])
    kept = [w for w, u, v in ties if shown.has_edge(u, v)]
    dropped = [w for w, u, v in ties if not shown.has_edge(u, v)]
    assert sum(kept) / len(kept) > sum(dropped) / len(dropped) + 0.1


def test_focus_then_prune_keeps_the_focus() -> None:
    g = random_graph(600, seed=3)
    focus = "staff:s0"
    ego = ego_nodes(g, focus, 2)
    scope, key = select_scope(g, focus="s0", depth=2, max_nodes=20)
    assert key == focus
    assert focus in scope.graph
    assert set(scope.graph) <= ego
    assert scope.nodes_in_scope == len(ego)
    assert scope.graph.number_of_nodes() == 20


def _distinct_weights(seed: int) -> nx.Graph:
    """A random audit-like graph whose ties all differ in weight, and only ties."""
    g = random_graph(500, seed=seed)
    g.remove_edges_from([(u, v) for u, v, d in g.edges(data=True) if d["kind"] != "tie"])
    for i, (_, _, data) in enumerate(g.edges(data=True)):
        data["weight"] = data["strength"] = 0.001 + 0.998 * ((i * 7919) % 10007) / 10007
    return g


@pytest.mark.parametrize(("seed", "per_node"), [(0, 1), (1, 2), (2, 3)])
def test_drawn_edges_are_each_nodes_strongest_and_a_maximum_spanning_forest(
    seed: int, per_node: int
) -> None:
    g = _distinct_weights(seed)
    drawn, hidden = drawn_edges(g, per_node)
    drawn_set = {frozenset(edge) for edge in drawn}
    assert len(drawn_set) == len(drawn)
    assert drawn_set.isdisjoint(frozenset(edge) for edge in hidden)
    assert len(drawn) + len(hidden) == g.number_of_edges()
    strongest = {
        frozenset((node, other))
        for node in g
        for other in sorted(g[node], key=lambda o: g[node][o]["weight"], reverse=True)[:per_node]
    }
    forest = {frozenset((u, v)) for u, v in nx.maximum_spanning_edges(g, data=False)}
    assert drawn_set == strongest | forest
    weights = [g.edges[edge]["weight"] for edge in drawn]
    assert weights == sorted(weights, reverse=True)


def test_drawn_edges_keep_connected_nodes_connected() -> None:
    g = random_graph(800, seed=4)  # ties and product edges, ranked by quantile within their kind
    drawn, _ = drawn_edges(g, 1)
    picture = nx.Graph(drawn)
    picture.add_nodes_from(g)
    components = sorted(sorted(c) for c in nx.connected_components(g))
    assert sorted(sorted(c) for c in nx.connected_components(picture)) == components
    assert len(drawn) < g.number_of_edges()


def test_drawn_edges_need_at_least_one_per_node() -> None:
    with pytest.raises(UsageError, match="edges per node must be 1 or more"):
        drawn_edges(hand_graph(), 0)


def test_scope_holds_back_edges() -> None:
    g = random_graph(600, seed=5)
    whole, _ = select_scope(g, focus=None, depth=1, max_nodes=250)
    scope, _ = select_scope(g, focus=None, depth=1, max_nodes=250, edges_per_node=2)
    assert list(scope.graph) == list(whole.graph)
    drawn = {frozenset(edge) for edge in scope.graph.edges()}
    hidden = {frozenset((u, v)) for u, v, _ in scope.hidden_edges}
    assert drawn | hidden == {frozenset(edge) for edge in whole.graph.edges()}
    assert drawn.isdisjoint(hidden) and hidden
    assert all(data is g.edges[u, v] for u, v, data in scope.hidden_edges)
    assert (scope.nodes_in_scope, scope.edges_in_scope) == (600, g.number_of_edges())


def test_scope_without_anything_to_hold_back_is_the_graph() -> None:
    g = hand_graph()
    scope, _ = select_scope(g, focus=None, depth=1, max_nodes=100, edges_per_node=3)
    assert scope.hidden_edges == [] and scope.graph is g
    assert scope.graph is not None and scope.graph.number_of_edges() == 5


def test_shown_nodes_keep_the_graphs_order() -> None:
    # a subgraph view would list a small node set in the set's order, which depends on the
    # process's string hashing; the scope lists nodes in the graph's order
    g = random_graph(600, seed=6)
    for edges_per_node in (None, 3):
        scope, _ = select_scope(
            g, focus="s3", depth=2, max_nodes=100, edges_per_node=edges_per_node
        )
        assert list(scope.graph) == [node for node in g if node in scope.graph]
