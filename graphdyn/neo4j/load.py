"""Loading a validated data set into Neo4j: idempotent, batched and resumable.

The data is validated before anything is sent (a :class:`~graphdyn.Dataset` has passed the
data contract; :func:`load_dataset` adds the one check that only Neo4j needs, that extra
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
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from graphdyn.data.contract import INTERACTIONS, Table
from graphdyn.data.dataset import Dataset
from graphdyn.errors import DataError, DataProblem, Neo4jError, UsageError
from graphdyn.neo4j.connection import QueryRunner, Record, Transaction, run_batches
from graphdyn.neo4j.schema import LISTED, NODE_KINDS, NodeKind, apply_schema, statement

__all__ = ["LoadProgress", "LoadSummary", "check_property_names", "load_dataset"]

logger = logging.getLogger(__name__)

#: Called after each batch as ``on_progress(stage, done, total)``; stage is ``"customers"``,
#: ``"staff"``, ``"products"`` or ``"interactions"``.
LoadProgress = Callable[[str, int, int], None]

#: Interaction columns that become relationships rather than properties.
_LINKS = ("customer_id", "staff_id", "product_id")
#: Interaction properties named in load_interactions_new.cypher: the contract's columns
#: but the id, the timestamp and the links.
_PROPERTIES = tuple(
    name
    for name in INTERACTIONS.column_names
    if name not in (*_LINKS, "interaction_id", "timestamp")
)
#: Node id to element id, per id column of the interactions.
_Elements = dict[str, dict[str, str]]
_MICROS = 1_000_000


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
        for name, kind in NODE_KINDS.items()
        for column in _extra_columns(_attributes(data, name), kind.table)
        if column in kind.reserved
    ]
    if problems:
        raise DataError(problems)


def load_dataset(
    runner: QueryRunner,
    data: Dataset,
    *,
    batch_size: int = 5_000,
    writers: int = 1,
    on_progress: LoadProgress | None = None,
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
    >>> summary = load_dataset(runner, graphdyn.read_data("data/"))  # doctest: +SKIP
    >>> summary.interactions, summary.created, summary.updated  # doctest: +SKIP
    (200000, 200000, 0)
    """
    if batch_size < 1:
        raise UsageError(f"batch size must be at least 1 ({batch_size})")
    if writers < 1:
        raise UsageError(f"writers must be at least 1 ({writers})")
    check_property_names(data)
    report = _serialised(on_progress or _no_progress)
    began = time.perf_counter()
    apply_schema(runner)
    tables = {"interactions": (data.interactions, INTERACTIONS)}
    tables.update(
        {name: (_attributes(data, name), kind.table) for name, kind in NODE_KINDS.items()}
    )
    for name, (frame, table) in tables.items():
        runner.write(
            statement("load_source_table"),
            {"name": name, "columns": _extra_columns(frame, table)},
            name="load_source_table.cypher",
        )
    elements = {
        kind.key: _load_nodes(runner, kind, data, batch_size, report)
        for kind in NODE_KINDS.values()
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


def _no_progress(stage: str, done: int, total: int) -> None:
    """Ignore progress."""


def _serialised(report: LoadProgress) -> LoadProgress:
    """Wrap a progress callback so that writer threads call it one at a time."""
    lock = threading.Lock()

    def serialised(stage: str, done: int, total: int) -> None:
        with lock:
            report(stage, done, total)

    return serialised


def _attributes(data: Dataset, name: str) -> pd.DataFrame:
    frame: pd.DataFrame = getattr(data, name)
    return frame


def _extra_columns(frame: pd.DataFrame, table: Table) -> list[str]:
    return [str(c) for c in frame.columns if c not in table.column_names]


def _load_nodes(
    runner: QueryRunner, kind: NodeKind, data: Dataset, batch_size: int, report: LoadProgress
) -> dict[str, str]:
    """Upsert one kind's nodes (attribute rows, listed, and ids mentioned by interactions).

    Returns each node's element id by its id.
    """
    name = kind.table.name
    frame = _attributes(data, name)
    rows = _attribute_rows(frame, kind)
    mentioned = data.interactions[kind.key].dropna().unique()
    known = set(frame[kind.key].dropna())
    rows += [{"id": str(i), "properties": {}} for i in sorted(set(mentioned) - known)]
    records = run_batches(
        runner,
        statement(f"load_{name}"),
        rows,
        batch_size=batch_size,
        name=f"load_{name}.cypher",
        on_batch=functools.partial(report, name),
    )
    return {key: element for record in records for key, element in record["elements"]}


def _attribute_rows(frame: pd.DataFrame, kind: NodeKind) -> list[dict[str, Any]]:
    """One row per attribute-table row: its id and every attribute (None when blank)."""
    names = [*kind.attribute_columns, *_extra_columns(frame, kind.table)]
    contract = set(kind.table.column_names)
    columns = [
        _python_values(frame[n], kind.table.column(n).kind if n in contract else "text")
        for n in names
    ]
    ids = _python_values(frame[kind.key], "id")
    return [
        {"id": key, "properties": {LISTED: True, **dict(zip(names, values, strict=True))}}
        for key, *values in zip(ids, *columns, strict=True)
    ]


def _python_values(series: pd.Series, kind: str) -> list[Any]:
    """Return a column as Python values Neo4j stores with the right type; None if blank."""
    if kind == "date":
        return [None if pd.isna(v) else v.date() for v in series]
    if kind == "number":
        return [None if math.isnan(v) else v for v in series.to_numpy(dtype=np.float64).tolist()]
    values: list[Any] = series.astype(object).where(series.notna(), None).tolist()
    return values


def _load_interactions(
    runner: QueryRunner,
    interactions: pd.DataFrame,
    elements: _Elements,
    batch_size: int,
    writers: int,
    report: LoadProgress,
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
        for batch in _interaction_batches(interactions, positions, batch_size):
            if failed.is_set():
                return
            new, old = runner.write_transaction(
                functools.partial(_load_interaction_batch, batch=batch, elements=elements),
                name="load_interactions",
            )
            with lock:
                counts[0], counts[1], counts[2] = counts[0] + new, counts[1] + old, counts[2] + 1
                done = counts[0] + counts[1]
            report("interactions", done, total)

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


@dataclass(frozen=True)
class _Batch:
    """One batch of interactions as parallel columns of Python values."""

    ids: list[str]
    customer_ids: list[str]
    staff_ids: list[str | None]
    product_ids: list[str | None]
    epoch_seconds: list[int]
    nanoseconds: list[int]
    #: The contract's property columns (:data:`_PROPERTIES`), by name.
    columns: dict[str, list[Any]]
    #: Per row, the extra columns' values by name; empty when the table has none.
    extra: list[dict[str, Any]]

    def properties(self, k: int) -> dict[str, Any]:
        """Every property of row ``k`` but the id and timestamp, by name."""
        return {**{name: values[k] for name, values in self.columns.items()}, **self.extra[k]}


def _interaction_batches(
    interactions: pd.DataFrame, positions: np.ndarray, batch_size: int
) -> Iterator[_Batch]:
    """Yield the interactions at ``positions`` a batch at a time, converted as they go."""
    micros = interactions["timestamp"].to_numpy(dtype="datetime64[us]").astype(np.int64)
    extra = _extra_columns(interactions, INTERACTIONS)
    for start in range(0, len(positions), batch_size):
        chosen = positions[start : start + batch_size]
        frame = interactions.iloc[chosen]
        seconds, remainder = np.divmod(micros[chosen], _MICROS)
        extra_values = [_python_values(frame[name], "text") for name in extra]
        yield _Batch(
            ids=_python_values(frame["interaction_id"], "id"),
            customer_ids=_python_values(frame["customer_id"], "id"),
            staff_ids=_python_values(frame["staff_id"], "id"),
            product_ids=_python_values(frame["product_id"], "id"),
            epoch_seconds=seconds.tolist(),
            nanoseconds=(remainder * 1000).tolist(),
            columns={
                name: _python_values(frame[name], INTERACTIONS.column(name).kind)
                for name in _PROPERTIES
            },
            extra=_row_maps(extra, extra_values, len(chosen)),
        )


def _row_maps(names: list[str], columns: list[list[Any]], count: int) -> list[dict[str, Any]]:
    """Turn columns into ``count`` rows of ``{name: value}``."""
    if not names:
        return [{} for _ in range(count)]
    return [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]


def _new_rows(batch: _Batch, chosen: list[int], elements: _Elements) -> list[dict[str, Any]]:
    """Rows for ``load_interactions_new.cypher``: nodes by element id, properties by name."""
    customers, staff, products = (elements[name] for name in _LINKS)
    return [
        {
            "interaction_id": batch.ids[k],
            "customer": customers.get(batch.customer_ids[k]),
            "staff": _element(staff, batch.staff_ids[k]),
            "product": _element(products, batch.product_ids[k]),
            "epoch_seconds": batch.epoch_seconds[k],
            "nanosecond": batch.nanoseconds[k],
            **{name: values[k] for name, values in batch.columns.items()},
        }
        for k in chosen
    ]


def _updated_rows(batch: _Batch, chosen: list[int]) -> list[dict[str, Any]]:
    """Rows for ``load_interactions_update.cypher``: nodes by their ids."""
    return [
        {
            "interaction_id": batch.ids[k],
            "customer_id": batch.customer_ids[k],
            "staff_id": batch.staff_ids[k],
            "product_id": batch.product_ids[k],
            "epoch_seconds": batch.epoch_seconds[k],
            "nanosecond": batch.nanoseconds[k],
            "properties": batch.properties(k),
        }
        for k in chosen
    ]


def _element(elements: Mapping[str, str], key: str | None) -> str | None:
    return None if key is None else elements.get(key)


def _load_interaction_batch(tx: Transaction, batch: _Batch, elements: _Elements) -> tuple[int, int]:
    """Create the batch's new interactions and update the existing ones, in one transaction."""
    found = set(tx.run(statement("load_interactions_existing"), {"ids": batch.ids})[0]["found"])
    new = [k for k, key in enumerate(batch.ids) if key not in found]
    old = [k for k, key in enumerate(batch.ids) if key in found]
    if new:
        _check_counts(
            tx.run(statement("load_interactions_new"), {"rows": _new_rows(batch, new, elements)}),
            "load_interactions_new",
            batch,
            new,
        )
    if new and any(batch.extra):
        rows = [{"interaction_id": batch.ids[k], "properties": batch.extra[k]} for k in new]
        written = tx.run(statement("load_interactions_extra"), {"rows": rows})[0]
        if written["interactions"] != len(new):
            raise Neo4jError(
                f"load_interactions_extra.cypher found {written['interactions']} of the "
                f"{len(new)} interactions just created; the batch was rolled back"
            )
    if old:
        _check_counts(
            tx.run(statement("load_interactions_update"), {"rows": _updated_rows(batch, old)}),
            "load_interactions_update",
            batch,
            old,
        )
    return len(new), len(old)


def _check_counts(records: list[Record], name: str, batch: _Batch, part: list[int]) -> None:
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
            "node the batch refers to is missing; the batch was rolled back"
        )
