"""Parsing raw tables into typed frames, checking every value against the data contract.

Each check is vectorised over a whole column; a rejected value becomes one row of a problems
frame (file, line, column, problem, value), in file and line order.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from graphdyn.data.contract import DIRECTIONS, Column, Table
from graphdyn.data.files import RawTable
from graphdyn.errors import DataError, DataProblem

__all__ = ["PROBLEM_COLUMNS", "ParsedTable", "empty_table", "parse_table", "problems_to_error"]

#: Columns of a problems (rejects) frame.
PROBLEM_COLUMNS: tuple[str, ...] = ("file", "line", "column", "problem", "value")


class ParsedTable:
    """A typed frame, the line of each of its rows, and the problems found (maybe none).

    Parameters
    ----------
    frame : pandas.DataFrame
        Contract columns parsed to their types, then any extra columns as text.
    lines : numpy.ndarray
        1-based line in the source file of each row.
    problems : pandas.DataFrame
        One row per rejected value, columns :data:`PROBLEM_COLUMNS`.
    """

    def __init__(self, frame: pd.DataFrame, lines: np.ndarray, problems: pd.DataFrame) -> None:
        self.frame = frame
        self.lines = lines
        self.problems = problems

    @property
    def bad_rows(self) -> np.ndarray:
        """Boolean mask of rows with at least one problem."""
        return np.isin(self.lines, self.problems["line"].to_numpy())


def parse_table(raw: RawTable, table: Table, channels: Sequence[str]) -> ParsedTable:
    """Parse and check one raw table against its contract.

    Parameters
    ----------
    raw : RawTable
        As loaded from the file.
    table : Table
        Its contract.
    channels : sequence of str
        The allowed channels (from the config).

    Returns
    -------
    ParsedTable

    Raises
    ------
    DataError
        If a required column is missing (a whole-file problem: nothing can be parsed).
    """
    missing = [c.name for c in table.columns if c.required and c.name not in raw.frame.columns]
    if missing:
        found = ", ".join(map(str, raw.frame.columns)) or "none"
        raise DataError(
            [
                DataProblem(raw.file, 1, name, f"required column missing (found: {found})")
                for name in missing
            ]
        )
    problems: list[pd.DataFrame] = []
    out: dict[str, pd.Series] = {}
    for column in table.columns:
        if column.name in raw.frame.columns:
            out[column.name] = _parse_column(
                raw, column, raw.frame[column.name], channels, problems
            )
        else:
            out[column.name] = _empty_column(column, len(raw.frame), channels)
    for name in raw.frame.columns:
        if name not in out:
            out[str(name)] = _as_text(raw.frame[name])
    frame = pd.DataFrame(out)
    problems.append(_duplicates(raw, table.key, frame[table.key]))
    joined = pd.concat(problems, ignore_index=True) if problems else _no_problems()
    order = {name: i for i, name in enumerate(frame.columns)}
    joined = (
        joined.assign(_order=joined["column"].map(order))
        .sort_values(["line", "_order"], kind="stable")
        .drop(columns="_order")
        .reset_index(drop=True)
    )
    return ParsedTable(frame, raw.lines, joined)


def problems_to_error(problems: pd.DataFrame) -> DataError:
    """Turn a non-empty problems frame into a :class:`~graphdyn.errors.DataError`.

    Only the first 100 problems are materialised; the error knows the total.
    """
    head = problems.head(100).astype(object).where(problems.head(100).notna(), None)
    return DataError(
        [
            DataProblem(
                str(record["file"]),
                None if record["line"] is None else int(record["line"]),
                None if record["column"] is None else str(record["column"]),
                str(record["problem"]),
                None if record["value"] is None else str(record["value"]),
            )
            for record in head.to_dict("records")
        ],
        total=len(problems),
    )


def _no_problems() -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype=object) for name in PROBLEM_COLUMNS})


def _report(
    raw: RawTable,
    column: str,
    mask: np.ndarray,
    problem: str | list[str],
    values: pd.Series | None,
) -> pd.DataFrame:
    """Problems for the rows in ``mask``; a list ``problem`` has one text per masked row."""
    index = np.flatnonzero(mask)
    return pd.DataFrame(
        {
            "file": raw.file,
            "line": raw.lines[index],
            "column": column,
            "problem": problem,
            "value": None if values is None else _as_text(values.iloc[index]).to_numpy(),
        }
    )


def _as_text(series: pd.Series) -> pd.Series:
    if pd.api.types.is_string_dtype(series) and not pd.api.types.is_object_dtype(series):
        return series
    return series.astype("str").where(series.notna(), "")


def _blank(series: pd.Series) -> np.ndarray:
    if pd.api.types.is_string_dtype(series) or pd.api.types.is_object_dtype(series):
        text = series.astype("str").str.strip()
        return (series.isna() | (text == "")).to_numpy()
    return series.isna().to_numpy()


def _parse_column(
    raw: RawTable,
    column: Column,
    series: pd.Series,
    channels: Sequence[str],
    problems: list[pd.DataFrame],
) -> pd.Series:
    blank = _blank(series)
    if column.nonblank and blank.any():
        problems.append(_report(raw, column.name, blank, "required value missing", None))
    if column.kind in ("id", "text"):
        return _as_text(series).str.strip().where(~blank, np.nan).astype("str")
    if column.kind in ("timestamp", "date"):
        parsed = _parse_timestamps(series)
        bad = parsed.isna().to_numpy() & ~blank
        if bad.any():
            what = "ISO-8601 date or datetime" if column.kind == "timestamp" else "ISO-8601 date"
            problems.append(_report(raw, column.name, bad, f"not an {what}", series))
        return parsed.dt.normalize() if column.kind == "date" else parsed
    if column.kind == "number":
        return _parse_numbers(raw, column, series, blank, problems)
    allowed = tuple(sorted(channels)) if column.kind == "channel" else DIRECTIONS
    text = _as_text(series).str.strip().str.lower()
    bad = ~blank & ~text.isin(allowed).to_numpy()
    if bad.any():
        what = (
            f"unknown channel; allowed: {', '.join(allowed)}"
            if column.kind == "channel"
            else "must be inbound or outbound"
        )
        problems.append(_report(raw, column.name, bad, what, series))
    return pd.Series(
        pd.Categorical(text.where(~blank & ~bad, np.nan), categories=allowed), index=series.index
    )


def _parse_timestamps(series: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(series):
        stamps = series if series.dt.tz is not None else series.dt.tz_localize("UTC")
        converted: pd.Series = stamps.dt.tz_convert("UTC").astype("datetime64[us, UTC]")
        return converted
    text = _as_text(series).str.strip()
    parsed = pd.to_datetime(text, format="ISO8601", utc=True, errors="coerce")
    return parsed.astype("datetime64[us, UTC]")


def _parse_numbers(
    raw: RawTable,
    column: Column,
    series: pd.Series,
    blank: np.ndarray,
    problems: list[pd.DataFrame],
) -> pd.Series:
    if pd.api.types.is_bool_dtype(series) or not pd.api.types.is_numeric_dtype(series):
        numbers = pd.to_numeric(_as_text(series).str.strip(), errors="coerce").astype("float64")
    else:
        numbers = series.astype("float64")
    values = numbers.to_numpy()
    unparsed = ~blank & np.isnan(values)
    if unparsed.any():
        problems.append(_report(raw, column.name, unparsed, "not a number", series))
    infinite = np.isinf(values)
    if infinite.any():
        problems.append(_report(raw, column.name, infinite, "not a finite number", series))
    finite = np.isfinite(values)
    low, high = column.minimum, column.maximum
    if low is not None and high is not None:
        outside = finite & ((values < low) | (values > high))
        if outside.any():
            problems.append(
                _report(raw, column.name, outside, f"outside [{low:g}, {high:g}]", series)
            )
    elif low is not None:
        below = finite & (values < low)
        if below.any():
            what = "negative" if low == 0 else f"below {low:g}"
            problems.append(_report(raw, column.name, below, what, series))
    return numbers.where(finite, np.nan)


def _duplicates(raw: RawTable, key: str, keys: pd.Series) -> pd.DataFrame:
    present = keys.notna().to_numpy()
    duplicated = keys.duplicated(keep="first").to_numpy() & present
    if not duplicated.any():
        return _no_problems()
    first_index = (
        pd.Series(np.arange(len(keys)), index=keys.index)
        .groupby(keys.to_numpy(), sort=False)
        .transform("min")
        .to_numpy()
    )
    first_lines = raw.lines[first_index[duplicated]]
    problems = [f"duplicate {key}, first on line {line}" for line in first_lines]
    return _report(raw, key, duplicated, problems, keys)


def _empty_column(column: Column, length: int, channels: Sequence[str]) -> pd.Series:
    if column.kind in ("timestamp", "date"):
        return pd.Series(pd.NaT, index=range(length), dtype="datetime64[us, UTC]")
    if column.kind == "number":
        return pd.Series(np.nan, index=range(length), dtype="float64")
    if column.kind in ("channel", "direction"):
        allowed = tuple(sorted(channels)) if column.kind == "channel" else DIRECTIONS
        return pd.Series(pd.Categorical([None] * length, categories=allowed))
    return pd.Series(np.nan, index=range(length), dtype="str")


def empty_table(table: Table, channels: Sequence[str]) -> pd.DataFrame:
    """Return a table with no rows and the contract's typed columns."""
    return pd.DataFrame({c.name: _empty_column(c, 0, channels) for c in table.columns})
