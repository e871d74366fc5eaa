"""Views of graphs graphdyn builds itself: from validated frames, and after a real audit."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from graphdyn.audits.run import audit
from graphdyn.ingest.dataset import Dataset
from graphdyn.model.graph import graph_from_dataset
from graphdyn.views.export import write_gexf, write_graphml
from graphdyn.views.network import network_page

from .browsing import PageProbe, screenshot
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
    view = network_page(g)
    assert [(c.shown, c.total) for c in view.counts.values()] == [
        (g.number_of_nodes(), g.number_of_nodes()),
        (g.number_of_edges(), g.number_of_edges()),
    ]
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
    probe = open_view(network_page(g, title="raw data"), "raw-dataset")
    counts = probe.page.evaluate("[graphdyn.nodes.length, graphdyn.edges.length]")
    assert counts == [g.number_of_nodes(), g.number_of_edges()]
    probe.assert_clean()


def audited_graph() -> nx.Graph[str]:
    """Audit 2,000 random events of 150 customers, 12 staff (3 teams) and 20 products."""
    rng = np.random.default_rng(0)
    n = 2000
    customer = rng.integers(0, 150, n)
    staff = np.where(rng.uniform(size=n) < 0.9, customer % 12, rng.integers(0, 12, n))
    channel = rng.choice(["meeting", "video", "phone", "chat", "email", "order"], n)
    orders = channel == "order"
    events = pd.DataFrame(
        {
            "interaction_id": [f"i{i}" for i in range(n)],
            "timestamp": (
                pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 700, n), unit="D")
            ).strftime("%Y-%m-%d"),
            "customer_id": [f"c{c}" for c in customer],
            "staff_id": [None if o else f"s{s}" for s, o in zip(staff, orders, strict=True)],
            "channel": channel,
            "direction": rng.choice(["inbound", "outbound"], n),
            "sentiment": rng.uniform(-1, 1, n).round(2),
            "value": np.where(orders, rng.uniform(10, 1000, n).round(2), np.nan),
            "product_id": [
                f"p{p}" if o else None for p, o in zip(rng.integers(0, 20, n), orders, strict=True)
            ],
        }
    )
    staff_table = pd.DataFrame(
        {"staff_id": [f"s{i}" for i in range(12)], "team": [f"team {i % 3}" for i in range(12)]}
    )
    return audit(Dataset.from_frames(events, staff=staff_table)).graph


def test_audited_graph_view_has_the_audit_metrics() -> None:
    g = audited_graph()
    view = network_page(g, physics_limit=100, edges_per_node=None)
    assert view.counts["nodes"].shown == g.number_of_nodes()
    assert view.counts["edges"].shown == g.number_of_edges()
    pruned = network_page(g, physics_limit=100)
    assert pruned.counts["nodes"].shown == g.number_of_nodes()
    assert pruned.counts["edges"].shown < pruned.counts["edges"].total == g.number_of_edges()
    statuses = {d.get("status") for _, d in g.nodes(data=True) if d["kind"] == "customer"}
    assert statuses <= {"new", "active", "cooling", "at_risk", "dormant"} and statuses


@pytest.mark.browser
def test_audited_graph_in_the_browser(open_view: Callable[..., PageProbe]) -> None:
    g = audited_graph()
    view = network_page(g, physics_limit=100, title="audit")
    probe = open_view(view, "audited")
    counts = probe.page.evaluate("[graphdyn.nodes.length, graphdyn.edges.length]")
    assert counts == [g.number_of_nodes(), view.counts["edges"].shown]
    probe.page.fill("#graphdyn-search", "c7")
    probe.page.press("#graphdyn-search", "Enter")
    details = probe.page.locator("#graphdyn-details").inner_text()
    strength = g.nodes["customer:c7"]["strength"]
    assert f"Strength\t{strength:.2f}" in details
    screenshot(probe, "audited")
    probe.assert_clean()


@pytest.mark.parametrize(
    ("write", "read"), [(write_gexf, nx.read_gexf), (write_graphml, nx.read_graphml)]
)
def test_audited_graph_exports(
    write: Callable[[nx.Graph[str], Path], Path],
    read: Callable[[Path], nx.Graph[str]],
    tmp_path: Path,
) -> None:
    g = audited_graph()
    back = read(write(g, tmp_path / "network.out"))
    assert (back.number_of_nodes(), back.number_of_edges()) == (
        g.number_of_nodes(),
        g.number_of_edges(),
    )
    for node in ("customer:c7", "staff:s3"):
        for name, value in g.nodes[node].items():
            if name == "id" or value is None or (isinstance(value, float) and np.isnan(value)):
                continue
            if isinstance(value, pd.Timestamp):
                value = value.isoformat()
            expected = pytest.approx(value) if isinstance(value, float) else value
            assert back.nodes[node][name] == expected, name
