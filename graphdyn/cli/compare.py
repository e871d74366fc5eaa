"""``graphdyn compare``: what changed between two audit folders."""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table

from graphdyn.audits.compare import Comparison, compare_audits
from graphdyn.cli.console import stdout
from graphdyn.folder import read_audit_folder, write_comparison

__all__ = ["compare"]


@click.command()
@click.argument("old_audit", type=click.Path(path_type=Path, file_okay=False))
@click.argument("new_audit", type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder for compare.csv and compare.html (default: NEW_AUDIT).",
)
@click.option(
    "--top",
    default=10,
    show_default=True,
    type=click.IntRange(min=1),
    help="How many of the biggest strength drops to print.",
)
def compare(old_audit: Path, new_audit: Path, out: Path | None, top: int) -> None:
    """Compare two audit folders: status changes, new and lost ties, biggest strength drops.

    Writes compare.csv (one row per change) and compare.html, and summarises on the terminal.

    \b
    Examples:
      graphdyn compare audits/2025-12 audits/2026-03
      graphdyn compare audits/2025-12 audits/2026-03 --out audits/changes --top 20
    """
    newer = read_audit_folder(new_audit)
    comparison = compare_audits(read_audit_folder(old_audit), newer)
    folder = write_comparison(comparison, out or new_audit, names_from=newer)
    print_comparison(comparison, top)
    stdout.print(f"Written: {folder / 'compare.csv'}, {folder / 'compare.html'}", highlight=False)


def print_comparison(comparison: Comparison, top: int) -> None:
    """Print the change counts, the status transitions and the biggest drops."""
    stdout.print(
        f"[bold]{comparison.old_as_of} → {comparison.new_as_of}[/]: {comparison!r}", highlight=False
    )
    matrix = Table(title="Customer status: old (rows) → new (columns)", title_justify="left")
    matrix.add_column("")
    for new_status in comparison.transitions.columns:
        matrix.add_column(str(new_status), justify="right")
    for old_status, counts in comparison.transitions.iterrows():
        matrix.add_row(str(old_status), *(str(int(n)) for n in counts))
    stdout.print(matrix)
    drops = comparison.biggest_drops(top)
    table = Table(title=f"Biggest customer strength drops (top {top})", title_justify="left")
    for column in ("customer", "old", "new", "change", "status"):
        table.add_column(column, justify="left" if column in ("customer", "status") else "right")
    for drop in drops.to_dict("records"):
        table.add_row(
            str(drop["customer_id"]),
            f"{drop['old_strength']:.3f}",
            f"{drop['new_strength']:.3f}",
            f"{drop['strength_change']:+.3f}",
            f"{drop['old_status']} → {drop['new_status']}",
        )
    stdout.print(table)
