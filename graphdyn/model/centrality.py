"""Contact-point centrality: weighted betweenness, PageRank, Burt's constraint and effective size.

Every function takes an undirected NetworkX graph and returns what the NetworkX function of the
same measure returns, to 1e-9 (``tests/model/test_centrality.py`` compares them on small and
medium graphs), but computes it with igraph's compiled code and numpy:

- :func:`weighted_betweenness` is ``nx.betweenness_centrality(G, k, normalized=True,
  weight=distance, seed=seed)`` with ``distance = 1 / weight``: a strong tie is a short hop.
  igraph counts each unordered pair once, NetworkX each ordered pair and then rescales; the
  scales are aligned here. With ``k`` pivots they are drawn exactly as NetworkX draws them,
  ``random.Random(seed).sample(list(G), k)``, so sampled values match NetworkX's too.
- :func:`weighted_pagerank` is ``nx.pagerank(G, alpha, weight=weight)`` solved exactly (igraph's
  PRPACK) rather than by power iteration stopped at ``tol=1e-6``.
- :func:`burt_constraint` and :func:`effective_size` are ``nx.constraint`` and
  ``nx.effective_size`` with ``weight``, vectorised over edges: the only indirect paths they
  need run through triangles, which igraph lists.

On an audit's graph (customers, staff and products; a staff member's contacts are customers,
never tied to each other) Burt's measures simplify: effective size is the number of contacts
and constraint the concentration (Herfindahl index) of the strength of a person's ties.

Speed, exact weighted betweenness, CPU seconds on one core: 1,000 nodes and 10,000 random
edges, 0.26 s here against 10.1 s with NetworkX 3.6; 10,000 nodes and 100,000 edges, 45-55 s
here against about 17 minutes with NetworkX (10.1 s scaled by n * m). networkit 11.3 needs the
same 50 s: the cost is Brandes' n Dijkstra runs (about 1e9 edge relaxations), not the library.
Sampling 500 pivots takes a twentieth of that. Above
:data:`~graphdyn.model.brandes.PARALLEL_WORK` the sources are split over the usable cores
(:mod:`graphdyn.model.brandes`: worker processes, about a second each to start), which divides
the wall time, not the CPU time, by up to the number of free cores; the numbers are the same
bits whatever the number of workers. A graph whose weights are all equal takes igraph's
breadth-first path instead of Dijkstra.

:func:`node_centrality` computes all four for an audit's graph, betweenness within a budget
of shortest-path work (:func:`betweenness_pivots`: exact while every node fits
``Config.betweenness_budget``, else as many pivots as fit, at least ``Config.betweenness_k``),
so that its cost grows with the graph's edges, not with nodes times edges. Sampled
betweenness is an estimate [2]_; ``docs/model.md`` gives its error, measured. It also takes
the audit's tables (:class:`graphdyn.model.graph.GraphFrames`) instead of the graph: the same
numbers without building the NetworkX graph (at 10M interactions, 4.5 s of CPU against 40 s to
build the graph and read it back).

References
----------
.. [1] Brandes, U. (2001). A faster algorithm for betweenness centrality. Journal of
   Mathematical Sociology 25(2), 163-177.
.. [2] Brandes, U. & Pich, C. (2007). Centrality estimation in large networks. International
   Journal of Bifurcation and Chaos 17(7), 2303-2318.
.. [3] Page, L., Brin, S., Motwani, R. & Winograd, T. (1999). The PageRank citation ranking:
   bringing order to the web. Stanford InfoLab.
.. [4] Burt, R. S. (1992). Structural Holes: The Social Structure of Competition. Harvard
   University Press.
.. [5] Borgatti, S. P. (1997). Structural holes: unpacking Burt's redundancy measures.
   Connections 20(1), 35-38.
"""

from __future__ import annotations

import math
import random
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import igraph as ig
import networkx as nx
import numpy as np
import pandas as pd

from graphdyn.config import Config
from graphdyn.errors import UsageError
from graphdyn.model.brandes import dependencies, usable_cpus
from graphdyn.model.graph import GraphFrames
from graphdyn.model.graph_index import graph_arrays

__all__ = [
    "MEASURES",
    "PAGERANK_ALPHA",
    "PIVOT_RULE",
    "Centrality",
    "betweenness_pivots",
    "burt_constraint",
    "effective_size",
    "node_centrality",
    "weighted_betweenness",
    "weighted_pagerank",
]

#: Damping factor of PageRank (NetworkX's and the original paper's default).
PAGERANK_ALPHA = 0.85

#: How :func:`betweenness_pivots` chooses, in words (``summary.json`` records it).
PIVOT_RULE = (
    "exact when nodes x edges <= budget; else max(betweenness_k, budget // edges) pivots, "
    "exact if that is every node"
)

#: The measures :func:`node_centrality` computes, in ``staff.csv`` order.
MEASURES: tuple[str, ...] = ("betweenness", "pagerank", "constraint", "effective_size")


@dataclass(frozen=True)
class _Indexed:
    """A simple undirected graph as arrays: nodes by position, edges ``u[e] < v[e]``."""

    nodes: list[Hashable]
    u: np.ndarray
    v: np.ndarray
    weight: np.ndarray
    graph: ig.Graph

    @property
    def n(self) -> int:
        return len(self.nodes)

    def as_dict(self, values: np.ndarray) -> dict[Hashable, float]:
        return dict(zip(self.nodes, values.tolist(), strict=True))


def _indexed(graph: nx.Graph[Any], weight: str | None) -> _Indexed:
    """Check that ``graph`` is simple, undirected and positively weighted, and index it.

    Nodes keep the graph's order and edges ``graph.edges()``'s; a missing weight is 1.
    """
    if graph.is_directed() or graph.is_multigraph():
        raise UsageError("centrality needs an undirected graph without parallel edges")
    nodes = list(graph)
    position = {node: i for i, node in enumerate(nodes)}
    m = graph.number_of_edges()
    if weight is None:
        pairs = list(graph.edges())
        values: list[Any] = [1.0] * m
    else:
        triples = list(graph.edges(data=weight, default=1.0))
        pairs = [(a, b) for a, b, _ in triples]
        values = [value for _, _, value in triples]
    first = np.fromiter(map(position.__getitem__, (a for a, _ in pairs)), np.int64, count=m)
    second = np.fromiter(map(position.__getitem__, (b for _, b in pairs)), np.int64, count=m)
    if all(issubclass(kind, int | float) for kind in set(map(type, values))):
        weights = np.array(values, dtype=np.float64)
        bad = np.flatnonzero(~(np.isfinite(weights) & (weights > 0)))
    else:
        weights = np.empty(0)
        bad = np.flatnonzero([not _is_positive(value) for value in values])
    loops = np.flatnonzero(first == second)
    if len(loops) and (not len(bad) or loops[0] <= bad[0]):
        raise UsageError(
            f"centrality needs a graph without self-loops (node {pairs[loops[0]][0]!r})"
        )
    if len(bad):
        (a, b), value = pairs[bad[0]], values[bad[0]]
        raise UsageError(
            f"edge {a!r} - {b!r}: {weight} must be a positive number ({value!r}); "
            "distance is 1 / weight"
        )
    return _indexed_arrays(nodes, np.minimum(first, second), np.maximum(first, second), weights)


def _indexed_frames(frames: GraphFrames, weight: str | None) -> _Indexed:
    """Index the graph :func:`~graphdyn.model.graph.build_graph` would make of ``frames``."""
    arrays = graph_arrays(frames, weight)
    weights = arrays.weight
    bad = np.flatnonzero(~(np.isfinite(weights) & (weights > 0)))
    if len(bad):
        a, b = arrays.nodes[arrays.u[bad[0]]], arrays.nodes[arrays.v[bad[0]]]
        raise UsageError(
            f"edge {a!r} - {b!r}: {weight} must be a positive number ({weights[bad[0]]!r}); "
            "distance is 1 / weight"
        )
    return _indexed_arrays(list(arrays.nodes), arrays.u, arrays.v, weights)


def _is_positive(value: object) -> bool:
    return isinstance(value, int | float) and math.isfinite(value) and value > 0


def _indexed_arrays(
    nodes: list[Hashable], u: np.ndarray, v: np.ndarray, weights: np.ndarray
) -> _Indexed:
    """Index a checked edge list (``u < v``, no pair twice) and build its igraph twin.

    igraph takes edges as Python pairs (about 120 bytes each): they are handed over
    :data:`_EDGE_CHUNK` at a time, so the pairs never outweigh the graph.
    """
    graph = ig.Graph(n=len(nodes))
    for first in range(0, len(u), _EDGE_CHUNK):
        part = slice(first, first + _EDGE_CHUNK)
        graph.add_edges(list(zip(u[part].tolist(), v[part].tolist(), strict=True)))
    return _Indexed(nodes, u, v, weights, graph)


#: Edges handed to igraph at once (see :func:`_indexed_arrays`).
_EDGE_CHUNK = 1_000_000


def weighted_betweenness(
    graph: nx.Graph[Any],
    k: int | None = None,
    *,
    weight: str | None = "weight",
    seed: int | None = None,
    workers: int | None = None,
) -> dict[Hashable, float]:
    r"""Shortest-path betweenness with distance = 1 / weight, normalised as NetworkX does.

    .. math::

       c_B(v) = \frac{2}{(n-1)(n-2)} \sum_{\{s,t\},\ v \ne s,t}
       \frac{\sigma(s, t \mid v)}{\sigma(s, t)}

    where :math:`\sigma(s, t)` counts the shortest s-t paths (path length = sum of
    ``1 / weight`` over its edges) and :math:`\sigma(s, t \mid v)` those through v [1]_.
    Equal to ``nx.betweenness_centrality(G, k, normalized=True, weight=d, seed=seed)`` with
    ``d = 1 / weight`` on every edge. Path lengths are compared with igraph's relative
    tolerance (1e-10) where NetworkX compares floats exactly, so two paths whose lengths differ
    only by rounding count as tied here: an edge case of weights whose reciprocals add up
    differently in different orders.

    Above :data:`~graphdyn.model.brandes.PARALLEL_WORK` (sources x edges) the sources are
    split into 32 chunks whose sums are added in order, computed here and in up to
    ``workers - 1`` worker processes (fresh interpreters fed the edge list), so the result
    does not depend on ``workers``.

    Parameters
    ----------
    graph : networkx.Graph
        Undirected, no parallel edges or self-loops.
    k : int, optional
        Use ``k`` source pivots instead of all nodes (an estimate [2]_). ``k >= len(graph)``
        means exact. The pivots are ``random.Random(seed).sample(list(graph), k)``, as in
        NetworkX, so the estimate equals NetworkX's for the same seed.
    weight : str or None
        Edge attribute holding the strength; missing means 1, ``None`` weighs every edge 1.
    seed : int, optional
        Seed of the pivot sample.
    workers : int, optional
        Processes to spread the sources over when the job is large (sources x edges above
        :data:`~graphdyn.model.brandes.PARALLEL_WORK`); default
        :func:`~graphdyn.model.brandes.usable_cpus`. The result does not depend on it.

    Returns
    -------
    dict
        Node -> betweenness in [0, 1]. With pivots, sources are scaled by
        ``1 / ((k - 1)(n - 2))`` and other nodes by ``1 / (k (n - 2))`` (NetworkX's scaling).

    Raises
    ------
    UsageError
        If the graph is directed, a multigraph, has self-loops or a weight that is not positive.

    Examples
    --------
    A path a - b - c: b lies on the one path between a and c.

    >>> g = nx.Graph([("a", "b", {"weight": 0.5}), ("b", "c", {"weight": 0.8})])
    >>> weighted_betweenness(g)
    {'a': 0.0, 'b': 1.0, 'c': 0.0}

    A strong detour beats a weak direct tie: a - c at 0.1 (distance 10) loses to a - b - c
    (distance 2 + 1.25).

    >>> g.add_edge("a", "c", weight=0.1)
    >>> weighted_betweenness(g)["b"]
    1.0

    References
    ----------
    .. [1] Brandes, U. (2001). A faster algorithm for betweenness centrality.
    .. [2] Brandes, U. & Pich, C. (2007). Centrality estimation in large networks.
    """
    indexed = _indexed(graph, weight)
    return indexed.as_dict(_betweenness(indexed, k, seed, workers))


def _betweenness(
    indexed: _Indexed, k: int | None, seed: int | None, workers: int | None
) -> np.ndarray:
    n = indexed.n
    if k is not None and k < 1:
        raise UsageError(f"betweenness: k must be a whole number >= 1 ({k!r})")
    if workers is not None and not (isinstance(workers, int) and workers >= 1):
        raise UsageError(f"betweenness: workers must be a whole number >= 1 ({workers!r})")
    if n < 3:
        return np.zeros(n)
    workers = usable_cpus() if workers is None else workers
    if k is None or k >= n:
        # igraph sums each unordered pair once; NetworkX's normalisation divides the ordered
        # pairs' sum (twice as large) by (n - 1)(n - 2).
        return (
            dependencies(indexed.graph, indexed.u, indexed.v, indexed.weight, None, workers)
            * 2.0
            / ((n - 1) * (n - 2))
        )
    pivots = random.Random(seed).sample(indexed.nodes, k)  # noqa: S311 - sampling, not secrecy
    position = {node: i for i, node in enumerate(indexed.nodes)}
    sources = [position[node] for node in pivots]
    raw = dependencies(indexed.graph, indexed.u, indexed.v, indexed.weight, sources, workers)
    is_source = np.zeros(n, dtype=bool)
    is_source[sources] = True
    others = n - 2
    source_scale = 1.0 / ((k - 1) * others) if k > 1 else math.nan
    scale = np.where(is_source, source_scale, 1.0 / (k * others))
    return raw * 2.0 * scale


def weighted_pagerank(
    graph: nx.Graph[Any], alpha: float = PAGERANK_ALPHA, *, weight: str | None = "weight"
) -> dict[Hashable, float]:
    r"""PageRank of a weighted undirected graph, solved exactly.

    The stationary distribution of a walk that follows an edge with probability ``alpha``
    (choosing among a node's edges in proportion to weight) and otherwise jumps to a uniformly
    random node; an isolated node jumps [3]_. Equal to ``nx.pagerank(G, alpha, weight=weight)``
    iterated to convergence (NetworkX stops at ``tol=1e-6``; igraph's PRPACK solves the linear
    system, so the two agree to ~1e-14 when NetworkX is run with a tight tolerance).

    Parameters
    ----------
    graph : networkx.Graph
        Undirected, no parallel edges or self-loops.
    alpha : float
        Damping factor.
    weight : str or None
        Edge attribute holding the strength; missing means 1.

    Returns
    -------
    dict
        Node -> PageRank; the values sum to 1.

    Examples
    --------
    >>> g = nx.Graph([("a", "b", {"weight": 1.0}), ("b", "c", {"weight": 1.0})])
    >>> {node: round(value, 4) for node, value in weighted_pagerank(g).items()}
    {'a': 0.2568, 'b': 0.4865, 'c': 0.2568}

    References
    ----------
    .. [3] Page, L., Brin, S., Motwani, R. & Winograd, T. (1999). The PageRank citation ranking.
    """
    if not 0 < alpha < 1:
        raise UsageError(f"pagerank: alpha must be in (0, 1) ({alpha!r})")
    indexed = _indexed(graph, weight)
    return indexed.as_dict(_pagerank(indexed, alpha))


def _pagerank(indexed: _Indexed, alpha: float) -> np.ndarray:
    if indexed.n == 0:
        return np.zeros(0)
    values = indexed.graph.pagerank(
        directed=False,
        damping=alpha,
        weights=indexed.weight.tolist(),
        implementation="prpack",
    )
    return np.asarray(values, dtype=np.float64)


@dataclass(frozen=True)
class _Brokerage:
    """Per directed edge slot ``2e`` (u -> v) and ``2e + 1`` (v -> u) of an indexed graph."""

    tail: np.ndarray  # the node the slot starts from
    share: np.ndarray  # p_ij = w_ij / sum_k w_ik
    to_max: np.ndarray  # m_ij = w_ij / max_k w_ik
    degree: np.ndarray  # per node


def _brokerage(indexed: _Indexed) -> _Brokerage:
    n = indexed.n
    tail = np.column_stack([indexed.u, indexed.v]).ravel()
    weights = np.repeat(indexed.weight, 2)
    total = np.bincount(tail, weights=weights, minlength=n)
    largest = np.zeros(n)
    np.maximum.at(largest, tail, weights)
    return _Brokerage(
        tail=tail,
        share=weights / total[tail],
        to_max=weights / largest[tail],
        degree=np.bincount(tail, minlength=n),
    )


def _triangle_paths(indexed: _Indexed) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every ordered triple (i, j, q) of a triangle, as slots i -> j, i -> q and j -> q.

    Burt's measures only need paths i -> q -> j between neighbours i and j, and q is then a
    common neighbour: each triangle gives six such (i, j, q).
    """
    triangles = np.asarray(indexed.graph.list_triangles(), dtype=np.int64).reshape(-1, 3)
    if len(triangles) == 0:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, empty
    orders = [(0, 1, 2), (0, 2, 1), (1, 0, 2), (1, 2, 0), (2, 0, 1), (2, 1, 0)]
    triples = np.concatenate([triangles[:, list(order)] for order in orders])
    i, j, q = triples[:, 0], triples[:, 1], triples[:, 2]

    def slot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        edge = np.asarray(indexed.graph.get_eids(np.column_stack([a, b]).tolist()), dtype=np.int64)
        slots: np.ndarray = 2 * edge + (a != indexed.u[edge])
        return slots

    return slot(i, j), slot(i, q), slot(j, q)


def burt_constraint(
    graph: nx.Graph[Any], *, weight: str | None = "weight"
) -> dict[Hashable, float]:
    r"""Burt's constraint: how much a node's ties are tied to each other [4]_.

    .. math::

       c_i = \sum_{j \in N(i)} \Big(p_{ij} + \sum_{q \in N(i),\, q \ne j} p_{iq} p_{qj}\Big)^2,
       \qquad p_{ij} = \frac{w_{ij}}{\sum_{k \in N(i)} w_{ik}}

    (the mutual weights ``w_ij + w_ji`` of NetworkX are ``2 w_ij`` on an undirected graph and
    the factor cancels). High constraint: few, interconnected contacts, no brokerage. Equal to
    ``nx.constraint(G, weight=weight)``; NaN for an isolated node.

    Parameters
    ----------
    graph : networkx.Graph
        Undirected, no parallel edges or self-loops.
    weight : str or None
        Edge attribute holding the strength; missing means 1.

    Returns
    -------
    dict
        Node -> constraint.

    Examples
    --------
    A star: the hub's three contacts are unconnected, each a third of its ties; a leaf depends
    on the hub alone.

    >>> star = nx.star_graph(3)
    >>> {node: round(value, 4) for node, value in burt_constraint(star).items()}
    {0: 0.3333, 1: 1.0, 2: 1.0, 3: 1.0}

    References
    ----------
    .. [4] Burt, R. S. (1992). Structural Holes. Harvard University Press, chapter 2.
    """
    indexed = _indexed(graph, weight)
    return indexed.as_dict(_constraint(indexed))


def _constraint(indexed: _Indexed) -> np.ndarray:
    parts = _brokerage(indexed)
    ij, iq, jq = _triangle_paths(indexed)
    indirect = np.bincount(
        ij, weights=parts.share[iq] * parts.share[jq ^ 1], minlength=len(parts.tail)
    )
    local = (parts.share + indirect) ** 2
    values = np.bincount(parts.tail, weights=local, minlength=indexed.n)
    return np.where(parts.degree > 0, values, np.nan)


def effective_size(graph: nx.Graph[Any], *, weight: str | None = "weight") -> dict[Hashable, float]:
    r"""Burt's effective size: the non-redundant part of a node's contacts [4]_ [5]_.

    .. math::

       e_i = \sum_{j \in N(i)} \Big(1 - \sum_{q \in N(i),\, q \ne j} p_{iq} m_{jq}\Big),
       \qquad m_{jq} = \frac{w_{jq}}{\max_{k \in N(j)} w_{jk}}

    with :math:`p_{iq}` as in :func:`burt_constraint`. Equal to
    ``nx.effective_size(G, weight=weight)``; with all weights 1 it is Borgatti's
    ``n - 2t / n`` (n contacts, t ties among them). NaN for an isolated node.

    Parameters
    ----------
    graph : networkx.Graph
        Undirected, no parallel edges or self-loops.
    weight : str or None
        Edge attribute holding the strength; missing means 1.

    Returns
    -------
    dict
        Node -> effective size.

    Examples
    --------
    A triangle with a pendant: node 0 has contacts 1, 2, 3, of which 1 and 2 are tied
    (n = 3, t = 1: 3 - 2/3).

    >>> g = nx.Graph([(0, 1), (0, 2), (1, 2), (0, 3)])
    >>> round(effective_size(g, weight=None)[0], 4)
    2.3333

    References
    ----------
    .. [5] Borgatti, S. P. (1997). Structural holes: unpacking Burt's redundancy measures.
    """
    indexed = _indexed(graph, weight)
    return indexed.as_dict(_effective_size(indexed))


def _effective_size(indexed: _Indexed) -> np.ndarray:
    parts = _brokerage(indexed)
    ij, iq, jq = _triangle_paths(indexed)
    redundancy = np.bincount(
        parts.tail[ij], weights=parts.share[iq] * parts.to_max[jq], minlength=indexed.n
    )
    return np.where(parts.degree > 0, parts.degree - redundancy, np.nan)


def betweenness_pivots(n_nodes: int, n_edges: int, budget: int, fewest: int) -> int | None:
    """Return the pivots betweenness is estimated from within ``budget``, or None for exact.

    One shortest-path search from a source relaxes every edge, so betweenness from ``k``
    sources costs about ``k * n_edges``. Exact betweenness (every node a source) is done when
    ``n_nodes * n_edges <= budget``; else the estimate uses the ``budget // n_edges`` sources
    that fit, but never fewer than ``fewest`` (below which the estimate says little, see
    ``docs/model.md``), and is exact if that is every node.

    Parameters
    ----------
    n_nodes, n_edges : int
        The graph's size.
    budget : int
        Sources x edges allowed (``Config.betweenness_budget``).
    fewest : int
        The floor on the pivots (``Config.betweenness_k``).

    Returns
    -------
    int or None
        The number of pivots, or None when betweenness is exact.

    Examples
    --------
    At 1M interactions (10,800 nodes, 202,008 edges) and at 10M (106,000 and 2.2M), with the
    default budget of 1e8 and floor of 100:

    >>> betweenness_pivots(10_800, 202_008, 100_000_000, 100)
    495
    >>> betweenness_pivots(106_000, 2_215_017, 100_000_000, 100)
    100
    >>> betweenness_pivots(1_150, 15_159, 100_000_000, 100) is None
    True
    """
    if n_nodes * n_edges <= budget:
        return None
    pivots = max(fewest, budget // n_edges)
    return None if pivots >= n_nodes else pivots


@dataclass(frozen=True)
class Centrality:
    """The four measures for every node of a graph, and how betweenness was computed.

    Parameters
    ----------
    table : pandas.DataFrame
        Indexed by node; columns betweenness, pagerank, constraint, effective_size.
    k : int or None
        Betweenness pivots; None when exact.
    seed : int or None
        Seed of the pivot sample; None when exact.
    edges : int
        The graph's edges (each pivot's search relaxes every one).
    budget, fewest : int
        ``Config.betweenness_budget`` and ``Config.betweenness_k``, which chose ``k``
        (:func:`betweenness_pivots`).
    """

    table: pd.DataFrame
    k: int | None
    seed: int | None
    edges: int = 0
    budget: int = 0
    fewest: int = 0

    @property
    def exact(self) -> bool:
        """Whether betweenness counted every source (not sampled)."""
        return self.k is None

    def summary(self) -> dict[str, Any]:
        """Return what ``summary.json`` records under ``"centrality"``."""
        sources = len(self.table) if self.k is None else self.k
        return {
            "nodes": len(self.table),
            "distance": "1 / weight",
            "betweenness": {
                "exact": self.exact,
                "k": self.k,
                "seed": self.seed,
                "sources_x_edges": sources * self.edges,
                "budget": self.budget,
                "fewest_pivots": self.fewest,
                "rule": PIVOT_RULE,
            },
            "pagerank_alpha": PAGERANK_ALPHA,
        }


def node_centrality(
    graph: nx.Graph[Any] | GraphFrames,
    config: Config | None = None,
    *,
    weight: str | None = "weight",
    workers: int | None = None,
) -> Centrality:
    """Compute betweenness, PageRank, constraint and effective size for every node.

    Betweenness is exact while every node fits ``config.betweenness_budget`` (nodes x edges);
    above it, it is estimated from the pivots that fit, at least ``config.betweenness_k``,
    drawn with ``config.seed`` (:func:`betweenness_pivots`). Large jobs run on several cores
    (see :func:`weighted_betweenness`).

    Parameters
    ----------
    graph : networkx.Graph or GraphFrames
        Undirected, no parallel edges or self-loops; for an audit, :attr:`graphdyn.Audit.graph`
        (weight = tie strength, or decayed interaction count for customer–product edges). Or
        the tables :func:`graphdyn.model.graph.build_graph` turns into that graph: the same numbers,
        in the same order, without building the NetworkX graph.
    config : Config, optional
        Supplies the budget, the fewest pivots and the seed.
    weight : str or None
        Edge attribute (or edge column) holding the strength.
    workers : int, optional
        Processes for betweenness; default ``config.workers``, or
        :func:`~graphdyn.model.brandes.usable_cpus` if that is 0.

    Returns
    -------
    Centrality

    Examples
    --------
    >>> g = nx.Graph([("a", "b", {"weight": 0.5}), ("b", "c", {"weight": 0.5})])
    >>> result = node_centrality(g)
    >>> result.table.loc["b", ["betweenness", "constraint", "effective_size"]].tolist()
    [1.0, 0.5, 2.0]
    >>> {k: v for k, v in result.summary()["betweenness"].items() if k != "rule"}
    {'exact': True, 'k': None, 'seed': None, 'sources_x_edges': 6, 'budget': 100000000, \
'fewest_pivots': 100}

    From tables, without building the graph:

    >>> from graphdyn.model.graph import build_graph
    >>> frames = GraphFrames(
    ...     customers=pd.DataFrame({"customer_id": ["c1", "c2"]}),
    ...     staff=pd.DataFrame({"staff_id": ["s1"]}),
    ...     products=pd.DataFrame({"product_id": []}),
    ...     ties=pd.DataFrame({"customer_id": ["c1", "c2"], "staff_id": ["s1", "s1"],
    ...                        "weight": [0.5, 0.25]}),
    ...     product_links=pd.DataFrame({"customer_id": [], "product_id": []}))
    >>> node_centrality(frames).table.equals(node_centrality(build_graph(frames)).table)
    True
    """
    config = config or Config()
    indexed = (
        _indexed_frames(graph, weight)
        if isinstance(graph, GraphFrames)
        else _indexed(graph, weight)
    )
    edges = len(indexed.u)
    k = betweenness_pivots(indexed.n, edges, config.betweenness_budget, config.betweenness_k)
    seed = None if k is None else config.seed
    table = pd.DataFrame(
        {
            "betweenness": _betweenness(indexed, k, seed, workers or config.workers or None),
            "pagerank": _pagerank(indexed, PAGERANK_ALPHA),
            "constraint": _constraint(indexed),
            "effective_size": _effective_size(indexed),
        },
        index=pd.Index(indexed.nodes, dtype=object, tupleize_cols=False),
    )
    return Centrality(
        table=table,
        k=k,
        seed=seed,
        edges=edges,
        budget=config.betweenness_budget,
        fewest=config.betweenness_k,
    )
