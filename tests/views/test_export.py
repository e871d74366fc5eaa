"""GEXF and GraphML exports: readable back with the same nodes, edges and metrics."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from graphdyn.errors import UsageError
from graphdyn.views.export import exportable_graph, write_gexf, write_graphml

from .graphs import XSS_CUSTOMER_NAMES, XSS_ID, XSS_TEAM, hand_graph, random_graph, xss_graph

Writer = Callable[[nx.Graph, Path], Path]
Reader = Callable[[Path], nx.Graph]
FORMATS = [
    pytest.param(write_gexf, nx.read_gexf, "gexf", id="gexf"),
    pytest.param(write_graphml, nx.read_graphml, "graphml", id="graphml"),
]


@pytest.mark.parametrize(("write", "read", "suffix"), FORMATS)
def test_round_trip_keeps_nodes_edges_and_metrics(
    write: Writer, read: Reader, suffix: str, tmp_path: Path
) -> None:
    g = hand_graph()
    back = read(write(g, tmp_path / f"network.{suffix}"))
    assert set(back.nodes) == set(g.nodes)
    assert {frozenset(e) for e in back.edges} == {frozenset(e) for e in g.edges}
    acme = back.nodes["customer:c1"]
    assert acme["strength"] == 0.9
    assert acme["status"] == "active"
    assert acme["single_threaded"] is True
    assert acme["n_interactions"] == 40
    assert (acme["value"], acme["value_raw"], acme["top_staff_id"]) == (0.8, 1200.0, "s1")
    assert (acme["raw_id"], acme["label"]) == ("c1", "Acme")
    assert back.nodes["staff:s1"]["pagerank"] == 0.3
    assert back.nodes["staff:s1"]["departure_at_risk"] == 1
    tie = back.edges["customer:c1", "staff:s1"]
    assert (tie["kind"], tie["strength"], tie["status"], tie["intensity"]) == (
        "tie",
        0.9,
        "active",
        0.9,
    )
    assert back.edges["customer:c1", "product:p1"]["weight"] == 0.7


@pytest.mark.parametrize(("write", "read", "suffix"), FORMATS)
def test_missing_metrics_are_left_out(
    write: Writer, read: Reader, suffix: str, tmp_path: Path
) -> None:
    back = read(write(hand_graph(), tmp_path / f"network.{suffix}"))
    c3 = back.nodes["customer:c3"]
    assert "strength" not in c3 and "value_raw" not in c3 and "name" not in c3
    assert c3["label"] == "c3"
    kim = back.nodes["staff:s2"]
    assert "constraint" not in kim and "effective_size" not in kim and "left_at" not in kim
    assert "reciprocity" not in back.edges["customer:c1", "staff:s1"]


@pytest.mark.parametrize(("write", "read", "suffix"), FORMATS)
def test_large_random_graphs_round_trip(
    write: Writer, read: Reader, suffix: str, tmp_path: Path
) -> None:
    for audited in (True, False):
        g = random_graph(300, seed=11, audited=audited)
        back = read(write(g, tmp_path / f"network.{suffix}"))
        assert (back.number_of_nodes(), back.number_of_edges()) == (300, g.number_of_edges())


@pytest.mark.parametrize(("write", "read", "suffix"), FORMATS)
def test_hostile_strings_survive_verbatim(
    write: Writer, read: Reader, suffix: str, tmp_path: Path
) -> None:
    back = read(write(xss_graph(), tmp_path / f"network.{suffix}"))
    assert back.nodes["customer:c1"]["name"] == XSS_CUSTOMER_NAMES[0]
    assert back.nodes["customer:c2"]["name"] == XSS_CUSTOMER_NAMES[1]
    assert back.nodes["staff:s1"]["team"] == XSS_TEAM
    assert back.nodes[f"customer:{XSS_ID}"]["raw_id"] == XSS_ID


def test_values_are_made_plain_and_one_type_per_attribute() -> None:
    g = nx.Graph()
    g.add_node(
        "staff:s1", kind="staff", id="s1", left_at=dt.date(2024, 3, 1), customers=np.int64(3)
    )
    g.add_node("staff:s2", kind="staff", id="s2", left_at=None, customers=2.5, tags=["a", "b"])
    g.add_node("staff:s3", kind="staff", id=7, customers=1, note=3)
    g.add_node("staff:s4", kind="staff", id="s4", note="three")
    g.graph["as_of"] = dt.datetime(2024, 6, 30, 12, 0)
    out = exportable_graph(g)
    assert out.nodes["staff:s1"]["left_at"] == "2024-03-01"
    assert "left_at" not in out.nodes["staff:s2"]
    assert [out.nodes[f"staff:s{i}"]["customers"] for i in (1, 2, 3)] == [3.0, 2.5, 1.0]
    assert all(type(out.nodes[f"staff:s{i}"]["customers"]) is float for i in (1, 2, 3))
    assert (out.nodes["staff:s3"]["note"], out.nodes["staff:s4"]["note"]) == ("3", "three")
    assert out.nodes["staff:s2"]["tags"] == '["a", "b"]'
    assert out.nodes["staff:s3"]["raw_id"] == "7"
    assert out.graph == {"as_of": "2024-06-30T12:00:00"}


@pytest.mark.parametrize(("write", "read", "suffix"), FORMATS)
def test_unwritable_path_is_a_usage_error(
    write: Writer, read: Reader, suffix: str, tmp_path: Path
) -> None:
    with pytest.raises(UsageError, match="cannot write"):
        write(hand_graph(), tmp_path / "missing" / f"network.{suffix}")


@pytest.mark.parametrize(("write", "read", "suffix"), FORMATS)
def test_characters_xml_cannot_hold_are_replaced(
    write: Writer, read: Reader, suffix: str, tmp_path: Path
) -> None:
    g = nx.Graph()
    g.add_node("customer:a\x00b", kind="customer", id="a\x00b", name="bell\x07 tab\t é\u2028")
    back = read(write(g, tmp_path / f"network.{suffix}"))
    assert list(back.nodes) == ["customer:a\ufffdb"]
    node = back.nodes["customer:a\ufffdb"]
    assert (node["raw_id"], node["name"]) == ("a\ufffdb", "bell\ufffd tab\t é\u2028")
