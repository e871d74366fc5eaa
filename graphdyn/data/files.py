"""Finding and loading the raw tables of a data folder (CSV or Parquet), with exact line numbers.

Values come out as text (CSV) or as stored (Parquet), in Arrow; parsing and checking them against
the data contract is :mod:`graphdyn.data.validate`'s job. Problems of a whole file (missing,
empty, not UTF-8, wrong delimiter, ragged rows) are reported here.

Columns named in ``dictionary_columns`` (a few distinct values in many rows: channel, direction)
are read dictionary-encoded, so that checking them looks at each distinct value once.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from graphdyn.data.contract import Table
from graphdyn.errors import DataError, DataProblem

__all__ = ["RawTable", "find_table_file", "load_raw_table"]

_SUFFIXES = (".csv", ".parquet")
_OTHER_DELIMITERS = {";": "semicolon", "\t": "tab", "|": "pipe"}
_BLANK_SCAN_BYTES = 1 << 20

ValueTest = Callable[[pa.Array | pa.ChunkedArray], pa.Array | pa.ChunkedArray]


@dataclass(frozen=True)
class RawTable:
    """A table as read from its file, before parsing.

    Parameters
    ----------
    file : str
        The file name used in messages (``interactions.csv``).
    table : pyarrow.Table
        The rows; CSV columns are text with blanks as ``""`` (or dictionary-encoded text).
    lines : numpy.ndarray
        The 1-based line of each row in the file (header = line 1). For Parquet, the line the
        row would have in the equivalent CSV: its row number + 1.
    """

    file: str
    table: pa.Table
    lines: np.ndarray


def find_table_file(folder: Path, table: Table) -> Path | None:
    """Return the CSV or Parquet file of ``table`` in ``folder``, or None if there is none.

    Raises
    ------
    DataError
        If both a CSV and a Parquet file exist (which one is meant is not guessed).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from graphdyn.data.contract import INTERACTIONS
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "interactions.parquet").write_bytes(b"")
    >>> find_table_file(folder, INTERACTIONS).name
    'interactions.parquet'
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


def load_raw_table(path: Path, dictionary_columns: Collection[str] = ()) -> RawTable:
    r"""Load a CSV or Parquet file without interpreting its values.

    Parameters
    ----------
    path : Path
        A ``.csv`` or ``.parquet`` file.
    dictionary_columns : collection of str
        Text columns to read dictionary-encoded (those absent from the file are ignored).

    Returns
    -------
    RawTable

    Raises
    ------
    DataError
        Empty file, not UTF-8, wrong delimiter, rows with the wrong number of fields, duplicate
        headers or an unreadable Parquet file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "staff.csv"
    >>> _ = path.write_text("staff_id,name\ns1,Ann\n\ns2,Bob\n")
    >>> raw = load_raw_table(path)
    >>> raw.table.column("name").to_pylist(), raw.lines.tolist()
    (['Ann', 'Bob'], [2, 4])
    """
    if path.suffix == ".parquet":
        return _load_parquet(path, dictionary_columns)
    return _load_csv(path, dictionary_columns)


def _fail(file: str, line: int | None, problem: str, value: str | None = None) -> DataError:
    return DataError([DataProblem(file, line, None, problem, value)])


def _load_parquet(path: Path, dictionary_columns: Collection[str]) -> RawTable:
    try:
        schema = pq.read_schema(path)
        encode = [
            name
            for name in dictionary_columns
            if name in schema.names and _is_text_type(schema.field(name).type)
        ]
        arrow = pq.read_table(path, read_dictionary=encode or None)
    except (pa.ArrowException, OSError) as exc:
        raise _fail(path.name, None, f"not a readable Parquet file: {exc}") from None
    if arrow.num_columns == 0:
        raise _fail(path.name, None, "empty file (no columns)")
    return RawTable(path.name, arrow, np.arange(2, arrow.num_rows + 2, dtype=np.int64))


def _is_text_type(kind: pa.DataType) -> bool:
    return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind))


def _load_csv(path: Path, dictionary_columns: Collection[str]) -> RawTable:
    name = path.name
    with path.open("rb") as stream:
        first_line = stream.readline()
    if not first_line.strip() and _only_whitespace(path):
        raise _fail(name, None, "empty file (no header, no rows)")
    if first_line.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _fail(name, 1, "not UTF-8: the file is UTF-16 encoded; save it as UTF-8")
    header_bytes = first_line[:-1] if first_line.endswith(b"\n") else first_line
    header_text = _decode_line(name, header_bytes, 1).lstrip("\ufeff").rstrip("\r")
    header = next(csv.reader([header_text]))
    _check_header(name, header, header_text)

    invalid: list[int] = []

    def on_invalid_row(row: pacsv.InvalidRow) -> str:
        invalid.append(row.actual_columns)
        return "skip"

    text = pa.string()
    encoded = pa.dictionary(pa.int32(), pa.string())
    try:
        arrow = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(skip_rows=1, column_names=header),
            parse_options=pacsv.ParseOptions(
                newlines_in_values=True,
                ignore_empty_lines=False,
                invalid_row_handler=on_invalid_row,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={c: encoded if c in dictionary_columns else text for c in header},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as exc:
        if "UTF8" in str(exc) or "utf8" in str(exc).lower():
            raise _encoding_error(name, path.read_bytes()) from None
        raise _fail(name, None, f"not a readable CSV file: {exc}") from None
    if invalid:
        raise DataError(_ragged_rows(name, path.read_bytes(), len(header)))
    if any(_any_value(column, lambda values: pc.match_substring(values, "\n")) for column in arrow):
        lines = _record_lines(path.read_bytes(), arrow)
    else:
        lines = np.arange(2, arrow.num_rows + 2, dtype=np.int64)
    blank = _blank_rows(arrow)
    if blank.any():
        arrow = arrow.filter(pa.array(~blank))
        lines = lines[~blank]
    return RawTable(name, arrow, lines)


def _only_whitespace(path: Path) -> bool:
    with path.open("rb") as stream:
        while chunk := stream.read(_BLANK_SCAN_BYTES):
            if chunk.strip():
                return False
    return True


def _dictionary_mask(column: pa.ChunkedArray, test: ValueTest) -> np.ndarray:
    """Evaluate ``test`` on each chunk's dictionary, then spread it over the rows (null: False)."""
    parts = []
    for chunk in column.chunks:
        # One extra False entry at the end stands for the null indices.
        entries = np.append(np.asarray(test(chunk.dictionary).fill_null(False), dtype=bool), False)
        parts.append(entries[chunk.indices.fill_null(len(chunk.dictionary)).to_numpy()])
    return np.concatenate(parts) if parts else np.zeros(0, dtype=bool)


def _any_value(column: pa.ChunkedArray, test: ValueTest) -> bool:
    values = (
        pa.chunked_array([chunk.dictionary for chunk in column.chunks], column.type.value_type)
        if pa.types.is_dictionary(column.type)
        else column
    )
    return bool(pc.any(test(values)).as_py())


def _blank_rows(arrow: pa.Table) -> np.ndarray:
    """Rows whose every field is empty: the blank lines of the file."""
    blank = np.ones(arrow.num_rows, dtype=bool)
    for column in arrow.columns:
        if pa.types.is_dictionary(column.type):
            blank &= _dictionary_mask(column, lambda values: pc.equal(values, ""))
        else:
            blank &= np.asarray(pc.equal(column, "").fill_null(False), dtype=bool)
        if not blank.any():
            break
    return blank


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
