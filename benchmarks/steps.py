"""The measured work of each benchmark step, run in a fresh process by :mod:`benchmarks.harness`.

``python -m benchmarks.steps STEP PARAMS_JSON OUT_JSON`` runs one step and writes what it
measured to OUT_JSON: ``seconds`` (wall) and ``cpu_seconds`` (user + system, all threads) of
the measured part, ``peak_rss_bytes`` (the process's VmHWM when the measured part ended), and
step-specific details. Setup that is not part of a step's measure (loading a cached graph,
converting it for igraph) happens before the clock starts, but does count in the peak RSS.
"""

from __future__ import annotations

import json
import pickle
import random
import re
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

__all__ = ["AUDIT_CACHE", "GRAPH_CACHE", "STEPS", "main", "peak_rss_bytes"]

#: The audit graph of a rung, pickled next to its data by the audit step (our own cache file).
GRAPH_CACHE = "graph.pickle"

Result = dict[str, Any]


def peak_rss_bytes() -> int:
    """Return this process's peak resident set size so far (VmHWM), in bytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


@dataclass
class Clock:
    """Wall and CPU seconds of a block, and the peak RSS when it ended."""

    seconds: float = 0.0
    cpu_seconds: float = 0.0
    peak_rss_bytes: int = 0
    phases: dict[str, float] = field(default_factory=dict)

    def result(self, **details: Any) -> Result:
        return {
            "seconds": self.seconds,
            "cpu_seconds": self.cpu_seconds,
            "peak_rss_bytes": self.peak_rss_bytes,
            "phases": self.phases,
            **details,
        }


def cpu_seconds() -> float:
    """User + system CPU of this process (all threads) and of its finished child processes."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


@contextmanager
def measured() -> Iterator[Clock]:
    clock = Clock()
    wall, cpu = time.perf_counter(), cpu_seconds()
    yield clock
    clock.seconds = time.perf_counter() - wall
    clock.cpu_seconds = cpu_seconds() - cpu
    clock.peak_rss_bytes = peak_rss_bytes()


@contextmanager
def phase(clock: Clock, name: str) -> Iterator[None]:
    started = time.perf_counter()
    yield
    clock.phases[name] = time.perf_counter() - started


# -- data -----------------------------------------------------------------------------------


def generate(
    folder: str,
    customers: int,
    staff: int,
    products: int,
    interactions: int,
    fmt: str = "parquet",
    partitioned: bool = False,
) -> Result:
    """Generate a rung's data folder; 100M is drawn in blocks, each written as it is drawn."""
    from graphdyn.data.generate import generate as write_data

    with measured() as clock:
        written = write_data(
            folder,
            customers=customers,
            staff=staff,
            products=products,
            interactions=interactions,
            fmt="csv" if fmt == "csv" else "parquet",
            partitioned=partitioned,
        )
    parts = Path(folder) / "interactions"
    return clock.result(
        blocks=written.blocks,
        parts=len(list(parts.glob("*.parquet"))) if parts.is_dir() else None,
        bytes=sum(path.stat().st_size for path in Path(folder).rglob("*") if path.is_file()),
    )


def interactions_source(folder: str) -> str:
    """The interactions of a rung as DuckDB and pyarrow read them: the file, or a glob of parts."""
    parts = Path(folder) / "interactions"
    if parts.is_dir():
        return str(parts / "*.parquet")
    return str(Path(folder) / "interactions.parquet")


def scan(folder: str) -> Result:
    """One streaming pass over the interactions with pyarrow.dataset: counts per channel.

    Two columns are read, batch by batch, so memory stays that of a batch whatever the size:
    the least any reader of the rung pays (no DuckDB, no pandas).
    """
    import pyarrow.compute as pc
    import pyarrow.dataset as pads

    parts = Path(folder) / "interactions"
    source = parts if parts.is_dir() else Path(folder) / "interactions.parquet"
    with measured() as clock:
        dataset = pads.dataset(source, format="parquet")
        rows = 0
        channels: dict[str, int] = {}
        for batch in dataset.to_batches(columns=["channel"]):
            rows += batch.num_rows
            for item in pc.value_counts(batch.column("channel")).to_pylist():
                channels[item["values"]] = channels.get(item["values"], 0) + item["counts"]
    return clock.result(interactions=rows, channels=channels, files=len(dataset.files))


# -- tie table ------------------------------------------------------------------------------

# The tie table's aggregate work in one statement: per customer-staff pair, the count, the
# decayed channel-weighted intensity, first and last contact, decayed inbound and outbound
# counts, the decayed sentiment weight and sum, and the decayed value sum and value count,
# as of the latest event. (graphdyn also evaluates them at the trend date and 12 monthly
# snapshots, and derives components, rhythms, status and trend from them.)
BASELINE_SQL = """
WITH richness(channel, richness) AS (SELECT * FROM (VALUES {richness})),
as_of AS (SELECT max("timestamp") AS t FROM read_parquet($path)),
events AS (
    SELECT i.customer_id, i.staff_id, i."timestamp" AS ts, i.direction, i.sentiment,
           i."value", r.richness,
           pow(2.0, -(epoch_us(as_of.t) - epoch_us(i."timestamp")) / (86400e6 * $half_life)) AS w
    FROM read_parquet($path) AS i
    JOIN richness AS r ON r.channel = i.channel
    CROSS JOIN as_of
    WHERE i.staff_id IS NOT NULL
)
SELECT customer_id, staff_id,
       count(*) AS n_interactions,
       sum(richness * w) AS intensity,
       min(ts) AS first_contact,
       max(ts) AS last_contact,
       coalesce(sum(w) FILTER (WHERE direction = 'inbound'), 0) AS inbound,
       coalesce(sum(w) FILTER (WHERE direction = 'outbound'), 0) AS outbound,
       coalesce(sum(w) FILTER (WHERE sentiment IS NOT NULL), 0) AS sentiment_weight,
       coalesce(sum(w * sentiment), 0) AS sentiment_sum,
       coalesce(sum(w * "value"), 0) AS value_sum,
       count("value") AS value_count
FROM events
GROUP BY customer_id, staff_id
"""


def baseline(folder: str) -> Result:
    import duckdb

    from graphdyn.config import Config

    config = Config()
    richness = ", ".join(
        f"('{channel}', {weight!r})" for channel, weight in sorted(config.channel_richness.items())
    )
    sql = BASELINE_SQL.format(richness=richness)
    path = interactions_source(folder)
    connection = duckdb.connect()
    with measured() as clock:
        table = connection.sql(
            sql, params={"path": path, "half_life": config.half_life_days}
        ).to_arrow_table()
    threads = connection.execute("SELECT current_setting('threads')").fetchone()
    return clock.result(ties=table.num_rows, threads=None if threads is None else threads[0])


def ties(folder: str) -> Result:
    from graphdyn.config import Config
    from graphdyn.engine.backend import connect
    from graphdyn.ingest import read_data
    from graphdyn.model.relationships import relationships

    config = Config()
    with measured() as clock:
        with phase(clock, "read"):
            data = read_data(folder)
        with phase(clock, "relationships"), connect(config.engine) as backend:
            as_of = data.latest()
            interactions = data.until(as_of).interactions_table(backend)
            result = relationships(backend, interactions, as_of, config)
    return clock.result(ties=len(result.ties))


def ties_spark(folder: str, master: str = "local[2]") -> Result:
    """The tie table on Spark: the session, Spark reading the Parquet itself, relationships.

    ``spark.sql.shuffle.partitions`` is graphdyn's local default, twice the local threads (4
    for local[2]), not Spark's 200; the phases show the JVM's start apart from the queries.
    """
    import pandas as pd

    from graphdyn.config import Config, EngineSettings
    from graphdyn.engine.backend import connect
    from graphdyn.engine.events import INTERACTION_COLUMNS
    from graphdyn.engine.spark import read_files
    from graphdyn.model.relationships import relationships

    config = Config(engine=EngineSettings(engine="spark", spark_master=master))
    parts = Path(folder) / "interactions"
    source = parts if parts.is_dir() else Path(folder) / "interactions.parquet"
    with measured() as clock:
        started = time.perf_counter()
        with connect(config.engine) as backend:
            clock.phases["session"] = time.perf_counter() - started
            with phase(clock, "relationships"):
                interactions = read_files(backend, source).select(*INTERACTION_COLUMNS)
                latest = pd.Timestamp(backend.to_pyarrow(interactions.timestamp.max()).as_py())
                as_of = latest if latest.tz else latest.tz_localize("UTC")  # Spark's are UTC
                result = relationships(backend, interactions, as_of, config)
    return clock.result(ties=len(result.ties), master=master)


def full_audit(folder: str) -> Result:
    from graphdyn.audits.run import audit
    from graphdyn.folder import write_audit_folder

    with tempfile.TemporaryDirectory() as scratch:
        with measured() as clock:
            result = audit(folder)
            with phase(clock, "write"):
                write_audit_folder(result, Path(scratch) / "audit")
        clock.phases = {**result.summary.get("timings_seconds", {}), **clock.phases}
    graph = result.graph
    with (Path(folder) / GRAPH_CACHE).open("wb") as stream:
        pickle.dump(graph, stream, protocol=pickle.HIGHEST_PROTOCOL)
    return clock.result(
        ties=len(result.ties), nodes=graph.number_of_nodes(), edges=graph.number_of_edges()
    )


# -- explain --------------------------------------------------------------------------------

#: Where the explain step keeps an audit folder of the rung (inside the rung's data folder).
AUDIT_CACHE = "audit"


def read_only(folder: str) -> Result:
    """``read_data`` alone: scanning and checking the folder, the floor of any full audit."""
    from graphdyn.ingest import read_data

    with measured() as clock:
        data = read_data(folder)
    return clock.result(interactions=data.summary()["interactions"])


def busiest_tie(folder: str) -> tuple[str, str, int]:
    """The customer with the most interactions, its busiest staff member, and its count."""
    import pyarrow.compute as pc

    from graphdyn.data.contract import INTERACTIONS
    from graphdyn.data.files import find_table_file, load_raw_table

    file = find_table_file(Path(folder), INTERACTIONS)
    if file is None:
        raise FileNotFoundError(f"no interactions table in {folder}")
    table = load_raw_table(file).table.select(["customer_id", "staff_id"])
    counts = pc.value_counts(table.column("customer_id")).to_pylist()
    top = max(counts, key=lambda item: (item["counts"], item["values"]))
    mine = table.filter(pc.equal(table.column("customer_id"), top["values"]))
    staff = [
        item
        for item in pc.value_counts(mine.column("staff_id")).to_pylist()
        if item["values"] not in (None, "")
    ]
    busiest = max(staff, key=lambda item: (item["counts"], item["values"]))
    return str(top["values"]), str(busiest["values"]), int(top["counts"])


def explain(folder: str, source: str) -> Result:
    """``graphdyn.explain`` of the busiest customer's busiest tie, in a fresh process.

    ``source`` is ``data`` (the rung's folder itself) or ``audit`` (an audit folder of it,
    written before the clock if not cached). The measured call is the first of the process,
    as the command line's is; a second call and the ``graphdyn explain`` command (a process of
    its own, Python start-up and imports included) are timed after it.
    """
    import subprocess

    import graphdyn

    customer, staff, count = busiest_tie(folder)
    target = Path(folder)
    if source == "audit":
        target = target / AUDIT_CACHE
        if not (target / "summary.json").is_file():
            graphdyn.write_audit_folder(graphdyn.audit(folder), target, force=True)
    with measured() as clock:
        explanation = graphdyn.explain(target, customer, staff)
    started = time.perf_counter()
    graphdyn.explain(target, customer, staff)
    second = time.perf_counter() - started
    command = [str(Path(sys.executable).parent / "graphdyn"), "explain", str(target)]
    started = time.perf_counter()
    subprocess.run(
        [*command, "--customer", customer, "--staff", staff],
        check=True,
        capture_output=True,
    )
    cli = time.perf_counter() - started
    return clock.result(
        customer=customer,
        staff=staff,
        customer_interactions=count,
        events=len(explanation.events),
        notes=list(explanation.notes),
        second_call_seconds=second,
        cli_seconds=cli,
    )


# -- centrality -----------------------------------------------------------------------------


def audit_graph(folder: str) -> nx.Graph[str]:
    """The rung's audit graph: from the audit step's cache, else audited now (and cached)."""
    cache = Path(folder) / GRAPH_CACHE
    if not cache.is_file():
        from graphdyn.audits.run import audit

        graph = audit(folder).graph
        with cache.open("wb") as stream:
            pickle.dump(graph, stream, protocol=pickle.HIGHEST_PROTOCOL)
        return graph
    with cache.open("rb") as stream:
        loaded: nx.Graph[str] = pickle.load(stream)  # noqa: S301 (written by this harness)
    return loaded


def pivots(graph: nx.Graph[str]) -> tuple[list[str] | None, int | None]:
    """The betweenness sources graphdyn uses: all nodes, or the pivots its budget allows."""
    from graphdyn.config import Config
    from graphdyn.model.centrality import betweenness_pivots

    config = Config()
    k = betweenness_pivots(
        graph.number_of_nodes(),
        graph.number_of_edges(),
        config.betweenness_budget,
        config.betweenness_k,
    )
    if k is None:
        return None, None
    sample = random.Random(config.seed).sample(list(graph), k)  # noqa: S311
    return sample, config.seed


def centrality(folder: str) -> Result:
    from graphdyn.config import Config
    from graphdyn.model.centrality import node_centrality

    graph = audit_graph(folder)
    with measured() as clock:
        result = node_centrality(graph, Config())
    return clock.result(
        nodes=graph.number_of_nodes(), edges=graph.number_of_edges(), k=result.k, exact=result.exact
    )


def centrality_igraph(folder: str) -> Result:
    """The same measures in python-igraph, given the graph in igraph's own form.

    Betweenness from the same sources on distance 1 / weight, PageRank (PRPACK) and Burt's
    constraint; igraph has no effective size (graphdyn's time includes it).
    """
    import igraph as ig

    graph = audit_graph(folder)
    names = list(graph)
    index = {name: i for i, name in enumerate(names)}
    edges = [(index[u], index[v]) for u, v in graph.edges]
    weights = [float(w) for _, _, w in graph.edges(data="weight", default=1.0)]
    g = ig.Graph(n=len(names), edges=edges, directed=False)
    g.es["weight"] = weights
    g.es["distance"] = [1.0 / w if w > 0 else float("inf") for w in weights]
    sources, _ = pivots(graph)
    source_ids = None if sources is None else [index[s] for s in sources]
    with measured() as clock:
        with phase(clock, "betweenness"):
            g.betweenness(directed=False, weights="distance", sources=source_ids)
        with phase(clock, "pagerank"):
            g.pagerank(directed=False, damping=0.85, weights="weight", implementation="prpack")
        with phase(clock, "constraint"):
            g.constraint(weights="weight")
    return clock.result(
        nodes=len(names), edges=len(edges), k=None if sources is None else len(sources)
    )


def centrality_networkx(folder: str) -> Result:
    """The same measures in plain NetworkX (the harness stops it after its time limit)."""
    graph = audit_graph(folder)
    for _, _, attributes in graph.edges(data=True):
        weight = float(attributes.get("weight", 1.0))
        attributes["distance"] = 1.0 / weight if weight > 0 else float("inf")
    sources, seed = pivots(graph)
    k = None if sources is None else len(sources)
    with measured() as clock:
        with phase(clock, "betweenness"):
            nx.betweenness_centrality(graph, k=k, weight="distance", seed=seed)
        with phase(clock, "pagerank"):
            nx.pagerank(graph, alpha=0.85, weight="weight")
        with phase(clock, "constraint"):
            nx.constraint(graph, weight="weight")
        with phase(clock, "effective_size"):
            nx.effective_size(graph, weight="weight")
    return clock.result(nodes=graph.number_of_nodes(), edges=graph.number_of_edges(), k=k)


# -- Neo4j ----------------------------------------------------------------------------------


def _fresh_home(home: Path) -> None:
    """Stop a server this harness left in ``home`` and delete the home (its database too)."""
    from graphdyn.neo4j import server

    if home.exists():
        server.stop(home)
        shutil.rmtree(home)


def neo4j_bolt(folder: str, home: str, heap: str, pagecache: str, writers: int = 1) -> Result:
    """``graphdyn.neo4j.load.load_data`` over Bolt into an empty database.

    The data is read and validated before the clock starts; the load includes the schema.
    Peak RSS is the Python client's (the server is a separate JVM with ``heap``); the server's
    CPU seconds over the load (every thread of its process group: Bolt workers, JIT compiler,
    GC) are reported apart as ``server_cpu_seconds``.
    """
    from graphdyn.ingest import read_data
    from graphdyn.neo4j import server
    from graphdyn.neo4j.connection import open_runner
    from graphdyn.neo4j.load import load_data
    from graphdyn.neo4j.settings import load_settings

    path = Path(home)
    _fresh_home(path)
    data = read_data(folder)
    info = server.start(path, heap=heap, pagecache=pagecache, timeout=300.0)
    try:
        settings = load_settings(environ=server.read_connection_env(path))
        with open_runner(settings, timeout=60.0) as runner:
            server_began = _group_cpu_seconds(info.pid)
            with measured() as clock:
                summary = load_data(runner, data, writers=writers)
            server_cpu = _group_cpu_seconds(info.pid) - server_began
    finally:
        server.stop(path)
    shutil.rmtree(path)
    return clock.result(
        interactions=summary.interactions,
        rows_per_second=summary.interactions / clock.seconds,
        batches=summary.batches,
        writers=writers,
        server_cpu_seconds=server_cpu,
    )


def _group_cpu_seconds(pgid: int) -> float:
    """User + system CPU seconds of every live process in a process group (Linux /proc)."""
    import os

    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text(encoding="ascii").rpartition(")")[2].split()
        except OSError:
            continue
        # After the command name: state, ppid, pgrp, ..., utime (12th), stime (13th).
        if int(fields[2]) == pgid:
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def neo4j_import(folder: str, home: str, heap: str) -> Result:
    """``neo4j-admin database import full`` of the same data into an empty database.

    The same graph as the Bolt load (Customer, Staff, Product and Interaction nodes with their
    properties; HAD, HANDLED and ABOUT relationships) is written as neo4j-admin CSV files
    first, outside the clock (phase ``export``).
    """
    from graphdyn.ingest import read_data
    from graphdyn.neo4j import server

    path = Path(home)
    _fresh_home(path)
    data = read_data(folder)
    with tempfile.TemporaryDirectory() as scratch:
        started = time.perf_counter()
        nodes, relationships = _import_files(data, Path(scratch))
        export_seconds = time.perf_counter() - started
        args = [
            "database",
            "import",
            "full",
            "neo4j",
            "--overwrite-destination=true",
            *(f"--nodes={label}={file}" for label, file in nodes.items()),
            *(f"--relationships={kind}={file}" for kind, file in relationships.items()),
        ]
        with measured() as clock:
            done = server.admin(args, path, heap=heap)
    shutil.rmtree(path)
    clock.phases["export (not timed)"] = export_seconds
    interactions = len(data.interactions)
    imported = {
        kind: int(found.group(1)) if (found := re.search(rf"(\d+) {kind}\b", done.stdout)) else None
        for kind in ("nodes", "relationships")
    }
    return clock.result(
        interactions=interactions, rows_per_second=interactions / clock.seconds, **imported
    )


def _import_files(data: Any, folder: Path) -> tuple[dict[str, Path], dict[str, Path]]:
    """Write neo4j-admin import CSVs (header row with :ID / :START_ID / :END_ID columns)."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    events = data.interactions

    def text(series: pd.Series) -> pa.Array:
        return pa.array(series.astype("str"), from_pandas=True)

    def write(name: str, columns: dict[str, pa.Array]) -> Path:
        target = folder / f"{name}.csv"
        pacsv.write_csv(pa.table(columns), target)
        return target

    nodes: dict[str, Path] = {}
    for label, table, ids in (
        ("Customer", data.customers, data.customer_ids()),
        ("Staff", data.staff, data.staff_ids()),
        ("Product", data.products, data.product_ids()),
    ):
        key = str(ids.name)
        frame = pd.DataFrame({key: ids}).merge(table, on=key, how="left")
        columns = {f"{key}:ID({label})": text(frame[key])}
        for column in frame.columns.drop(key):
            values = frame[column]
            if pd.api.types.is_datetime64_any_dtype(values):
                columns[f"{column}:date"] = pc.strftime(pa.array(values), format="%Y-%m-%d")
            elif pd.api.types.is_float_dtype(values):
                columns[f"{column}:float"] = pa.array(values, from_pandas=True)
            else:
                columns[column] = text(values)
        nodes[label] = write(label, columns)
    nodes["Interaction"] = write(
        "Interaction",
        {
            "interaction_id:ID(Interaction)": text(events["interaction_id"]),
            "timestamp:datetime": pc.strftime(
                pa.array(events["timestamp"]), format="%Y-%m-%dT%H:%M:%SZ"
            ),
            "channel": text(events["channel"]),
            "direction": text(events["direction"]),
            "duration_minutes:float": pa.array(events["duration_minutes"], from_pandas=True),
            "sentiment:float": pa.array(events["sentiment"], from_pandas=True),
            "value:float": pa.array(events["value"], from_pandas=True),
        },
    )
    staffed = events.loc[events["staff_id"].notna()]
    about = events.loc[events["product_id"].notna()]
    relationships = {
        "HAD": write(
            "HAD",
            {
                ":START_ID(Customer)": text(events["customer_id"]),
                ":END_ID(Interaction)": text(events["interaction_id"]),
            },
        ),
        "HANDLED": write(
            "HANDLED",
            {
                ":START_ID(Staff)": text(staffed["staff_id"]),
                ":END_ID(Interaction)": text(staffed["interaction_id"]),
            },
        ),
        "ABOUT": write(
            "ABOUT",
            {
                ":START_ID(Interaction)": text(about["interaction_id"]),
                ":END_ID(Product)": text(about["product_id"]),
            },
        ),
    }
    return nodes, relationships


# -- network view ---------------------------------------------------------------------------

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def view(folder: str, nodes: list[int], repeat: int, chromium: str) -> Result:
    """Ready time of the network page in headless Chromium for each node count.

    Each page is a pruned view of the rung's audit graph (``max_nodes``), saved to a file and
    opened from a file:// URL in a fresh browser context; ready = the page's
    ``window.graphdynReady``, its time = ``window.graphdynReadyMs`` (ms since navigation
    start). The median of ``repeat`` loads is reported.
    """
    from playwright.sync_api import sync_playwright

    from graphdyn.views.network import network_page

    graph = audit_graph(folder)
    pages: list[dict[str, Any]] = []
    with (
        tempfile.TemporaryDirectory() as scratch,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        for count in nodes:
            started = time.perf_counter()
            page_view = network_page(graph, max_nodes=count)
            render_seconds = time.perf_counter() - started
            path = page_view.write(Path(scratch) / f"network-{count}.html")
            ready_ms: list[float] = []
            load_seconds: list[float] = []
            for _ in range(repeat):
                context = browser.new_context(viewport={"width": 1400, "height": 900})
                page = context.new_page()
                started = time.perf_counter()
                page.goto(path.as_uri())
                page.wait_for_function("() => window.graphdynReady === true", timeout=300_000)
                load_seconds.append(time.perf_counter() - started)
                ready_ms.append(float(page.evaluate("window.graphdynReadyMs")))
                context.close()
            pages.append(
                {
                    "nodes": page_view.counts["nodes"].shown,
                    "edges": page_view.counts["edges"].shown,
                    "html_bytes": len(page_view.html.encode()),
                    "render_seconds": render_seconds,
                    "ready_seconds": statistics.median(ready_ms) / 1000,
                    "load_seconds": statistics.median(load_seconds),
                }
            )
        browser.close()
    return {"pages": pages, "peak_rss_bytes": peak_rss_bytes()}


STEPS: dict[str, Callable[..., Result]] = {
    "generate": generate,
    "baseline": baseline,
    "scan": scan,
    "ties": ties,
    "ties-spark": ties_spark,
    "audit": full_audit,
    "read": read_only,
    "explain": explain,
    "centrality": centrality,
    "centrality-igraph": centrality_igraph,
    "centrality-networkx": centrality_networkx,
    "neo4j-bolt": neo4j_bolt,
    "neo4j-import": neo4j_import,
    "view": view,
}


def main(argv: list[str]) -> int:
    step, params, out = argv
    result = STEPS[step](**json.loads(params))
    Path(out).write_text(json.dumps(result), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
