"""Interactive network views: one self-contained HTML page per view, offline, safe, fast.

:func:`network_page` draws a graphdyn relationship graph (customers, staff, products and their
ties) with vis-network, the library PyVis wraps, without PyVis's CDN modes or ``show()``:

- nodes coloured and shaped by kind and sized by strength, PageRank or value; ties coloured by
  status, as wide as they are strong, dashed when weakening; tooltips with every metric;
- a legend, a search box, filters by type, status, segment and team, an ego view;
- above ``max_nodes`` the strongest ties are kept and the page says what was left out;
- of the edges among the shown nodes, each node's ``edges_per_node`` strongest and a maximum
  spanning forest are drawn (the 3,000 best-tied nodes of 1M interactions share 84,000 edges:
  not readable); the others stay in the page's data, and the neighbourhood view draws them;
- above ``physics_limit`` nodes the layout is computed in Python and the browser's physics is
  off, so 3,000 nodes are drawn in about a second instead of settling for a minute;
- no request leaves the page; user text is escaped and a Content-Security-Policy backs it up.

Every number the page shows comes from the returned :class:`~graphdyn.views.page.Page`'s
counts: ``"nodes"`` (shown, of the nodes in scope: the ego network around the focus, or the
whole graph) and ``"edges"`` (drawn, of the edges among the nodes in scope, ties and product
links alike). The header counts what the filters leave visible of the same totals.
"""

from __future__ import annotations

import contextlib
import gc
import logging
from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

import networkx as nx

from graphdyn.errors import UsageError
from graphdyn.model.graph import GraphFrames
from graphdyn.views.layout import fixed_layout
from graphdyn.views.page import Count, Page, vis_network_page
from graphdyn.views.payload import KIND_STYLES, STATUS_COLOURS, graph_payload
from graphdyn.views.scope import Scope, select_scope

if TYPE_CHECKING:
    from graphdyn.audits.run import Audit

__all__ = ["DEFAULT_EDGES_PER_NODE", "network_page", "network_title", "network_view"]

logger = logging.getLogger(__name__)

DEFAULT_EDGES_PER_NODE = 3
"""Strongest edges drawn per node by default (with a maximum spanning forest)."""


@contextlib.contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the block, then restore its state.

    Ranking and formatting the edges of a large graph allocates hundreds of thousands of
    tuples and dicts, and each full collection they trigger walks the whole graph again: on
    the 1M rung's graph that is half the time of ranking its 208,000 edges. The block makes
    no reference cycles, so nothing is left for the collector afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def network_page(
    graph: nx.Graph[Any] | GraphFrames,
    *,
    focus: str | None = None,
    depth: int = 1,
    max_nodes: int = 1500,
    edges_per_node: int | None = DEFAULT_EDGES_PER_NODE,
    physics_limit: int = 300,
    title: str = "graphdyn network",
    seed: int = 0,
) -> Page:
    """Return a relationship graph as one self-contained interactive HTML page.

    Parameters
    ----------
    graph : networkx.Graph or GraphFrames
        A graph with graphdyn's schema (``graphdyn.model.graph``): nodes ``"customer:<id>"``,
        ``"staff:<id>"``, ``"product:<id>"`` with ``kind``, ``id``, ``name`` and, after an
        audit, their metrics; edges with ``kind`` ``"tie"`` or ``"product"`` and ``weight``.
        Missing metrics are shown as ``n/a``. Or the tables such a graph is built from
        (:attr:`graphdyn.Audit.graph_frames`): the same page, and only the part drawn is
        ever a NetworkX graph.
    focus : str, optional
        Show the ego network of this node: a node key, or a customer's or staff member's raw id.
    depth : int
        Hops around ``focus`` (ignored without it).
    max_nodes : int
        Above this many nodes, keep the strongest ties and the nodes they touch (the focus node
        is always kept) and say in the page what was left out.
    edges_per_node : int or None
        Draw each shown node's this many strongest edges and a maximum spanning forest (every
        node's strongest edge, and connected nodes stay connected); the other edges among the
        shown nodes are drawn only in the page's neighbourhood view, and the page says how many
        there are. None draws every edge.
    physics_limit : int
        Above this many shown nodes, lay the graph out in Python and turn the browser's physics
        off; at or below it, the browser's physics places the nodes.
    title : str
        The page title.
    seed : int
        Seed of the layout (Python's or the browser's), for reproducible pictures.

    Returns
    -------
    Page
        The page; ``counts["nodes"]`` and ``counts["edges"]`` say what it shows of what there
        is, ``note`` what it leaves out (None when it draws everything). ``.write(path)``
        writes it; Jupyter displays it inline.

    Raises
    ------
    UsageError
        When ``focus`` matches no node or two, or ``depth``, ``max_nodes``,
        ``edges_per_node`` or ``physics_limit`` is negative (``max_nodes`` and
        ``edges_per_node`` must be at least 1).

    Examples
    --------
    >>> g = nx.Graph()
    >>> g.add_node("customer:c1", kind="customer", id="c1", name="Acme", strength=0.8)
    >>> g.add_node("staff:s1", kind="staff", id="s1", name="Sam")
    >>> g.add_node("customer:c2", kind="customer", id="c2", name="Bolt", strength=0.2)
    >>> g.add_edge("customer:c1", "staff:s1", kind="tie", strength=0.8, weight=0.8)
    >>> g.add_edge("customer:c2", "staff:s1", kind="tie", strength=0.2, weight=0.2)
    >>> page = network_page(g, max_nodes=2)
    >>> [str(count) for count in page.counts.values()], page.note
    (['2 of 3 nodes shown', '1 of 2 edges drawn'], 'the weakest ties are left out')
    >>> network_page(g, focus="c2", depth=1).counts["nodes"]
    Count(what='nodes shown', shown=2, total=2)
    """
    if physics_limit < 0:
        raise UsageError(f"physics_limit must be 0 or more, not {physics_limit}")
    with _cyclic_gc_paused():
        scope, focus_key = select_scope(
            graph, focus=focus, depth=depth, max_nodes=max_nodes, edges_per_node=edges_per_node
        )
        shown = scope.graph
        physics = shown.number_of_nodes() <= physics_limit
        positions = None if physics else fixed_layout(shown, seed=seed)
        payload = graph_payload(shown, positions, scope.hidden_edges)
    node_index = {node: i for i, node in enumerate(shown.nodes)}
    data: dict[str, Any] = {
        "physics": physics,
        "seed": seed,
        "focus": None if focus_key is None else {"id": node_index[focus_key], "depth": depth},
        "style": {"kinds": KIND_STYLES, "status_colours": STATUS_COLOURS},
        **payload,
    }
    counts = {
        "nodes": Count("nodes shown", shown.number_of_nodes(), scope.nodes_in_scope),
        "edges": Count("edges drawn", len(payload["edges"]), scope.edges_in_scope),
    }
    page = vis_network_page(title, data, counts=counts, note=_left_out(scope, edges_per_node))
    logger.debug("rendered %r (physics %s)", page, "on" if physics else "off")
    return page


def _left_out(scope: Scope, edges_per_node: int | None) -> str | None:
    """Say what the picture leaves out, in words (the counts say how much), or None."""
    parts = []
    if scope.graph.number_of_nodes() < scope.nodes_in_scope:
        parts.append("the weakest ties are left out")
    if scope.hidden_edges:
        strongest = "strongest edge" if edges_per_node == 1 else f"{edges_per_node} strongest edges"
        others = len(scope.hidden_edges)
        parts.append(
            f"each node's {strongest} and a spanning forest are drawn, and the {others:,} "
            f"other edge{'s' if others != 1 else ''} among the shown nodes only in the "
            "neighbourhood view"
        )
    return "; ".join(parts) or None


def network_title(as_of: datetime, focus: str | None = None) -> str:
    """Return the title of an audit's network view: its as-of date, and the focus if any.

    Parameters
    ----------
    as_of : datetime
        The audit's as-of date (a :class:`pandas.Timestamp` is one).
    focus : str, optional
        The node the view is centred on, as the user named it.

    Returns
    -------
    str

    Examples
    --------
    >>> network_title(datetime(2026, 3, 31), "C000042")
    'graphdyn network as of 2026-03-31, around C000042'
    """
    title = f"graphdyn network as of {as_of.date().isoformat()}"
    return title if focus is None else f"{title}, around {focus}"


def network_view(
    result: Audit,
    *,
    focus: str | None = None,
    depth: int = 1,
    max_nodes: int = 1500,
    edges_per_node: int | None = DEFAULT_EDGES_PER_NODE,
    title: str | None = None,
) -> Page:
    """Return an audit's interactive network view (shows inline in Jupyter).

    Parameters
    ----------
    result : Audit
        The audit whose graph is drawn: its nodes and edges are chosen from the audit's tables
        (:attr:`~graphdyn.Audit.graph_frames`), and only what is drawn becomes a graph.
    focus : str, optional
        A customer or staff id (or node key): show only its ego network.
    depth : int
        Hops around ``focus``.
    max_nodes : int
        Above this, keep the strongest ties and say what was left out.
    edges_per_node : int or None
        See :func:`network_page`.
    title : str, optional
        The page title; default: the audit's as-of date and the focus (:func:`network_title`).

    Returns
    -------
    Page
        As :func:`network_page` returns it.

    Examples
    --------
    >>> import pandas as pd
    >>> from graphdyn import audit
    >>> events = pd.DataFrame({"interaction_id": ["i1"], "timestamp": ["2024-01-01"],
    ...                        "customer_id": ["c1"], "staff_id": ["s1"], "channel": ["phone"]})
    >>> network_view(audit(events, as_of="2024-02-01"), focus="c1")
    <Page 'graphdyn network as of 2024-02-01, around c1': 2 of 2 nodes shown; 1 of 1 edges ...>
    """
    return network_page(
        result.graph_frames,
        focus=focus,
        depth=depth,
        max_nodes=max_nodes,
        edges_per_node=edges_per_node,
        title=title or network_title(result.as_of, focus),
        seed=result.config.seed,
    )
