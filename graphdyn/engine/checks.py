"""The interactions' data contract as engine expressions: each value parsed and checked in place.

A scan (:mod:`graphdyn.engine.scan`) holds the columns as stored; here each contract column
becomes two Ibis expressions over it, one definition compiled for any engine:

- its **value**, parsed to the contract's type: text trimmed (blank = null), timestamps in UTC
  (text parsed as ISO-8601, naive = UTC), numbers as float64, channel and direction trimmed and
  lower-cased; null wherever the value is rejected;
- its **problem**, the text of what is wrong with the value (null when nothing is), the same
  words as :mod:`graphdyn.data.validate` uses for the attribute tables.

:func:`check_interactions` counts every problem in one pass, finds repeated ``interaction_id``
in a second (one hash aggregate), and only then fetches rows: the first problem rows in file
and row order (all of them to quarantine), with the file and the row each is in, whence the
``file:line: column: problem (value)`` messages. The checked rows themselves stay in the
engine: :func:`typed_interactions` is the table every query reads.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa
from ibis.backends import BaseBackend

from graphdyn.data.contract import DIRECTIONS, INTERACTIONS, Column
from graphdyn.data.validate import PROBLEM_COLUMNS, text_values
from graphdyn.engine.scan import FILE, ROW

__all__ = [
    "Checks",
    "check_interactions",
    "missing_columns",
    "typed_interactions",
]

#: How many problems a raised error lists (it counts the rest).
_LISTED = 100
_MISSING = "required value missing"
_UTC = dt.Timestamp(timezone="UTC")
_PROBLEM = "__problem_"
#: The code of a space: what trimming removes (whitespace) is at or below it.
_SPACE = 32


def missing_columns(scan: ir.Table) -> list[str]:
    """Return the required interaction columns the scan lacks, in contract order.

    Examples
    --------
    >>> missing_columns(ibis.table({"interaction_id": "string", "timestamp": "string"}))
    ['customer_id', 'channel']
    """
    return [c.name for c in INTERACTIONS.columns if c.required and c.name not in scan.columns]


def typed_interactions(scan: ir.Table, channels: Sequence[str]) -> ir.Table:
    """Parse the interactions to the contract's types, rejected values null.

    Parameters
    ----------
    scan : ibis.expr.types.Table
        A scan (:func:`~graphdyn.engine.scan.scan_parquet`,
        :func:`~graphdyn.engine.scan.scan_arrow`) with every required column.
    channels : sequence of str
        The allowed channels.

    Returns
    -------
    ibis.expr.types.Table
        Every contract column (absent ones null), then the scan's other columns as text, then
        :data:`~graphdyn.engine.scan.FILE` and :data:`~graphdyn.engine.scan.ROW`.

    Examples
    --------
    >>> import pyarrow as pa
    >>> from graphdyn.engine.backend import connect
    >>> from graphdyn.engine.scan import scan_arrow
    >>> raw = pa.table({"interaction_id": [" i1 "], "timestamp": ["2024-01-04T09:30+02:00"],
    ...                 "customer_id": ["c1"], "channel": [" Phone"], "value": ["12.5"]})
    >>> with connect() as backend:
    ...     row = backend.to_pyarrow(typed_interactions(scan_arrow(raw, "t.csv"),
    ...                                                 ["phone"])).to_pylist()[0]
    >>> row["interaction_id"], str(row["timestamp"]), row["channel"], row["value"]
    ('i1', '2024-01-04 07:30:00+00:00', 'phone', 12.5)
    """
    values = {c.name: _parsed(scan, c, channels)[0] for c in INTERACTIONS.columns}
    extras = {
        name: scan[name].cast("string")
        for name in scan.columns
        if name not in values and name not in (FILE, ROW)
    }
    return scan.select(**values, **extras, **{FILE: scan[FILE], ROW: scan[ROW]})


@dataclass(frozen=True)
class Checks:
    """What checking the interactions found.

    Parameters
    ----------
    rows : int
        Rows scanned.
    total : int
        Problems found (rejected values; a row may have several).
    problems : pandas.DataFrame
        The problems (:data:`~graphdyn.data.validate.PROBLEM_COLUMNS`) in file, line and
        column order: every one when asked for all, else the first 100.
    rejected : pyarrow.Table
        The :data:`~graphdyn.engine.scan.FILE` and :data:`~graphdyn.engine.scan.ROW` of every
        row with a problem, when asked for all problems; else empty.
    """

    rows: int
    total: int
    problems: pd.DataFrame
    rejected: pa.Table


def check_interactions(
    backend: BaseBackend,
    scan: ir.Table,
    channels: Sequence[str],
    name: Callable[[str], str],
    *,
    every: bool = False,
) -> Checks:
    """Check every interaction of a scan against the data contract, in the engine.

    Parameters
    ----------
    backend : ibis.backends.BaseBackend
        The engine the scan runs on.
    scan : ibis.expr.types.Table
        With every required column (see :func:`missing_columns`).
    channels : sequence of str
        The allowed channels.
    name : callable
        The name of a file in messages, from its :data:`~graphdyn.engine.scan.FILE` text.
    every : bool
        Fetch every problem and rejected row (to quarantine them), not only the first 100.

    Returns
    -------
    Checks

    Examples
    --------
    >>> import pyarrow as pa
    >>> from graphdyn.engine.backend import connect
    >>> from graphdyn.engine.scan import scan_arrow
    >>> raw = pa.table({"interaction_id": ["i1", "i2", "i1"],
    ...                 "timestamp": ["2024-01-02", "soon", "2024-01-03"],
    ...                 "customer_id": ["c1", "c1", ""], "channel": ["phone"] * 3})
    >>> with connect() as backend:
    ...     checks = check_interactions(backend, scan_arrow(raw, "t.csv"), ["phone"], str)
    >>> checks.total
    3
    >>> checks.problems["problem"].tolist()
    ['not an ISO-8601 date or datetime', 'duplicate interaction_id, first on line 2', 'required value missing']
    """  # noqa: E501
    checked = {
        c.name: problem
        for c in INTERACTIONS.columns
        if (problem := _parsed(scan, c, channels)[1]) is not None
    }
    problem = {f"{_PROBLEM}{column}": expression for column, expression in checked.items()}
    found = scan.select(FILE, ROW, *(c for c in checked if c in scan.columns), **problem).filter(
        ibis.or_(*(p.notnull() for p in problem.values()))
    )
    # One pass: the rows, the problems of each column, and whether any key may be repeated:
    # as many distinct hashes as keys means distinct keys (a 64-bit hash is a quarter of the
    # memory of the keys); fewer, and the keys themselves are compared.
    key = _parsed(scan, INTERACTIONS.column(INTERACTIONS.key), channels)[0]
    wide = scan.select(_key=key, **problem)
    counts = backend.to_pyarrow(
        wide.aggregate(
            rows=ibis._.count(),
            keys=wide["_key"].count(),
            distinct=wide["_key"].hash().nunique(),
            **{column: wide[column].count() for column in problem},
        )
    ).to_pylist()[0]
    rows, keys, distinct = (int(counts.pop(n) or 0) for n in ("rows", "keys", "distinct"))
    total = sum(int(n) for n in counts.values())
    repeated = _no_problems()
    if distinct < keys:
        repeated = _repeated_keys(backend, typed_interactions(scan, channels), name)
    total += len(repeated)
    if total == 0:
        return Checks(rows, 0, _no_problems(), _no_rows())
    ordered = found.order_by(FILE, ROW)
    fetched = backend.to_pyarrow(ordered if every else ordered.limit(_LISTED))
    frames = [_problems(fetched, column, name) for column in checked]
    problems = _in_order([*frames, repeated])
    rejected = _no_rows()
    if every:
        places = pa.concat_tables(
            [
                _places(fetched[FILE].to_pylist(), fetched[ROW].to_numpy()),
                _places(repeated[FILE].tolist(), repeated[ROW].to_numpy()),
            ]
        )
        rejected = places.group_by([FILE, ROW]).aggregate([])
    return Checks(rows, total, problems if every else problems.head(_LISTED), rejected)


def _parsed(
    scan: ir.Table, column: Column, channels: Sequence[str]
) -> tuple[ir.Value, ir.StringValue | None]:
    """Return the column's parsed value and its problem (null if none; None: none can be)."""
    if column.name not in scan.columns:
        kind = {"timestamp": _UTC, "number": dt.float64}.get(column.kind, dt.string)
        return ibis.null(kind), None
    raw = scan[column.name]
    if column.kind == "timestamp":
        return _timestamp(raw, column)
    if column.kind == "number":
        return _number(raw, column)
    text, blank = _trimmed(raw)
    if column.kind in ("channel", "direction"):
        allowed = sorted(channels) if column.kind == "channel" else list(DIRECTIONS)
        what = (
            f"unknown channel; allowed: {', '.join(allowed)}"
            if column.kind == "channel"
            else "must be inbound or outbound"
        )
        code = text.lower()
        bad = ~blank & ~code.isin(allowed)
        return (
            ibis.ifelse(blank | bad, ibis.null(dt.string), code),
            _problem((column.nonblank and blank, _MISSING), (bad, what)),
        )
    return text, _problem((column.nonblank and blank, _MISSING))


def _trimmed(raw: ir.Value) -> tuple[ir.StringValue, ir.BooleanValue]:
    """Return text trimmed, blank (missing or only whitespace) as null, and whether it is blank.

    Only a value whose first or last character is whitespace or a control character is
    trimmed: looking at the two is a quarter of the cost of trimming every value.
    """
    text = raw if raw.type().is_string() else raw.cast("string")
    edges = (text.ascii_str() <= _SPACE) | (text.right(1).ascii_str() <= _SPACE)
    trimmed = ibis.ifelse(edges.fill_null(False), text.strip(), text).nullif("")
    return trimmed, trimmed.isnull()


def _timestamp(raw: ir.Value, column: Column) -> tuple[ir.Value, ir.StringValue | None]:
    kind = raw.type()
    if kind.is_timestamp() or kind.is_date():
        # Stored instants; naive ones are UTC (the engine's session time zone).
        parsed = raw.cast(_UTC)
        return parsed, _problem((column.nonblank and raw.isnull(), _MISSING))
    text, blank = _trimmed(raw)
    parsed = text.try_cast(_UTC)
    bad = ~blank & parsed.isnull()
    return parsed, _problem(
        (column.nonblank and blank, _MISSING), (bad, "not an ISO-8601 date or datetime")
    )


def _number(raw: ir.Value, column: Column) -> tuple[ir.FloatingValue, ir.StringValue | None]:
    if raw.type().is_numeric():
        number = raw.cast(dt.float64)
        blank = number.isnull() | number.isnan()
        unparsed: ir.BooleanValue = ibis.literal(False)
    else:
        text, blank = _trimmed(raw)
        number = text.try_cast(dt.float64)
        unparsed = ~blank & (number.isnull() | number.isnan())
    blank = blank.fill_null(True)
    infinite = ~blank & number.isinf().fill_null(False)
    finite = ~blank & ~unparsed & ~infinite
    low, high = column.minimum, column.maximum
    outside: tuple[ir.BooleanValue | bool, str] = (False, "")
    if low is not None and high is not None:
        outside = (finite & ((number < low) | (number > high)), f"outside [{low:g}, {high:g}]")
    elif low is not None:
        outside = (finite & (number < low), "negative" if low == 0 else f"below {low:g}")
    value = ibis.ifelse(finite, number, ibis.null(dt.float64))
    return value, _problem(
        (column.nonblank and blank, _MISSING),
        (unparsed, "not a number"),
        (infinite, "not a finite number"),
        outside,
    )


def _problem(*cases: tuple[ir.BooleanValue | bool, str]) -> ir.StringValue | None:
    """Return the text of the first case that holds (null if none); None without a case."""
    live = [
        (condition.fill_null(False), text)
        for condition, text in cases
        if not isinstance(condition, bool)
    ]
    if not live:
        return None
    problem: ir.StringValue = ibis.cases(*live, else_=ibis.null(dt.string))
    return problem


def _repeated_keys(
    backend: BaseBackend, typed: ir.Table, name: Callable[[str], str]
) -> pd.DataFrame:
    """List a problem for every row whose key an earlier row has, naming that row's line."""
    key = INTERACTIONS.key
    counted = typed.filter(typed[key].notnull()).group_by(key).agg(n=ibis._.count())
    keys = counted.filter(counted.n > 1).select(key)
    # The repeated keys are few (or the data is broken): their rows come back, nothing else.
    rows = typed.semi_join(keys, key).select(key, FILE, ROW)
    places = backend.to_pyarrow(rows).to_pandas().sort_values([FILE, ROW], kind="stable")
    if places.empty:
        return _no_problems()
    first = places.groupby(key, sort=False)[[FILE, ROW]].transform("first")
    later = places[key].duplicated().to_numpy()
    here, there = places[FILE].to_numpy()[later], first[FILE].to_numpy()[later]
    lines = first[ROW].to_numpy()[later] + 2
    texts = [
        f"duplicate {key}, first on line {line}" + ("" if this == that else f" of {name(that)}")
        for line, this, that in zip(lines, here, there, strict=True)
    ]
    return pd.DataFrame(
        {
            "file": [name(file) for file in here],
            "line": places[ROW].to_numpy()[later] + 2,
            "column": key,
            "problem": texts,
            "value": places[key].to_numpy()[later],
            FILE: here,
            ROW: places[ROW].to_numpy()[later],
        }
    )


def _problems(fetched: pa.Table, column: str, name: Callable[[str], str]) -> pd.DataFrame:
    """List the problems of one column among the fetched rows."""
    problem = fetched.column(f"{_PROBLEM}{column}").to_pandas()
    mask = problem.notna().to_numpy()
    files = fetched.column(FILE).to_pandas().to_numpy()[mask]
    rows = fetched.column(ROW).to_numpy()[mask]
    texts = problem.to_numpy()[mask]
    values = (
        text_values(fetched.column(column).filter(pa.array(mask))).to_numpy()
        if column in fetched.column_names
        else [None] * len(texts)
    )
    return pd.DataFrame(
        {
            "file": [name(file) for file in files],
            "line": rows + 2,
            "column": column,
            "problem": texts,
            "value": [
                None if text == _MISSING else value
                for text, value in zip(texts, values, strict=True)
            ],
            FILE: files,
            ROW: rows,
        }
    )


def _in_order(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Problems in file, row and contract column order."""
    order = {name: place for place, name in enumerate(INTERACTIONS.column_names)}
    joined = pd.concat([f for f in frames if len(f)], ignore_index=True)
    joined["_order"] = joined["column"].map(order)
    joined = joined.sort_values([FILE, ROW, "_order"], kind="stable")
    return joined[list(PROBLEM_COLUMNS)].reset_index(drop=True).astype({"line": "int64"})


def _no_problems() -> pd.DataFrame:
    """No problems: the problem columns and the place columns, without rows."""
    columns = (*PROBLEM_COLUMNS, FILE, ROW)
    return pd.DataFrame({name: pd.Series(dtype=object) for name in columns})


def _places(files: Sequence[str], rows: object) -> pa.Table:
    """Return a table of rows' places: their file and row."""
    return pa.table({FILE: pa.array(files, pa.string()), ROW: pa.array(rows, pa.int64())})


def _no_rows() -> pa.Table:
    return _places([], [])
