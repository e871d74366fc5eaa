"""network_page: counts and notes, argument checks, writing, Jupyter display."""

from __future__ import annotations

import dataclasses
import html
import re
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from graphdyn.errors import UsageError
from graphdyn.views.network import network_page, network_title
from graphdyn.views.page import Count, Page

from .graphs import hand_graph, random_graph
from .test_page import page_data


def test_counts_of_a_whole_graph() -> None:
    page = network_page(hand_graph())
    assert dict(page.counts) == {
        "nodes": Count("nodes shown", 7, 7),
        "edges": Count("edges drawn", 5, 5),
    }
    assert page.note is None


def test_counts_of_a_pruned_graph() -> None:
    g = random_graph(1000, seed=5)
    page = network_page(g, max_nodes=400, edges_per_node=None)
    nodes, edges = page.counts["nodes"], page.counts["edges"]
    assert (nodes.shown, nodes.total) == (400, 1000)
    assert edges.total == g.number_of_edges() > edges.shown
    assert page.note == "the weakest ties are left out"


def test_counts_of_a_pruned_graph_with_edges_held_back() -> None:
    g = random_graph(1000, seed=5)
    among = network_page(g, max_nodes=400, edges_per_node=None).counts["edges"].shown
    page = network_page(g, max_nodes=400, edges_per_node=1)
    drawn = page.counts["edges"].shown
    assert page.counts["nodes"] == Count("nodes shown", 400, 1000)
    assert 399 <= drawn < among
    assert page.counts["edges"].total == g.number_of_edges()
    assert page.note == (
        "the weakest ties are left out; each node's strongest edge and a spanning forest are "
        f"drawn, and the {among - drawn:,} other edges among the shown nodes only in the "
        "neighbourhood view"
    )
    data = page_data(page.html)
    hidden = data["hidden"]
    assert isinstance(data["edges"], list) and isinstance(hidden, dict)
    assert len(data["edges"]) == drawn
    assert len(hidden["from"]) == len(hidden["to"]) == among - drawn


def test_the_page_data_carries_the_counts_and_the_note() -> None:
    page = network_page(random_graph(600, seed=2), focus="s1", depth=2, max_nodes=50)
    data = page_data(page.html)
    assert data["counts"] == {
        key: {"what": count.what, "shown": count.shown, "total": count.total}
        for key, count in page.counts.items()
    }
    assert data["note"] == page.note is not None


def test_ego_view_counts_the_ego_network() -> None:
    page = network_page(hand_graph(), focus="s2", depth=1)
    assert [str(count) for count in page.counts.values()] == [
        "3 of 3 nodes shown",
        "2 of 2 edges drawn",
    ]
    assert page.note is None


def test_title_names_the_as_of_date_and_the_focus() -> None:
    as_of = pd.Timestamp("2026-03-31", tz="UTC")
    assert network_title(as_of) == "graphdyn network as of 2026-03-31"
    assert network_title(as_of, "C000042") == "graphdyn network as of 2026-03-31, around C000042"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"focus": "nobody"}, "no customer or staff member"),
        ({"focus": "c1", "depth": -1}, "depth must be"),
        ({"max_nodes": 0}, "max_nodes must be"),
        ({"edges_per_node": 0}, "edges per node must be"),
        ({"physics_limit": -1}, "physics_limit"),
    ],
)
def test_bad_arguments_are_usage_errors(arguments: dict[str, object], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        network_page(hand_graph(), **arguments)  # type: ignore[arg-type]


def test_same_seed_same_page_other_seed_other_layout() -> None:
    g = random_graph(400, seed=6)
    first = network_page(g, seed=1).html
    assert network_page(g, seed=1).html == first
    assert network_page(g, seed=2).html != first


def test_page_is_frozen_and_has_a_readable_repr() -> None:
    page = network_page(hand_graph(), title="hand")
    assert isinstance(page, Page)
    with pytest.raises(dataclasses.FrozenInstanceError):
        page.note = "changed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        page.counts["nodes"] = Count("nodes shown", 0, 0)  # type: ignore[index]
    assert re.fullmatch(
        r"<Page 'hand': 7 of 7 nodes shown; 5 of 5 edges drawn; \d+\.\d MB>", repr(page)
    )


def test_write_writes_the_page(tmp_path: Path) -> None:
    page = network_page(hand_graph())
    path = page.write(str(tmp_path / "network.html"))
    assert path == tmp_path / "network.html"
    assert path.read_text(encoding="utf-8") == page.html
    assert [p.name for p in tmp_path.iterdir()] == ["network.html"]  # no temporary left


def test_write_into_a_missing_folder_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cannot write .*network.html"):
        network_page(hand_graph()).write(tmp_path / "missing" / "network.html")


def test_jupyter_display_is_a_sandboxed_iframe_holding_the_escaped_page() -> None:
    page = network_page(hand_graph(), title='"><b>x')
    shown = page._repr_html_()
    match = re.search(r'<iframe srcdoc="([^"]*)" sandbox="allow-scripts" title="([^"]*)"', shown)
    assert match is not None
    assert "<" not in match.group(1)
    assert html.unescape(match.group(1)) == page.html
    assert html.unescape(match.group(2)) == '"><b>x'
    assert shown.count("<script") == 0 and "<b>" not in shown


def test_empty_graph() -> None:
    page = network_page(nx.Graph())
    assert [str(count) for count in page.counts.values()] == [
        "0 of 0 nodes shown",
        "0 of 0 edges drawn",
    ]
    assert page.note is None
