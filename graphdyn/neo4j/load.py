"""Loading a validated data set into Neo4j: idempotent, batched and resumable.

The data is validated before anything is sent (a :class:`~graphdyn.Dataset` has passed the
data contract; :func:`load_dataset` adds the one check that only Neo4j needs, that extra
attribute columns do not take a name the write-back uses). Then, in order:

1. the schema (``schema.cypher``): uniqueness constraints first, so every ``MERGE`` below is an
   index lookup;
2. the extra columns of each table (``load_source_table.cypher``), for the read-back;
3. Customer, Staff and Product nodes, one ``UNWIND $rows AS row MERGE ...`` batch per
   transaction: every row of an attribute table and every id an interaction mentions;
4. interactions in batches of ``batch_size``. Each batch is one managed transaction that looks
   up which of its ids exist, creates the new interactions with their HAD, HANDLED and ABOUT
   relationships, and updates the existing ones (properties and relationships). A batch is all
   or nothing, so a load killed half-way and run again ends with the same graph as one clean
   load, and loading twice changes nothing.

Interaction timestamps are stored as DATETIME in UTC with microsecond precision, attribute
dates as DATE, numbers as FLOAT, ids and text as STRING; a blank value is no property.
"""

from __future__ import annotations

import functools
import logging
import math
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from graphdyn.data.contract import INTERACTIONS, Table
from graphdyn.data.dataset import Dataset
from graphdyn.errors import DataError, DataProblem, Neo4jError, UsageError
from graphdyn.neo4j.connection import QueryRunner, Transaction
from graphdyn.neo4j.schema import LISTED, NODE_KINDS, NodeKind, apply_schema, statement

__all__ = ["LoadProgress", "LoadSummary", "check_property_names", "load_dataset"]

logger = logging.getLogger(__name__)

#: Called after each batch as ``on_progress(stage, done, total)``; stage is ``"customers"``,
#: ``"staff"``, ``"products"`` or ``"interactions"``.
LoadProgress = Callable[[str, int, int], None]

#: Interaction columns that become relationships rather than properties.
_LINKS = ("customer_id", "staff_id", "product_id")
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
    on_progress: LoadProgress | None = None,
) -> LoadSummary:
    """Load a validated data set into Neo4j, idempotently and in batches.

    Parameters
    ----------
    runner : QueryRunner
        The database to load into.
    data : Dataset
        Validated data (:func:`graphdyn.read_data` or :meth:`graphdyn.Dataset.from_frames`).
    batch_size : int
        Rows per transaction.
    on_progress : callable, optional
        Called after each batch as ``on_progress(stage, done, total)``.

    Returns
    -------
    LoadSummary

    Raises
    ------
    DataError
        If an extra attribute column takes a reserved name (nothing is sent).
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
    check_property_names(data)
    report = on_progress or _no_progress
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
    sent = {
        name: _load_nodes(runner, kind, data, batch_size, report)
        for name, kind in NODE_KINDS.items()
    }
    created = updated = batches = 0
    total = len(data.interactions)
    for rows in _interaction_batches(data.interactions, batch_size):
        new, old = runner.write_transaction(
            functools.partial(_load_interaction_batch, rows=rows), name="load_interactions"
        )
        created, updated, batches = created + new, updated + old, batches + 1
        report("interactions", created + updated, total)
    summary = LoadSummary(
        interactions=total,
        created=created,
        updated=updated,
        customers=sent["customers"],
        staff=sent["staff"],
        products=sent["products"],
        batches=batches,
        seconds=time.perf_counter() - began,
    )
    logger.info(
        "loaded %d interactions (%d new, %d updated) in %.1f s: %.0f interactions/s",
        total,
        created,
        updated,
        summary.seconds,
        summary.interactions_per_second,
    )
    return summary


def _no_progress(stage: str, done: int, total: int) -> None:
    """Ignore progress."""


def _attributes(data: Dataset, name: str) -> pd.DataFrame:
    frame: pd.DataFrame = getattr(data, name)
    return frame


def _extra_columns(frame: pd.DataFrame, table: Table) -> list[str]:
    return [str(c) for c in frame.columns if c not in table.column_names]


def _load_nodes(
    runner: QueryRunner, kind: NodeKind, data: Dataset, batch_size: int, report: LoadProgress
) -> int:
    """Upsert one kind's nodes: attribute rows (listed) and ids mentioned by interactions."""
    name = kind.table.name
    frame = _attributes(data, name)
    rows = _attribute_rows(frame, kind)
    mentioned = data.interactions[kind.key].dropna().unique()
    known = set(frame[kind.key].dropna())
    rows += [{"id": str(i), "properties": {}} for i in sorted(set(mentioned) - known)]
    text = statement(f"load_{name}")
    for start in range(0, len(rows), batch_size):
        runner.write(text, {"rows": rows[start : start + batch_size]}, name=f"load_{name}.cypher")
        report(name, min(start + batch_size, len(rows)), len(rows))
    return len(rows)


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


def _interaction_batches(
    interactions: pd.DataFrame, batch_size: int
) -> Iterator[list[dict[str, Any]]]:
    """Yield the interactions as rows for ``load_interactions_*.cypher``, a batch at a time."""
    micros = interactions["timestamp"].to_numpy(dtype="datetime64[us]").astype(np.int64)
    seconds, remainder = np.divmod(micros, _MICROS)
    links = {name: _python_values(interactions[name], "id") for name in _LINKS}
    names = [
        n
        for n in interactions.columns
        if n not in _LINKS and n not in ("interaction_id", "timestamp")
    ]
    contract = set(INTERACTIONS.column_names)
    columns = [
        _python_values(interactions[n], INTERACTIONS.column(n).kind if n in contract else "text")
        for n in names
    ]
    ids = _python_values(interactions["interaction_id"], "id")
    seconds_list, nanos_list = seconds.tolist(), (remainder * 1000).tolist()
    for start in range(0, len(ids), batch_size):
        stop = start + batch_size
        yield [
            {
                "interaction_id": ids[k],
                "epoch_seconds": seconds_list[k],
                "nanosecond": nanos_list[k],
                "customer_id": links["customer_id"][k],
                "staff_id": links["staff_id"][k],
                "product_id": links["product_id"][k],
                "properties": {n: column[k] for n, column in zip(names, columns, strict=True)},
            }
            for k in range(start, min(stop, len(ids)))
        ]


def _load_interaction_batch(tx: Transaction, rows: Sequence[dict[str, Any]]) -> tuple[int, int]:
    """Create the batch's new interactions and update the existing ones, in one transaction."""
    ids = [row["interaction_id"] for row in rows]
    found = set(tx.run(statement("load_interactions_existing"), {"ids": ids})[0]["found"])
    new = [row for row in rows if row["interaction_id"] not in found]
    old = [row for row in rows if row["interaction_id"] in found]
    for part, name in ((new, "load_interactions_new"), (old, "load_interactions_update")):
        if not part:
            continue
        counts = tx.run(statement(name), {"rows": part})[0]
        expected = {
            "interactions": len(part),
            "handled": sum(row["staff_id"] is not None for row in part),
            "about": sum(row["product_id"] is not None for row in part),
        }
        if any(counts[key] != value for key, value in expected.items()):
            raise Neo4jError(
                f"{name}.cypher wrote {dict(counts)} for {expected}: a Customer, Staff or Product "
                "node the batch refers to is missing; the batch was rolled back"
            )
    return len(new), len(old)
