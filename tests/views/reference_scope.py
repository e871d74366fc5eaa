"""The network view's scope as it was chosen on the whole NetworkX graph: the tests' reference.

``graphdyn.views.scope`` chooses the nodes and edges of a view from arrays (of a NetworkX graph
or of the tables it is built from), and builds a graph only of what is drawn. This is the
selection it replaced, walking the NetworkX graph itself (``graphdyn`` before it chose from the
tables), kept here only to hold the new one to it: the same nodes, edges, attributes and order.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Hashable, Iterable
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np
import numpy.typing as npt

from graphdyn.errors import UsageError

__all__ = ["Scope", "select_scope"]

_FOCUS_KINDS = ("customer", "staff")


@dataclass(frozen=True)
class Scope:
    """The nodes and edges a view shows, of how many there are.

    Parameters
    ----------
    graph : networkx.Graph
        The nodes and the edges to draw: the input graph itself when all of it is drawn, else
        a new graph with the same attribute values, in the input's order.
    hidden_edges : list of tuple
        The other edges among the shown nodes, ``(u, v, data)``, strongest first: in the
        page's data for the ego view and the connection counts, not drawn.
    nodes_in_scope : int
        Nodes before pruning (the ego network's size, or the whole graph's): more than
        ``graph`` has when the weakest ties were left out.
    edges_in_scope : int
        Edges before pruning, ties and product links alike.
    """

    graph: nx.Graph[Any]
    hidden_edges: list[tuple[Hashable, Hashable, dict[str, Any]]]
    nodes_in_scope: int
    edges_in_scope: int


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


_Edge = tuple[Hashable, Hashable, dict[str, Any]]


@dataclass(frozen=True)
class _Ranking:
    """The edges of a graph, in the graph's order, and their order strongest first."""

    edges: list[_Edge]
    order: npt.NDArray[np.intp]
    ends: npt.NDArray[np.intp]
    index: dict[Hashable, int]

    def ranked(self, positions: npt.NDArray[np.intp] | None = None) -> list[_Edge]:
        """Return the edges at ``positions`` (default: all, strongest first)."""
        chosen = self.order if positions is None else positions
        return [self.edges[i] for i in chosen.tolist()]


def _rank(graph: nx.Graph[Any]) -> _Ranking:
    """Rank the edges of ``graph`` (see the module docstring).

    Within a kind, edges are ordered by weight, then by their position in ``graph.edges``
    (earlier first among equals); across kinds by quantile, then ties before other kinds,
    then position. The sorting is NumPy's: a graph of 10M interactions has 2M edges.
    """
    index = {node: i for i, node in enumerate(graph)}
    edges = list(graph.edges(data=True))
    count = len(edges)
    strength = np.fromiter(
        (_weight(data.get("weight", data.get("n_interactions"))) for *_, data in edges),
        dtype=float,
        count=count,
    )
    kinds: dict[str, int] = {}
    kind = np.fromiter(
        (kinds.setdefault(str(data.get("kind")), len(kinds)) for *_, data in edges),
        dtype=np.intp,
        count=count,
    )
    ends = np.empty((count, 2), dtype=np.intp)
    ends[:, 0] = np.fromiter((index[u] for u, _, _ in edges), dtype=np.intp, count=count)
    ends[:, 1] = np.fromiter((index[v] for _, v, _ in edges), dtype=np.intp, count=count)
    position = np.arange(count)
    quantile = np.empty(count)
    for code in range(len(kinds)):
        members = np.flatnonzero(kind == code)
        ordered = members[np.lexsort((-members, strength[members]))]
        quantile[ordered] = np.arange(1, len(ordered) + 1) / len(ordered)
    not_tie = kind != kinds.get("tie", -1)
    order = np.lexsort((position, not_tie, -quantile)).astype(np.intp)
    return _Ranking(edges=edges, order=order, ends=ends, index=index)


def _weight(raw: object) -> float:
    """Return an edge's ranking weight: a finite int or float as it is, else minus infinity."""
    weight = float(raw) if isinstance(raw, int | float) else math.nan
    return weight if math.isfinite(weight) else -math.inf


def _check_budget(max_nodes: int) -> None:
    if max_nodes < 1:
        raise UsageError(f"max_nodes must be 1 or more, not {max_nodes}")


def _prune(
    graph: nx.Graph[Any], ranking: _Ranking, max_nodes: int, keep: Iterable[Hashable]
) -> tuple[set[Hashable], list[_Edge]]:
    """Return :func:`strongest_ties`' nodes and the ranked edges among them."""
    chosen: set[Hashable] = set(keep)
    for position in ranking.order.tolist():
        u, v, _ = ranking.edges[position]
        new = (u not in chosen) + (v not in chosen)
        if len(chosen) + new <= max_nodes:
            chosen.update((u, v))
        if len(chosen) >= max_nodes:
            break
    for node in graph.nodes:
        if len(chosen) >= max_nodes:
            break
        chosen.add(node)
    member = np.zeros(len(ranking.index), dtype=bool)
    member[[ranking.index[node] for node in chosen]] = True
    ends = ranking.ends[ranking.order]
    among = ranking.ranked(ranking.order[member[ends[:, 0]] & member[ends[:, 1]]])
    return chosen, among


def _split(ranked: list[_Edge], per_node: int) -> tuple[list[_Edge], list[_Edge]]:
    """Return :func:`drawn_edges`' split of edges ranked strongest first."""
    if per_node < 1:
        raise UsageError(f"edges per node must be 1 or more, not {per_node}")
    seen: dict[Hashable, int] = {}
    forest: dict[Hashable, Hashable] = {}

    def root(node: Hashable) -> Hashable:
        forest.setdefault(node, node)
        while forest[node] != node:
            forest[node] = forest[forest[node]]
            node = forest[node]
        return node

    drawn: list[_Edge] = []
    hidden: list[_Edge] = []
    for edge in ranked:
        u, v, _ = edge
        seen_u = seen.get(u, 0)
        seen_v = seen.get(v, 0)
        seen[u] = seen_u + 1
        seen[v] = seen_v + 1
        root_u, root_v = root(u), root(v)
        joins = root_u != root_v
        if joins:
            forest[root_u] = root_v
        if joins or seen_u < per_node or seen_v < per_node:
            drawn.append(edge)
        else:
            hidden.append(edge)
    return drawn, hidden


def select_scope(
    graph: nx.Graph[Any],
    *,
    focus: str | None,
    depth: int,
    max_nodes: int,
    edges_per_node: int | None = None,
) -> tuple[Scope, Hashable | None]:
    """Apply the ego step, the pruning step and the drawing step to ``graph``.

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
    edges_per_node : int or None
        Draw each node's this many strongest edges and a maximum spanning forest
        (:func:`drawn_edges`); None draws every edge among the shown nodes.

    Returns
    -------
    scope : Scope
        What to draw.
    focus_key : Hashable or None
        The focus node's key, always part of ``scope.graph`` when given.

    Raises
    ------
    UsageError
        When ``edges_per_node`` is below 1, or as :func:`resolve_focus`, :func:`ego_nodes`
        and :func:`strongest_ties` raise.

    Examples
    --------
    >>> scope, key = select_scope(nx.path_graph(["a", "b", "c"]), focus="a", depth=1,
    ...                           max_nodes=10)
    >>> sorted(scope.graph), key, scope.nodes_in_scope, scope.edges_in_scope
    (['a', 'b'], 'a', 2, 1)
    >>> scope, _ = select_scope(nx.complete_graph(4), focus=None, depth=1, max_nodes=10,
    ...                         edges_per_node=1)
    >>> scope.graph.number_of_edges(), [(u, v) for u, v, _ in scope.hidden_edges]
    (3, [(1, 2), (1, 3), (2, 3)])
    """
    focus_key = None if focus is None else resolve_focus(graph, focus)
    _check_budget(max_nodes)
    in_scope = graph
    if focus_key is not None:
        in_scope = _induced(graph, ego_nodes(graph, focus_key, depth))
    keep = () if focus_key is None else (focus_key,)
    ranking = _rank(in_scope)
    nodes: Collection[Hashable] = in_scope
    pruned = in_scope.number_of_nodes() > max_nodes
    if pruned:
        nodes, among = _prune(in_scope, ranking, max_nodes, keep)
    else:
        among = ranking.ranked()
    hidden: list[_Edge] = []
    if edges_per_node is not None:
        drawn, hidden = _split(among, edges_per_node)
    if hidden:
        shown = _induced(in_scope, nodes, drawn)
    else:
        shown = _induced(in_scope, nodes) if pruned else in_scope
    scope = Scope(
        graph=shown,
        hidden_edges=hidden,
        nodes_in_scope=in_scope.number_of_nodes(),
        edges_in_scope=in_scope.number_of_edges(),
    )
    return scope, focus_key


def _induced(
    graph: nx.Graph[Any], nodes: Collection[Hashable], edges: list[_Edge] | None = None
) -> nx.Graph[Any]:
    """Return the subgraph of ``graph`` on ``nodes`` as a new graph, in ``graph``'s order.

    Nodes keep the order they have in ``graph`` (a NetworkX subgraph view iterates a small
    node set in the set's order, which changes from one Python process to the next), nodes
    and edges their attributes (copied dicts of the same values). Without ``edges``, every
    edge among ``nodes`` is kept, in ``graph``'s order; with it, those edges, in its order.
    """
    subgraph: nx.Graph[Any] = nx.Graph()
    subgraph.graph.update(graph.graph)
    order = [node for node in graph if node in nodes]
    subgraph.add_nodes_from((node, graph.nodes[node]) for node in order)
    if edges is None:
        done: set[Hashable] = set()
        edges = []
        for u in order:
            edges.extend(
                (u, v, data) for v, data in graph.adj[u].items() if v in nodes and v not in done
            )
            done.add(u)
    subgraph.add_edges_from(edges)
    return subgraph
