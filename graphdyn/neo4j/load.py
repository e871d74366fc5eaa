"""Loading a validated data set into Neo4j: idempotent, batched and resumable.

The data is validated before anything is sent (a :class:`~graphdyn.Dataset` has passed the
data contract; :func:`load_data` adds the one check that only Neo4j needs, that extra
attribute columns do not take a name the write-back uses). Then, in order:

1. the schema (``schema.cypher``): uniqueness constraints first, so every ``MERGE`` below is an
   index lookup;
2. the extra columns of each table (``load_source_table.cypher``), for the read-back;
3. Customer, Staff and Product nodes, one ``UNWIND $rows AS row MERGE ...`` batch per
   transaction: every row of an attribute table and every id an interaction mentions. The
   statements return each node's element id, so that the interactions find their nodes by id
   rather than by an index lookup;
4. interactions in batches of ``batch_size``, built from the frame a batch at a time (the
   client never holds more than a batch as Python objects). Each batch is one managed
   transaction that looks up which of its ids exist, creates the new interactions with their
   HAD, HANDLED and ABOUT relationships, and updates the existing ones (properties and
   relationships). A batch is all or nothing, so a load killed half-way and run again ends
   with the same graph as one clean load, and loading twice changes nothing. With
   ``writers`` > 1 the interactions are split by customer into that many partitions, each
   written by its own session: two concurrent batches never share a customer; a deadlock on
   the Staff and Product nodes they do share is a transient error, and the driver retries
   that batch.

Interaction timestamps are stored as DATETIME in UTC with microsecond precision, attribute
dates as DATE, numbers as FLOAT, ids and text as STRING; a blank value is no property.
"""

from __future__ import annotations

import functools
import logging
import math
import threading
import time
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass

import numpy as np
import pandas as pd

from graphdyn.data.contract import INTERACTIONS
from graphdyn.errors import DataError, DataProblem, Neo4jError, UsageError
from graphdyn.ingest.dataset import Dataset
from graphdyn.neo4j.connection import QueryRunner, Record, Transaction, run_batches
from graphdyn.neo4j.rows import (
    Elements,
    InteractionBatch,
    attribute_rows,
    extra_columns,
    interaction_batches,
)
from graphdyn.neo4j.schema import ATTRIBUTE_LABELS, NodeLabel, apply_schema, statement
from graphdyn.progress import Progress, progress_or_silence

__all__ = ["LoadSummary", "check_property_names", "load_data"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoadSummary:
    """What a load sent and did.

    Parameters
    ----------
    interactions : int
        Interactions sent.
    created, updated : int
        Of those, how many were new and how many were already in the database.
    customers, staff, products : int
        Nodes of each kind sent (attribute rows and ids mentioned by interactions).
    batches : int
        Interaction batches (transactions).
    seconds : float
        Wall time of the whole load, schema included.
    """

    interactions: int
    created: int
    updated: int
    customers: int
    staff: int
    products: int
    batches: int
    seconds: float

    @property
    def interactions_per_second(self) -> float:
        """Load throughput over the whole load."""
        return self.interactions / self.seconds if self.seconds > 0 else math.inf


def check_property_names(data: Dataset) -> None:
    """Refuse extra attribute columns whose names the audit write-back or graphdyn use.

    Parameters
    ----------
    data : Dataset
        The data to load.

    Raises
    ------
    DataError
        Naming each such column (``customers.csv:1: strength: ...``).

    Examples
    --------
    >>> import pandas as pd
    >>> data = Dataset.from_frames(
    ...     pd.DataFrame({"interaction_id": ["i1"], "timestamp": ["2024-05-01"],
    ...                   "customer_id": ["c1"], "channel": ["phone"]}),
    ...     customers=pd.DataFrame({"customer_id": ["c1"], "status": ["gold"]}))
    >>> check_property_names(data)
    Traceback (most recent call last):
    ...
    graphdyn.errors.DataError: customers.csv:1: status: the name of a property graphdyn sets \
on :Customer nodes in Neo4j; rename the column
    """
    problems = [
        DataProblem(
            f"{name}.csv",
            1,
            str(column),
            f"the name of a property graphdyn sets on :{kind.label} nodes in Neo4j; "
            "rename the column",
        )
        for name, kind in ATTRIBUTE_LABELS.items()
        for column in extra_columns(_attributes(data, name), kind.table)
        if column in kind.reserved
    ]
    if problems:
        raise DataError(problems)


def load_data(
    runner: QueryRunner,
    data: Dataset,
    *,
    batch_size: int = 5_000,
    writers: int = 1,
    on_progress: Progress | None = None,
) -> LoadSummary:
    """Load a validated data set into Neo4j, idempotently and in batches.

    Parameters
    ----------
    runner : QueryRunner
        The database to load into; with ``writers`` > 1 it is called from that many threads
        (:class:`~graphdyn.neo4j.connection.Neo4jRunner` opens a session per call).
    data : Dataset
        Validated data (:func:`graphdyn.read_data` or :meth:`graphdyn.Dataset.from_frames`).
    batch_size : int
        Rows per transaction.
    writers : int
        Sessions writing interactions at the same time, each on its own customers.
    on_progress : callable, optional
        Called after each batch as ``on_progress(stage, done, total)`` (from the writer
        threads, one call at a time).

    Returns
    -------
    LoadSummary

    Raises
    ------
    DataError
        If an extra attribute column takes a reserved name (nothing is sent).
    UsageError
        If ``batch_size`` or ``writers`` is below 1.
    Neo4jError
        If the server fails, or a batch would leave an interaction without its relationships
        (the batch is rolled back).

    Examples
    --------
    >>> summary = load_data(runner, graphdyn.read_data("data/"))  # doctest: +SKIP
    >>> summary.interactions, summary.created, summary.updated  # doctest: +SKIP
    (200000, 200000, 0)
    """
    if batch_size < 1:
        raise UsageError(f"batch size must be at least 1 ({batch_size})")
    if writers < 1:
        raise UsageError(f"writers must be at least 1 ({writers})")
    check_property_names(data)
    report = progress_or_silence(on_progress)
    began = time.perf_counter()
    apply_schema(runner)
    tables = {"interactions": (data.interactions, INTERACTIONS)}
    tables.update(
        {name: (_attributes(data, name), kind.table) for name, kind in ATTRIBUTE_LABELS.items()}
    )
    for name, (frame, table) in tables.items():
        runner.write(
            statement("load_source_table"),
            {"name": name, "columns": extra_columns(frame, table)},
            name="load_source_table.cypher",
        )
    elements = {
        kind.key: _load_nodes(runner, kind, data, batch_size, report)
        for kind in ATTRIBUTE_LABELS.values()
    }
    created, updated, batches = _load_interactions(
        runner, data.interactions, elements, batch_size, writers, report
    )
    summary = LoadSummary(
        interactions=len(data.interactions),
        created=created,
        updated=updated,
        customers=len(elements["customer_id"]),
        staff=len(elements["staff_id"]),
        products=len(elements["product_id"]),
        batches=batches,
        seconds=time.perf_counter() - began,
    )
    logger.info(
        "loaded %d interactions (%d new, %d updated) in %.1f s: %.0f interactions/s",
        summary.interactions,
        created,
        updated,
        summary.seconds,
        summary.interactions_per_second,
    )
    return summary


def _attributes(data: Dataset, name: str) -> pd.DataFrame:
    frame: pd.DataFrame = getattr(data, name)
    return frame


def _load_nodes(
    runner: QueryRunner, kind: NodeLabel, data: Dataset, batch_size: int, report: Progress
) -> dict[str, str]:
    """Upsert one kind's nodes (attribute rows, listed, and ids mentioned by interactions).

    Returns each node's element id by its id.
    """
    name = kind.table.name
    frame = _attributes(data, name)
    rows = attribute_rows(frame, kind)
    mentioned = data.interactions[kind.key].dropna().unique()
    known = set(frame[kind.key].dropna())
    rows += [{"id": str(i), "properties": {}} for i in sorted(set(mentioned) - known)]
    records = run_batches(
        runner,
        statement(kind.load),
        rows,
        batch_size=batch_size,
        name=f"{kind.load}.cypher",
        stage=name,
        on_progress=report,
    )
    return {key: element for record in records for key, element in record["elements"]}


def _load_interactions(
    runner: QueryRunner,
    interactions: pd.DataFrame,
    elements: Elements,
    batch_size: int,
    writers: int,
    report: Progress,
) -> tuple[int, int, int]:
    """Write the interactions, split by customer over ``writers`` sessions.

    Returns the interactions created and updated, and the number of batches.
    """
    total = len(interactions)
    customer = pd.factorize(interactions["customer_id"])[0]
    partitions = [np.flatnonzero(customer % writers == w) for w in range(writers)]
    lock = threading.Lock()
    counts = [0, 0, 0]
    failed = threading.Event()

    def write(positions: np.ndarray) -> None:
        for batch in interaction_batches(interactions, positions, batch_size):
            if failed.is_set():
                return
            new, old = runner.write_transaction(
                functools.partial(_load_interaction_batch, batch=batch, elements=elements),
                name="load_interactions",
            )
            with lock:  # also keeps the progress reported in order
                counts[0], counts[1], counts[2] = counts[0] + new, counts[1] + old, counts[2] + 1
                report("interactions", counts[0] + counts[1], total)

    if writers == 1:
        write(partitions[0])
    else:
        with ThreadPoolExecutor(max_workers=writers, thread_name_prefix="neo4j-load") as pool:
            futures = [pool.submit(write, positions) for positions in partitions]
            # The first failure stops the other writers after their current batch.
            wait(futures, return_when=FIRST_EXCEPTION)
            failed.set()
            for future in futures:
                future.result()
    return counts[0], counts[1], counts[2]


def _load_interaction_batch(
    tx: Transaction, batch: InteractionBatch, elements: Elements
) -> tuple[int, int]:
    """Create the batch's new interactions and update the existing ones, in one transaction."""
    found = set(tx.run(statement("load_interactions_existing"), {"ids": batch.ids})[0]["found"])
    new = [k for k, key in enumerate(batch.ids) if key not in found]
    old = [k for k, key in enumerate(batch.ids) if key in found]
    if new:
        _check_counts(
            tx.run(statement("load_interactions_new"), {"rows": batch.new_rows(new, elements)}),
            "load_interactions_new",
            batch,
            new,
        )
    if new and any(batch.extra):
        written = tx.run(statement("load_interactions_extra"), {"rows": batch.extra_rows(new)})[0]
        if written["interactions"] != len(new):
            raise Neo4jError(
                f"load_interactions_extra.cypher found {written['interactions']} of the "
                f"{len(new)} interactions just created; the batch was rolled back"
            )
    if old:
        _check_counts(
            tx.run(statement("load_interactions_update"), {"rows": batch.updated_rows(old)}),
            "load_interactions_update",
            batch,
            old,
        )
    return len(new), len(old)


def _check_counts(
    records: list[Record], name: str, batch: InteractionBatch, part: list[int]
) -> None:
    """Fail the transaction unless every row got its interaction and relationships."""
    counts = records[0]
    expected = {
        "interactions": len(part),
        "handled": sum(batch.staff_ids[k] is not None for k in part),
        "about": sum(batch.product_ids[k] is not None for k in part),
    }
    if any(counts[key] != value for key, value in expected.items()):
        raise Neo4jError(
            f"{name}.cypher wrote {dict(counts)} for {expected}: a Customer, Staff or Product "
            "node the batch refers to is missing (deleted or replaced during the load); the "
            "batch was rolled back"
        )
