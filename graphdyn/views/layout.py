"""Node positions computed in Python, for views too large for the browser's physics.

vis-network's physics takes about a minute to settle 3,000 nodes in the browser. Above a node
limit the view is laid out here instead, with igraph's UMAP layout (McInnes, Healy & Melville
2018, "UMAP: Uniform Manifold Approximation and Projection", arXiv:1802.03426), which keeps the
portfolios of a relationship graph (customers around their account team) apart.

Measured on a 3,000-node, 6,900-edge graph of 15 planted teams (``tests/views/graphs.py``),
one core: igraph UMAP (100 epochs, ``min_dist=0.3``) 0.7-1.2 s, nodes' mean distance to their
team's centre 0.26 of the layout's mean radius, 17 % of nodes within 12 px of another;
igraph Fruchterman-Reingold (500 iterations) 0.4 s, 0.45 (teams mixed into one ball), 8 %;
igraph DrL 4.5 s, 0.15; NetworkX ``spring_layout`` 7 s (15 iterations) to 23 s (50) and
SciPy needed above 500 nodes.
"""

from __future__ import annotations

import math
import random
import threading
from collections.abc import Hashable
from typing import Any

import igraph as ig
import networkx as nx
import numpy as np

__all__ = ["SPACING", "fixed_layout"]

SPACING = 45.0
"""Typical distance between neighbouring nodes, in vis-network canvas units (about pixels)."""

# igraph draws its random numbers from one process-wide generator; the layout swaps in a
# seeded one for reproducible positions and restores Python's `random` module afterwards.
_igraph_rng_lock = threading.Lock()


def fixed_layout(graph: nx.Graph[Any], *, seed: int = 0) -> dict[Hashable, tuple[float, float]]:
    """Return canvas positions for every node of ``graph``, reproducible for a given ``seed``.

    Every edge counts the same (tie strength is drawn as edge width; weighting the layout by
    it blurred the portfolios in the measurements above). The layout is centred on the origin
    and scaled so that nodes sit about :data:`SPACING` units apart: the 98th percentile of the
    distance from the centre becomes ``SPACING * sqrt(n)``, and nodes beyond 1.1 times that
    radius (isolated nodes and small components, which the algorithm pushes far out) are
    pulled in onto that rim, so they do not shrink the rest.

    Parameters
    ----------
    graph : networkx.Graph
        The graph to lay out.
    seed : int
        Seed of the layout's random start and steps.

    Returns
    -------
    dict
        ``node -> (x, y)``.

    Examples
    --------
    >>> pos = fixed_layout(nx.path_graph(3), seed=1)
    >>> sorted(pos)
    [0, 1, 2]
    >>> pos == fixed_layout(nx.path_graph(3), seed=1)
    True
    """
    nodes = list(graph.nodes)
    if not nodes:
        return {}
    index = {node: i for i, node in enumerate(nodes)}
    edges = [(index[u], index[v]) for u, v in graph.edges()]
    igraph_graph = ig.Graph(n=len(nodes), edges=edges)
    with _igraph_rng_lock:
        ig.set_random_number_generator(random.Random(seed))  # noqa: S311 - layout, not secrets
        try:
            layout = igraph_graph.layout_umap(min_dist=0.3, epochs=100)
        finally:
            ig.set_random_number_generator(random)
    coords = np.asarray(layout.coords, dtype=float).reshape(len(nodes), 2)
    coords -= np.median(coords, axis=0)
    spread = float(np.percentile(np.hypot(coords[:, 0], coords[:, 1]), 98))
    target = SPACING * math.sqrt(len(nodes))
    coords *= target / spread if spread > 0 else 1.0
    radius = np.hypot(coords[:, 0], coords[:, 1])
    rim = 1.1 * target
    outside = radius > rim
    coords[outside] *= (rim / radius[outside])[:, np.newaxis]
    return {node: (float(x), float(y)) for node, (x, y) in zip(nodes, coords, strict=True)}
