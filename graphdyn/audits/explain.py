"""Explaining one relationship without auditing every other: from an audit folder, or from data.

:func:`explain` answers for one customer (or one customer–staff tie) what
:meth:`graphdyn.Audit.explain` answers after a full audit, in a small part of the time:

- **from an audit folder** (``summary.json`` and ``ties.csv``): the row comes from ``ties.csv``
  or ``customers.csv``, the parameters and the as-of date from ``summary.json``, so the numbers
  are the audit's to the 10 significant digits the folder keeps. The interactions listed are
  the customer's rows of the data folder the audit was made from (``summary.json``'s
  ``source_folder``, else its ``source``), read alone (:class:`~graphdyn.ingest.partial.DataFolder`)
  if that folder is still there; :attr:`~graphdyn.model.explain.Explanation.notes` says when it
  is not, or has changed since;
- **from a data folder** (or a :class:`~graphdyn.Dataset`): the data are read and checked as
  the audit reads them (the same errors), then only that customer's interactions go through
  the model. A customer's numbers depend on no other customer's but for one population figure:
  V_ref, the median decayed order value over customers at the as-of date and at the trend date
  (:func:`~graphdyn.model.tie_strength.value_reference`), which scales the value component; it
  is computed from the interactions that carry a value, as the audit computes it. Every other
  input of a row (the intensity and tenure scales, the rhythm prior, the thresholds) is a
  parameter, not a population figure. So the rows equal the full audit's up to floating-point
  rounding (about 1e-14 relative: one customer's contact days are weighted relative to its own
  last day, not the population's).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ibis.expr.types as ir
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from ibis.backends import BaseBackend

from graphdyn.audits.run import Audit, _with_attributes
from graphdyn.config import Config
from graphdyn.data.contract import INTERACTIONS
from graphdyn.data.validate import empty_table
from graphdyn.engine.backend import connect
from graphdyn.engine.events import interactions_table
from graphdyn.errors import DataError, DataProblem, UsageError
from graphdyn.ingest.dataset import Dataset, as_dataset, read_data, to_timestamp
from graphdyn.ingest.partial import DataFolder
from graphdyn.model.explain import Explanation, explain_from_tables, not_in_audit
from graphdyn.model.relationships import population_medians, relationships

__all__ = ["ExplainSource", "explain", "is_audit_folder", "is_data_folder"]

log = logging.getLogger(__name__)

#: What :func:`explain` explains from.
ExplainSource = Audit | Dataset | pd.DataFrame | str | Path

#: Text columns of the audit tables (ids read as text, never as numbers).
_ID_COLUMNS = ("customer_id", "staff_id", "top_staff_id")

#: Time columns of the audit tables.
_TIME_COLUMNS = ("first_contact", "last_contact", "account_created")


def explain(
    source: ExplainSource,
    customer_id: str,
    staff_id: str | None = None,
    *,
    as_of: object = None,
    config: Config | None = None,
    top: int = 10,
) -> Explanation:
    """Explain one tie or customer relationship without auditing every other.

    Parameters
    ----------
    source : Audit, Dataset, pandas.DataFrame, str or Path
        An audit folder (it has ``summary.json`` and ``ties.csv``), a data folder, an
        :class:`~graphdyn.Audit`, a :class:`~graphdyn.Dataset` or an interactions frame.
    customer_id : str
        The customer.
    staff_id : str, optional
        A staff member: explain the customer–staff tie; without, the customer's whole
        relationship with the vendor (self-service included).
    as_of : date, datetime, str or None
        The audit date. From data: default the latest interaction. From an audit (folder):
        the audit's own; another date is an error.
    config : Config, optional
        Model parameters. From data: default :class:`~graphdyn.Config`'s defaults. From an
        audit (folder): the audit's own; other parameters are an error.
    top : int
        How many interactions to list.

    Returns
    -------
    Explanation
        What :meth:`graphdyn.Audit.explain` gives after a full audit of the same data, as of the
        same date, with the same parameters.

    Raises
    ------
    UsageError
        If there is no such customer or tie as of the date, if ``as_of`` or ``config`` differ
        from an audit's, or if ``source`` is a folder that is neither a data folder nor an
        audit folder.
    DataError
        If the data are rejected (see the module's notes for what is checked).

    Examples
    --------
    >>> events = pd.DataFrame({
    ...     "interaction_id": ["i1", "i2", "i3"],
    ...     "timestamp": ["2024-01-01", "2024-03-01", "2024-03-10"],
    ...     "customer_id": ["c1", "c1", "c2"], "staff_id": ["s1", "s1", "s2"],
    ...     "channel": ["meeting", "phone", "order"], "value": [None, None, 250.0]})
    >>> explanation = explain(events, "c1", "s1", as_of="2024-03-31")
    >>> explanation
    <Explanation c1–s1: strength 0.258, liveness 0.644, status active, 2 top events>
    >>> explanation.events["interaction_id"].tolist()
    ['i2', 'i1']
    """
    if isinstance(source, Audit):
        return _from_audit(source, customer_id, staff_id, as_of, config, top)
    if isinstance(source, Dataset | pd.DataFrame):
        return _from_dataset(as_dataset(source, config), customer_id, staff_id, as_of, config, top)
    path = Path(source)
    if is_audit_folder(path):
        return _from_audit_folder(path, customer_id, staff_id, as_of, config, top)
    if path.is_dir() and not is_data_folder(path):
        raise UsageError(
            f"{path} is neither a data folder (interactions.csv, interactions.parquet or "
            "interactions/) nor an audit folder (summary.json and ties.csv)"
        )
    data = read_data(path, config=config)
    return _from_dataset(data, customer_id, staff_id, as_of, config, top)


def is_audit_folder(path: str | Path) -> bool:
    """Whether a folder is an audit folder: it holds ``summary.json`` and ``ties.csv``.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> is_audit_folder(folder)
    False
    >>> _ = (folder / "summary.json").write_text("{}"), (folder / "ties.csv").write_text("")
    >>> is_audit_folder(folder)
    True
    """
    folder = Path(path)
    return (folder / "summary.json").is_file() and (folder / "ties.csv").is_file()


def is_data_folder(path: str | Path) -> bool:
    """Whether a folder is a data folder: it holds an interactions table (CSV, Parquet, parts).

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "interactions.parquet").write_bytes(b"")
    >>> is_data_folder(folder)
    True
    >>> parts = Path(tempfile.mkdtemp())
    >>> (parts / "interactions").mkdir()
    >>> is_data_folder(parts)
    True
    """
    folder = Path(path)
    return (folder / INTERACTIONS.name).is_dir() or any(
        (folder / f"{INTERACTIONS.name}{suffix}").is_file() for suffix in (".csv", ".parquet")
    )


# -- from an audit -------------------------------------------------------------------------


def _from_audit(
    result: Audit,
    customer_id: str,
    staff_id: str | None,
    as_of: object,
    config: Config | None,
    top: int,
) -> Explanation:
    _check_same_audit(result.as_of, result.config, as_of, config, "the audit")
    return result.explain(customer_id, staff_id, top=top)


def _check_same_audit(
    stamp: pd.Timestamp, saved: Config, as_of: object, config: Config | None, what: str
) -> None:
    """Refuse another date or other parameters: an audit explains itself only."""
    if as_of is not None and to_timestamp(as_of) != stamp:
        raise UsageError(
            f"{what} is as of {_iso(stamp)}, not {_iso(to_timestamp(as_of))}; "
            "explain from the data folder for another date"
        )
    # The engine's resources change how fast an explanation comes, never its numbers.
    if config is not None and dataclasses.replace(config, engine=saved.engine) != saved:
        changed = ", ".join(
            f"{field.name} {getattr(config, field.name)!r} (the audit: "
            f"{getattr(saved, field.name)!r})"
            for field in dataclasses.fields(Config)
            if field.name != "engine" and getattr(config, field.name) != getattr(saved, field.name)
        )
        raise UsageError(
            f"{what} was made with other parameters: {changed}; explain from the data folder "
            "for other parameters"
        )


def _from_audit_folder(
    path: Path,
    customer_id: str,
    staff_id: str | None,
    as_of: object,
    config: Config | None,
    top: int,
) -> Explanation:
    summary = _summary(path)
    stamp = to_timestamp(summary["as_of"])
    saved = Config.from_dict(summary["parameters"], source=f"{path / 'summary.json'}: parameters")
    _check_same_audit(stamp, saved, as_of, config, f"the audit in {path}")
    table = "customers" if staff_id is None else "ties"
    rows = _saved_rows(path / f"{table}.csv", customer_id, staff_id)
    if rows.empty:
        raise not_in_audit(customer_id, staff_id, stamp)
    interactions, notes = _saved_interactions(summary, customer_id, staff_id, stamp, saved, rows)
    # Only the level asked about is read: the customers rows, or the ties rows.
    return explain_from_tables(
        rows,
        rows,
        interactions,
        customer_id,
        staff_id,
        as_of=stamp,
        config=saved,
        top=top,
        notes=notes,
    )


def _summary(path: Path) -> dict[str, Any]:
    file = path / "summary.json"
    try:
        summary: dict[str, Any] = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise UsageError(f"{file}: not readable as an audit summary ({error})") from None
    missing = [key for key in ("as_of", "parameters") if key not in summary]
    if missing:
        raise UsageError(f"{file}: not an audit summary (no {', '.join(missing)})")
    return summary


def _saved_rows(file: Path, customer_id: str, staff_id: str | None) -> pd.DataFrame:
    """Read an audit table's rows of one customer (and staff member), typed as pandas reads them.

    Arrow reads the whole file as text and picks the rows (fast, on all cores); pandas then
    reads only those, with the column types a full read gives (numbers, True/False, times).
    """
    if not file.is_file():
        raise DataError([DataProblem(str(file), None, None, "file not found")])
    with file.open(encoding="utf-8", newline="") as stream:
        names = next(csv.reader(stream), [])
    text = pa.string()
    table = pacsv.read_csv(
        file,
        parse_options=pacsv.ParseOptions(newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(names, text),
            strings_can_be_null=True,
            quoted_strings_can_be_null=False,
        ),
    )
    mask = pc.equal(table.column("customer_id"), customer_id)
    if staff_id is not None:
        mask = pc.and_(mask, pc.equal(table.column("staff_id"), staff_id))
    chosen = table.filter(mask.fill_null(False))
    buffer = io.BytesIO()
    pacsv.write_csv(chosen, buffer)
    buffer.seek(0)
    frame = pd.read_csv(
        buffer, dtype={column: str for column in _ID_COLUMNS if column in chosen.column_names}
    )
    for column in _TIME_COLUMNS:
        if column in frame.columns:
            frame[column] = pd.to_datetime(frame[column], utc=True, format="ISO8601")
    return frame


def _saved_interactions(
    summary: dict[str, Any],
    customer_id: str,
    staff_id: str | None,
    stamp: pd.Timestamp,
    config: Config,
    rows: pd.DataFrame,
) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """Read the customer's interactions from the audit's data folder; note what was found."""
    empty = empty_table(INTERACTIONS, config.channels)
    recorded = summary.get("source_folder") or summary.get("source")
    if not recorded or not is_data_folder(recorded):
        where = "in memory or in Neo4j" if recorded in ("frames", "neo4j") else f"in {recorded}"
        return empty, (
            f"the interactions are not listed: the audit's data ({where}) is not a data folder "
            "here",
        )
    try:
        data = DataFolder.open(recorded, config=config)
        ids = data.interaction_columns(["customer_id"], on_error="quarantine")
        own = data.interactions(
            np.flatnonzero((ids["customer_id"] == customer_id).to_numpy()), on_error="quarantine"
        )
    except DataError as error:
        return empty, (f"the interactions are not listed: {recorded} cannot be read ({error})",)
    own = own.loc[own["timestamp"] <= stamp].reset_index(drop=True)
    if staff_id is not None:
        counted = int((own["staff_id"] == staff_id).sum())
    else:
        counted = len(own)
    audited = int(rows["n_interactions"].iloc[0])
    notes: tuple[str, ...] = ()
    if counted != audited:
        notes = (
            f"{recorded} has changed since the audit: {counted} of these interactions up to the "
            f"as-of date, the audit counted {audited}; the list is from the folder as it is now",
        )
    return own, notes


# -- from data -----------------------------------------------------------------------------


def _from_dataset(
    data: Dataset,
    customer_id: str,
    staff_id: str | None,
    as_of: object,
    config: Config | None,
    top: int,
) -> Explanation:
    stamp = data.latest() if as_of is None else to_timestamp(as_of)
    if pd.Timestamp(data.summary()["first_timestamp"]) > stamp:
        raise UsageError(f"no interactions on or before the as-of date {stamp.isoformat()}")
    # Filtered in the engine: only the customer's rows become a frame.
    known = data.until(stamp)
    own = known.interactions_of(customer_id)
    if own.empty:
        raise not_in_audit(customer_id, staff_id, stamp)
    return _explain_rows(
        own,
        lambda backend: _valued(known.interactions_table(backend)),
        data.customers,
        customer_id,
        staff_id,
        stamp,
        config or Config(),
        top,
    )


def _valued(interactions: ir.Table) -> ir.Table:
    """Return the interactions with a value: what the population's V_ref is computed from."""
    return interactions.filter(interactions.value.notnull())


def _explain_rows(
    own: pd.DataFrame,
    valued: Callable[[BaseBackend], ir.Table],
    attributes: pd.DataFrame,
    customer_id: str,
    staff_id: str | None,
    stamp: pd.Timestamp,
    config: Config,
    top: int,
) -> Explanation:
    """Audit one customer's interactions against the population's V_ref, and explain a row.

    ``own`` are the customer's interactions, in the data's order, and ``valued`` gives an
    engine every interaction with a value; none after ``stamp``.
    """
    interactions = own.reset_index(drop=True)
    with connect(config.engine) as backend:
        medians = population_medians(backend, valued(backend), stamp, config)
        result = relationships(
            backend, interactions_table(interactions), stamp, config, medians=medians
        )
    customers = _with_attributes(result.customers, attributes, "customer_id")
    return explain_from_tables(
        result.ties,
        customers,
        interactions,
        customer_id,
        staff_id,
        as_of=stamp,
        config=config,
        top=top,
    )


def _iso(stamp: pd.Timestamp) -> str:
    return stamp.isoformat().replace("+00:00", "Z")
