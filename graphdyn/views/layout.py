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

:func:`grouped_layout` places members of groups (staff in teams) in one disc per group, for the
staff overview, where the groups are known and the layout should show them, not find them.
"""

from __future__ import annotations

import math
import random
import threading
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import igraph as ig
import networkx as nx
import numpy as np

__all__ = ["SPACING", "Disc", "fixed_layout", "grouped_layout"]

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


_GOLDEN_ANGLE = math.pi * (3.0 - math.sqrt(5.0))


@dataclass(frozen=True)
class Disc:
    """Where :func:`grouped_layout` put a group: its centre and radius, in canvas units."""

    group: Hashable
    x: float
    y: float
    radius: float


def grouped_layout(
    groups: Sequence[Hashable],
    rooms: Sequence[float] | None = None,
    *,
    spacing: float = SPACING,
) -> tuple[list[tuple[float, float]], list[Disc]]:
    """Place each item in its group's disc, and the discs in rows: no physics, no randomness.

    Within a disc the members sit on a sunflower spiral (Vogel 1979) in the order given, the
    k-th at angle k times the golden angle and at the radius whose circle holds the rooms of
    the members before it and half its own: ``sqrt((sum(room_j ** 2 for j < k) + room_k ** 2
    / 2) / pi)``. Each member so has about ``room ** 2`` of the disc, and the first are at the
    centre. The discs, in order of their groups' first members, fill rows left to right, the
    rows about as wide as the discs would be tall stacked in a square, each row centred.

    Parameters
    ----------
    groups : sequence of hashable
        Each item's group, in the order the items should sit (first nearest the centre).
    rooms : sequence of float, optional
        Each item's room: about the distance to its neighbours. Default: ``spacing`` for all.
    spacing : float
        The room between discs.

    Returns
    -------
    positions : list of (float, float)
        Each item's ``(x, y)`` (y grows downwards, as on a canvas).
    discs : list of Disc
        One per group, in the order the groups first appear.

    References
    ----------
    .. [1] Vogel, H. (1979). A better way to construct the sunflower head. *Mathematical
       Biosciences* 44(3-4), 179-189.

    Examples
    --------
    >>> positions, discs = grouped_layout(["a", "a", "b"], spacing=10.0)
    >>> [(d.group, round(d.x, 1), round(d.y, 1), round(d.radius, 1)) for d in discs]
    [('a', 0.0, -20.6, 13.0), ('b', 0.0, 23.0, 10.6)]
    >>> [(round(x, 1), round(y, 1)) for x, y in positions]
    [(4.0, -20.6), (-5.1, -16.0), (4.0, 23.0)]
    """
    if not groups:
        return [], []
    room = [spacing] * len(groups) if rooms is None else [float(r) for r in rooms]
    members: dict[Hashable, list[int]] = {}
    for item, group in enumerate(groups):
        members.setdefault(group, []).append(item)
    radius = {
        g: math.sqrt(sum(room[i] ** 2 for i in m) / math.pi) + spacing / 2
        for g, m in members.items()
    }
    row_width = max(
        math.sqrt(sum((2 * r + spacing) ** 2 for r in radius.values())),
        max((2 * r + spacing for r in radius.values()), default=0.0),
    )
    rows: list[list[Hashable]] = [[]]
    width = 0.0
    for group, r in radius.items():
        if rows[-1] and width + 2 * r + spacing > row_width:
            rows.append([])
            width = 0.0
        rows[-1].append(group)
        width += 2 * r + spacing
    discs: list[Disc] = []
    top = 0.0
    for row in rows:
        height = max(2 * radius[g] for g in row)
        x = -(sum(2 * radius[g] + spacing for g in row) - spacing) / 2
        for group in row:
            discs.append(Disc(group, x + radius[group], top + height / 2, radius[group]))
            x += 2 * radius[group] + spacing
        top += height + 2 * spacing  # room for the groups' names above the next row
    middle = top / 2 - spacing
    discs = [Disc(d.group, d.x, d.y - middle, d.radius) for d in discs]
    centre = {d.group: d for d in discs}
    positions: list[tuple[float, float]] = [(0.0, 0.0)] * len(groups)
    for group, items in members.items():
        disc = centre[group]
        taken = 0.0
        for k, item in enumerate(items):
            r = math.sqrt((taken + room[item] ** 2 / 2) / math.pi)
            taken += room[item] ** 2
            angle = k * _GOLDEN_ANGLE
            positions[item] = (disc.x + r * math.cos(angle), disc.y + r * math.sin(angle))
    return positions, discs
