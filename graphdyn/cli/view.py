"""``graphdyn view``: the interactive network view of a data folder or an audit folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import networkx as nx
import pandas as pd

from graphdyn.cli.audit import run_audit
from graphdyn.cli.console import stdout
from graphdyn.cli.options import as_of_option, model_options
from graphdyn.config import Config
from graphdyn.folder import AuditFolder, read_audit_folder
from graphdyn.model.graph import GraphFrames, build_graph
from graphdyn.views.export import write_gexf, write_graphml
from graphdyn.views.network import DEFAULT_EDGES_PER_NODE, network_page, network_title

__all__ = ["view"]


@click.command()
@click.argument("data_or_audit", type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="The HTML file to write (self-contained, works offline).",
)
@click.option("--focus", help="A customer or staff id: show its ego network only.")
@click.option(
    "--depth",
    default=1,
    show_default=True,
    type=click.IntRange(min=0),
    help="Hops around --focus.",
)
@click.option(
    "--max-nodes",
    default=1500,
    show_default=True,
    type=click.IntRange(min=1),
    help="Above this, keep the strongest ties and say on the page what was left out.",
)
@click.option(
    "--edges-per-node",
    default=DEFAULT_EDGES_PER_NODE,
    show_default=True,
    type=click.IntRange(min=0),
    help="Draw each node's this many strongest ties and a spanning forest; the page's "
    "neighbourhood view draws the rest. 0 draws every tie.",
)
@click.option("--gexf", type=click.Path(path_type=Path, dir_okay=False), help="Also write GEXF.")
@click.option(
    "--graphml", type=click.Path(path_type=Path, dir_okay=False), help="Also write GraphML."
)
@as_of_option
@model_options
def view(
    data_or_audit: Path,
    out: Path,
    focus: str | None,
    depth: int,
    max_nodes: int,
    edges_per_node: int,
    gexf: Path | None,
    graphml: Path | None,
    as_of: str | None,
    config: Config,
) -> None:
    """Write the interactive network view of DATA_OR_AUDIT to an HTML file.

    DATA_OR_AUDIT is a data folder (audited first, as of --as-of) or an audit folder written
    by `graphdyn audit` (its metrics are used as they are).

    \b
    Examples:
      graphdyn view audits/2026-03 --out network.html
      graphdyn view data/ --focus C000042 --depth 2 --out C000042.html --graphml C000042.graphml
    """
    if (data_or_audit / "summary.json").is_file():
        saved = read_audit_folder(data_or_audit)
        graph, audit_as_of = _graph_of_audit_folder(saved), saved.as_of
    else:
        result = run_audit(data_or_audit, as_of, config)
        graph, audit_as_of = result.graph, result.as_of
    page = network_page(
        graph,
        focus=focus,
        depth=depth,
        max_nodes=max_nodes,
        edges_per_node=edges_per_node or None,
        title=network_title(audit_as_of, focus),
    )
    page.write(out)
    for path, writer in ((gexf, write_gexf), (graphml, write_graphml)):
        if path is not None:
            writer(graph, path)
    shown = ", ".join(str(count) for count in page.counts.values())
    stdout.print(f"Wrote {out}: {shown}", highlight=False)
    if page.note:
        stdout.print(page.note[0].upper() + page.note[1:] + ".", highlight=False)


def _graph_of_audit_folder(saved: AuditFolder) -> nx.Graph[Any]:
    empty_products = pd.DataFrame({"product_id": pd.Series(dtype=str)})
    no_links = pd.DataFrame(
        {"customer_id": pd.Series(dtype=str), "product_id": pd.Series(dtype=str)}
    )
    return build_graph(
        GraphFrames(
            customers=saved.customers,
            staff=saved.staff,
            products=empty_products,
            ties=saved.ties.assign(weight=saved.ties["strength"]),
            product_links=no_links,
        )
    )
