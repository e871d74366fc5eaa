"""The page's data: labels, sizes, edge styles and tooltip rows, with and without metrics."""

from __future__ import annotations

from typing import Any

import networkx as nx
import numpy as np
import pytest

from graphdyn.views.payload import FIELD_LABELS, NOT_AVAILABLE, graph_payload, node_label

from .graphs import hand_graph, random_graph


def _by_key(payload: dict[str, list[dict[str, object]]]) -> dict[object, dict[str, object]]:
    return {node["key"]: node for node in payload["nodes"]}


def _rows(item: dict[str, Any]) -> dict[str, str]:
    labels = FIELD_LABELS["edge" if "from" in item else "node"][item["kind"]]
    assert len(labels) == len(item["values"])
    return dict(zip(labels, item["values"], strict=True))


def test_customer_rows_are_formatted() -> None:
    acme = _by_key(graph_payload(hand_graph()))["customer:c1"]
    assert _rows(acme) == {
        "Segment": "enterprise",
        "Region": "eu",
        "Status": "active",
        "Trend": "stable",
        "Strength": "0.90",
        "Intensity": "0.85",
        "Tenure": "0.70",
        "Reciprocity": "0.60",
        "Affect": "0.75",
        "Value (component)": "0.80",
        "Liveness": "0.95",
        "P(alive)": "0.99",
        "Value at risk": "60",
        "Decayed value": "1,200",
        "Days since last contact": "3",
        "Typical gap (days)": "7.5",
        "Interactions": "40",
        "Strong ties": "1",
        "Single-threaded": "yes",
        "Top staff": "s1",
    }


def test_missing_and_nan_metrics_say_na() -> None:
    nodes = _by_key(graph_payload(hand_graph()))
    c3 = _rows(nodes["customer:c3"])  # strength and value are NaN
    assert c3["Strength"] == NOT_AVAILABLE
    assert c3["Value (component)"] == NOT_AVAILABLE
    assert c3["Decayed value"] == NOT_AVAILABLE
    kim = _rows(nodes["staff:s2"])  # constraint NaN, effective_size None, left_at None
    assert kim["Constraint"] == NOT_AVAILABLE
    assert kim["Effective size"] == NOT_AVAILABLE
    assert kim["Left"] == NOT_AVAILABLE
    assert kim["PageRank"] == "0.2"
    lone = _rows(nodes["customer:c4"])  # no audit metrics at all
    assert lone["Segment"] == "mid-market"
    assert [v for k, v in lone.items() if k not in ("Segment", "Region")] == [NOT_AVAILABLE] * 18


def test_a_raw_graph_without_any_metric_still_renders() -> None:
    payload = graph_payload(random_graph(60, seed=4, audited=False))
    tie = next(e for e in payload["edges"] if e["kind"] == "tie")
    assert tie["status"] is None
    assert tie["dashed"] is False
    assert tie["width"] == 1.5
    assert _rows(tie)["Strength"] == NOT_AVAILABLE
    sizes = {node["kind"]: node["size"] for node in payload["nodes"]}
    assert sizes == {"customer": 6.0, "staff": 12.0, "product": 6.0}


def test_node_sizes_follow_the_measure_of_each_kind() -> None:
    nodes = _by_key(graph_payload(hand_graph()))
    assert nodes["customer:c1"]["size"] == 6 + 18 * 1.0  # strength 0.9 is the largest
    assert nodes["customer:c2"]["size"] == pytest.approx(6 + 18 * (0.4 / 0.9) ** 0.5, abs=0.05)
    assert nodes["customer:c3"]["size"] == 6.0  # NaN strength: base size
    assert nodes["staff:s1"]["size"] == 12 + 22  # pagerank 0.3, the largest
    assert nodes["staff:s2"]["size"] == pytest.approx(12 + 22 * (0.2 / 0.3) ** 0.5, abs=0.05)
    assert nodes["product:p1"]["size"] == 6 + 16


def test_size_measures_fall_back_and_are_named_for_the_legend() -> None:
    payload = graph_payload(hand_graph())
    assert payload["size_by"] == {
        "customer": "strength",
        "staff": "PageRank",
        "product": "value",
    }
    g = hand_graph()
    for node in ("staff:s1", "staff:s2"):
        del g.nodes[node]["pagerank"]  # an audit without centrality yet
    nodes = _by_key(fallback := graph_payload(g))
    assert fallback["size_by"]["staff"] == "portfolio strength"
    assert nodes["staff:s1"]["size"] == 12 + 22  # portfolio strength 1.0, the largest
    assert nodes["staff:s2"]["size"] == pytest.approx(12 + 22 * 0.8**0.5, abs=0.05)
    raw = graph_payload(random_graph(60, seed=4, audited=False))
    assert raw["size_by"] == {}


def test_edges_are_styled_by_status_strength_and_trend() -> None:
    payload = graph_payload(hand_graph())
    keys = [node["key"] for node in payload["nodes"]]
    edges = {frozenset((keys[e["from"]], keys[e["to"]])): e for e in payload["edges"]}
    strong = edges[frozenset(("customer:c1", "staff:s1"))]
    assert (strong["status"], strong["dashed"], strong["width"]) == ("active", False, 7.3)
    weak = edges[frozenset(("staff:s1", "customer:c2"))]
    assert (weak["status"], weak["dashed"], weak["width"]) == ("dormant", True, 1.7)
    assert _rows(strong)["Reciprocity"] == NOT_AVAILABLE
    product = edges[frozenset(("customer:c1", "product:p1"))]
    assert (product["kind"], product["status"], product["width"]) == ("product", None, 4.0)
    assert _rows(product) == {"Interactions": "4", "Value": "1,200", "Decayed volume": "0.7"}


def test_filter_fields_belong_to_their_kind() -> None:
    nodes = _by_key(graph_payload(hand_graph()))
    assert (nodes["customer:c2"]["status"], nodes["customer:c2"]["segment"]) == ("cooling", "smb")
    assert nodes["customer:c2"]["team"] is None
    assert (nodes["staff:s1"]["team"], nodes["staff:s1"]["status"]) == ("north", None)
    assert nodes["product:p1"]["segment"] is None


def test_numpy_scalars_are_formatted_like_python_numbers() -> None:
    g = nx.Graph()
    g.add_node(
        "customer:c1",
        kind="customer",
        id="c1",
        strength=np.float64(0.25),
        n_interactions=np.int64(1234),
        single_threaded=np.bool_(False),
    )
    rows = _rows(graph_payload(g)["nodes"][0])
    assert (rows["Strength"], rows["Interactions"], rows["Single-threaded"]) == (
        "0.25",
        "1,234",
        "no",
    )


def test_labels_fall_back_and_are_shortened() -> None:
    assert node_label("customer:c1", {"name": "Acme", "id": "c1"}) == "Acme"
    assert node_label("customer:c1", {"name": float("nan"), "id": "c1"}) == "c1"
    assert node_label("customer:c1", {"name": "  "}) == "customer:c1"
    long = node_label("customer:c1", {"name": "x" * 41})
    assert long == "x" * 39 + "…"


def test_a_node_without_a_raw_id_is_identified_by_its_key() -> None:
    g = nx.Graph()
    g.add_node("customer:c9", kind="customer", id=None, name=None)
    node = graph_payload(g)["nodes"][0]
    assert (node["ident"], node["label"], node["name"]) == ("customer:c9", "customer:c9", None)


def test_positions_are_passed_through() -> None:
    g = hand_graph()
    positions = {node: (float(i), -float(i)) for i, node in enumerate(g)}
    payload = graph_payload(g, positions)
    assert [(n["x"], n["y"]) for n in payload["nodes"]] == list(positions.values())
    assert all("x" not in n for n in graph_payload(g)["nodes"])


def test_unknown_kinds_are_drawn_as_other() -> None:
    g = nx.Graph()
    g.add_edge("partner:x", "customer:c1", kind="referral", weight=2.0)
    payload = graph_payload(g)
    assert payload["nodes"][0]["kind"] == "other"
    assert payload["edges"][0]["kind"] == "other"
    assert _rows(payload["edges"][0]) == {"Weight": "2"}


def test_hidden_edges_carry_ends_width_and_look_as_if_drawn() -> None:
    g = random_graph(300, seed=11)
    whole = graph_payload(g)
    edges = list(g.edges(data=True))
    kept = nx.Graph()
    kept.add_nodes_from(g.nodes(data=True))
    kept.add_edges_from(edges[::2])
    payload = graph_payload(kept, hidden_edges=edges[1::2])
    assert payload["nodes"] == whole["nodes"]
    assert payload["edges"] == [
        {**edge, "id": i} for i, edge in enumerate(whole["edges"][::2])
    ]  # product widths scale against the largest volume among drawn and hidden edges alike
    hidden = payload["hidden"]
    looks = [hidden["looks"][code] for code in hidden["look"]]
    expected = whole["edges"][1::2]
    assert hidden["from"] == [e["from"] for e in expected]
    assert hidden["to"] == [e["to"] for e in expected]
    assert hidden["width"] == [e["width"] for e in expected]
    assert looks == [[e["kind"], e["status"], e["trend"]] for e in expected]
    assert len(hidden["looks"]) == len({tuple(look) for look in looks}) <= 2 + 5 * 3


def test_no_hidden_edges_by_default() -> None:
    assert graph_payload(hand_graph())["hidden"] == {
        "from": [],
        "to": [],
        "width": [],
        "look": [],
        "looks": [],
    }
