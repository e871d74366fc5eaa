"""``graphdyn view``: the network view, or the staff overview, of a data or audit folder."""

from __future__ import annotations

from pathlib import Path

import click
from click.core import ParameterSource

from graphdyn.audits.run import Audit
from graphdyn.cli.audit import run_audit
from graphdyn.cli.console import stdout
from graphdyn.cli.options import as_of_option, model_options
from graphdyn.config import Config
from graphdyn.errors import UsageError
from graphdyn.folder import AuditFolder, read_audit_folder
from graphdyn.views.export import write_gexf, write_graphml
from graphdyn.views.network import DEFAULT_EDGES_PER_NODE, network_page, network_title
from graphdyn.views.overview import MAX_TIES, TIES_PER_STAFF, overview_page

__all__ = ["view"]


@click.command()
@click.argument("data_or_audit", type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="The HTML file to write (self-contained, works offline).",
)
@click.option(
    "--overview",
    is_flag=True,
    help="Write the staff overview instead: staff in their teams, sized by the value they "
    "carry, coloured by the share at risk, the accounts at risk beside them; a click opens "
    "any staff member's or customer's neighbourhood.",
)
@click.option(
    "--focus",
    help="A customer or staff id: show its ego network only (with --overview: open on it).",
)
@click.option(
    "--depth",
    default=1,
    show_default=True,
    type=click.IntRange(min=0),
    help="Hops around --focus (1 or 2 with --overview).",
)
@click.option(
    "--top",
    default=20,
    show_default=True,
    type=click.IntRange(min=0),
    help="With --overview: how many at-risk and how many single-threaded accounts to pick out.",
)
@click.option(
    "--max-ties",
    default=MAX_TIES,
    show_default=True,
    type=click.IntRange(min=1),
    help="With --overview: above this many ties, the page holds each staff member's "
    f"{TIES_PER_STAFF} strongest and every tie of the accounts picked out, and says so.",
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
    overview: bool,
    focus: str | None,
    depth: int,
    top: int,
    max_ties: int,
    max_nodes: int,
    edges_per_node: int,
    gexf: Path | None,
    graphml: Path | None,
    as_of: str | None,
    config: Config,
) -> None:
    """Write the network view, or the staff overview, of DATA_OR_AUDIT to an HTML file.

    DATA_OR_AUDIT is a data folder (audited first, as of --as-of) or an audit folder written
    by `graphdyn audit` (its metrics are used as they are). With --overview, the page is the
    staff overview that every audit folder has as overview.html.

    \b
    Examples:
      graphdyn view audits/2026-03 --out network.html
      graphdyn view data/ --focus C000042 --depth 2 --out C000042.html --graphml C000042.graphml
      graphdyn view audits/2026-03 --overview --top 50 --out overview.html
    """
    _check_options(click.get_current_context(), overview)
    audited: Audit | AuditFolder
    if (data_or_audit / "summary.json").is_file():
        audited = read_audit_folder(data_or_audit)
    else:
        audited = run_audit(data_or_audit, as_of, config)
    if overview:
        page = overview_page(audited, top=top, focus=focus, depth=depth, max_ties=max_ties)
    else:
        page = network_page(
            audited.graph_frames,
            focus=focus,
            depth=depth,
            max_nodes=max_nodes,
            edges_per_node=edges_per_node or None,
            title=network_title(audited.as_of, focus),
        )
    page.write(out)
    for path, writer in ((gexf, write_gexf), (graphml, write_graphml)):
        if path is not None:
            writer(audited.graph, path)
    shown = ", ".join(str(count) for count in page.counts.values())
    stdout.print(f"Wrote {out}: {shown}", highlight=False)
    if page.note:
        stdout.print(page.note[0].upper() + page.note[1:] + ".", highlight=False)


def _check_options(ctx: click.Context, overview: bool) -> None:
    """Refuse an option given for the other page than the one being written."""
    network_only = ("max_nodes", "edges_per_node")
    for name in ("top", "max_ties") if not overview else network_only:
        if ctx.get_parameter_source(name) is not ParameterSource.DEFAULT:
            option = "--" + name.replace("_", "-")
            raise UsageError(
                f"{option} applies to the network view, not to --overview"
                if overview
                else f"{option} applies to the staff overview: add --overview"
            )
