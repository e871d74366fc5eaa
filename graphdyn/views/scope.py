"""Which part of a relationship graph a view shows: an ego network, then the strongest ties.

Two steps, in this order:

1. :func:`ego_nodes` — with a focus node, keep the nodes within ``depth`` hops of it.
2. :func:`strongest_ties` — above a node budget, keep the strongest edges and the nodes they touch.

Edges are ranked by ``weight`` (tie strength on customer–staff edges, decayed volume on
customer–product edges), falling back to ``n_interactions`` on graphs without audit metrics.
Because the two edge kinds carry weights on different scales, each edge is ranked by its
quantile among edges of its own kind; ties win over product edges at equal quantile.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Any

import networkx as nx

from graphdyn.errors import UsageError

__all__ = ["Scope", "ego_nodes", "resolve_focus", "select_scope", "strongest_ties"]

_FOCUS_KINDS = ("customer", "staff")


@dataclass(frozen=True)
class Scope:
    """The nodes and edges a view shows, and what was left out.

    Parameters
    ----------
    graph : networkx.Graph
        The subgraph to draw (a view of the input graph, not a copy).
    nodes_in_scope : int
        Nodes before pruning (the ego network's size, or the whole graph's).
    edges_in_scope : int
        Edges before pruning.
    pruned_note : str or None
        ``"showing X of Y nodes, Z of W edges; weakest ties left out"`` when pruned, else None.
    """

    graph: nx.Graph[Any]
    nodes_in_scope: int
    edges_in_scope: int
    pruned_note: str | None


def resolve_focus(graph: nx.Graph[Any], focus: str) -> Hashable:
    """Return the node key that ``focus`` names: a node key, or a customer's or staff's raw id.

    Parameters
    ----------
    graph : networkx.Graph
        A graphdyn relationship graph (node keys ``"<kind>:<id>"``, attribute ``id``).
    focus : str
        A node key such as ``"customer:c1"``, or a raw id such as ``"c1"``.

    Returns
    -------
    Hashable
        The node key.

    Raises
    ------
    UsageError
        When nothing matches, or when a raw id names both a customer and a staff member.

    Examples
    --------
    >>> g = nx.Graph()
    >>> g.add_node("customer:c1", kind="customer", id="c1")
    >>> resolve_focus(g, "c1")
    'customer:c1'
    >>> resolve_focus(g, "customer:c1")
    'customer:c1'
    """
    if focus in graph:
        return focus
    matches = sorted(
        str(node)
        for node, data in graph.nodes(data=True)
        if data.get("kind") in _FOCUS_KINDS and str(data.get("id")) == focus
    )
    if not matches:
        raise UsageError(f"focus {focus!r}: no customer or staff member has this id or key")
    if len(matches) > 1:
        raise UsageError(
            f"focus {focus!r} is ambiguous: it names {' and '.join(matches)}; pass the key"
        )
    return matches[0]


def ego_nodes(graph: nx.Graph[Any], focus: Hashable, depth: int) -> set[Hashable]:
    """Return the nodes within ``depth`` hops of ``focus`` (unweighted), ``focus`` included.

    Parameters
    ----------
    graph : networkx.Graph
        The graph.
    focus : Hashable
        A node of ``graph``.
    depth : int
        Hops, >= 0; 0 gives the focus node alone.

    Returns
    -------
    set
        The ego network's nodes.

    Raises
    ------
    UsageError
        When ``depth`` is negative.

    Examples
    --------
    >>> sorted(ego_nodes(nx.path_graph(5), 0, 2))
    [0, 1, 2]
    """
    if depth < 0:
        raise UsageError(f"depth must be 0 or more, not {depth}")
    return set(nx.single_source_shortest_path_length(graph, focus, cutoff=depth))


def _edge_rank(graph: nx.Graph[Any]) -> list[tuple[Hashable, Hashable]]:
    """Return the edges of ``graph``, strongest first (see the module docstring)."""
    by_kind: dict[str, list[tuple[float, int, tuple[Hashable, Hashable]]]] = {}
    for position, (u, v, data) in enumerate(graph.edges(data=True)):
        raw = data.get("weight", data.get("n_interactions"))
        weight = float(raw) if isinstance(raw, int | float) else math.nan
        strength = weight if math.isfinite(weight) else -math.inf
        by_kind.setdefault(str(data.get("kind")), []).append((strength, position, (u, v)))
    ranked: list[tuple[float, int, int, tuple[Hashable, Hashable]]] = []
    for kind, items in by_kind.items():
        items.sort(key=lambda item: (item[0], -item[1]))
        kind_order = 0 if kind == "tie" else 1
        for rank, (_, position, edge) in enumerate(items, start=1):
            ranked.append((rank / len(items), kind_order, position, edge))
    ranked.sort(key=lambda item: (-item[0], item[1], item[2]))
    return [edge for *_, edge in ranked]


def strongest_ties(
    graph: nx.Graph[Any], max_nodes: int, keep: Iterable[Hashable] = ()
) -> tuple[set[Hashable], str | None]:
    """Choose at most ``max_nodes`` nodes by walking the edges from strongest to weakest.

    An edge is taken when the nodes it would add still fit the budget; the view then shows
    every edge among the chosen nodes. Budget left over after the last edge goes to the
    remaining nodes in graph order (nodes without ties are the only ones that can remain).

    Parameters
    ----------
    graph : networkx.Graph
        The graph to prune.
    max_nodes : int
        The node budget, >= 1.
    keep : iterable of Hashable
        Nodes chosen before any edge (the focus of an ego view).

    Returns
    -------
    nodes : set
        The chosen nodes (all of ``graph`` when it fits the budget).
    note : str or None
        The note shown in the page when something was left out.

    Raises
    ------
    UsageError
        When ``max_nodes`` is below 1.

    Examples
    --------
    >>> g = nx.Graph()
    >>> g.add_edge("a", "b", kind="tie", weight=0.9)
    >>> g.add_edge("b", "c", kind="tie", weight=0.1)
    >>> nodes, note = strongest_ties(g, 2)
    >>> sorted(nodes), note
    (['a', 'b'], 'showing 2 of 3 nodes, 1 of 2 edges; weakest ties left out')
    """
    if max_nodes < 1:
        raise UsageError(f"max_nodes must be 1 or more, not {max_nodes}")
    if graph.number_of_nodes() <= max_nodes:
        return set(graph.nodes), None
    chosen: set[Hashable] = set(keep)
    for u, v in _edge_rank(graph):
        new = (u not in chosen) + (v not in chosen)
        if len(chosen) + new <= max_nodes:
            chosen.update((u, v))
        if len(chosen) >= max_nodes:
            break
    for node in graph.nodes:
        if len(chosen) >= max_nodes:
            break
        chosen.add(node)
    shown_edges = graph.subgraph(chosen).number_of_edges()
    note = (
        f"showing {len(chosen):,} of {graph.number_of_nodes():,} nodes, "
        f"{shown_edges:,} of {graph.number_of_edges():,} edges; weakest ties left out"
    )
    return chosen, note


def select_scope(
    graph: nx.Graph[Any], *, focus: str | None, depth: int, max_nodes: int
) -> tuple[Scope, Hashable | None]:
    """Apply the ego step, then the pruning step, to ``graph``.

    Parameters
    ----------
    graph : networkx.Graph
        The whole relationship graph.
    focus : str or None
        A node key or a customer's or staff's raw id; None for the whole graph.
    depth : int
        Hops around ``focus``.
    max_nodes : int
        The node budget.

    Returns
    -------
    scope : Scope
        What to draw.
    focus_key : Hashable or None
        The focus node's key, always part of ``scope.graph`` when given.

    Examples
    --------
    >>> scope, key = select_scope(nx.path_graph(["a", "b", "c"]), focus="a", depth=1,
    ...                           max_nodes=10)
    >>> sorted(scope.graph), key, scope.pruned_note
    (['a', 'b'], 'a', None)
    """
    focus_key = None if focus is None else resolve_focus(graph, focus)
    in_scope = graph if focus_key is None else graph.subgraph(ego_nodes(graph, focus_key, depth))
    keep = () if focus_key is None else (focus_key,)
    nodes, note = strongest_ties(in_scope, max_nodes, keep)
    shown = in_scope if note is None else in_scope.subgraph(nodes)
    scope = Scope(
        graph=shown,
        nodes_in_scope=in_scope.number_of_nodes(),
        edges_in_scope=in_scope.number_of_edges(),
        pruned_note=note,
    )
    return scope, focus_key
