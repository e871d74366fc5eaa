"""``benchmarks/run``: the data-set ladder, every step in a fresh process, ratios to baselines.

For each rung (100k, 1M, 10M, 100M interactions) the harness generates (once, cached under
``benchmarks/data/``) a Parquet data folder (100M: a folder of Parquet parts, drawn in blocks)
and runs, each in its own process so that peak RSS is per step:

- ``baseline``: one hand-written DuckDB SQL aggregate over the interactions Parquet;
- ``scan``: one streaming pass of pyarrow.dataset over the interactions, counting them per
  channel (what any reader of the rung costs at least, DuckDB-free);
- ``ties``: graphdyn's read and tie-level computation (``read_data`` + ``relationships``);
- ``audit``: the full ``graphdyn.audit(folder)`` and writing the audit folder;
- ``explain``: ``graphdyn.explain`` of one tie from the data (Parquet, and a CSV copy of the
  same data) and from an audit folder, against ``read_data`` of the same folder;
- ``centrality``: ``node_centrality`` on the audit graph, against python-igraph computing the
  same measures and against plain NetworkX (stopped after ``--networkx-timeout``);
- ``neo4j``: the Bolt load against ``neo4j-admin database import`` (when available);

then ``view``: the network page's ready time in headless Chromium for 300, 3,000 and 10,000
nodes, and with ``--demo`` the time of ``scripts/setup`` and ``graphdyn demo`` in a fresh
clone. A rung skips, with the reason printed, the steps it cannot run yet (at 100M, those
past the engine, whose tie table does not fit the driver here). It prints the results as a
Markdown table and writes them to ``--out``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["RUNGS", "STEPS", "main"]

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "benchmarks" / "data"
LATEST = REPO / "benchmarks" / "results" / "latest.md"
PYTHON = sys.executable
GB = 1e9


@dataclass(frozen=True)
class Rung:
    """One data set of the ladder.

    ``partitioned``: generated as a folder ``interactions/`` of Parquet parts (one per block of
    the generator), never whole in memory. ``skip``: steps the rung cannot run, and why.
    """

    name: str
    interactions: int
    customers: int
    staff: int
    products: int
    partitioned: bool = False
    skip: Mapping[str, str] = field(default_factory=dict)

    def folder(self, generator_version: int) -> Path:
        return DATA / (
            f"{self.name}-i{self.interactions}-c{self.customers}-s{self.staff}"
            f"-p{self.products}-seed0-g{generator_version}"
        )


# Why the 100M rung skips the steps past the engine (docs/scale.md, "Where the driver becomes
# the limit"): measured on 2026-12-04, the 100M audit runs end to end with a 4 GB engine limit
# (15.2 min, peak 14.05 GB) and writes its folder (196 s, peak 9.70 GB), but the steps run at
# the engine's default limit (80% of RAM), which leaves the driver's tables no room.
_ON_DRIVER = (
    "the driver holds 6.3 GB of tables for 11.9M ties on top of the engine's default 80% of "
    "RAM (run by hand with a 4 GB engine limit: 15.2 min, peak 14.05 GB; docs/scale.md)"
)
_NEEDS_AUDIT = "needs the rung's audit graph, which needs the audit"

RUNGS: dict[str, Rung] = {
    rung.name: rung
    for rung in (
        Rung("100k", 100_000, 1_000, 50, 100),
        Rung("1M", 1_000_000, 10_000, 500, 300),
        Rung("10M", 10_000_000, 100_000, 5_000, 1_000),
        Rung(
            "100M",
            100_000_000,
            1_000_000,
            50_000,
            3_000,
            partitioned=True,
            skip={
                "ties": _ON_DRIVER,
                "audit": _ON_DRIVER,
                "explain": f"explains from the rung's audit folder; {_ON_DRIVER}",
                "centrality": _NEEDS_AUDIT,
                "neo4j": "the Bolt load reads every interaction into pandas (Dataset.interactions)",
            },
        ),
    )
}

#: Steps run per rung, in order; ``view`` runs once, on the 1M rung's audit graph.
STEPS: tuple[str, ...] = (
    "baseline",
    "scan",
    "ties",
    "ties-spark",
    "audit",
    "explain",
    "centrality",
    "neo4j",
    "view",
)
VIEW_NODES = (300, 3_000, 10_000)
VIEW_RUNG = "1M"


@dataclass
class Outcome:
    """What one child process reported, or why it reported nothing."""

    result: dict[str, Any] = field(default_factory=dict)
    problem: str | None = None
    wall_seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.problem is None


def run_child(step: str, params: dict[str, Any], timeout: float | None = None) -> Outcome:
    """Run ``benchmarks.steps STEP`` in a fresh process; kill its process group on timeout."""
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "result.json"
        command = [PYTHON, "-m", "benchmarks.steps", step, json.dumps(params), str(out)]
        started = time.perf_counter()
        child = subprocess.Popen(
            command,
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        try:
            _, stderr = child.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.communicate()
            return Outcome(
                problem=f"did not finish in {timeout:g} s",
                wall_seconds=time.perf_counter() - started,
            )
        wall = time.perf_counter() - started
        if child.returncode != 0:
            last = _error_line(stderr)
            return Outcome(problem=f"failed (exit {child.returncode}): {last}", wall_seconds=wall)
        return Outcome(json.loads(out.read_text(encoding="utf-8")), wall_seconds=wall)


def _error_line(stderr: str) -> str:
    """The line of a child's stderr that names its error (not a stack frame)."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    named = [line for line in lines if "Error" in line or "Exception" in line]
    return (named or lines or ["no message"])[-1][:300]


def available(module: str) -> bool:
    """Whether a graphdyn module exists yet (steps of unfinished parts say so instead)."""
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


# -- results --------------------------------------------------------------------------------


@dataclass
class Row:
    """One line of the ladder table."""

    rung: str
    step: str
    outcome: Outcome | None
    baseline_name: str = ""
    baseline: Outcome | None = None
    target: str = ""
    check: Callable[[Row], bool | None] | None = None
    note: str = ""

    @property
    def seconds(self) -> float | None:
        return (
            None if self.outcome is None or not self.outcome.ok else self.outcome.result["seconds"]
        )

    @property
    def ratio(self) -> float | None:
        if self.baseline is None or not self.baseline.ok or self.seconds is None:
            return None
        base: float = self.baseline.result["seconds"]
        return self.seconds / base if base > 0 else None

    def verdict(self) -> str:
        if self.check is None or self.seconds is None:
            return ""
        passed = self.check(self)
        return "" if passed is None else ("pass" if passed else "**FAIL**")


def _number(value: float | None, digits: int = 2) -> str:
    return "" if value is None else f"{value:,.{digits}f}"


def _rss(outcome: Outcome | None) -> str:
    if outcome is None or not outcome.ok or "peak_rss_bytes" not in outcome.result:
        return ""
    return f"{outcome.result['peak_rss_bytes'] / GB:.2f} GB"


def ladder_table(rows: Sequence[Row]) -> list[str]:
    lines = [
        "| rung | step | wall s | CPU s | peak RSS | vs | ratio | target | verdict | note |",
        "|---|---|---:|---:|---:|---|---:|---|---|---|",
    ]
    for row in rows:
        outcome = row.outcome
        if outcome is None or not outcome.ok:
            problem = "not run" if outcome is None else outcome.problem
            note = "; ".join(part for part in (problem, row.note) if part)
            lines.append(
                f"| {row.rung} | {row.step} | | | | {row.baseline_name} | | {row.target} | | "
                f"{note} |"
            )
            continue
        cpu = outcome.result.get("cpu_seconds")
        ratio = row.ratio
        lines.append(
            f"| {row.rung} | {row.step} | {_number(row.seconds)} | {_number(cpu)} | "
            f"{_rss(outcome)} | {row.baseline_name} | "
            f"{'' if ratio is None else f'{ratio:.2f}x'} | {row.target} | {row.verdict()} | "
            f"{row.note} |"
        )
    return lines


def phase_lines(rows: Sequence[Row]) -> list[str]:
    lines = []
    for row in rows:
        if row.outcome is None or not row.outcome.ok:
            continue
        phases = row.outcome.result.get("phases") or {}
        if phases:
            text = ", ".join(f"{name} {seconds:.2f}" for name, seconds in phases.items())
            lines.append(f"- {row.rung} {row.step}: {text}")
    return lines


# -- steps per rung -------------------------------------------------------------------------


def prepare(rung: Rung, fmt: str = "parquet") -> tuple[Path, Outcome | None]:
    """Return the rung's data folder, generating it first if it is not cached.

    The outcome is the generation's, None if the folder was cached. ``fmt="csv"``: the same
    data as CSV files, in a folder of its own (the explain step). The generator writes the
    folder whole or not at all, so a folder that exists is complete.
    """
    from graphdyn.data.generate import GENERATOR_VERSION

    folder = rung.folder(GENERATOR_VERSION)
    if fmt == "csv":
        folder = folder.with_name(f"{folder.name}-csv")
    if (folder / f"interactions.{fmt}").is_file() or (folder / "interactions").is_dir():
        log(f"{rung.name}: data cached ({folder.name})")
        return folder, None
    DATA.mkdir(parents=True, exist_ok=True)
    params = {
        "folder": str(folder),
        "customers": rung.customers,
        "staff": rung.staff,
        "products": rung.products,
        "interactions": rung.interactions,
        "fmt": fmt,
        "partitioned": rung.partitioned and fmt == "parquet",
    }
    log(f"{rung.name}: generating {folder.name} ...")
    outcome = run_child("generate", params)
    if not outcome.ok:
        raise SystemExit(f"generating {rung.name} failed: {outcome.problem}")
    result = outcome.result
    log(
        f"{rung.name}: generated in {result['seconds']:.1f} s, "
        f"{result['peak_rss_bytes'] / GB:.2f} GB peak"
    )
    return folder, outcome


def generation_row(rung: Rung, outcome: Outcome, fmt: str = "Parquet") -> Row:
    """The ladder line of a rung generated in this run (a cached rung has none)."""
    result = outcome.result
    layout = f"{fmt}, {result['parts']} parts" if result.get("parts") else fmt
    blocks = result["blocks"]
    drawn = "one block" if blocks == 1 else f"{blocks} blocks of ~{rung.interactions // blocks:,}"
    note = f"{drawn}; {result['bytes'] / 1e6:,.0f} MB on disk"
    return Row(rung.name, f"generate ({layout})", outcome, note=note)


def skipped(rung: Rung, step: str, label: str) -> Row | None:
    """A line saying why the rung skips ``step`` (None if it runs it); the reason is printed."""
    reason = rung.skip.get(step)
    if reason is None:
        return None
    log(f"{rung.name}: {step} skipped: {reason}")
    return Row(rung.name, label, Outcome(problem=f"skipped: {reason}"))


def run_rung(rung: Rung, only: set[str], options: argparse.Namespace) -> list[Row]:
    folder, generated = prepare(rung)
    rows: list[Row] = [] if generated is None else [generation_row(rung, generated)]
    params = {"folder": str(folder)}
    base: Outcome | None = None
    if only & {"baseline", "ties", "audit"}:
        base = timed(rung, "baseline", params, options.repeat)
        found = f"{base.result['ties']:,} ties" if base.ok else ""
        rows.append(Row(rung.name, "DuckDB aggregate (baseline)", base, note=found))
    if "scan" in only:
        scan = timed(rung, "scan", params, options.repeat)
        rows.append(Row(rung.name, "scan (pyarrow.dataset, count per channel)", scan))
        rows[-1].note = _scan_note(rung, scan)
    labels = {
        "ties": "tie table (read + relationships)",
        "audit": "full audit (+ write)",
        "explain": "explain",
        "centrality": "centrality",
        "neo4j": "Neo4j load",
    }
    for step in sorted(only & set(rung.skip), key=STEPS.index):
        row = skipped(rung, step, labels[step])
        if row is not None:
            rows.append(row)
    only = only - set(rung.skip)
    if "ties" in only:
        ties = timed(rung, "ties", params, options.repeat)
        row = Row(
            rung.name,
            "tie table (read + relationships)",
            ties,
            "DuckDB",
            base,
            "<= 1.5x",
            lambda r: None if r.ratio is None else r.ratio <= 1.5,
        )
        row.note = _tie_count_note(ties, base)
        rows.append(row)
    if "ties-spark" in only and "ties" in only and rung.interactions <= 10_000_000:
        # Spark local[2] against the same tie table on DuckDB: the JVM's start (the phase
        # "session"), Spark's task and shuffle overhead on 2 cores (4 shuffle partitions);
        # given 10 minutes a rung.
        on_spark = timed(rung, "ties-spark", params, options.repeat, timeout=600)
        rows.append(
            Row(rung.name, "tie table on Spark local[2]", on_spark, "tie table (DuckDB)", ties)
        )
    if "audit" in only:
        audited = timed(rung, "audit", params, options.repeat)
        rows.append(
            Row(
                rung.name,
                "full audit (+ write)",
                audited,
                "DuckDB",
                base,
                "<= 6x, RSS <= 4 GB" if rung.name == "10M" else "(10M: <= 6x, RSS <= 4 GB)",
                _audit_check if rung.name == "10M" else None,
            )
        )
    if "explain" in only:
        rows.extend(explain_rows(rung, folder, options))
    if "centrality" in only:
        rows.extend(centrality_rows(rung, params, options))
    if "neo4j" in only:
        rows.extend(neo4j_rows(rung, params, options))
    return rows


def _scan_note(rung: Rung, scan: Outcome) -> str:
    if not scan.ok:
        return ""
    counted, files = scan.result["interactions"], scan.result["files"]
    where = f"{files} files" if files > 1 else "1 file"
    if counted == rung.interactions:
        return f"{counted:,} interactions in {where}, as generated"
    return f"**{counted:,} interactions in {where}, {rung.interactions:,} generated**"


def _audit_check(row: Row) -> bool | None:
    ratio, outcome = row.ratio, row.outcome
    if ratio is None or outcome is None:
        return None
    return ratio <= 6 and outcome.result["peak_rss_bytes"] <= 4 * GB


def _tie_count_note(ties: Outcome, base: Outcome | None) -> str:
    if not ties.ok or base is None or not base.ok:
        return ""
    ours, theirs = ties.result["ties"], base.result["ties"]
    if ours == theirs:
        return f"{ours:,} ties, as DuckDB's"
    return f"**{ours:,} ties, DuckDB {theirs:,}**"


def explain_rows(rung: Rung, folder: Path, options: argparse.Namespace) -> list[Row]:
    """``graphdyn.explain`` from the data (Parquet and CSV) and from an audit folder.

    The baseline is ``read_data`` of the same folder: reading and checking it, which a full
    audit does before anything else (a full audit, and the explanation it gives, takes the
    audit step's time).
    """
    csv_folder, generated = prepare(rung, "csv")
    target = "< 1 s" if rung.name == "1M" else "(1M: < 1 s)"

    def under_a_second(row: Row) -> bool | None:
        return None if row.seconds is None or rung.name != "1M" else row.seconds < 1

    rows: list[Row] = [] if generated is None else [generation_row(rung, generated, "CSV")]
    reads: dict[str, Outcome] = {}
    for fmt, where in (("Parquet", folder), ("CSV", csv_folder)):
        params = {"folder": str(where)}
        reads[fmt] = timed(rung, "read", params, options.repeat)
        data = timed(rung, "explain", {**params, "source": "data"}, options.repeat)
        rows.append(Row(rung.name, f"read_data, {fmt} (explain baseline)", reads[fmt]))
        rows.append(
            Row(
                rung.name,
                f"explain from data, {fmt}",
                data,
                "read_data",
                reads[fmt],
                target,
                under_a_second,
                _explain_note(data),
            )
        )
    saved = timed(rung, "explain", {"folder": str(folder), "source": "audit"}, options.repeat)
    rows.append(
        Row(
            rung.name,
            "explain from the audit folder",
            saved,
            "read_data",
            reads["Parquet"],
            target,
            under_a_second,
            _explain_note(saved),
        )
    )
    return rows


def _explain_note(outcome: Outcome) -> str:
    if not outcome.ok:
        return ""
    result = outcome.result
    return (
        f"{result['customer']}–{result['staff']} ({result['customer_interactions']:,} "
        f"interactions of the customer); second call {result['second_call_seconds']:.2f} s; "
        f"`graphdyn explain` {result['cli_seconds']:.2f} s"
    )


def centrality_rows(rung: Rung, params: dict[str, Any], options: argparse.Namespace) -> list[Row]:
    if not available("graphdyn.model.centrality"):
        return [
            Row(
                rung.name,
                "centrality",
                None,
                note="not available yet: no graphdyn.model.centrality",
            )
        ]
    ours = timed(rung, "centrality", params, options.repeat)
    igraph = timed(rung, "centrality-igraph", params, options.repeat)
    # NetworkX runs once: it is the slow reference, not a measure to pin down.
    networkx = timed(rung, "centrality-networkx", params, 1, options.networkx_timeout)
    size = ""
    if ours.ok:
        k = ours.result.get("k")
        size = f"{ours.result['nodes']:,} nodes, {ours.result['edges']:,} edges; betweenness " + (
            "exact" if k is None else f"from {k} pivots"
        )
    return [
        Row(
            rung.name,
            "igraph, same measures (baseline)",
            igraph,
            note="no effective size in igraph",
        ),
        Row(
            rung.name,
            "centrality (node_centrality)",
            ours,
            "igraph",
            igraph,
            "<= 2x",
            lambda r: None if r.ratio is None else r.ratio <= 2,
            size,
        ),
        Row(rung.name, "centrality in NetworkX", networkx, "igraph", igraph),
    ]


def neo4j_rows(rung: Rung, params: dict[str, Any], options: argparse.Namespace) -> list[Row]:
    if not available("graphdyn.neo4j.load"):
        return [
            Row(rung.name, "Neo4j load", None, note="not available yet: no graphdyn.neo4j.load")
        ]
    memory = {"heap": options.neo4j_heap}
    bulk = timed(rung, "neo4j-import", {**params, **memory, "home": str(DATA / "neo4j-import")}, 1)
    memory["pagecache"] = options.neo4j_pagecache
    home = DATA / "neo4j-bolt"
    bolt = timed(
        rung, "neo4j-bolt", {**params, **memory, "home": str(home)}, 1, options.neo4j_timeout
    )
    if not bolt.ok and home.exists():
        # A step stopped on its time limit leaves its server running: stop it, drop the data.
        from graphdyn.neo4j import server

        server.stop(home)
        shutil.rmtree(home)
        bolt.problem = (
            f"{bolt.problem} (< {rung.interactions / options.neo4j_timeout:,.0f} interactions/s)"
        )
    return [
        Row(rung.name, "neo4j-admin import (baseline)", bulk, note=_rate(bulk)),
        Row(
            rung.name,
            "Neo4j load over Bolt",
            bolt,
            "neo4j-admin",
            bulk,
            ">= 50k interactions/s",
            lambda r: None if r.outcome is None else r.outcome.result["rows_per_second"] >= 50_000,
            _rate(bolt) + "; client RSS only",
        ),
    ]


def _rate(outcome: Outcome) -> str:
    if not outcome.ok:
        return ""
    return f"{outcome.result['rows_per_second']:,.0f} interactions/s"


def timed(
    rung: Rung, step: str, params: dict[str, Any], repeat: int, timeout: float | None = None
) -> Outcome:
    """Run a step ``repeat`` times, each in a fresh process; keep the run of median wall time."""
    log(f"{rung.name}: {step} ...")
    runs = [run_child(step, params, timeout) for _ in range(max(1, repeat))]
    failed = [run for run in runs if not run.ok]
    if failed:
        outcome = failed[0]
    else:
        runs.sort(key=lambda run: float(run.result["seconds"]))
        outcome = runs[(len(runs) - 1) // 2]
        outcome.result["runs"] = [run.result["seconds"] for run in runs]
    if outcome.ok:
        result = outcome.result
        log(
            f"{rung.name}: {step} {result['seconds']:.2f} s wall, "
            f"{result['cpu_seconds']:.2f} s CPU, {result['peak_rss_bytes'] / GB:.2f} GB peak"
        )
    else:
        log(f"{rung.name}: {step} {outcome.problem}")
    return outcome


# -- view and demo --------------------------------------------------------------------------


def view_lines(options: argparse.Namespace) -> list[str]:
    chromium = os.environ.get("GRAPHDYN_CHROMIUM", "/usr/bin/chromium")
    header = [
        "| nodes | edges | page | build in Python s | ready in Chromium s | target | verdict |",
        "|---:|---:|---:|---:|---:|---|---|",
    ]
    if not Path(chromium).exists():
        return [f"Not run: {chromium} not found (scripts/install-chromium)."]
    folder, _ = prepare(RUNGS[VIEW_RUNG])
    log(f"view: pages of {', '.join(map(str, VIEW_NODES))} nodes ...")
    outcome = run_child(
        "view",
        {
            "folder": str(folder),
            "nodes": list(VIEW_NODES),
            "repeat": options.repeat_view,
            "chromium": chromium,
        },
    )
    if not outcome.ok:
        return [f"Not run: {outcome.problem}"]
    lines = list(header)
    for page in outcome.result["pages"]:
        target = "<= 2 s" if page["nodes"] == 3_000 else ""
        verdict = ("pass" if page["ready_seconds"] <= 2 else "**FAIL**") if target else ""
        lines.append(
            f"| {page['nodes']:,} | {page['edges']:,} | {page['html_bytes'] / 1e6:.1f} MB | "
            f"{page['render_seconds']:.2f} | {page['ready_seconds']:.2f} | {target} | {verdict} |"
        )
        log(f"view: {page['nodes']} nodes ready in {page['ready_seconds']:.2f} s")
    lines.append("")
    lines.append(
        f"Views of the {VIEW_RUNG} rung's audit graph pruned to the node count (`max_nodes`); "
        f"ready = `window.graphdynReadyMs` (from navigation start), median of "
        f"{options.repeat_view} loads, each in a fresh browser context."
    )
    return lines


def demo_lines() -> list[str]:
    """Time ``scripts/setup`` and ``graphdyn demo`` in a fresh clone of this repository."""
    with tempfile.TemporaryDirectory() as scratch:
        clone = Path(scratch) / "graphdyn"
        subprocess.run(["git", "clone", "--quiet", str(REPO), str(clone)], check=True)
        timings: dict[str, float] = {}
        for name, command in (
            ("scripts/setup", ["scripts/setup"]),
            ("graphdyn demo", [".venv/bin/graphdyn", "demo", "--force"]),
        ):
            log(f"demo: {name} ...")
            started = time.perf_counter()
            done = subprocess.run(command, cwd=clone, capture_output=True, text=True, check=False)
            timings[name] = time.perf_counter() - started
            if done.returncode != 0:
                return [f"`{name}` failed in a fresh clone: {done.stderr.strip()[-300:]}"]
            log(f"demo: {name} {timings[name]:.1f} s")
    demo = timings["graphdyn demo"]
    return [
        "| command | wall s | target | verdict |",
        "|---|---:|---|---|",
        f"| scripts/setup (venv + pip install) | {timings['scripts/setup']:.1f} | | |",
        f"| graphdyn demo (first run) | {demo:.1f} | <= 30 s | "
        f"{'pass' if demo <= 30 else '**FAIL**'} |",
        "",
        "In a fresh `git clone` of the committed HEAD; pip may use its local cache.",
    ]


# -- main -----------------------------------------------------------------------------------


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def machine_lines(started: str, load_before: float) -> list[str]:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    versions = []
    for name in ("numpy", "pandas", "pyarrow", "networkx", "igraph", "duckdb"):
        try:
            versions.append(f"{name} {__import__(name).__version__}")
        except ImportError:
            versions.append(f"{name} missing")
    return [
        f"- Run: {started} UTC, commit {commit}"
        + (" plus uncommitted changes in the work tree" if dirty else ""),
        f"- Machine: {os.cpu_count()} cores, {memory:.0f} GiB, Python {platform.python_version()}; "
        + ", ".join(versions),
        f"- Load average (1 min) at start {load_before:.2f}, at end {os.getloadavg()[0]:.2f}: "
        "other work on the machine slows wall times; ratios are taken within the same run.",
    ]


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="benchmarks/run", description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument(
        "--rungs", default=",".join(RUNGS), help=f"comma-separated subset of {', '.join(RUNGS)}"
    )
    parser.add_argument(
        "--only",
        default=",".join(STEPS),
        help=f"comma-separated subset of {', '.join(STEPS)} (empty: none, e.g. with --demo)",
    )
    parser.add_argument("--demo", action="store_true", help="also time the demo in a fresh clone")
    parser.add_argument(
        "--networkx-timeout", type=float, default=600.0, help="seconds NetworkX may take per rung"
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs per step, each in a fresh process (median)"
    )
    parser.add_argument(
        "--neo4j-timeout", type=float, default=1200.0, help="seconds the Bolt load may take"
    )
    parser.add_argument("--neo4j-heap", default="2g", help="Neo4j heap (server and import)")
    parser.add_argument("--neo4j-pagecache", default="2g", help="Neo4j page cache (server)")
    parser.add_argument("--repeat-view", type=int, default=3, help="page loads per view size")
    parser.add_argument("--out", type=Path, default=LATEST, help="where to write the Markdown")
    options = parser.parse_args(argv)
    for name, attribute, allowed in (("--rungs", "rungs", RUNGS), ("--only", "only", STEPS)):
        chosen = [value for value in getattr(options, attribute).split(",") if value]
        unknown = [value for value in chosen if value not in allowed]
        if unknown:
            parser.error(f"{name}: unknown {', '.join(unknown)} (choose from {', '.join(allowed)})")
        setattr(options, attribute, chosen)
    return options


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_args(argv)
    started = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M")
    load_before = os.getloadavg()[0]
    only = set(options.only)
    rungs = [RUNGS[name] for name in options.rungs] if only - {"view"} else []
    rows: list[Row] = []
    for rung in rungs:
        rows.extend(run_rung(rung, only, options))
    sections = ["# graphdyn benchmarks", ""]
    if rows:
        sections += ["## Ladder", "", *ladder_table(rows), ""]
        phases = phase_lines(rows)
        if phases:
            sections += ["Phases (wall seconds):", "", *phases, ""]
    if "view" in only:
        sections += ["## Network view", "", *view_lines(options), ""]
    if options.demo:
        sections += ["## Demo on a fresh install", "", *demo_lines(), ""]
    sections += [
        "## Setup",
        "",
        *machine_lines(started, load_before),
        *data_lines(rungs, options.repeat),
        "",
    ]
    text = "\n".join(sections)
    options.out.parent.mkdir(parents=True, exist_ok=True)
    options.out.write_text(text, encoding="utf-8")
    print(text)
    log(f"written to {options.out}")
    return 0


def data_lines(rungs: Sequence[Rung], repeat: int) -> list[str]:
    lines = []
    for rung in rungs:
        layout = "a folder of Parquet parts" if rung.partitioned else "Parquet"
        lines.append(
            f"- {rung.name}: {rung.interactions:,} interactions, {rung.customers:,} customers, "
            f"{rung.staff:,} staff, {rung.products:,} products (graphdyn.data.generate, seed 0, "
            f"{layout})"
        )
    if not rungs:
        return lines
    lines.append(
        "- Each step runs in a fresh process: wall and CPU seconds of its measured part, peak "
        "RSS = the process's VmHWM. The DuckDB baseline runs on all cores (2 threads here)."
    )
    if repeat > 1:
        lines.append(
            f"- Each ladder step ran {repeat} times (NetworkX and Neo4j once); the run of median "
            "wall time is shown."
        )
    return lines


if __name__ == "__main__":
    sys.exit(main())
