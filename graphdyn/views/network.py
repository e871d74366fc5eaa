"""Interactive network views: one self-contained HTML file per view, offline, safe, fast.

:func:`network_html` draws a graphdyn relationship graph (customers, staff, products and their
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
"""

from __future__ import annotations

import contextlib
import gc
import html
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from graphdyn.atomic import write_text
from graphdyn.errors import UsageError
from graphdyn.views.layout import fixed_layout
from graphdyn.views.page import render_page
from graphdyn.views.payload import KIND_STYLES, STATUS_COLOURS, graph_payload
from graphdyn.views.scope import select_scope

if TYPE_CHECKING:
    from graphdyn.audits.run import Audit

__all__ = ["DEFAULT_EDGES_PER_NODE", "NetworkView", "network_view", "network_html"]

logger = logging.getLogger(__name__)

_NOTEBOOK_HEIGHT_PX = 640

DEFAULT_EDGES_PER_NODE = 3
"""Strongest edges drawn per node by default (with a maximum spanning forest)."""


@dataclass(frozen=True)
class NetworkView:
    """A rendered network page and what it shows.

    Parameters
    ----------
    html : str
        The self-contained HTML document.
    nodes_shown, edges_shown : int
        Nodes and edges drawn in the page.
    nodes_total, edges_total : int
        Nodes and edges of the whole input graph.
    pruned_note : str or None
        The note the page shows when the weakest ties were left out, else None.

    Examples
    --------
    >>> g = nx.Graph()
    >>> g.add_edge("customer:c1", "staff:s1", kind="tie")
    >>> view = network_html(g)
    >>> view
    NetworkView(nodes 2 of 2, edges 1 of 1, 0.7 MB)
    """

    html: str
    nodes_shown: int
    edges_shown: int
    nodes_total: int
    edges_total: int
    pruned_note: str | None

    def __repr__(self) -> str:
        size_mb = len(self.html.encode("utf-8")) / 1e6
        return (
            f"NetworkView(nodes {self.nodes_shown:,} of {self.nodes_total:,}, "
            f"edges {self.edges_shown:,} of {self.edges_total:,}, {size_mb:.1f} MB)"
        )

    def save(self, path: str | Path) -> Path:
        """Write the page to ``path`` as UTF-8 and return the path.

        Parameters
        ----------
        path : str or Path
            The file to write (replaced if it exists); its folder must exist.

        Returns
        -------
        Path

        Raises
        ------
        UsageError
            When the file cannot be written.

        Examples
        --------
        >>> import tempfile
        >>> view = network_html(nx.Graph())
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     path = view.save(Path(folder) / "network.html")
        ...     path.read_text(encoding="utf-8") == view.html
        True
        """
        target = write_text(path, self.html)
        logger.info("wrote network view to %s (%s)", target, self)
        return target

    def _repr_html_(self) -> str:
        """Return the page inside an ``<iframe srcdoc>`` for Jupyter's inline display.

        The iframe keeps the page's script and style apart from the notebook's, renders the
        same in classic Notebook, JupyterLab and VS Code, and is sandboxed: its scripts run
        in an opaque origin with no access to the notebook or its kernel.
        """
        # The note sits under the iframe and shows only where a notebook front end strips the
        # iframe from an untrusted notebook's output.
        return (
            f'<div style="position:relative;width:100%;height:{_NOTEBOOK_HEIGHT_PX}px;">'
            '<span style="position:absolute;top:8px;left:8px;color:#656d76;font-size:13px;">'
            "Trust this notebook to show the graphdyn network (File &gt; Trust Notebook)."
            "</span>"
            f'<iframe srcdoc="{html.escape(self.html, quote=True)}" '
            'sandbox="allow-scripts" title="graphdyn network" '
            'style="position:absolute;inset:0;width:100%;height:100%;background:#fff;'
            'border:1px solid #d0d7de;border-radius:6px;box-sizing:border-box;"></iframe></div>'
        )


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


def network_html(
    graph: nx.Graph[Any],
    *,
    focus: str | None = None,
    depth: int = 1,
    max_nodes: int = 1500,
    edges_per_node: int | None = DEFAULT_EDGES_PER_NODE,
    physics_limit: int = 300,
    title: str = "graphdyn network",
    seed: int = 0,
) -> NetworkView:
    """Render a relationship graph as one self-contained interactive HTML page.

    Parameters
    ----------
    graph : networkx.Graph
        A graph with graphdyn's schema (``graphdyn.model.graph``): nodes ``"customer:<id>"``,
        ``"staff:<id>"``, ``"product:<id>"`` with ``kind``, ``id``, ``name`` and, after an
        audit, their metrics; edges with ``kind`` ``"tie"`` or ``"product"`` and ``weight``.
        Missing metrics are shown as ``n/a``.
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
    NetworkView
        The page and its counts; ``.save(path)`` writes it, Jupyter displays it inline.

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
    >>> view = network_html(g, max_nodes=2)
    >>> view.nodes_shown, view.edges_shown, view.pruned_note
    (2, 1, 'showing 2 of 3 nodes, 1 of 2 edges; weakest ties left out')
    >>> network_html(g, focus="c2", depth=1).nodes_shown
    2
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
        "title": title,
        "physics": physics,
        "seed": seed,
        "note": scope.pruned_note,
        "focus": None if focus_key is None else {"id": node_index[focus_key], "depth": depth},
        "style": {"kinds": KIND_STYLES, "status_colours": STATUS_COLOURS},
        **payload,
    }
    view = NetworkView(
        html=render_page(title, data),
        nodes_shown=shown.number_of_nodes(),
        edges_shown=len(payload["edges"]),
        nodes_total=graph.number_of_nodes(),
        edges_total=graph.number_of_edges(),
        pruned_note=scope.pruned_note,
    )
    logger.debug("rendered %r (physics %s)", view, "on" if physics else "off")
    return view


def network_view(
    result: Audit,
    *,
    focus: str | None = None,
    depth: int = 1,
    max_nodes: int = 1500,
    edges_per_node: int | None = DEFAULT_EDGES_PER_NODE,
    title: str | None = None,
) -> NetworkView:
    """Render an audit's interactive network view (shows inline in Jupyter).

    Parameters
    ----------
    result : Audit
        The audit whose graph is drawn.
    focus : str, optional
        A customer or staff id (or node key): show only its ego network.
    depth : int
        Hops around ``focus``.
    max_nodes : int
        Above this, keep the strongest ties and say what was left out.
    edges_per_node : int or None
        See :func:`network_html`.
    title : str, optional
        The page title; default: the audit's as-of date.

    Examples
    --------
    >>> import pandas as pd
    >>> from graphdyn import audit
    >>> events = pd.DataFrame({"interaction_id": ["i1"], "timestamp": ["2024-01-01"],
    ...                        "customer_id": ["c1"], "staff_id": ["s1"], "channel": ["phone"]})
    >>> network_view(audit(events, as_of="2024-02-01")).nodes_shown
    2
    """
    return network_html(
        result.graph,
        focus=focus,
        depth=depth,
        max_nodes=max_nodes,
        edges_per_node=edges_per_node,
        title=title or f"graphdyn network as of {result.as_of.date().isoformat()}",
        seed=result.config.seed,
    )
