"""Commands that run the model: ``audit`` and ``explain``."""

from __future__ import annotations

from pathlib import Path

import click
import pandas as pd
from rich.table import Table

from graphdyn.audits.conditions import audit_figures, parse_condition
from graphdyn.audits.explain import explain, is_audit_folder
from graphdyn.audits.run import Audit, audit
from graphdyn.cli.console import progress_bar, stderr, stdout
from graphdyn.cli.neo4j import dataset_from_neo4j, write_back_to_neo4j
from graphdyn.cli.options import (
    CONFIG_FILE_KEY,
    MODEL_OPTIONS_GIVEN_KEY,
    as_of_option,
    model_options,
    on_error_option,
)
from graphdyn.config import Config
from graphdyn.errors import UsageError
from graphdyn.folder import write_audit_folder
from graphdyn.ingest import Dataset, OnError
from graphdyn.model.decay import STATUSES
from graphdyn.model.explain import Explanation
from graphdyn.neo4j.settings import Neo4jSettings, load_settings

__all__ = ["audit_command", "explain_command", "print_explanation", "run_audit"]


def run_audit(
    data: Path | Dataset, as_of: str | None, config: Config, on_error: OnError = "raise"
) -> Audit:
    """Audit a data folder (or a read data set), with a progress bar."""
    with progress_bar("reading data") as report:
        return audit(data, as_of=as_of, config=config, on_error=on_error, on_progress=report)


@click.command("audit")
@click.argument("data", required=False, type=click.Path(path_type=Path))
@as_of_option
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="The audit folder to write (created whole or not at all).",
)
@click.option("--force", is_flag=True, help="Replace the audit folder if it exists.")
@click.option(
    "--fail-on",
    "fail_on",
    multiple=True,
    metavar="CONDITION",
    help="Exit 1 when the condition holds, e.g. 'at_risk_share>0.15' or 'single_threaded>20'; "
    "repeatable (see docs/cli.md for the figures and grammar).",
)
@click.option(
    "--source",
    type=click.Choice(["files", "neo4j"]),
    default="files",
    show_default=True,
    help="Where the interactions come from: the DATA folder, or the Neo4j graph "
    "(GRAPHDYN_NEO4J_* settings; no DATA then).",
)
@click.option(
    "--write-neo4j",
    is_flag=True,
    help="Also store the audit in Neo4j (TIE relationships, customer and staff properties, "
    "an Audit node); replaces the audit written before.",
)
@on_error_option
@model_options
def audit_command(
    data: Path | None,
    as_of: str | None,
    out: Path,
    force: bool,
    fail_on: tuple[str, ...],
    source: str,
    write_neo4j: bool,
    on_error: OnError,
    config: Config,
) -> None:
    """Audit tie strength and decay in DATA as of a date and write an audit folder.

    Writes ties.csv, customers.csv, staff.csv, channels.csv, trajectories.csv, summary.json,
    report.html and network.html to OUT. With --fail-on, exits 1 (after writing) when a
    condition holds.

    \b
    Examples:
      graphdyn audit data/ --as-of 2026-03-31 --out audits/2026-03
      graphdyn audit data/ --out audits/latest --force --half-life 60 --weight value=0.3
      graphdyn audit data/ --out audits/ci --fail-on 'at_risk_share > 15%'
      graphdyn audit --source neo4j --out audits/from-graph --write-neo4j
    """
    conditions = [parse_condition(text) for text in fail_on]
    if out.exists() and not force:
        raise UsageError(f"{out} already exists; use --force to replace it")
    if (source == "files") == (data is None):
        raise UsageError(
            "give a DATA folder, or --source neo4j without one"
            if data is None
            else "--source neo4j reads the graph; do not give a DATA folder as well"
        )
    # Settings first, so a missing password is reported before any slow work.
    config_file = click.get_current_context().meta.get(CONFIG_FILE_KEY)
    settings: Neo4jSettings | None
    inputs: Path | Dataset
    if data is None:
        settings = load_settings(config_file)
        inputs = dataset_from_neo4j(settings, config, on_error=on_error)
    else:
        settings = load_settings(config_file) if write_neo4j else None
        inputs = data
    result = run_audit(inputs, as_of, config, on_error)
    folder = write_audit_folder(result, out, force=force)
    print_headline(result)
    stdout.print(f"Audit written to {folder} (report: {folder / 'report.html'})", highlight=False)
    if write_neo4j and settings is not None:
        write_back_to_neo4j(settings, result)
    figures = audit_figures(result.summary)
    held = [condition for condition in conditions if condition.holds(figures)]
    for condition in held:
        stderr.print(f"[bold red]fail-on:[/] {condition.describe(figures)}", highlight=False)
    if held:
        click.get_current_context().exit(1)


def print_headline(result: Audit) -> None:
    """Print an audit's headline figures as a small table."""
    summary = result.summary
    table = Table(title=f"Audit as of {result.as_of.date().isoformat()}", title_justify="left")
    table.add_column("figure")
    table.add_column("value", justify="right")
    table.add_row("customers", f"{len(result.customers):,}")
    table.add_row("ties (customer–staff)", f"{len(result.ties):,}")
    table.add_row("mean customer strength", f"{summary['mean_customer_strength']:.3f}")
    for status in STATUSES:
        table.add_row(f"  {status}", f"{summary['customer_status'][status]:,}")
    table.add_row("at-risk share", f"{summary['at_risk_share']:.1%}")
    table.add_row("single-threaded accounts", f"{summary['single_threaded']:,}")
    table.add_row(
        "events after as-of (excluded)", f"{summary['data_quality']['excluded_after_as_of']:,}"
    )
    stdout.print(table)


@click.command("explain")
@click.argument("data_or_audit", type=click.Path(path_type=Path))
@click.option("--customer", "customer_id", required=True, help="The customer's id.")
@click.option("--staff", "staff_id", help="A staff member's id: explain that tie.")
@as_of_option
@click.option(
    "--top",
    default=10,
    show_default=True,
    type=click.IntRange(min=1),
    help="How many of the interactions behind it to list.",
)
@model_options
def explain_command(
    data_or_audit: Path,
    customer_id: str,
    staff_id: str | None,
    as_of: str | None,
    top: int,
    config: Config,
) -> None:
    """Explain one relationship: its components and the interactions behind it.

    DATA_OR_AUDIT is an audit folder (from graphdyn audit) or a data folder. From an audit
    folder the numbers are the audit's, as of its date with its parameters, and the
    interactions are read from its data folder if that is still there. From a data folder,
    only that customer's interactions are audited, as a full audit would audit them.

    With --staff, the customer–staff tie; without, the customer's whole relationship with the
    vendor (self-service included).

    \b
    Examples:
      graphdyn explain audits/2026-03 --customer C000042 --staff S0036
      graphdyn explain audits/2026-03 --customer C000042 --top 5
      graphdyn explain data/ --customer C000042 --staff S0007 --as-of 2026-03-31
    """
    given = click.get_current_context().meta[MODEL_OPTIONS_GIVEN_KEY]
    explanation = explain(
        data_or_audit,
        customer_id,
        staff_id,
        as_of=as_of,
        # An audit folder has its own parameters: ./graphdyn.toml does not apply to it.
        config=config if given or not is_audit_folder(data_or_audit) else None,
        top=top,
    )
    print_explanation(explanation)


def print_explanation(explanation: Explanation) -> None:
    """Print an explanation: the headline, the components, liveness and the interactions."""
    row = explanation.row
    who = (
        explanation.customer_id
        if explanation.staff_id is None
        else f"{explanation.customer_id} – {explanation.staff_id}"
    )
    stdout.print(
        f"[bold]{who}[/] as of {explanation.as_of.date().isoformat()}: strength "
        f"[bold]{row['strength']:.3f}[/], liveness [bold]{row['liveness']:.3f}[/], "
        f"status {row['status']}, trend {row['trend']}",
        highlight=False,
    )
    stdout.print(
        f"{int(row['n_interactions'])} interactions on {int(row['contact_days'])} days, last "
        f"{row['days_since_last']:.0f} days ago (typical gap {row['typical_gap_days']:.0f} days); "
        f"goes cold in: {_days(row['days_to_at_risk'])}",
        highlight=False,
    )
    parts = Table(title="Strength: its components", title_justify="left")
    for column in ("component", "value", "weight", "contribution", "meaning"):
        parts.add_column(column, justify="left" if column in ("component", "meaning") else "right")
    for item in explanation.components.to_dict("records"):
        parts.add_row(
            str(item["component"]),
            "no data" if pd.isna(item["value"]) else f"{item['value']:.3f}",
            f"{item['weight']:.2f}",
            f"{item['contribution']:.3f}",
            str(item["meaning"]),
        )
    stdout.print(parts)
    alive = Table(title="Liveness: is it still going?", title_justify="left")
    for column in ("measure", "value", "meaning"):
        alive.add_column(column, justify="right" if column == "value" else "left")
    for item in explanation.liveness.to_dict("records"):
        alive.add_row(
            str(item["measure"]),
            "" if pd.isna(item["value"]) else f"{item['value']:.3g}",
            str(item["meaning"]),
        )
    stdout.print(alive)
    for note in explanation.notes:
        stdout.print(f"Note: {note}", markup=False, highlight=False)
    if explanation.events.empty:
        return
    events = Table(
        title=f"Top {len(explanation.events)} interactions by intensity", title_justify="left"
    )
    for column in ("interaction", "date", "staff", "channel", "direction", "age (d)", "share"):
        events.add_column(
            column,
            justify="right" if column in ("age (d)", "share") else "left",
            no_wrap=column in ("date", "staff"),
        )
    for event in explanation.events.to_dict("records"):
        events.add_row(
            str(event["interaction_id"]),
            event["timestamp"].date().isoformat(),
            "self-service" if pd.isna(event["staff_id"]) else str(event["staff_id"]),
            str(event["channel"]),
            "" if pd.isna(event["direction"]) else str(event["direction"]),
            f"{event['age_days']:.0f}",
            f"{event['share_of_intensity']:.1%}",
        )
    stdout.print(events)


def _days(value: float) -> str:
    if pd.isna(value):
        return "never"
    return "cold already" if value == 0 else f"{value:.0f} days"
