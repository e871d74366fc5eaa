"""Parsing raw tables into typed frames, checking every value against the data contract.

Each check is vectorised over a whole column in Arrow compute: text is trimmed and tested once,
channel and direction are checked on their dictionary of distinct values, and keys are tested
for uniqueness by one hash pass (none at all when they are already in increasing order). A
rejected value becomes one row of a problems frame (file, line, column, problem, value), in file
and line order; only the rejected rows are ever converted to Python values.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from graphdyn.data.contract import DIRECTIONS, Column, Table
from graphdyn.data.files import Parts, RawTable
from graphdyn.errors import DataError, DataProblem

__all__ = [
    "PROBLEM_COLUMNS",
    "ParsedTable",
    "arrow_table",
    "empty_table",
    "parse_table",
    "problems_to_error",
    "text_values",
]

#: Columns of a problems (rejects) frame.
PROBLEM_COLUMNS: tuple[str, ...] = ("file", "line", "column", "problem", "value")

_MICROS_UTC = pa.timestamp("us", tz="UTC")


class ParsedTable:
    """A typed frame, the line of each of its rows, and the problems found (maybe none).

    Parameters
    ----------
    frame : pandas.DataFrame
        Contract columns parsed to their types, then any extra columns as text.
    lines : numpy.ndarray
        1-based line in the source file (or part) of each row.
    problems : pandas.DataFrame
        One row per rejected value, columns :data:`PROBLEM_COLUMNS`.
    parts : Parts or None
        The part of each row, for a table read from a folder of parts.
    """

    def __init__(
        self,
        frame: pd.DataFrame,
        lines: np.ndarray,
        problems: pd.DataFrame,
        parts: Parts | None = None,
    ) -> None:
        self.frame = frame
        self.lines = lines
        self.problems = problems
        self.parts = parts

    @property
    def bad_rows(self) -> np.ndarray:
        """Boolean mask of rows with at least one problem."""
        lines = self.problems["line"].to_numpy()
        if self.parts is None:
            return np.isin(self.lines, lines)
        return self.parts.rows_at(self.lines, self.problems["file"].to_numpy(), lines)


def arrow_table(frame: pd.DataFrame) -> pa.Table:
    """Convert an in-memory frame to Arrow, column by column, for :func:`parse_table`.

    A column Arrow cannot hold as one type (an object column mixing numbers and text) is
    converted as text, the way pandas writes its values.

    Examples
    --------
    >>> arrow_table(pd.DataFrame({"id": [1, "b"], "x": [0.5, None]})).schema.types
    [DataType(large_string), DataType(double)]
    """
    columns: dict[str, pa.ChunkedArray] = {}
    for name in frame.columns:
        series = frame[name].reset_index(drop=True)
        try:
            array = pa.array(series, from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
            array = pa.array(_as_text(series), type=pa.large_string())
        columns[str(name)] = (
            array if isinstance(array, pa.ChunkedArray) else pa.chunked_array([array])
        )
    return pa.table(columns)


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

    Examples
    --------
    >>> import numpy as np, pyarrow as pa
    >>> from graphdyn.data.contract import STAFF
    >>> raw = RawTable("staff.csv", pa.table({"staff_id": [" s1", "s1"]}), np.array([2, 3]))
    >>> parse_table(raw, STAFF, ["phone"]).problems["problem"].tolist()
    ['duplicate staff_id, first on line 2']
    """
    names = raw.table.column_names
    missing = [c.name for c in table.columns if c.required and c.name not in names]
    if missing:
        found = ", ".join(names) or "none"
        header = None if raw.parts else 1  # parts have no header line
        raise DataError(
            [
                DataProblem(raw.file, header, name, f"required column missing (found: {found})")
                for name in missing
            ]
        )
    problems: list[pd.DataFrame] = []
    out: dict[str, pd.Series] = {}
    key: pa.ChunkedArray | None = None
    length = raw.table.num_rows
    for column in table.columns:
        if column.name not in names:
            out[column.name] = _empty_column(column, length, channels)
            continue
        values = raw.table.column(column.name)
        if column.kind in ("id", "text"):
            text = _trimmed_text(raw, column, values, problems)
            key = text if column.name == table.key else key
            out[column.name] = text.to_pandas()
        else:
            out[column.name] = _parse_column(raw, column, values, channels, problems)
    for name in names:
        if name not in out:
            out[name] = _text(raw.table.column(name)).to_pandas()
    frame = pd.DataFrame(out, copy=False)
    if key is not None:
        problems.append(_duplicates(raw, table.key, key))
    joined = pd.concat(problems, ignore_index=True) if problems else _no_problems()
    order = {name: i for i, name in enumerate(frame.columns)}
    part = {name: i for i, name in enumerate(raw.parts.names if raw.parts else ())}
    joined = (
        joined.assign(_part=joined["file"].map(part).fillna(0), _order=joined["column"].map(order))
        .sort_values(["_part", "line", "_order"], kind="stable")
        .drop(columns=["_part", "_order"])
        .reset_index(drop=True)
    )
    return ParsedTable(frame, raw.lines, joined, raw.parts)


def problems_to_error(problems: pd.DataFrame, total: int | None = None) -> DataError:
    """Turn a non-empty problems frame into a :class:`~graphdyn.errors.DataError`.

    Only the first 100 problems are materialised; the error knows the total (``total``, when
    ``problems`` holds only the first ones; else its length).

    Examples
    --------
    >>> frame = pd.DataFrame({"file": ["staff.csv"], "line": [4], "column": ["staff_id"],
    ...                       "problem": ["required value missing"], "value": [None]})
    >>> str(problems_to_error(frame))
    'staff.csv:4: staff_id: required value missing'
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
        total=len(problems) if total is None else total,
    )


def _no_problems() -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype=object) for name in PROBLEM_COLUMNS})


def _report(
    raw: RawTable,
    column: str,
    mask: np.ndarray,
    problem: str | list[str],
    values: pa.ChunkedArray | None,
) -> pd.DataFrame:
    """Problems for the rows in ``mask``; a list ``problem`` has one text per masked row."""
    index = np.flatnonzero(mask)
    return pd.DataFrame(
        {
            "file": raw.files(index),
            "line": raw.lines[index],
            "column": column,
            "problem": problem,
            "value": None
            if values is None
            else _as_text(values.take(index).to_pandas()).to_numpy(),
        }
    )


def text_values(values: pa.Array | pa.ChunkedArray) -> pd.Series:
    """Values as messages show them: text as it is, anything else as pandas writes it.

    Examples
    --------
    >>> text_values(pa.array([3.0, None, -1.5])).tolist()
    ['3.0', '', '-1.5']
    """
    return _as_text(values.to_pandas())


def _as_text(series: pd.Series) -> pd.Series:
    if pd.api.types.is_string_dtype(series) and not pd.api.types.is_object_dtype(series):
        return series
    return series.astype("str").where(series.notna(), "")


def _is_text_type(kind: pa.DataType) -> bool:
    return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind))


def _text(values: pa.ChunkedArray) -> pa.ChunkedArray:
    """Text columns as they are; any other type as pandas writes its values (blank = "")."""
    if _is_text_type(values.type):
        return values
    return pa.chunked_array([pa.array(_as_text(values.to_pandas()), type=pa.large_string())])


def _to_numpy(mask: pa.ChunkedArray) -> np.ndarray:
    return np.asarray(mask.fill_null(False), dtype=bool)


def _trim(values: pa.ChunkedArray) -> tuple[pa.ChunkedArray, np.ndarray]:
    """Trimmed text with blanks (missing or only whitespace) as nulls, and the blank mask.

    Dictionary-encoded text is trimmed and tested once per distinct value, then decoded.
    """
    if pa.types.is_dictionary(values.type) and _is_text_type(values.type.value_type):
        text = pa.chunked_array(
            [
                pa.DictionaryArray.from_arrays(chunk.indices, _blank_to_null(chunk.dictionary))
                for chunk in values.chunks
            ],
            pa.dictionary(values.type.index_type, values.type.value_type),
        ).cast(values.type.value_type)
        return text, _to_numpy(pc.is_null(text))
    trimmed = _blank_to_null(_text(values))
    return trimmed, _to_numpy(pc.is_null(trimmed))


def _blank_to_null(text: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """Trim whitespace; empty results become nulls."""
    trimmed = pc.utf8_trim_whitespace(text)
    blank = pc.or_kleene(pc.is_null(trimmed), pc.equal(trimmed, ""))
    return pc.if_else(blank, pa.scalar(None, trimmed.type), trimmed)


def _check_blank(
    raw: RawTable, column: Column, blank: np.ndarray, problems: list[pd.DataFrame]
) -> None:
    if column.nonblank and blank.any():
        problems.append(_report(raw, column.name, blank, "required value missing", None))


def _trimmed_text(
    raw: RawTable, column: Column, values: pa.ChunkedArray, problems: list[pd.DataFrame]
) -> pa.ChunkedArray:
    text, blank = _trim(values)
    _check_blank(raw, column, blank, problems)
    return text.cast(pa.large_string())


def _parse_column(
    raw: RawTable,
    column: Column,
    values: pa.ChunkedArray,
    channels: Sequence[str],
    problems: list[pd.DataFrame],
) -> pd.Series:
    if column.kind in ("timestamp", "date"):
        parsed, blank = _parse_timestamps(values)
        _check_blank(raw, column, blank, problems)
        bad = _to_numpy(pc.is_null(parsed)) & ~blank
        if bad.any():
            what = "ISO-8601 date or datetime" if column.kind == "timestamp" else "ISO-8601 date"
            problems.append(_report(raw, column.name, bad, f"not an {what}", values))
        stamps: pd.Series = parsed.to_pandas()
        return stamps.dt.normalize() if column.kind == "date" else stamps
    if column.kind == "number":
        return _parse_numbers(raw, column, values, problems)
    allowed = tuple(sorted(channels)) if column.kind == "channel" else DIRECTIONS
    codes, blank = _category_codes(values, allowed)
    _check_blank(raw, column, blank, problems)
    bad = ~blank & (codes < 0)
    if bad.any():
        what = (
            f"unknown channel; allowed: {', '.join(allowed)}"
            if column.kind == "channel"
            else "must be inbound or outbound"
        )
        problems.append(_report(raw, column.name, bad, what, values))
    return pd.Series(
        pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(list(allowed))), copy=False
    )


def _category_codes(
    values: pa.ChunkedArray, allowed: Sequence[str]
) -> tuple[np.ndarray, np.ndarray]:
    """Code in ``allowed`` of each trimmed, lower-cased value (-1 if none), and the blank mask.

    Each distinct value is trimmed, lower-cased and looked up once, on the column's dictionary.
    """
    if not (pa.types.is_dictionary(values.type) and _is_text_type(values.type.value_type)):
        values = _text(values).dictionary_encode()
    known = pa.array(list(allowed), type=pa.string())
    code_parts: list[np.ndarray] = []
    blank_parts: list[np.ndarray] = []
    for chunk in values.chunks:
        entries = pc.utf8_lower(pc.utf8_trim_whitespace(chunk.dictionary))
        # One extra entry at the end stands for the null indices: blank, no code.
        entry_blank = np.append(np.asarray(pc.equal(entries, "").fill_null(True), dtype=bool), True)
        entry_code = np.append(
            pc.index_in(entries, value_set=known).fill_null(-1).to_numpy(), -1
        ).astype(np.int8)
        rows = chunk.indices.fill_null(len(entries)).to_numpy()
        code_parts.append(np.where(entry_blank[rows], -1, entry_code[rows]).astype(np.int8))
        blank_parts.append(entry_blank[rows])
    if not code_parts:
        return np.zeros(0, dtype=np.int8), np.zeros(0, dtype=bool)
    return np.concatenate(code_parts), np.concatenate(blank_parts)


def _parse_timestamps(values: pa.ChunkedArray) -> tuple[pa.ChunkedArray, np.ndarray]:
    """UTC timestamps in microseconds (null where unparsable) and the blank mask.

    Stored timestamps and dates are converted (naive = UTC); text is parsed as ISO-8601 by
    Arrow when every value has a zone offset or none has, else by pandas.
    """
    kind = values.type
    if pa.types.is_timestamp(kind) or pa.types.is_date(kind):
        blank = _to_numpy(pc.is_null(values))
        # Finer than microseconds is truncated, as pandas does; coarser converts exactly.
        exact = not (pa.types.is_timestamp(kind) and kind.unit == "ns")
        return values.cast(_MICROS_UTC, safe=exact), blank
    text, blank = _trim(values)
    # Arrow parses text with a zone offset only as zoned, and text without one only as naive.
    for target in (_MICROS_UTC, pa.timestamp("us")):
        try:
            return text.cast(target).cast(_MICROS_UTC), blank
        except pa.ArrowInvalid:
            continue
    parsed = pd.to_datetime(text.to_pandas(), format="ISO8601", utc=True, errors="coerce")
    return pa.chunked_array([pa.array(parsed.astype("datetime64[us, UTC]"))]), blank


def _parse_numbers(
    raw: RawTable,
    column: Column,
    values: pa.ChunkedArray,
    problems: list[pd.DataFrame],
) -> pd.Series:
    kind = values.type
    if pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_decimal(kind):
        numbers = values.cast(pa.float64(), safe=False)
        blank = _to_numpy(pc.is_null(numbers, nan_is_null=True))
    else:
        text, blank = _trim(values)
        try:
            numbers = text.cast(pa.float64())
        except pa.ArrowInvalid:
            coerced = pd.to_numeric(text.to_pandas(), errors="coerce").astype("float64")
            numbers = pa.chunked_array([pa.array(coerced.to_numpy(), from_pandas=True)])
    _check_blank(raw, column, blank, problems)
    parsed = np.asarray(numbers.fill_null(np.nan), dtype=np.float64)
    unparsed = ~blank & np.isnan(parsed)
    if unparsed.any():
        problems.append(_report(raw, column.name, unparsed, "not a number", values))
    infinite = np.isinf(parsed)
    if infinite.any():
        problems.append(_report(raw, column.name, infinite, "not a finite number", values))
    finite = np.isfinite(parsed)
    low, high = column.minimum, column.maximum
    if low is not None and high is not None:
        outside = finite & ((parsed < low) | (parsed > high))
        if outside.any():
            problems.append(
                _report(raw, column.name, outside, f"outside [{low:g}, {high:g}]", values)
            )
    elif low is not None:
        below = finite & (parsed < low)
        if below.any():
            what = "negative" if low == 0 else f"below {low:g}"
            problems.append(_report(raw, column.name, below, what, values))
    return pd.Series(np.where(finite, parsed, np.nan), copy=False)


def _duplicates(raw: RawTable, key: str, keys: pa.ChunkedArray) -> pd.DataFrame:
    """Rows whose key appeared on an earlier row, naming that row's line."""
    if not _has_duplicates(keys):
        return _no_problems()
    # Dictionary indices follow the order of first appearance: a row is a repeat iff its index
    # is not larger than every index before it, and entry k first appeared on the k-th new row.
    encoded = keys.combine_chunks().dictionary_encode()
    index = encoded.indices.fill_null(-1).to_numpy()
    present = index >= 0
    earlier_max = np.maximum.accumulate(np.append(-1, index[:-1]))
    first_seen = np.flatnonzero(present & (index > earlier_max))
    duplicated = present.copy()
    duplicated[first_seen] = False
    first_rows = first_seen[index[duplicated]]
    problems = [f"duplicate {key}, first on line {line}" for line in raw.lines[first_rows]]
    if raw.parts is not None:
        # In another part: name it.
        here, there = raw.files(np.flatnonzero(duplicated)), raw.files(first_rows)
        problems = [
            text if this == that else f"{text} of {that}"
            for text, this, that in zip(problems, here, there, strict=True)
        ]
    return _report(raw, key, duplicated, problems, keys)


def _has_duplicates(keys: pa.ChunkedArray) -> bool:
    present = keys.drop_null() if keys.null_count else keys
    if len(present) < 2:
        return False
    # Keys in strictly increasing (byte) order are distinct: no hashing needed.
    if pc.all(pc.greater(present[1:], present[:-1])).as_py():
        return False
    return len(pc.unique(present)) < len(present)


def _empty_column(column: Column, length: int, channels: Sequence[str]) -> pd.Series:
    if column.kind in ("timestamp", "date"):
        return pd.Series(pd.NaT, index=range(length), dtype="datetime64[us, UTC]")
    if column.kind == "number":
        return pd.Series(np.nan, index=range(length), dtype="float64")
    if column.kind in ("channel", "direction"):
        allowed = tuple(sorted(channels)) if column.kind == "channel" else DIRECTIONS
        codes = np.full(length, -1, dtype=np.int8)
        return pd.Series(pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(list(allowed))))
    return pd.Series(np.nan, index=range(length), dtype="str")


def empty_table(table: Table, channels: Sequence[str]) -> pd.DataFrame:
    """Return a table with no rows and the contract's typed columns.

    Examples
    --------
    >>> from graphdyn.data.contract import PRODUCTS
    >>> empty_table(PRODUCTS, ["phone"]).dtypes.astype(str).tolist()
    ['str', 'str', 'str', 'float64']
    """
    return pd.DataFrame({c.name: _empty_column(c, 0, channels) for c in table.columns})
