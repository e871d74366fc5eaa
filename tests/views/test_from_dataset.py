"""Views of a graph built by graphdyn.graph from validated frames (no audit metrics yet)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from graphdyn.data.dataset import Dataset
from graphdyn.graph import graph_from_dataset
from graphdyn.views.export import write_gexf, write_graphml
from graphdyn.views.network import network_html

from .browsing import PageProbe
from .graphs import XSS_CUSTOMER_NAMES, XSS_TEAM


def dataset_graph() -> nx.Graph[str]:
    interactions = pd.DataFrame(
        {
            "interaction_id": ["i1", "i2", "i3", "i4", "i5"],
            "timestamp": ["2024-05-01", "2024-05-02", "2024-05-09", "2024-06-01", "2024-06-03"],
            "customer_id": ["c1", "c1", "c2", "c2", "c3"],
            "staff_id": ["s1", "s1", "s2", None, "s1"],
            "channel": ["phone", "email", "meeting", "order", "chat"],
            "value": [None, None, None, 250.0, None],
            "product_id": [None, None, None, "p1", None],
        }
    )
    customers = pd.DataFrame(
        {
            "customer_id": ["c1", "c2", "c4"],
            "name": [XSS_CUSTOMER_NAMES[0], XSS_CUSTOMER_NAMES[1], "No ties yet"],
            "segment": ["enterprise", "smb", "smb"],
            "account_created": pd.to_datetime(["2020-01-01", "2021-06-30", "2024-01-01"]),
        }
    )
    staff = pd.DataFrame(
        {
            "staff_id": ["s1", "s2"],
            "name": ["Sam", "Kim"],
            "team": [XSS_TEAM, "south"],
            "left_at": pd.to_datetime([None, "2024-06-15"]),
        }
    )
    data = Dataset.from_frames(interactions, customers=customers, staff=staff)
    return graph_from_dataset(data)


def test_raw_graph_view_counts_and_na() -> None:
    g = dataset_graph()
    view = network_html(g)
    assert (view.nodes_shown, view.edges_shown) == (g.number_of_nodes(), g.number_of_edges())
    assert "n/a" in view.html


@pytest.mark.parametrize(
    ("write", "read"), [(write_gexf, nx.read_gexf), (write_graphml, nx.read_graphml)]
)
def test_raw_graph_exports(
    write: Callable[[nx.Graph[str], Path], Path],
    read: Callable[[Path], nx.Graph[str]],
    tmp_path: Path,
) -> None:
    g = dataset_graph()
    back = read(write(g, tmp_path / "network.out"))
    assert (back.number_of_nodes(), back.number_of_edges()) == (
        g.number_of_nodes(),
        g.number_of_edges(),
    )
    assert back.nodes["staff:s2"]["left_at"].startswith("2024-06-15")
    assert "left_at" not in back.nodes["staff:s1"]
    assert back.nodes["customer:c1"]["name"] == XSS_CUSTOMER_NAMES[0]
    assert back.edges["customer:c1", "staff:s1"]["n_interactions"] == 2


@pytest.mark.browser
def test_raw_graph_in_the_browser(open_view: Callable[..., PageProbe]) -> None:
    g = dataset_graph()
    probe = open_view(network_html(g, title="raw data"), "raw-dataset")
    counts = probe.page.evaluate("[graphdyn.nodes.length, graphdyn.edges.length]")
    assert counts == [g.number_of_nodes(), g.number_of_edges()]
    probe.assert_clean()
