"""Commands that use Neo4j: ``load``, ``query`` and ``neo4j start|stop|status``.

Also the two helpers the ``audit`` command calls for ``--source neo4j`` and ``--write-neo4j``:
:func:`dataset_from_neo4j` and :func:`write_back_to_neo4j`. Connection settings come from the
``GRAPHDYN_NEO4J_*`` environment variables or the ``[neo4j]`` table of ``graphdyn.toml``
(:func:`~graphdyn.neo4j.settings.load_settings`).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from graphdyn.audits.run import Audit
from graphdyn.cli.console import progress_bar, progress_bars, stderr, stdout
from graphdyn.cli.options import on_error_option
from graphdyn.config import Config, load_config
from graphdyn.ingest import Dataset, OnError, read_data
from graphdyn.neo4j.connection import open_runner
from graphdyn.neo4j.load import check_property_names, load_data
from graphdyn.neo4j.queries import (
    Parameter,
    QueryResult,
    canned_queries,
    find_query,
    parse_parameters,
    run_query,
    to_plain,
    to_text,
)
from graphdyn.neo4j.readback import read_back
from graphdyn.neo4j.settings import Neo4jSettings, load_settings
from graphdyn.neo4j.writeback import WriteSummary, write_back

__all__ = [
    "dataset_from_neo4j",
    "load_command",
    "query_command",
    "write_back_to_neo4j",
]

#: Table cells show numbers to this many significant digits, with at most _DECIMALS decimals.
_SIGNIFICANT = 6
_DECIMALS = 6

_config_option = click.option(
    "--config",
    "config_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="A graphdyn.toml: its [neo4j] table (uri, user, password, database) and channels "
    "(default: ./graphdyn.toml if present; GRAPHDYN_NEO4J_* variables take precedence).",
)


@click.command("load")
@click.argument("data", type=click.Path(path_type=Path))
@_config_option
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=5_000,
    show_default=True,
    help="Rows per transaction.",
)
@on_error_option
def load_command(data: Path, config_file: Path | None, batch_size: int, on_error: OnError) -> None:
    """Validate DATA and load it into Neo4j.

    Nothing is sent if the data is rejected. The load is idempotent and resumable: loading the
    same data again, or again after an interrupted load, gives the same graph.

    \b
    Examples:
      graphdyn load data/
      graphdyn load data/ --batch-size 20000 --on-error quarantine
    """
    settings = load_settings(config_file)
    config = load_config(config_file)
    dataset = read_data(data, config=config, on_error=on_error)
    check_property_names(dataset)
    with open_runner(settings) as runner, progress_bars() as report:
        summary = load_data(runner, dataset, batch_size=batch_size, on_progress=report)
    stdout.print(
        f"Loaded {summary.interactions:,} interactions ({summary.created:,} new, "
        f"{summary.updated:,} already there), {summary.customers:,} customers, "
        f"{summary.staff:,} staff and {summary.products:,} products into {settings.uri} "
        f"(database {settings.database}) in {summary.seconds:.1f} s "
        f"({summary.interactions_per_second:,.0f} interactions/s)",
        highlight=False,
    )


@click.command("query")
@click.argument("name_or_file", required=False)
@click.option(
    "--param",
    "-p",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="A query parameter; repeatable. Values take the type the query declares; otherwise "
    "true/false, null, numbers, ISO dates and datetimes, JSON lists and maps are recognised, "
    "and a JSON string ('\"007\"') forces text.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="How to print the rows.",
)
@click.option("--write", is_flag=True, help="Allow the query to write (default: read-only).")
@_config_option
def query_command(
    name_or_file: str | None,
    params: tuple[str, ...],
    fmt: str,
    write: bool,
    config_file: Path | None,
) -> None:
    """Run a packaged query by NAME, or a Cypher FILE, and print its rows.

    Without NAME_OR_FILE, list the packaged queries and their parameters. Queries run in a
    read-only transaction unless --write is given.

    \b
    Examples:
      graphdyn query
      graphdyn query at_risk_customers --param limit=20
      graphdyn query staff_portfolio -p staff_id=S0007 --format csv
      graphdyn query my-question.cypher -p since=2026-01-01 --format json
    """
    if name_or_file is None:
        _print_catalogue()
        return
    query = find_query(name_or_file)
    parameters = parse_parameters(params, query)
    settings = load_settings(config_file)
    with open_runner(settings) as runner:
        result = run_query(runner, query, parameters, write=write)
    if fmt == "json":
        click.echo(result.to_json())
    elif fmt == "csv":
        click.echo(result.to_csv(), nl=False)
    else:
        _print_table(result, query.summary)


#: The commands to register on the ``graphdyn`` group.
def dataset_from_neo4j(
    settings: Neo4jSettings, config: Config, *, on_error: OnError = "raise"
) -> Dataset:
    """Read the data set from Neo4j for ``graphdyn audit --source neo4j``, showing progress.

    Parameters
    ----------
    settings : Neo4jSettings
        From :func:`~graphdyn.neo4j.settings.load_settings` (load them before slow work, so a
        missing password is reported at once).
    config : Config
        Supplies the allowed channels.
    on_error : {"raise", "quarantine"}
        As for :func:`graphdyn.read_data`.

    Returns
    -------
    Dataset
        Validated, with ``source="neo4j"``.

    Examples
    --------
    >>> data = dataset_from_neo4j(load_settings(), Config())  # doctest: +SKIP
    """
    with open_runner(settings) as runner, progress_bar(f"reading from Neo4j at {settings.uri}"):
        return read_back(runner, config=config, on_error=on_error)


def write_back_to_neo4j(
    settings: Neo4jSettings, result: Audit, *, batch_size: int = 5_000
) -> WriteSummary:
    """Store an audit in Neo4j for ``graphdyn audit ... --write-neo4j``; print one line.

    Parameters
    ----------
    settings : Neo4jSettings
        From :func:`~graphdyn.neo4j.settings.load_settings`.
    result : Audit
        The audit to store (replacing the one written before).
    batch_size : int
        Rows per transaction.

    Returns
    -------
    WriteSummary

    Examples
    --------
    >>> write_back_to_neo4j(load_settings(), audit("data/"))  # doctest: +SKIP
    """
    with open_runner(settings) as runner, progress_bars() as report:
        summary = write_back(runner, result, batch_size=batch_size, on_progress=report)
    stdout.print(
        f"Audit written to Neo4j at {settings.uri} (database {settings.database}): "
        f"{summary.ties:,} ties, {summary.customers:,} customers, {summary.staff:,} staff"
        + (f"; {summary.removed_ties:,} stale ties removed" if summary.removed_ties else ""),
        highlight=False,
    )
    return summary


def _print_table(result: QueryResult, title: str) -> None:
    if not result.rows:
        stderr.print("no rows", highlight=False)
        return
    table = Table(title=title or None, title_justify="left")
    plain = [[to_plain(row[column]) for column in result.columns] for row in result.rows]
    for k, column in enumerate(result.columns):
        numeric = all(_is_number(values[k]) or values[k] is None for values in plain)
        table.add_column(column, overflow="fold", justify="right" if numeric else "left")
    for values in plain:
        table.add_row(*(_cell(value) for value in values))
    stdout.print(table)
    stderr.print(f"{len(result.rows):,} row{'s' if len(result.rows) != 1 else ''}")


def _print_catalogue() -> None:
    table = Table(title="Packaged queries (graphdyn query NAME --param NAME=VALUE)")
    table.add_column("name", no_wrap=True)
    table.add_column("what it gives")
    table.add_column("parameters")
    for name, query in canned_queries().items():
        parameters = ", ".join(_signature(p) for p in query.parameters)
        table.add_row(name, query.summary, parameters)
    stdout.print(table)


def _signature(parameter: Parameter) -> str:
    """``name`` for a required parameter, ``name=DEFAULT`` otherwise (maps abbreviated)."""
    if parameter.required:
        return parameter.name
    if isinstance(parameter.default, dict):
        return f"{parameter.name}={{...}}"
    return f"{parameter.name}={json.dumps(to_plain(parameter.default))}"


def _cell(value: Any) -> str:
    """Format one plain value for a table cell: numbers for reading, the rest as in CSV."""
    if _is_number(value):
        return _readable(value)
    return to_text(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _readable(number: float) -> str:
    """Write a number with thousands separators and 6 significant digits, never as ``1e-20``.

    Floats keep at most 6 decimals without trailing zeros, so a magnitude below 5e-7 shows
    as ``0``; CSV and JSON keep every digit.

    Examples
    --------
    >>> [_readable(x) for x in (1.98864e-20, 0.734512345, 12345.6789, 2.0, -0.00012345, 12045)]
    ['0', '0.734512', '12,345.7', '2', '-0.000123', '12,045']
    """
    if isinstance(number, int):
        return f"{number:,}"
    if number == 0 or not math.isfinite(number):
        return "0" if number == 0 else str(number)
    decimals = min(_DECIMALS, max(0, _SIGNIFICANT - 1 - math.floor(math.log10(abs(number)))))
    text = f"{number:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "0") else text
