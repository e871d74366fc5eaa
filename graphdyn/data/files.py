"""Finding and loading the raw tables of a data folder (CSV or Parquet), with exact line numbers.

Values come out as text (CSV) or as stored (Parquet); parsing and checking them against the data
contract is :mod:`graphdyn.data.validate`'s job. Problems of a whole file (missing, empty, not
UTF-8, wrong delimiter, ragged rows) are reported here.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from graphdyn.data.contract import Table
from graphdyn.errors import DataError, DataProblem

__all__ = ["RawTable", "find_table_file", "load_raw_table"]

_SUFFIXES = (".csv", ".parquet")
_OTHER_DELIMITERS = {";": "semicolon", "\t": "tab", "|": "pipe"}


@dataclass(frozen=True)
class RawTable:
    """A table as read from its file, before parsing.

    Parameters
    ----------
    file : str
        The file name used in messages (``interactions.csv``).
    frame : pandas.DataFrame
        The rows; CSV columns are text with blanks as ``""``.
    lines : numpy.ndarray
        The 1-based line of each row in the file (header = line 1). For Parquet, the line the
        row would have in the equivalent CSV: its row number + 1.
    """

    file: str
    frame: pd.DataFrame
    lines: np.ndarray


def find_table_file(folder: Path, table: Table) -> Path | None:
    """Return the CSV or Parquet file of ``table`` in ``folder``, or None if there is none.

    Raises
    ------
    DataError
        If both a CSV and a Parquet file exist (which one is meant is not guessed).
    """
    found = [folder / f"{table.name}{suffix}" for suffix in _SUFFIXES]
    present = [p for p in found if p.is_file()]
    if len(present) > 1:
        raise DataError(
            [
                DataProblem(
                    present[1].name,
                    None,
                    None,
                    f"both {present[0].name} and {present[1].name} exist; keep one",
                )
            ]
        )
    return present[0] if present else None


def load_raw_table(path: Path) -> RawTable:
    """Load a CSV or Parquet file without interpreting its values.

    Parameters
    ----------
    path : Path
        A ``.csv`` or ``.parquet`` file.

    Returns
    -------
    RawTable

    Raises
    ------
    DataError
        Empty file, not UTF-8, wrong delimiter, rows with the wrong number of fields, duplicate
        headers or an unreadable Parquet file.
    """
    if path.suffix == ".parquet":
        return _load_parquet(path)
    return _load_csv(path)


def _fail(file: str, line: int | None, problem: str, value: str | None = None) -> DataError:
    return DataError([DataProblem(file, line, None, problem, value)])


def _load_parquet(path: Path) -> RawTable:
    try:
        arrow = pq.read_table(path)
    except (pa.ArrowException, OSError) as exc:
        raise _fail(path.name, None, f"not a readable Parquet file: {exc}") from None
    if arrow.num_columns == 0:
        raise _fail(path.name, None, "empty file (no columns)")
    frame = arrow.to_pandas()
    return RawTable(path.name, frame, np.arange(2, len(frame) + 2, dtype=np.int64))


def _load_csv(path: Path) -> RawTable:
    name = path.name
    data = path.read_bytes()
    if not data.strip():
        raise _fail(name, None, "empty file (no header, no rows)")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _fail(name, 1, "not UTF-8: the file is UTF-16 encoded; save it as UTF-8")
    header_bytes = data.split(b"\n", 1)[0]
    header_text = _decode_line(name, header_bytes, 1).lstrip("\ufeff").rstrip("\r")
    header = next(csv.reader([header_text]))
    _check_header(name, header, header_text)

    invalid: list[int] = []

    def on_invalid_row(row: pacsv.InvalidRow) -> str:
        invalid.append(row.actual_columns)
        return "skip"

    try:
        arrow = pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(skip_rows=1, column_names=header),
            parse_options=pacsv.ParseOptions(
                newlines_in_values=True,
                ignore_empty_lines=False,
                invalid_row_handler=on_invalid_row,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(header, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as exc:
        if "UTF8" in str(exc) or "utf8" in str(exc).lower():
            raise _encoding_error(name, data) from None
        raise _fail(name, None, f"not a readable CSV file: {exc}") from None
    if invalid:
        raise DataError(_ragged_rows(name, data, len(header)))
    lines = _record_lines(data, arrow) if _has_newlines(arrow) else None
    frame = arrow.to_pandas()
    if lines is None:
        lines = np.arange(2, len(frame) + 2, dtype=np.int64)
    blank = np.ones(len(frame), dtype=bool)
    for column in frame.columns:
        blank &= (frame[column] == "").to_numpy()
    if blank.any():
        frame = frame.loc[~blank].reset_index(drop=True)
        lines = lines[~blank]
    return RawTable(name, frame, lines)


def _decode_line(file: str, raw: bytes, line: int) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(
            [
                DataProblem(
                    file,
                    line,
                    None,
                    f"not UTF-8 text: byte 0x{raw[exc.start]:02x} at position {exc.start + 1}; "
                    "save the file as UTF-8",
                )
            ]
        ) from None


def _encoding_error(file: str, data: bytes) -> DataError:
    for number, raw in enumerate(data.split(b"\n"), start=1):
        _decode_line(file, raw, number)
    return _fail(file, None, "not UTF-8 text; save the file as UTF-8")


def _check_header(file: str, header: list[str], header_text: str) -> None:
    if len(header) == 1:
        for delimiter, word in _OTHER_DELIMITERS.items():
            if delimiter in header_text:
                raise _fail(
                    file,
                    1,
                    f"wrong delimiter: the header is {word}-separated; graphdyn reads "
                    "comma-separated files",
                    header_text[:80],
                )
    seen: set[str] = set()
    for column in header:
        if column in seen:
            raise _fail(file, 1, "duplicate column name in the header", column)
        seen.add(column)


def _ragged_rows(file: str, data: bytes, expected: int) -> list[DataProblem]:
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig")))
    next(reader)
    problems = []
    for row in reader:
        if row and len(row) != expected:
            problems.append(
                DataProblem(
                    file,
                    reader.line_num,
                    None,
                    f"expected {expected} fields, found {len(row)}",
                    ",".join(row)[:80],
                )
            )
    return problems


def _has_newlines(arrow: pa.Table) -> bool:
    return any(
        pc.any(pc.match_substring(arrow.column(i), "\n")).as_py() for i in range(arrow.num_columns)
    )


def _record_lines(data: bytes, arrow: pa.Table) -> np.ndarray:
    """Line numbers of records when quoted values span lines (slow path, rare in practice)."""
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig")))
    next(reader)
    starts: list[int] = []
    previous_end = reader.line_num
    for _ in reader:
        starts.append(previous_end + 1)
        previous_end = reader.line_num
    return np.asarray(starts[: arrow.num_rows], dtype=np.int64)
