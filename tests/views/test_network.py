"""network_html and NetworkView: counts, argument checks, saving, Jupyter display."""

from __future__ import annotations

import dataclasses
import html
import re
from pathlib import Path

import networkx as nx
import pytest

from graphdyn.errors import UsageError
from graphdyn.views.network import NetworkView, network_html

from .graphs import hand_graph, random_graph
from .test_page import page_data


def test_counts_of_a_whole_graph() -> None:
    view = network_html(hand_graph())
    assert (view.nodes_shown, view.edges_shown, view.nodes_total, view.edges_total) == (7, 5, 7, 5)
    assert view.pruned_note is None


def test_counts_of_a_pruned_graph() -> None:
    g = random_graph(1000, seed=5)
    view = network_html(g, max_nodes=400, edges_per_node=None)
    assert view.nodes_shown == 400
    assert (view.nodes_total, view.edges_total) == (1000, g.number_of_edges())
    assert view.pruned_note == (
        f"showing 400 of 1,000 nodes, {view.edges_shown:,} of {g.number_of_edges():,} edges; "
        "weakest ties left out"
    )


def test_counts_of_a_pruned_graph_with_edges_held_back() -> None:
    g = random_graph(1000, seed=5)
    among = network_html(g, max_nodes=400, edges_per_node=None).edges_shown
    view = network_html(g, max_nodes=400, edges_per_node=1)
    assert view.nodes_shown == 400
    assert 399 <= view.edges_shown < among
    assert view.pruned_note == (
        f"showing 400 of 1,000 nodes, {view.edges_shown:,} of {g.number_of_edges():,} edges "
        f"(each node's strongest and a spanning forest; {among - view.edges_shown:,} more "
        "among these nodes in the neighbourhood view); weakest ties left out"
    )
    data = page_data(view.html)
    hidden = data["hidden"]
    assert isinstance(data["edges"], list) and isinstance(hidden, dict)
    assert len(data["edges"]) == view.edges_shown
    assert len(hidden["from"]) == len(hidden["to"]) == among - view.edges_shown


def test_ego_view_counts() -> None:
    view = network_html(hand_graph(), focus="s2", depth=1)
    assert (view.nodes_shown, view.edges_shown) == (3, 2)
    assert (view.nodes_total, view.edges_total) == (7, 5)
    assert view.pruned_note is None


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
        network_html(hand_graph(), **arguments)  # type: ignore[arg-type]


def test_same_seed_same_page_other_seed_other_layout() -> None:
    g = random_graph(400, seed=6)
    first = network_html(g, seed=1).html
    assert network_html(g, seed=1).html == first
    assert network_html(g, seed=2).html != first


def test_view_is_frozen_and_has_a_readable_repr() -> None:
    view = network_html(hand_graph())
    with pytest.raises(dataclasses.FrozenInstanceError):
        view.nodes_shown = 0  # type: ignore[misc]
    assert re.fullmatch(r"NetworkView\(nodes 7 of 7, edges 5 of 5, \d+\.\d MB\)", repr(view))


def test_save_writes_the_page(tmp_path: Path) -> None:
    view = network_html(hand_graph())
    path = view.save(str(tmp_path / "network.html"))
    assert path == tmp_path / "network.html"
    assert path.read_text(encoding="utf-8") == view.html


def test_save_into_a_missing_folder_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cannot write .*network.html"):
        network_html(hand_graph()).save(tmp_path / "missing" / "network.html")


def test_jupyter_display_is_a_sandboxed_iframe_holding_the_escaped_page() -> None:
    view = network_html(hand_graph())
    shown = view._repr_html_()
    match = re.search(r'<iframe srcdoc="([^"]*)" sandbox="allow-scripts"', shown)
    assert match is not None
    assert "<" not in match.group(1)
    assert html.unescape(match.group(1)) == view.html
    assert shown.count("<script") == 0


def test_empty_graph() -> None:
    view = network_html(nx.Graph())
    assert (view.nodes_shown, view.edges_shown, view.pruned_note) == (0, 0, None)


def test_the_view_type_is_exported() -> None:
    assert isinstance(network_html(nx.Graph()), NetworkView)
