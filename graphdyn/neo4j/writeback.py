"""Writing an audit into the graph: TIE relationships, node figures and the Audit node.

:func:`write_back` stores

- one ``(:Customer)-[:TIE]->(:Staff)`` per row of the audit's ties table, with its strength,
  components, status, trend and the rest of :data:`~graphdyn.neo4j.schema.TIE_PROPERTIES`;
- the audit's figures on Customer and Staff nodes (strength, status, centrality, exposure:
  whichever allow-listed columns the audit's tables have);
- one ``(:Audit {audit_id: 'current'})`` node with the as-of date, the parameters (as JSON and
  the main ones as properties) and the summary.

Re-running replaces, never duplicates: every TIE and node figure written carries the run's id
(``audit_run``), and a last transaction deletes the TIEs and clears the figures an earlier run
wrote and this one did not, then updates the Audit node. Until that transaction commits, the
Audit node still describes the previous audit.
"""

from __future__ import annotations

import json
import logging
import math
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd

from graphdyn.audits.run import Audit
from graphdyn.neo4j.connection import QueryRunner, Transaction, run_batches
from graphdyn.neo4j.schema import (
    AUDIT_ID,
    AUDIT_RUN,
    CUSTOMER,
    STAFF,
    TIE_PROPERTIES,
    NodeLabel,
    apply_schema,
    statement,
    statements,
)
from graphdyn.progress import Progress, progress_or_silence

__all__ = ["WriteSummary", "audit_properties", "write_back"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class WriteSummary:
    """What a write-back wrote.

    Parameters
    ----------
    run_id : str
        The id stamped on everything this write-back wrote (``audit_run``).
    ties, customers, staff : int
        TIE relationships, Customer and Staff nodes written.
    removed_ties : int
        TIEs of an earlier audit that this one no longer has, deleted.
    seconds : float
        Wall time.
    """

    run_id: str
    ties: int
    customers: int
    staff: int
    removed_ties: int
    seconds: float


def audit_properties(result: Audit, run_id: str) -> dict[str, Any]:
    """Return the properties of the Audit node for an audit.

    Parameters
    ----------
    result : Audit
        The audit.
    run_id : str
        The write-back's id.

    Returns
    -------
    dict
        ``audit_id``, ``run_id``, ``as_of`` (a UTC datetime), ``written_at``, the main
        parameters as numbers, ``parameters`` and ``summary`` as JSON text, and counts.

    Examples
    --------
    >>> import pandas as pd
    >>> from graphdyn.audits.run import audit
    >>> events = pd.DataFrame({"interaction_id": ["i1"], "timestamp": ["2024-05-01"],
    ...                        "customer_id": ["c1"], "staff_id": ["s1"], "channel": ["phone"]})
    >>> node = audit_properties(audit(events), "run-1")
    >>> node["as_of"].isoformat(), node["half_life_days"], node["ties"]
    ('2024-05-01T00:00:00+00:00', 90.0, 1)
    """
    config = result.config
    summary = result.summary
    value_reference = summary.get("value_reference")
    return {
        "audit_id": AUDIT_ID,
        "run_id": run_id,
        "as_of": result.as_of.to_pydatetime(),
        "written_at": datetime.now(UTC),
        "graphdyn_version": str(summary.get("graphdyn_version", "")),
        "source": str(summary.get("source", "")),
        "half_life_days": float(config.half_life_days),
        "strong_threshold": float(config.strong_threshold),
        "liveness_at_risk": float(config.liveness_at_risk),
        "priority": str(summary.get("priority", "")),
        "intensity_reference": float(config.intensity_reference),
        "value_reference": None if value_reference is None else float(value_reference),
        "customers": len(result.customers),
        "staff": len(result.staff),
        "ties": len(result.ties),
        "parameters": json.dumps(config.to_dict(), sort_keys=True),
        "summary": json.dumps(summary, sort_keys=True, default=str),
    }


def write_back(
    runner: QueryRunner,
    result: Audit,
    *,
    batch_size: int = 5_000,
    on_progress: Progress | None = None,
) -> WriteSummary:
    """Store an audit in the graph, replacing the one written before.

    Parameters
    ----------
    runner : QueryRunner
        The database to write to.
    result : Audit
        The audit (:func:`graphdyn.audits.run.audit`).
    batch_size : int
        Rows per transaction.
    on_progress : callable, optional
        Called after each batch as ``on_progress(stage, done, total)``.

    Returns
    -------
    WriteSummary

    Raises
    ------
    Neo4jError
        If the server fails; running the write-back again completes it.

    Examples
    --------
    >>> write_back(runner, audit("data/"))  # doctest: +SKIP
    WriteSummary(run_id='...', ties=12045, customers=2000, staff=80, removed_ties=0, ...)
    """
    report = progress_or_silence(on_progress)
    began = time.perf_counter()
    run_id = uuid.uuid4().hex
    apply_schema(runner)
    ties = _rows(result.ties, TIE_PROPERTIES, run_id, keys=("customer_id", "staff_id"))
    run_batches(
        runner,
        statement("writeback_ties"),
        ties,
        batch_size=batch_size,
        name="writeback_ties.cypher",
        stage="ties",
        on_progress=report,
    )
    written: dict[str, int] = {}
    for kind, frame in ((CUSTOMER, result.customers), (STAFF, result.staff)):
        rows = _rows(frame, kind.audit_properties, run_id, keys=(kind.key,))
        name = kind.table.name
        run_batches(
            runner,
            statement(kind.writeback),
            rows,
            batch_size=batch_size,
            name=f"{kind.writeback}.cypher",
            stage=kind.table.name,
            on_progress=report,
        )
        written[name] = len(rows)
    node = audit_properties(result, run_id)
    removed = runner.write_transaction(
        lambda tx: _finish(tx, run_id, node), name="writeback_finish.cypher"
    )
    summary = WriteSummary(
        run_id=run_id,
        ties=len(ties),
        customers=written["customers"],
        staff=written["staff"],
        removed_ties=removed,
        seconds=time.perf_counter() - began,
    )
    logger.info(
        "wrote the audit as of %s: %d ties (%d stale removed) in %.1f s",
        result.as_of.date().isoformat(),
        summary.ties,
        removed,
        summary.seconds,
    )
    return summary


def _rows(
    frame: pd.DataFrame, allowed: Sequence[str], run_id: str, *, keys: Sequence[str]
) -> list[dict[str, Any]]:
    """Rows of ``{key..., properties}`` for the allow-listed columns the frame has.

    Allow-listed columns the frame lacks are sent as null, which removes what an earlier
    audit wrote under that name.
    """
    present = [name for name in allowed if name in frame.columns]
    columns = [_property_values(frame[name]) for name in present]
    absent = dict.fromkeys(name for name in allowed if name not in frame.columns)
    key_columns = [_property_values(frame[key]) for key in keys]
    names = ["id"] if len(keys) == 1 else list(keys)
    rows = []
    for position in range(len(frame)):
        row: dict[str, Any] = {
            name: column[position] for name, column in zip(names, key_columns, strict=True)
        }
        properties = {name: column[position] for name, column in zip(present, columns, strict=True)}
        row["properties"] = {**absent, **properties, AUDIT_RUN: run_id}
        rows.append(row)
    return rows


def _property_values(series: pd.Series) -> list[Any]:
    """Return a column as values Neo4j stores natively; None for missing values."""
    if pd.api.types.is_datetime64_any_dtype(series):
        stamps = series.dt.tz_localize("UTC") if series.dt.tz is None else series
        return [None if pd.isna(v) else v.to_pydatetime() for v in stamps]
    if pd.api.types.is_bool_dtype(series):
        return [bool(v) for v in series.tolist()]
    if pd.api.types.is_integer_dtype(series):
        return [int(v) for v in series.tolist()]
    if pd.api.types.is_float_dtype(series):
        return [None if math.isnan(v) else v for v in series.to_numpy(np.float64).tolist()]
    values: list[Any] = series.astype(object).where(series.notna(), None).tolist()
    return values


def _cleared(kind: NodeLabel) -> dict[str, None]:
    return dict.fromkeys((*kind.audit_properties, AUDIT_RUN))


def _finish(tx: Transaction, run_id: str, node: dict[str, Any]) -> int:
    """Remove what earlier write-backs left, record the Audit node; return TIEs removed."""
    parameters = {
        "run_id": run_id,
        "customer_cleared": _cleared(CUSTOMER),
        "staff_cleared": _cleared(STAFF),
        "audit_id": AUDIT_ID,
        "audit": node,
    }
    removed = 0
    for text in statements("writeback_finish"):
        records = tx.run(text, parameters)
        if records and "removed" in records[0]:
            removed = int(records[0]["removed"])
    return removed
