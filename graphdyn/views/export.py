"""Write a relationship graph for other tools: GEXF (Gephi) and GraphML (yEd, Gephi, Cytoscape).

NetworkX's writers need one scalar type per attribute, so the graph is copied with its
attributes made plain first:

- a missing value (None, NaN, NA, NaT, blank) is left out of that node or edge;
- bools stay bools, NumPy numbers become Python numbers, dates and times ISO-8601 text,
  lists and dicts JSON text;
- an attribute holding both ints and floats becomes float throughout, one holding text and
  numbers becomes text throughout (the formats declare one type per attribute);
- characters XML 1.0 cannot hold (control characters other than tab and newlines) become
  U+FFFD, in values and node keys alike;
- each node gets a ``label`` (its name, else its raw id), and its raw id is written as
  ``raw_id``, because GEXF reserves ``id`` for the node key.

Node keys (``"customer:<id>"``) are the file's node ids, so reading the file back gives the
same nodes, edges and metrics.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, MutableMapping
from pathlib import Path
from typing import Any

import networkx as nx

from graphdyn.errors import UsageError
from graphdyn.views.values import PlainScalar, is_missing, plain_scalar

__all__ = ["exportable_graph", "write_gexf", "write_graphml"]

logger = logging.getLogger(__name__)

_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_text(text: str) -> str:
    """Return ``text`` with the characters XML 1.0 forbids replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def _unify_types(records: Iterable[MutableMapping[str, Any]]) -> None:
    """Give each attribute one type across ``records``, in place (see the module docstring)."""
    records = list(records)
    types: dict[str, set[type]] = {}
    for record in records:
        for name, value in record.items():
            types.setdefault(name, set()).add(type(value))
    for name, seen in types.items():
        if len(seen) < 2:
            continue
        target: Callable[[Any], PlainScalar] = float if seen == {int, float} else str
        for record in records:
            if name in record:
                record[name] = target(record[name])


def _plain(attributes: dict[str, Any]) -> dict[str, PlainScalar]:
    """Return ``attributes`` without missing values, each made a plain scalar."""
    plain = {}
    for name, value in attributes.items():
        converted = plain_scalar(value)
        if isinstance(converted, str):
            converted = _xml_text(converted)
        if converted is not None:
            plain[_xml_text(str(name))] = converted
    return plain


def exportable_graph(graph: nx.Graph[Any]) -> nx.Graph[str]:
    """Return a copy of ``graph`` that NetworkX's GEXF and GraphML writers accept.

    Parameters
    ----------
    graph : networkx.Graph
        A graphdyn relationship graph.

    Returns
    -------
    networkx.Graph
        Same nodes and edges; attributes plain, typed one way each, missing ones left out;
        nodes with ``label`` and ``raw_id`` in place of ``id``.

    Examples
    --------
    >>> g = nx.Graph()
    >>> g.add_node("customer:c1", kind="customer", id="c1", name=None, strength=float("nan"))
    >>> g.add_node("customer:c2", kind="customer", id="c2", name="Bolt", strength=1)
    >>> g.add_node("customer:c3", kind="customer", id="c3", name="Core", strength=0.5)
    >>> out = exportable_graph(g)
    >>> out.nodes["customer:c1"]
    {'kind': 'customer', 'raw_id': 'c1', 'label': 'c1'}
    >>> out.nodes["customer:c2"]["strength"]
    1.0
    """
    exported: nx.Graph[str] = nx.Graph()
    exported.graph.update(_plain(dict(graph.graph)))
    for node, data in graph.nodes(data=True):
        attributes = _plain({name: value for name, value in data.items() if name != "id"})
        raw_id = data.get("id", node)
        attributes["raw_id"] = _xml_text(str(node if is_missing(raw_id) else plain_scalar(raw_id)))
        name = attributes.get("name")
        attributes["label"] = str(name) if name is not None else attributes["raw_id"]
        exported.add_node(_xml_text(str(node)), **attributes)
    for u, v, data in graph.edges(data=True):
        exported.add_edge(_xml_text(str(u)), _xml_text(str(v)), **_plain(data))
    _unify_types(exported.nodes[node] for node in exported.nodes)
    _unify_types(data for _, _, data in exported.edges(data=True))
    return exported


def _write(
    graph: nx.Graph[Any], path: str | Path, writer: Callable[[nx.Graph[str], Path], None], name: str
) -> Path:
    target = Path(path)
    exported = exportable_graph(graph)
    try:
        writer(exported, target)
    except OSError as error:
        raise UsageError(f"cannot write the {name} file {target}: {error}") from error
    logger.info(
        "wrote %s with %d nodes and %d edges to %s",
        name,
        exported.number_of_nodes(),
        exported.number_of_edges(),
        target,
    )
    return target


def write_gexf(graph: nx.Graph[Any], path: str | Path) -> Path:
    """Write ``graph`` as GEXF 1.2 (Gephi) with every metric as a typed attribute.

    Parameters
    ----------
    graph : networkx.Graph
        A graphdyn relationship graph, with or without audit metrics.
    path : str or Path
        The file to write (replaced if it exists).

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    UsageError
        When the file cannot be written.

    Examples
    --------
    >>> import tempfile
    >>> g = nx.Graph()
    >>> g.add_edge("customer:c1", "staff:s1", kind="tie", strength=0.8, weight=0.8)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     back = nx.read_gexf(write_gexf(g, Path(folder) / "network.gexf"))
    >>> back.edges["customer:c1", "staff:s1"]["strength"]
    0.8
    """
    return _write(graph, path, lambda g, p: nx.write_gexf(g, p, version="1.2draft"), "GEXF")


def write_graphml(graph: nx.Graph[Any], path: str | Path) -> Path:
    """Write ``graph`` as GraphML (yEd, Gephi, Cytoscape) with every metric as a typed key.

    Parameters
    ----------
    graph : networkx.Graph
        A graphdyn relationship graph, with or without audit metrics.
    path : str or Path
        The file to write (replaced if it exists).

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    UsageError
        When the file cannot be written.

    Examples
    --------
    >>> import tempfile
    >>> g = nx.Graph()
    >>> g.add_node("customer:c1", kind="customer", id="c1", single_threaded=True)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     back = nx.read_graphml(write_graphml(g, Path(folder) / "network.graphml"))
    >>> back.nodes["customer:c1"]["single_threaded"], back.nodes["customer:c1"]["raw_id"]
    (True, 'c1')
    """
    return _write(graph, path, lambda g, p: nx.write_graphml(g, p), "GraphML")
