"""The view's scope chosen from an audit's tables is the one chosen on its whole graph.

``select_scope`` of ``Audit.graph_frames`` (and of ``AuditFolder.graph_frames``) is held to the
NetworkX selection it replaced (``reference_scope``, run on ``Audit.graph``): the same nodes and
edges with the same attributes in the same order, the same edges held back, the same counts,
focused and not, at depth 1 and 2, with and without edges held back, pruned and not. The
network pages are the same text.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import networkx as nx
import pytest

from graphdyn import Audit, UsageError
from graphdyn.folder import AuditFolder, read_audit_folder, write_audit_folder
from graphdyn.model.graph import GraphFrames
from graphdyn.model.graph_index import GraphIndex
from graphdyn.views import network, scope
from graphdyn.views.network import network_page, network_view
from graphdyn.views.page import Count

from . import reference_scope
from .audits import generated_audit


@pytest.fixture(scope="module")
def audited(tmp_path_factory: pytest.TempPathFactory) -> Audit:
    return generated_audit(tmp_path_factory.mktemp("scope"), customers=150, staff=16)


@pytest.fixture(scope="module")
def saved(audited: Audit, tmp_path_factory: pytest.TempPathFactory) -> AuditFolder:
    folder = tmp_path_factory.mktemp("saved") / "audit"
    return read_audit_folder(write_audit_folder(audited, folder))


def assert_same_graph(ours: nx.Graph[Any], theirs: nx.Graph[Any]) -> None:
    assert list(ours.nodes(data=True)) == list(theirs.nodes(data=True))
    assert list(ours.edges(data=True)) == list(theirs.edges(data=True))
    assert ours.graph == theirs.graph


def assert_same_scope(
    graph: nx.Graph[Any], frames: GraphFrames | nx.Graph[Any], **options: Any
) -> None:
    theirs, their_focus = reference_scope.select_scope(graph, **options)
    ours, our_focus = scope.select_scope(frames, **options)
    assert our_focus == their_focus
    assert_same_graph(ours.graph, theirs.graph)
    assert ours.hidden_edges == theirs.hidden_edges
    assert (ours.nodes_in_scope, ours.edges_in_scope) == (
        theirs.nodes_in_scope,
        theirs.edges_in_scope,
    )


def focuses(audited: Audit) -> Iterator[str | None]:
    """No focus; the busiest staff member; a customer by raw id; a product by its key."""
    yield None
    yield str(audited.ties["staff_id"].value_counts().index[0])
    yield str(audited.customers["customer_id"].iloc[7])
    yield f"product:{audited.products['product_id'].iloc[0]}"


OPTIONS = [
    {"depth": depth, "max_nodes": max_nodes, "edges_per_node": per_node}
    for depth in (1, 2)
    for max_nodes in (1, 7, 40, 1500)
    for per_node in (None, 1, 3)
]


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: "-".join(map(str, o.values())))
def test_scope_of_the_audit_tables_is_the_scope_of_its_graph(
    audited: Audit, options: dict[str, Any]
) -> None:
    assert len(audited.products) and len(audited.product_links)
    for focus in focuses(audited):
        assert_same_scope(audited.graph, audited.graph_frames, focus=focus, **options)


@pytest.mark.parametrize("options", OPTIONS[::3], ids=lambda o: "-".join(map(str, o.values())))
def test_scope_of_a_networkx_graph_is_the_reference_scope(
    audited: Audit, options: dict[str, Any]
) -> None:
    for focus in focuses(audited):
        assert_same_scope(audited.graph, audited.graph, focus=focus, **options)


@pytest.mark.parametrize("options", OPTIONS[::2], ids=lambda o: "-".join(map(str, o.values())))
def test_scope_of_an_audit_folder_is_the_scope_of_its_graph(
    saved: AuditFolder, options: dict[str, Any]
) -> None:
    staff_id = str(saved.ties["staff_id"].iloc[0])
    for focus in (None, staff_id, f"customer:{saved.customers['customer_id'].iloc[3]}"):
        assert_same_scope(saved.graph, saved.graph_frames, focus=focus, **options)


def test_the_network_pages_are_the_same_text(
    audited: Audit, monkeypatch: pytest.MonkeyPatch
) -> None:
    staff_id = str(audited.ties["staff_id"].iloc[0])
    cases: list[dict[str, Any]] = [
        {},
        {"max_nodes": 60},
        {"max_nodes": 60, "edges_per_node": None, "physics_limit": 10},
        {"focus": staff_id, "depth": 2, "max_nodes": 80},
    ]
    ours = [network_page(audited.graph_frames, **case).html for case in cases]
    monkeypatch.setattr(network, "select_scope", reference_scope.select_scope)
    theirs = [network_page(audited.graph, **case).html for case in cases]
    assert ours == theirs


def test_the_audit_folders_page_is_the_one_of_its_graph(
    saved: AuditFolder, monkeypatch: pytest.MonkeyPatch
) -> None:
    ours = network_page(saved.graph_frames, max_nodes=50).html
    monkeypatch.setattr(network, "select_scope", reference_scope.select_scope)
    assert network_page(saved.graph, max_nodes=50).html == ours


def test_the_focus_is_found_in_the_tables_as_in_the_graph(audited: Audit) -> None:
    frames = audited.graph_frames
    customer = str(audited.customers["customer_id"].iloc[0])
    for focus, key in ((customer, f"customer:{customer}"), (f"customer:{customer}", None)):
        _, found = scope.select_scope(frames, focus=focus, depth=1, max_nodes=10)
        assert found == (key or focus)
    for focus, message in (("nobody", "no customer or staff member"), ("p0", "no customer")):
        with pytest.raises(UsageError, match=message):
            scope.select_scope(frames, focus=focus, depth=1, max_nodes=10)


def test_a_raw_id_of_both_a_customer_and_a_staff_member_is_ambiguous_in_the_tables(
    audited: Audit,
) -> None:
    frames = audited.graph_frames
    shared = str(audited.customers["customer_id"].iloc[0])
    staff = frames.staff.copy()
    staff.loc[0, "staff_id"] = shared
    ambiguous = GraphFrames(
        frames.customers, staff, frames.products, frames.ties, frames.product_links
    )
    with pytest.raises(UsageError, match=f"customer:{shared} and staff:{shared}"):
        scope.select_scope(ambiguous, focus=shared, depth=1, max_nodes=10)


def test_the_view_of_an_audit_builds_only_what_it_draws(
    audited: Audit, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_: object) -> None:
        raise AssertionError("the whole graph was built")

    built: list[int] = []
    subgraph = GraphIndex.subgraph

    def recording(self: GraphIndex, nodes: Any, edges: Any = None) -> nx.Graph[str]:
        built.append(len(nodes))
        return subgraph(self, nodes, edges)

    monkeypatch.setattr("graphdyn.audits.run.build_graph", refuse)
    monkeypatch.setattr(GraphIndex, "subgraph", recording)
    fresh = dataclasses.replace(audited)  # nothing cached
    page = network_view(fresh, max_nodes=30)
    assert page.counts["nodes"] == Count(
        "nodes shown",
        30,
        fresh.graph_frames.customers.shape[0] + len(fresh.staff) + len(fresh.products),
    )
    assert built == [30]
    assert "graph" not in fresh.__dict__
