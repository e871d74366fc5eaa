"""Commands about data folders: ``validate``, ``generate`` and ``demo``."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from graphdyn.cli.audit import print_headline, run_audit
from graphdyn.cli.console import progress_bar, stderr, stdout
from graphdyn.cli.options import model_options, on_error_option
from graphdyn.config import Config, load_config
from graphdyn.data.generate import generate as generate_data
from graphdyn.errors import UsageError
from graphdyn.folder import write_audit_folder
from graphdyn.ingest import OnError, read_data

__all__ = ["demo", "generate", "validate"]


@click.command()
@click.argument("data", type=click.Path(path_type=Path))
@on_error_option
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@model_options
def validate(data: Path, on_error: OnError, as_json: bool, config: Config) -> None:
    """Check a data folder against the data contract and summarise it.

    Prints counts per table, the channel mix, the date range and the problems found. Exits 2,
    listing every problem as file:line: column: problem (value), if the data is rejected.

    \b
    Examples:
      graphdyn validate data/
      graphdyn validate data/ --json
      graphdyn validate data/ --on-error quarantine --config graphdyn.toml
    """
    dataset = read_data(data, config=config, on_error=on_error)
    summary = dataset.summary()
    if as_json:
        stdout.print_json(json.dumps(summary))
        return
    print_summary(summary)
    if len(dataset.rejects):
        stderr.print(f"[yellow]{summary['rejected_rows']} row(s) quarantined:[/]")
        for row in dataset.rejects.head(20).itertuples(index=False):
            stderr.print(
                f"{row.file}:{row.line}: {row.column}: {row.problem} ({row.value})",
                markup=False,
                highlight=False,
            )


def print_summary(summary: dict[str, Any]) -> None:
    """Print a data set's summary as two readable tables."""
    counts = Table(title=f"Data: {summary['source']}", title_justify="left")
    counts.add_column("table")
    counts.add_column("rows", justify="right")
    for name in ("interactions", "customers", "staff", "products"):
        counts.add_row(name, f"{summary[name]:,}")
    counts.add_row("self-service interactions", f"{summary['self_service_interactions']:,}")
    stdout.print(counts)
    total = max(summary["interactions"], 1)
    mix = Table(title="Channel mix", title_justify="left")
    mix.add_column("channel")
    mix.add_column("interactions", justify="right")
    mix.add_column("share", justify="right")
    for channel, n in sorted(summary["channels"].items(), key=lambda kv: -kv[1]):
        mix.add_row(channel, f"{n:,}", f"{n / total:.1%}")
    stdout.print(mix)
    stdout.print(
        f"Date range: {summary['first_timestamp']} .. {summary['last_timestamp']}", highlight=False
    )
    stdout.print(
        f"Problems: {summary['rejected_rows']} rejected row(s), "
        f"{summary['excluded_after_as_of']} after the as-of date",
        highlight=False,
    )


@click.command()
@click.argument("out", type=click.Path(path_type=Path))
@click.option(
    "--customers", default=500, show_default=True, type=click.IntRange(min=1), help="Customers."
)
@click.option(
    "--staff",
    default=40,
    show_default=True,
    type=click.IntRange(min=3),
    help="Staff members (at least an account manager, a sales rep and a support agent).",
)
@click.option(
    "--products", default=60, show_default=True, type=click.IntRange(min=1), help="Products."
)
@click.option(
    "--interactions",
    default=50_000,
    show_default=True,
    type=click.IntRange(min=1),
    help="Interactions (at least one per customer).",
)
@click.option("--seed", default=0, show_default=True, type=int, help="Same seed, same files.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "parquet"]),
    default="csv",
    show_default=True,
    help="File format of the tables.",
)
@click.option(
    "--partitioned",
    is_flag=True,
    help="Write the interactions as a folder interactions/ of Parquet parts, one per block "
    "(always for more than 10M interactions; Parquet only).",
)
def generate(
    out: Path,
    customers: int,
    staff: int,
    products: int,
    interactions: int,
    seed: int,
    fmt: str,
    partitioned: bool,
) -> None:
    """Write a realistic synthetic data folder, with its planted ground truth in truth.json.

    Heavy-tailed customer activity, account managers, sales and support staff, every channel,
    self-service orders, staff who leave; planted decaying relationships, single-threaded
    accounts and key persons. More than 10M interactions are drawn and written in blocks,
    never whole in memory.

    \b
    Examples:
      graphdyn generate data/
      graphdyn generate data/ --customers 2000 --staff 80 --interactions 200000 --seed 1
      graphdyn generate data/ --format parquet --seed 2
      graphdyn generate big/ --format parquet --interactions 100000000 --customers 1000000
    """
    started = time.perf_counter()
    result = _generate_with_progress(
        out,
        customers=customers,
        staff=staff,
        products=products,
        interactions=interactions,
        seed=seed,
        fmt=fmt,
        partitioned=partitioned,
    )
    elapsed = time.perf_counter() - started
    counts = ", ".join(f"{n:,} {name}" for name, n in result.counts.items())
    stdout.print(f"Wrote {counts} to {result.path} in {elapsed:.1f} s", highlight=False)


def _generate_with_progress(out: Path, **kwargs: Any) -> Any:
    with progress_bar("generating") as report:
        return generate_data(out, on_progress=report, **kwargs)


@click.command()
@click.argument("out", required=False, type=click.Path(path_type=Path), default="graphdyn-demo")
@click.option(
    "--seed",
    default=7,
    show_default=True,
    type=int,
    help="Seed of the generator: the same seed gives the same data.",
)
@click.option("--force", is_flag=True, help="Replace OUT if it exists.")
def demo(out: Path, seed: int, force: bool) -> None:
    """Generate sample data in OUT/data and audit it into OUT/audit (no Neo4j needed).

    OUT defaults to graphdyn-demo; open OUT/audit/report.html in a browser.

    \b
    Examples:
      graphdyn demo
      graphdyn demo /tmp/try --seed 3 --force
    """
    if out.exists() and not force:
        raise UsageError(f"{out} already exists; use --force to replace it")
    if out.exists():
        shutil.rmtree(out)
    data_folder = out / "data"
    _generate_with_progress(
        data_folder,
        customers=400,
        staff=30,
        products=40,
        interactions=40_000,
        seed=seed,
        fmt="csv",
    )
    result = run_audit(data_folder, None, load_config(None))
    print_summary(result.data.summary())
    folder = write_audit_folder(result, out / "audit")
    print_headline(result)
    stdout.print(f"Report: {folder / 'report.html'}", highlight=False)
