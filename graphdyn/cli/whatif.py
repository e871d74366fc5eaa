"""``graphdyn whatif``: what happens to customers if some staff members leave."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import click
from rich.table import Table

from graphdyn.atomic import write_text
from graphdyn.cli.audit import run_audit
from graphdyn.cli.console import stdout
from graphdyn.cli.options import as_of_option, model_options
from graphdyn.config import Config
from graphdyn.data.names import display_names
from graphdyn.model.departure import WhatIf

__all__ = ["print_whatif", "whatif"]


@click.command("whatif")
@click.argument("data", type=click.Path(path_type=Path))
@click.option(
    "--remove-staff",
    "remove_staff",
    required=True,
    multiple=True,
    metavar="ID[,ID...]",
    help="Staff ids whose interactions are removed, comma-separated; repeatable.",
)
@as_of_option
@click.option(
    "--all",
    "show_all",
    is_flag=True,
    help="List every affected customer, not only those at stake.",
)
@click.option(
    "--csv",
    "csv_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also write every affected customer, before and after, to this CSV file.",
)
@model_options
def whatif(
    data: Path,
    remove_staff: tuple[str, ...],
    as_of: str | None,
    show_all: bool,
    csv_file: Path | None,
    config: Config,
) -> None:
    """Re-audit DATA as if some staff members had left.

    Removes their interactions, re-audits the customers they had a tie with (against the full
    audit's medians, so nobody else moves) and lists who becomes at risk or dormant, or loses
    every strong tie, with the value at stake: the customers' decayed order value.

    \b
    Examples:
      graphdyn whatif data/ --remove-staff S0005
      graphdyn whatif data/ --remove-staff S0005,S0012 --as-of 2026-03-31 --csv leavers.csv
      graphdyn whatif data/ --remove-staff S0005 --all
    """
    ids = [part.strip() for item in remove_staff for part in item.split(",")]
    result = run_audit(data, as_of, config)
    change = result.what_if(ids)
    names = display_names(result.customers, "customer_id")
    print_whatif(change, names, show_all=show_all)
    if csv_file is not None:
        table = change.customers.to_csv(index=False, float_format="%.10g", lineterminator="\n")
        write_text(csv_file, table)
        stdout.print(f"Written: {csv_file}", highlight=False)


def print_whatif(change: WhatIf, names: Mapping[str, str], *, show_all: bool = False) -> None:
    """Print the affected customers (those at stake, or all) with the total of the rows shown.

    The total row adds up the rows above it; when only the customers at stake are listed, a line
    says how many other affected customers there are, and the last line sums up all of them.
    """
    summary = change.summary
    shown = change.customers if show_all else change.at_stake
    which = "Affected customers" if show_all else "Customers at stake"
    table = Table(
        title=f"{which} without {', '.join(change.removed_staff)}, as of "
        f"{change.as_of.date().isoformat()}",
        title_justify="left",
        caption="before→after; value: decayed order value",
        caption_justify="left",
    )
    for column, justify, wrap in (
        ("customer", "left", True),
        ("leaving", "left", True),
        ("strength", "right", False),
        ("status", "left", False),
        ("strong ties", "right", False),
        ("lost all strong", "left", True),
        ("value", "right", False),
    ):
        table.add_column(column, justify=justify, no_wrap=not wrap)  # type: ignore[arg-type]
    for row in shown.to_dict("records"):
        customer = str(row["customer_id"])
        name = names.get(customer)
        table.add_row(
            customer if name is None else f"{customer} {name}",
            str(row["removed_contacts"]),
            f"{row['strength_before']:.3f}→{row['strength_after']:.3f}",
            f"{row['status_before']}→{row['status_after']}",
            f"{row['strong_ties_before']}→{row['strong_ties_after']}",
            "yes" if row["loses_all_strong_ties"] else "no",
            f"{row['value_raw']:,.0f}",
        )
    table.add_section()
    table.add_row(
        f"total {len(shown):,}",
        "",
        "",
        f"{int(shown['becomes_at_risk'].sum()):,} → at risk/dormant",
        "",
        f"{int(shown['loses_all_strong_ties'].sum()):,}",
        f"{shown['value_raw'].sum():,.0f}",
    )
    stdout.print(table)
    hidden = len(change.customers) - len(shown)
    if hidden:
        who = (
            "customer, who neither becomes at risk or dormant nor loses every strong tie; "
            "--all lists it"
            if hidden == 1
            else "customers, who neither become at risk or dormant nor lose every strong tie; "
            "--all lists them"
        )
        stdout.print(f"Not listed: {hidden:,} more affected {who}.", highlight=False)
    stdout.print(
        f"{summary['affected_customers']:,} customers affected: {summary['becomes_at_risk']:,} "
        f"become at risk or dormant, {summary['loses_all_strong_ties']:,} lose every strong tie; "
        f"{summary['at_stake']:,} at stake, value at stake {summary['value_at_stake']:,.2f}.",
        highlight=False,
    )
