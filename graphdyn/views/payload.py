"""The data a network page draws: nodes and edges as JSON-ready dicts, with their look.

What the picture encodes:

- node colour and shape: kind (customer, staff, product); a customer's border: its status;
- node size: customer ``strength``, staff ``pagerank`` (else ``portfolio_strength``, else
  ``customers``), product ``value`` (else ``n_interactions``), square-root scaled against the
  largest shown, so area follows the measure; a node without it gets its kind's base size;
- edge colour: tie ``status``; width: tie ``strength`` (product edges: decayed volume);
  dashed: tie ``trend == "weakening"``;
- tooltip rows: every metric of the node's kind, formatted here, ``n/a`` when absent.

User text (names, ids, segments, teams) is carried as plain strings; the page's script puts it
in the DOM with ``textContent`` only.
"""

from __future__ import annotations

import itertools
import math
import numbers
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any

import networkx as nx

from graphdyn.components import COMPONENTS
from graphdyn.views.values import is_missing, plain_scalar

__all__ = [
    "FIELD_LABELS",
    "KIND_STYLES",
    "NOT_AVAILABLE",
    "STATUS_COLOURS",
    "graph_payload",
    "node_label",
]

NOT_AVAILABLE = "n/a"
_LABEL_LENGTH = 40

KIND_STYLES: dict[str, dict[str, str]] = {
    "customer": {"colour": "#3b7dd8", "shape": "dot"},
    "staff": {"colour": "#8e44ad", "shape": "diamond"},
    "product": {"colour": "#16a085", "shape": "square"},
    "other": {"colour": "#7f8c8d", "shape": "dot"},
}
"""Node look per kind; ``other`` is for nodes without a known ``kind``."""

STATUS_COLOURS: dict[str, str] = {
    "new": "#5dade2",
    "active": "#2e8b57",
    "cooling": "#f39c12",
    "at_risk": "#d62728",
    "dormant": "#9e9e9e",
    "none": "#b8b8b8",
    "product": "#a3d9cc",
}
"""Colour per status, of ties and of customers' borders; ``none`` for no status, ``product``
for customer–product edges."""

# (base size, extra size at the maximum) per kind; vis-network sizes are radii in pixels.
_SIZES: dict[str, tuple[float, float]] = {
    "customer": (6.0, 18.0),
    "staff": (12.0, 22.0),
    "product": (6.0, 16.0),
    "other": (10.0, 0.0),
}
# What sizes a node, per kind: the first of these attributes that any node of the kind has
# (a graph straight from raw data has no strength or PageRank), and its name in the legend.
_SIZE_MEASURES: dict[str, tuple[tuple[str, str], ...]] = {
    "customer": (("strength", "strength"),),
    "staff": (
        ("pagerank", "PageRank"),
        ("portfolio_strength", "portfolio strength"),
        ("customers", "customers"),
    ),
    "product": (("value", "value"), ("n_interactions", "interactions")),
    "other": (),
}


def _text(value: Any) -> str:
    return value if isinstance(value, str) else str(plain_scalar(value))


def _score(value: Any) -> str:
    return f"{float(value):.2f}"


def _measure(value: Any) -> str:
    return f"{float(value):.3g}"


def _amount(value: Any) -> str:
    return f"{float(value):,.0f}"


def _count(value: Any) -> str:
    number = float(value)
    return f"{number:,.0f}" if number.is_integer() else f"{number:,.1f}"


def _yes_no(value: Any) -> str:
    return "yes" if value else "no"


_Formatter = Callable[[Any], str]

# The components of tie strength (graphdyn.components), on ties and customers alike;
# a label the tooltip already uses for another field (Value: the money) says it is a component.
_COMPONENT_FIELDS: tuple[tuple[str, str, _Formatter], ...] = tuple(
    (c.name, f"{c.label} (component)" if c.name == "value" else c.label, _score) for c in COMPONENTS
)
# Liveness and what is at stake, on ties and customers alike.
_LIVENESS_FIELDS: tuple[tuple[str, str, _Formatter], ...] = (
    ("liveness", "Liveness", _score),
    ("p_alive", "P(alive)", _score),
)

_NODE_FIELDS: dict[str, tuple[tuple[str, str, _Formatter], ...]] = {
    "customer": (
        ("segment", "Segment", _text),
        ("region", "Region", _text),
        ("status", "Status", _text),
        ("trend", "Trend", _text),
        ("strength", "Strength", _score),
        *_COMPONENT_FIELDS,
        *_LIVENESS_FIELDS,
        ("value_at_risk", "Value at risk", _amount),
        ("value_raw", "Decayed value", _amount),
        ("days_since_last", "Days since last contact", _count),
        ("typical_gap_days", "Typical gap (days)", _count),
        ("n_interactions", "Interactions", _count),
        ("strong_ties", "Strong ties", _count),
        ("single_threaded", "Single-threaded", _yes_no),
        ("top_staff_id", "Top staff", _text),
    ),
    "staff": (
        ("role", "Role", _text),
        ("team", "Team", _text),
        ("left_at", "Left", _text),
        ("customers", "Customers", _count),
        ("portfolio_strength", "Portfolio strength", _score),
        ("strong_ties", "Strong ties", _count),
        ("betweenness", "Betweenness", _measure),
        ("pagerank", "PageRank", _measure),
        ("constraint", "Constraint", _score),
        ("effective_size", "Effective size", _score),
        ("sole_strong_tie_customers", "Sole strong tie of", _count),
        ("departure_at_risk", "At risk if they leave", _count),
    ),
    "product": (
        ("category", "Category", _text),
        ("price", "Price", _amount),
        ("value", "Value", _amount),
        ("n_interactions", "Interactions", _count),
    ),
    "other": (),
}

_EDGE_FIELDS: dict[str, tuple[tuple[str, str, _Formatter], ...]] = {
    "tie": (
        ("status", "Status", _text),
        ("trend", "Trend", _text),
        ("strength", "Strength", _score),
        *_COMPONENT_FIELDS,
        *_LIVENESS_FIELDS,
        ("n_interactions", "Interactions", _count),
        ("days_since_last", "Days since last contact", _count),
        ("typical_gap_days", "Typical gap (days)", _count),
        ("days_to_at_risk", "Days to at risk", _count),
    ),
    "product": (
        ("n_interactions", "Interactions", _count),
        ("value", "Value", _amount),
        ("weight", "Decayed volume", _measure),
    ),
    "other": (("weight", "Weight", _measure),),
}


FIELD_LABELS: dict[str, dict[str, list[str]]] = {
    "node": {kind: [label for _, label, _ in fields] for kind, fields in _NODE_FIELDS.items()},
    "edge": {kind: [label for _, label, _ in fields] for kind, fields in _EDGE_FIELDS.items()},
}
"""Tooltip row labels per node kind and edge kind, sent once; each item sends its values."""


def _values(data: Mapping[str, Any], fields: tuple[tuple[str, str, _Formatter], ...]) -> list[str]:
    """Return the formatted tooltip values, ``n/a`` for a missing one (text if unreadable)."""
    values = []
    for attribute, _, formatter in fields:
        value = data.get(attribute)
        try:
            values.append(NOT_AVAILABLE if is_missing(value) else formatter(value))
        except (TypeError, ValueError):
            values.append(_text(value))
    return values


def _number(value: object) -> float | None:
    """Return ``value`` as a finite float, or None."""
    if type(value) is float:  # the common case, first
        return value if math.isfinite(value) else None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _category(value: object) -> str | None:
    """Return a filter category (status, segment, team) as text, None when missing."""
    if type(value) is str:  # the common case, first
        return value if value.strip() else None
    return None if is_missing(value) else _text(value)


def node_label(node: Hashable, data: Mapping[str, Any]) -> str:
    """Return the text drawn under a node: its name, else its raw id, else its key.

    Parameters
    ----------
    node : Hashable
        The node key.
    data : mapping
        The node's attributes.

    Returns
    -------
    str
        At most 40 characters; longer names end in an ellipsis (the tooltip has them whole).

    Examples
    --------
    >>> node_label("customer:c1", {"id": "c1", "name": None})
    'c1'
    >>> node_label("customer:c2", {"id": "c2", "name": "A" * 50})[-3:]
    'AA…'
    """
    text = next(
        (_text(c) for c in (data.get("name"), data.get("id")) if not is_missing(c)), str(node)
    )
    if len(text) > _LABEL_LENGTH:
        return text[: _LABEL_LENGTH - 1] + "…"
    return text


def _kind(data: Mapping[str, Any]) -> str:
    """Return the node's kind, ``other`` when it is not customer, staff or product."""
    kind = data.get("kind")
    return kind if isinstance(kind, str) and kind in _SIZE_MEASURES else "other"


def _size_measures(graph: nx.Graph[Any]) -> dict[str, tuple[str, str, float]]:
    """Return, per kind, the attribute that sizes its nodes, its legend name and its maximum."""
    largest: dict[tuple[str, str], float] = {}
    for _, data in graph.nodes(data=True):
        kind = _kind(data)
        for attribute, _ in _SIZE_MEASURES[kind]:
            measure = _number(data.get(attribute))
            if measure is not None and measure > 0:
                largest[kind, attribute] = max(largest.get((kind, attribute), 0.0), measure)
    chosen = {}
    for kind, measures in _SIZE_MEASURES.items():
        for attribute, label in measures:
            if (kind, attribute) in largest:
                chosen[kind] = (attribute, label, largest[kind, attribute])
                break
    return chosen


def graph_payload(
    graph: nx.Graph[Any],
    positions: Mapping[Hashable, tuple[float, float]] | None = None,
    hidden_edges: Sequence[tuple[Hashable, Hashable, Mapping[str, Any]]] = (),
) -> dict[str, Any]:
    """Return the nodes and edges of ``graph`` as vis-network-ready dicts.

    Parameters
    ----------
    graph : networkx.Graph
        The graph to draw, with graphdyn's node and edge schema (any metric may be absent).
    positions : mapping, optional
        Fixed ``node -> (x, y)``; without it the browser's physics places the nodes.
    hidden_edges : sequence of tuple
        ``(u, v, data)`` of edges among the nodes of ``graph`` that the overview does not draw
        (:func:`graphdyn.views.scope.drawn_edges`); the page keeps their ends and look, without
        tooltip values, for the ego view and the connection counts.

    Returns
    -------
    dict
        ``{"nodes": [...], "edges": [...], "hidden": {...}, "size_by": {kind: measure name},
        "fields": FIELD_LABELS}``. A node has ``id`` (its index), ``key``, ``ident`` (raw id),
        ``kind``, ``label``, ``name``, ``size``, ``status``, ``segment``, ``team``, ``values``
        (the tooltip values, in the order of ``FIELD_LABELS["node"][kind]``) and, when
        positioned, ``x`` and ``y``; an edge has ``id``, ``from``, ``to``, ``kind``,
        ``status``, ``trend``, ``width``, ``dashed`` and ``values``. ``hidden`` holds the hidden
        edges column by column: ``from``, ``to``, ``width`` and ``look`` (an index into
        ``looks``, each ``[kind, status, trend]``).

    Examples
    --------
    >>> g = nx.Graph()
    >>> g.add_node("customer:c1", kind="customer", id="c1", name="Acme", strength=0.5)
    >>> g.add_node("staff:s1", kind="staff", id="s1", name=None)
    >>> g.add_edge("customer:c1", "staff:s1", kind="tie", strength=0.5, status="cooling",
    ...            trend="weakening", weight=0.5)
    >>> payload = graph_payload(g)
    >>> node = payload["nodes"][0]
    >>> node["label"], node["size"], node["values"][4]
    ('Acme', 24.0, '0.50')
    >>> payload["fields"]["node"]["customer"][4]
    'Strength'
    >>> edge = payload["edges"][0]
    >>> edge["status"], edge["dashed"], edge["width"]
    ('cooling', True, 4.5)
    >>> g.add_node("staff:s2", kind="staff", id="s2", name="Sam")
    >>> hidden = [("customer:c1", "staff:s2", {"kind": "tie", "strength": 0.1, "status": "new"})]
    >>> graph_payload(g, hidden_edges=hidden)["hidden"]
    {'from': [0], 'to': [2], 'width': [1.7], 'look': [0], 'looks': [['tie', 'new', None]]}
    """
    index = {node: i for i, node in enumerate(graph.nodes)}
    size_measures = _size_measures(graph)
    nodes = []
    for node, data in graph.nodes(data=True):
        kind = _kind(data)
        base, extra = _SIZES[kind]
        size = base
        if kind in size_measures:
            attribute, _, largest = size_measures[kind]
            measure = _number(data.get(attribute))
            if measure is not None:
                size = base + extra * math.sqrt(min(max(measure, 0.0) / largest, 1.0))
        name = data.get("name")
        raw_id = data.get("id")
        item: dict[str, Any] = {
            "id": index[node],
            "key": _text(node),
            "ident": _text(node if is_missing(raw_id) else raw_id),
            "kind": kind,
            "label": node_label(node, data),
            "name": None if is_missing(name) else _text(name),
            "size": round(size, 1),
            "status": _category(data.get("status")) if kind == "customer" else None,
            "segment": _category(data.get("segment")) if kind == "customer" else None,
            "team": _category(data.get("team")) if kind == "staff" else None,
            "values": _values(data, _NODE_FIELDS[kind]),
        }
        if positions is not None:
            x, y = positions[node]
            item["x"] = round(x, 1)
            item["y"] = round(y, 1)
        nodes.append(item)
    drawn = list(graph.edges(data=True))
    largest_volume = max(
        (
            w
            for _, _, data in itertools.chain(drawn, hidden_edges)
            if data.get("kind") == "product"
            and (w := _number(data.get("weight"))) is not None
            and w > 0
        ),
        default=None,
    )
    return {
        "nodes": nodes,
        "edges": _edge_payload(drawn, index, largest_volume),
        "hidden": _hidden_payload(hidden_edges, index, largest_volume),
        "size_by": {kind: label for kind, (_, label, _) in size_measures.items()},
        "fields": FIELD_LABELS,
    }


def _edge_look(
    data: Mapping[str, Any], largest_volume: float | None
) -> tuple[str, str | None, str | None, float]:
    """Return an edge's kind, status, trend and width (see the module docstring)."""
    kind = data.get("kind")
    kind = kind if kind in ("tie", "product") else "other"
    width = 1.5
    status = None
    trend = None
    if kind == "tie":
        strength = _number(data.get("strength", data.get("weight")))
        if strength is not None:
            width = 1.0 + 7.0 * min(max(strength, 0.0), 1.0)
        status = _category(data.get("status"))
        trend = _category(data.get("trend"))
    elif kind == "product":
        volume = _number(data.get("weight"))
        width = 1.0
        if volume is not None and largest_volume is not None:
            width = 1.0 + 3.0 * min(max(volume, 0.0) / largest_volume, 1.0)
    return kind, status, trend, round(width, 2)


def _edge_payload(
    edges: Sequence[tuple[Hashable, Hashable, Mapping[str, Any]]],
    index: Mapping[Hashable, int],
    largest_volume: float | None,
) -> list[dict[str, Any]]:
    """Return the edges of :func:`graph_payload`."""
    payload = []
    for position, (u, v, data) in enumerate(edges):
        kind, status, trend, width = _edge_look(data, largest_volume)
        payload.append(
            {
                "id": position,
                "from": index[u],
                "to": index[v],
                "kind": kind,
                "status": status,
                "trend": trend,
                "width": width,
                "dashed": trend == "weakening",
                "values": _values(data, _EDGE_FIELDS[kind]),
            }
        )
    return payload


def _hidden_payload(
    edges: Sequence[tuple[Hashable, Hashable, Mapping[str, Any]]],
    index: Mapping[Hashable, int],
    largest_volume: float | None,
) -> dict[str, list[Any]]:
    """Return the hidden edges of :func:`graph_payload`, column by column."""
    looks: dict[tuple[str, str | None, str | None], int] = {}
    columns: dict[str, list[Any]] = {"from": [], "to": [], "width": [], "look": []}
    for u, v, data in edges:
        kind, status, trend, width = _edge_look(data, largest_volume)
        columns["from"].append(index[u])
        columns["to"].append(index[v])
        columns["width"].append(width)
        columns["look"].append(looks.setdefault((kind, status, trend), len(looks)))
    return {**columns, "looks": [list(look) for look in looks]}
