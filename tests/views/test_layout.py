"""Positions computed in Python for large views."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest

from graphdyn.views.layout import SPACING, fixed_layout

from .graphs import random_graph


def test_every_node_gets_finite_reproducible_positions() -> None:
    g = random_graph(500, seed=7)
    positions = fixed_layout(g, seed=3)
    assert set(positions) == set(g)
    assert all(math.isfinite(x) and math.isfinite(y) for x, y in positions.values())
    assert fixed_layout(g, seed=3) == positions
    assert fixed_layout(g, seed=4) != positions


def test_scale_and_rim() -> None:
    g = random_graph(900, seed=8)
    g.add_nodes_from(f"customer:lonely{i}" for i in range(20))  # pushed far out by the layout
    coords = np.array(list(fixed_layout(g).values()))
    radius = np.hypot(
        coords[:, 0] - np.median(coords[:, 0]), coords[:, 1] - np.median(coords[:, 1])
    )
    target = SPACING * math.sqrt(g.number_of_nodes())
    assert np.percentile(radius, 98) == pytest.approx(target, rel=0.02)
    assert radius.max() <= 1.1 * target * 1.001


def test_neighbours_sit_closer_than_strangers() -> None:
    g = random_graph(600, seed=9)
    positions = fixed_layout(g)
    edge_lengths = [math.dist(positions[u], positions[v]) for u, v in g.edges()]
    rng = np.random.default_rng(0)
    nodes = list(g)
    random_pairs = [
        math.dist(positions[nodes[i]], positions[nodes[j]])
        for i, j in rng.integers(0, len(nodes), size=(2000, 2))
    ]
    assert np.median(edge_lengths) < 0.5 * np.median(random_pairs)


def test_tiny_graphs() -> None:
    assert fixed_layout(nx.Graph()) == {}
    single = nx.Graph()
    single.add_node("customer:c1")
    assert fixed_layout(single) == {"customer:c1": (0.0, 0.0)}
    assert len(fixed_layout(nx.empty_graph(5))) == 5
