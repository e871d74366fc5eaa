"""Reading the data back from Neo4j as the frames a data folder gives.

:func:`read_back` rebuilds the interactions and the attribute tables from the graph and
validates them with :meth:`graphdyn.Dataset.from_frames`, exactly as files are validated, so
an audit of the read-back data equals the audit of the files that were loaded. Interactions
come back sorted by ``interaction_id`` (the model does not depend on row order); attribute
tables hold the nodes marked ``listed`` (those that had a row in their table), with the
contract's columns and then the table's extra columns in their original order.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import neo4j.time
import numpy as np
import pandas as pd

from graphdyn.config import Config
from graphdyn.data.contract import INTERACTIONS, Table
from graphdyn.ingest.dataset import Dataset, OnError
from graphdyn.neo4j.connection import QueryRunner
from graphdyn.neo4j.schema import ATTRIBUTE_LABELS, NodeLabel, statement

__all__ = ["Frames", "read_back", "read_frames"]

logger = logging.getLogger(__name__)

#: The columns of a row of ``readback_interactions.cypher``, before the extra ones.
_INTERACTION_COLUMNS = (
    "interaction_id",
    "epoch_micros",
    "customer_id",
    "staff_id",
    "channel",
    "direction",
    "duration_minutes",
    "sentiment",
    "value",
    "product_id",
)
#: Interactions per read-back page: a bounded amount of server memory per query.
_PAGE = 20_000


@dataclass(frozen=True)
class Frames:
    """The raw tables read from the graph, before validation.

    Parameters
    ----------
    interactions, customers, staff, products : pandas.DataFrame
        In the data contract's columns (then extra columns); timestamps UTC.
    """

    interactions: pd.DataFrame
    customers: pd.DataFrame
    staff: pd.DataFrame
    products: pd.DataFrame


def read_frames(runner: QueryRunner) -> Frames:
    """Read interactions and attribute tables from the graph.

    Parameters
    ----------
    runner : QueryRunner
        The database to read (in read transactions).

    Returns
    -------
    Frames
        Unvalidated; see :func:`read_back` for the validated data set.

    Examples
    --------
    >>> frames = read_frames(runner)  # doctest: +SKIP
    >>> frames.interactions.columns[:3].tolist()  # doctest: +SKIP
    ['interaction_id', 'timestamp', 'customer_id']
    """
    began = time.perf_counter()
    extra = {
        record["name"]: list(record["extra_columns"] or [])
        for record in runner.read(
            statement("readback_source_tables"), name="readback_source_tables.cypher"
        )
    }
    interactions = _interactions_frame(
        _interaction_rows(runner, extra.get("interactions", [])), extra.get("interactions", [])
    )
    tables = {
        name: _attribute_frame(
            runner.read(statement(kind.readback), name=f"{kind.readback}.cypher"),
            kind,
            extra.get(name, []),
        )
        for name, kind in ATTRIBUTE_LABELS.items()
    }
    logger.info(
        "read %d interactions back from Neo4j in %.1f s",
        len(interactions),
        time.perf_counter() - began,
    )
    return Frames(interactions=interactions, **tables)


def read_back(
    runner: QueryRunner, *, config: Config | None = None, on_error: OnError = "raise"
) -> Dataset:
    """Read the data set back from Neo4j and validate it like a data folder.

    Parameters
    ----------
    runner : QueryRunner
        The database to read.
    config : Config, optional
        Supplies the allowed channels.
    on_error : {"raise", "quarantine"}
        As for :func:`graphdyn.read_data`.

    Returns
    -------
    Dataset
        With ``source="neo4j"``; auditing it gives the same audit as the loaded files.

    Raises
    ------
    DataError
        If the graph holds data the contract rejects (e.g. an interaction with no customer,
        or one linked to two), or no interactions at all.

    Examples
    --------
    >>> data = read_back(runner)  # doctest: +SKIP
    >>> data  # doctest: +SKIP
    Dataset(source='neo4j', interactions=200000, customers=2000, staff=80, products=100)
    """
    frames = read_frames(runner)
    return Dataset.from_frames(
        frames.interactions,
        frames.customers,
        frames.staff,
        frames.products,
        config=config,
        on_error=on_error,
        source="neo4j",
    )


def _interaction_rows(runner: QueryRunner, extra: list[str]) -> list[list[Any]]:
    """Read every interaction as a row list, a page at a time in interaction_id order."""
    rows: list[list[Any]] = []
    after = ""
    while True:
        page = runner.read(
            statement("readback_interactions"),
            {"after": after, "page": _PAGE, "extra": extra},
            name="readback_interactions.cypher",
        )[0]
        if not page["rows"]:
            return rows
        rows += page["rows"]
        after = page["last"]


def _interactions_frame(rows: list[list[Any]], extra: list[str]) -> pd.DataFrame:
    names = [*_INTERACTION_COLUMNS, *extra]
    columns: dict[str, Any] = {
        name: [row[position] for row in rows]
        for position, name in enumerate(names)
        if name != "epoch_micros"
    }
    micros = np.array([row[1] for row in rows], dtype=np.int64)
    columns["timestamp"] = pd.to_datetime(micros, unit="us", utc=True).astype("datetime64[us, UTC]")
    frame = pd.DataFrame(_typed(columns, INTERACTIONS))
    ordered = frame[[*INTERACTIONS.column_names, *extra]]
    return ordered.sort_values("interaction_id", kind="stable", ignore_index=True)


def _attribute_frame(
    records: list[dict[str, Any]], kind: NodeLabel, extra: list[str]
) -> pd.DataFrame:
    names = [*kind.attribute_columns, *extra]
    columns: dict[str, Any] = {kind.key: [record["id"] for record in records]}
    for name in names:
        columns[name] = [_native(record["properties"].get(name)) for record in records]
    frame = pd.DataFrame(_typed(columns, kind.table))
    return frame.sort_values(kind.key, kind="stable", ignore_index=True)


def _typed(columns: Mapping[str, Any], table: Table) -> dict[str, pd.Series]:
    """Give each column the dtype its data-contract kind has after validation."""
    out: dict[str, pd.Series] = {}
    contract = set(table.column_names)
    for name, values in columns.items():
        kind = table.column(name).kind if name in contract else "text"
        if isinstance(values, pd.DatetimeIndex):
            out[name] = pd.Series(values)
        elif kind == "number":
            out[name] = pd.Series(values, dtype="float64")
        elif kind in ("date", "timestamp"):
            out[name] = pd.Series(pd.to_datetime(values, utc=True), dtype="datetime64[us, UTC]")
        else:
            out[name] = pd.Series(values, dtype="str")
    return out


def _native(value: Any) -> Any:
    """Turn the driver's temporal values into Python ones (dates, datetimes)."""
    if isinstance(value, neo4j.time.Date | neo4j.time.DateTime):
        return value.to_native()
    return value
