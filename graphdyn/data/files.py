"""Finding and loading the raw tables of a data folder (CSV or Parquet), with exact line numbers.

A table is a file (``interactions.csv``, ``interactions.parquet``) or a folder of Parquet parts
(``interactions/part-00000.parquet``, ...; every ``.parquet`` file under the folder, in name
order, but those whose name or folder starts with ``.`` or ``_``, as Spark and pyarrow leave
them). Parts are read with :mod:`pyarrow.dataset`; every part must have the same columns and
types. Rows of parts are numbered within their part, as a single Parquet file's are.

Values come out as text (CSV) or as stored (Parquet), in Arrow; parsing and checking them against
the data contract is :mod:`graphdyn.data.validate`'s job. Problems of a whole file (missing,
empty, not UTF-8, wrong delimiter, ragged rows, parts of different schemas) are reported here.

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
import pyarrow.dataset as pads
import pyarrow.parquet as pq

from graphdyn.data.contract import Table
from graphdyn.errors import DataError, DataProblem

__all__ = ["ParquetFiles", "Parts", "RawTable", "find_table_file", "list_parquet", "load_raw_table"]

_SUFFIXES = (".csv", ".parquet")
_OTHER_DELIMITERS = {";": "semicolon", "\t": "tab", "|": "pipe"}
_BLANK_SCAN_BYTES = 1 << 20

ValueTest = Callable[[pa.Array | pa.ChunkedArray], pa.Array | pa.ChunkedArray]


@dataclass(frozen=True)
class Parts:
    """The part files of a table read from a folder of Parquet parts.

    Parameters
    ----------
    names : tuple of str
        Each part's name in messages, from the data folder (``interactions/part-00000.parquet``).
    index : numpy.ndarray
        The part of each row of the table: a position in ``names``.
    """

    names: tuple[str, ...]
    index: np.ndarray

    def take(self, rows: np.ndarray) -> Parts:
        """Return the parts of the rows at ``rows`` (positions in the table)."""
        return Parts(self.names, self.index[rows])

    def rows_at(self, lines: np.ndarray, files: np.ndarray, wanted: np.ndarray) -> np.ndarray:
        """Return the mask of the rows (on ``lines``) at the places ``files[i]:wanted[i]``.

        Examples
        --------
        >>> parts = Parts(("t/p0.parquet", "t/p1.parquet"), np.array([0, 0, 1]))
        >>> parts.rows_at(np.array([2, 3, 2]), np.array(["t/p1.parquet"]), np.array([2]))
        array([False, False,  True])
        """
        # One number per place: the part's position above the line's 32 bits.
        position = {name: number for number, name in enumerate(self.names)}
        part = np.array([position[name] for name in files], dtype=np.int64)
        here = self.index.astype(np.int64) << 32 | lines
        return np.isin(here, part << 32 | np.asarray(wanted, dtype=np.int64))


@dataclass(frozen=True)
class RawTable:
    """A table as read from its file (or files), before parsing.

    Parameters
    ----------
    file : str
        The file name used in messages (``interactions.csv``); for a folder of parts, the
        folder (``interactions/``), in messages about the whole table.
    table : pyarrow.Table
        The rows; CSV columns are text with blanks as ``""`` (or dictionary-encoded text).
    lines : numpy.ndarray
        The 1-based line of each row in the file (header = line 1). For Parquet, the line the
        row would have in the equivalent CSV: its row number + 1, within its part for parts.
    parts : Parts or None
        For a folder of parts, the part each row is in; None for a single file.
    """

    file: str
    table: pa.Table
    lines: np.ndarray
    parts: Parts | None = None

    def files(self, rows: np.ndarray) -> np.ndarray | str:
        """Return the file each row at ``rows`` is named by in messages (one name for a file).

        Examples
        --------
        >>> raw = RawTable("t/", pa.table({"a": [1, 2, 3]}), np.array([2, 3, 2]),
        ...                Parts(("t/p0.parquet", "t/p1.parquet"), np.array([0, 0, 1])))
        >>> raw.files(np.array([0, 2])).tolist()
        ['t/p0.parquet', 't/p1.parquet']
        """
        if self.parts is None:
            return self.file
        names: np.ndarray = np.asarray(self.parts.names, dtype=object)[self.parts.index[rows]]
        return names


@dataclass(frozen=True)
class ParquetFiles:
    """The Parquet files of a table, checked to share one schema, for an engine to scan.

    Parameters
    ----------
    label : str
        The table in messages about it whole (``interactions.parquet``, ``interactions/``).
    paths : tuple of str
        The files, in the order their rows are numbered (name order).
    names : dict of str to str
        Each file's name in messages (``interactions/part-00003.parquet``), by path.
    schema : pyarrow.Schema
        The columns and types they share.
    header_line : int or None
        The line a message about a missing column names: 1 for a single file, none for parts.
    """

    label: str
    paths: tuple[str, ...]
    names: dict[str, str]
    schema: pa.Schema
    header_line: int | None


def list_parquet(path: Path) -> ParquetFiles:
    """List a Parquet file or a folder of parts and check their schemas, reading no rows.

    Parameters
    ----------
    path : Path
        A ``.parquet`` file, or a folder of parts (every ``.parquet`` file under it, as
        :func:`load_raw_table` reads them).

    Raises
    ------
    DataError
        An unreadable file, a folder without parts, or parts whose columns differ (each
        difference names the part and the column).

    Examples
    --------
    >>> import tempfile, pathlib, pyarrow.parquet as pq
    >>> folder = pathlib.Path(tempfile.mkdtemp()) / "events"
    >>> (folder / "day=2").mkdir(parents=True)
    >>> pq.write_table(pa.table({"a": [1]}), folder / "day=2" / "p.parquet")
    >>> pq.write_table(pa.table({"a": [2]}), folder / "p.parquet")
    >>> list(list_parquet(folder).names.values())
    ['events/day=2/p.parquet', 'events/p.parquet']
    """
    if not path.is_dir():
        try:
            schema = pq.read_schema(path)
        except (pa.ArrowException, OSError) as exc:
            raise _fail(path.name, None, f"not a readable Parquet file: {exc}") from None
        if not schema.names:
            raise _fail(path.name, None, "empty file (no columns)")
        return ParquetFiles(path.name, (str(path),), {str(path): path.name}, schema, 1)
    label = _name(path)
    files = _part_files(path)
    if not files:
        raise _fail(label, None, "no Parquet parts (no .parquet file in the folder)")
    names = tuple(f"{label}{file.relative_to(path).as_posix()}" for file in files)
    schemas: list[pa.Schema] = []
    for file, name in zip(files, names, strict=True):
        try:
            schemas.append(pq.read_schema(file))
        except (pa.ArrowException, OSError) as exc:
            raise _fail(name, None, f"not a readable Parquet file: {exc}") from None
    problems = [
        problem
        for name, schema in zip(names[1:], schemas[1:], strict=True)
        for problem in _schema_differences(name, schema, names[0], schemas[0])
    ]
    if problems:
        raise DataError(problems)
    if not schemas[0].names:
        raise _fail(label, None, "empty parts (no columns)")
    paths = tuple(str(file) for file in files)
    return ParquetFiles(label, paths, dict(zip(paths, names, strict=True)), schemas[0], None)


def find_table_file(folder: Path, table: Table) -> Path | None:
    """Return the CSV or Parquet file of ``table`` in ``folder`` (or its folder of Parquet parts).

    None if there is none.

    Raises
    ------
    DataError
        If more than one exist, e.g. a CSV and a Parquet file (which one is meant is not
        guessed).

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
    if (folder / table.name).is_dir():
        present.append(folder / table.name)
    if len(present) > 1:
        first, second = (_name(p) for p in present[:2])
        raise DataError(
            [DataProblem(second, None, None, f"both {first} and {second} exist; keep one")]
        )
    return present[0] if present else None


def _name(path: Path) -> str:
    """Name a table in messages: by its file name, or by its folder's with a slash."""
    return f"{path.name}/" if path.is_dir() else path.name


def load_raw_table(path: Path, dictionary_columns: Collection[str] = ()) -> RawTable:
    r"""Load a CSV or Parquet file without interpreting its values.

    Parameters
    ----------
    path : Path
        A ``.csv`` or ``.parquet`` file, or a folder of Parquet parts.
    dictionary_columns : collection of str
        Text columns to read dictionary-encoded (those absent from the file are ignored).

    Returns
    -------
    RawTable

    Raises
    ------
    DataError
        Empty file, not UTF-8, wrong delimiter, rows with the wrong number of fields, duplicate
        headers, an unreadable Parquet file, a folder without parts or parts whose columns
        differ (each difference names the part and the column).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "staff.csv"
    >>> _ = path.write_text("staff_id,name\ns1,Ann\n\ns2,Bob\n")
    >>> raw = load_raw_table(path)
    >>> raw.table.column("name").to_pylist(), raw.lines.tolist()
    (['Ann', 'Bob'], [2, 4])
    """
    if path.is_dir():
        return _load_parts(path, dictionary_columns)
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


def _load_parts(folder: Path, dictionary_columns: Collection[str]) -> RawTable:
    label = _name(folder)
    files = _part_files(folder)
    if not files:
        raise _fail(label, None, "no Parquet parts (no .parquet file in the folder)")
    names = tuple(f"{label}{path.relative_to(folder).as_posix()}" for path in files)
    schemas: list[pa.Schema] = []
    rows: list[int] = []
    for path, name in zip(files, names, strict=True):
        try:
            with pq.ParquetFile(path) as part:
                schemas.append(part.schema_arrow)
                rows.append(part.metadata.num_rows)
        except (pa.ArrowException, OSError) as exc:
            raise _fail(name, None, f"not a readable Parquet file: {exc}") from None
    problems = [
        problem
        for name, schema in zip(names[1:], schemas[1:], strict=True)
        for problem in _schema_differences(name, schema, names[0], schemas[0])
    ]
    if problems:
        raise DataError(problems)
    schema = schemas[0]
    encode = [
        name
        for name in dictionary_columns
        if name in schema.names and _is_text_type(schema.field(name).type)
    ]
    options = pads.ParquetReadOptions(dictionary_columns=encode)
    try:
        parts = pads.dataset(files, format=pads.ParquetFileFormat(read_options=options))
        arrow = parts.to_table()
    except (pa.ArrowException, OSError) as exc:
        raise _fail(label, None, f"not readable as Parquet parts: {exc}") from None
    if arrow.num_columns == 0:
        raise _fail(label, None, "empty parts (no columns)")
    counts = np.asarray(rows, dtype=np.int64)
    index = np.repeat(np.arange(len(files), dtype=np.int32), counts)
    starts = np.cumsum(counts) - counts
    lines = np.arange(arrow.num_rows, dtype=np.int64) - np.repeat(starts, counts) + 2
    return RawTable(label, arrow, lines, Parts(names, index))


def _part_files(folder: Path) -> list[Path]:
    """List the Parquet files under ``folder`` in name order, but hidden and ``_`` ones.

    Name order is the order of their paths as text, the order an engine sorts them in.
    """
    return sorted(
        (
            path
            for path in folder.rglob("*.parquet")
            if path.is_file()
            and not any(part.startswith((".", "_")) for part in path.relative_to(folder).parts)
        ),
        key=lambda path: path.relative_to(folder).as_posix(),
    )


def _schema_differences(
    name: str, schema: pa.Schema, first_name: str, first: pa.Schema
) -> list[DataProblem]:
    """List what makes a part's columns differ from the first part's (order aside)."""
    why = "every part must have the same columns and types"
    problems = []
    for field in first:
        if field.name not in schema.names:
            problems.append(
                DataProblem(name, None, field.name, f"column missing, in {first_name}; {why}")
            )
        elif not schema.field(field.name).type.equals(field.type):
            problems.append(
                DataProblem(
                    name,
                    None,
                    field.name,
                    f"type {schema.field(field.name).type}, {field.type} in {first_name}; {why}",
                )
            )
    for field in schema:
        if field.name not in first.names:
            problems.append(
                DataProblem(name, None, field.name, f"column not in {first_name}; {why}")
            )
    return problems


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
