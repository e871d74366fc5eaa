"""Where the interactions enter the engine: a scan of their files, or of a table in memory.

:func:`scan_parquet` is the one function here that knows the engine: it asks DuckDB (through
Ibis' ``read_parquet``) for every row of some Parquet files with the file it is in and its
position there, or Spark (:func:`graphdyn.engine.spark.read_files`, from Spark's
``_metadata.file_path`` and ``_metadata.row_index``) for the same.
:func:`scan_arrow` gives the same shape for a table already in memory (a CSV file read by
pyarrow, a DataFrame), which every Ibis backend reads.

The shape is the contract the checks (:mod:`graphdyn.engine.checks`) rely on: the columns as
stored, then :data:`FILE` (the file a row is in, one text per file, in the order the files
are numbered in) and :data:`ROW` (the row's 0-based position within its file; the line of a
CSV row is ``ROW + 2``, the header being line 1).
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.types as ir
import numpy as np
import pyarrow as pa
from ibis.backends import BaseBackend

from graphdyn.engine import spark
from graphdyn.engine.backend import schema_reads

__all__ = ["FILE", "ROW", "scan_arrow", "scan_parquet"]

#: The column naming the file each row of a scan is in.
FILE = "__file"
#: The column holding each row's 0-based position within its file.
ROW = "__row"


def scan_parquet(backend: BaseBackend, paths: Sequence[str]) -> ir.Table:
    """Scan Parquet files in the engine: their columns as stored, the file and the row.

    Parameters
    ----------
    backend : ibis.backends.BaseBackend
        The engine (:func:`graphdyn.engine.backend.connect`: an embedded DuckDB, or Spark).
    paths : sequence of str
        Files, folders or globs (``events/*.parquet``, ``events/**/*.parquet``). The files
        must share one schema. Folder names such as ``day=2024-05-01`` are not read as columns
        (no hive partitioning): the data contract's columns are in the files.

    Returns
    -------
    ibis.expr.types.Table
        The stored columns, then :data:`FILE` (the path the engine read the row from) and
        :data:`ROW` (0-based within the file). Nothing is read until a query runs.

    Examples
    --------
    >>> import tempfile, pathlib, pyarrow.parquet as pq
    >>> from graphdyn.engine.backend import connect
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> for n in (0, 1):
    ...     pq.write_table(pa.table({"a": [n, n + 10]}), folder / f"part-{n}.parquet")
    >>> with connect() as backend:
    ...     scan = scan_parquet(backend, [str(folder / "*.parquet")])
    ...     rows = backend.to_pyarrow(scan.order_by(FILE, ROW)).to_pylist()
    >>> [(row["a"], pathlib.Path(row[FILE]).name, row[ROW]) for row in rows]
    [(0, 'part-0.parquet', 0), (10, 'part-0.parquet', 1), (1, 'part-1.parquet', 0), (11, 'part-1.parquet', 1)]
    """  # noqa: E501
    if backend.name == spark.BACKEND:
        read = spark.read_files(backend, paths)
        stored = [name for name in read.columns if name not in spark.SOURCE_COLUMNS]
        file, row = spark.SOURCE_COLUMNS
        return read.select(*stored, **{FILE: read[file], ROW: read[row]})
    with schema_reads():
        table = backend.read_parquet(
            list(paths), filename=True, file_row_number=True, hive_partitioning=False
        )
    stored = [name for name in table.columns if name not in ("filename", "file_row_number")]
    return table.select(
        *stored, **{FILE: table["filename"], ROW: table["file_row_number"].cast("int64")}
    )


def scan_arrow(table: pa.Table, file: str, rows: np.ndarray | None = None) -> ir.Table:
    """Scan a table in memory with the same shape as :func:`scan_parquet`'s.

    Parameters
    ----------
    table : pyarrow.Table
        The rows; read in place (the columns are not copied).
    file : str
        The name every row is in.
    rows : numpy.ndarray, optional
        Each row's 0-based position in its file (for a CSV file, its line minus 2); default:
        its position in ``table``.

    Examples
    --------
    >>> from graphdyn.engine.backend import connect
    >>> with connect() as backend:
    ...     scan = scan_arrow(pa.table({"a": ["x", "y"]}), "t.csv", np.array([0, 3]))
    ...     backend.to_pyarrow(scan).to_pylist()
    [{'a': 'x', '__file': 't.csv', '__row': 0}, {'a': 'y', '__file': 't.csv', '__row': 3}]
    """
    positions = np.arange(table.num_rows, dtype=np.int64) if rows is None else rows
    full = table.append_column(
        FILE, pa.DictionaryArray.from_arrays(np.zeros(table.num_rows, np.int32), [file])
    ).append_column(ROW, pa.array(np.asarray(positions, dtype=np.int64)))
    return ibis.memtable(full)
