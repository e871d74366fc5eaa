"""The engine the queries run on: an embedded DuckDB, or Apache Spark, as configured.

This is the one module that knows which engine runs the queries: everything else in
:mod:`graphdyn.engine` builds Ibis expressions, which Ibis compiles for either
(``EngineSettings.engine``: ``"duckdb"``, the default, or ``"spark"``, in
:mod:`graphdyn.engine.spark`). What differs between the engines lives here:

- :func:`connect`: DuckDB with the memory limit past which it spills to a temporary folder
  (removed with the connection; a query that cannot fit even so is an
  :class:`~graphdyn.errors.EngineMemoryError` that says what to change), the threads, and
  insertion order, which no query relies on (every result is placed by its group code), so
  DuckDB may drop it and hold less; or a SparkSession on the configured master
  (:func:`graphdyn.engine.spark.session`);
- :func:`epoch_microseconds`, a timestamp's microseconds since 1970: Spark's ``unix_micros``,
  which :func:`connect` defines on DuckDB as a macro over DuckDB's own ``epoch_us`` (a macro is
  expanded as the query is bound, so it costs nothing). One function name in the one
  expression, for both engines: Ibis' portable ``delta`` in microseconds runs DuckDB's calendar
  difference, 100 times slower, and Ibis' ``epoch_seconds`` drops the microseconds on Spark;
- :func:`hold`, how an intermediate result is kept for several queries: on DuckDB a temporary
  table, in DuckDB's memory under its limit and spilled to its temporary folder past it, never
  in the Python process (held as Arrow, the tie-level sums of 10M interactions cost the driver
  1.2 GB more at its peak, and 100M would not fit); on Spark in the session's cache, on the
  cluster, not through the driver. Ibis' own ``Table.cache`` runs on Ibis' default backend
  when a query reads an in-memory table, not on the one given.
"""

from __future__ import annotations

import tempfile
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb
import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir
from ibis.backends import BaseBackend

from graphdyn.config import EngineSettings
from graphdyn.engine import spark
from graphdyn.errors import EngineMemoryError

__all__ = ["connect", "epoch_microseconds", "hold", "schema_reads"]


def _unix_micros(timestamp: ir.TimestampValue) -> ir.IntegerValue:
    """Spark's microseconds since 1970-01-01 UTC (declared, not defined, here)."""


#: Spark's ``unix_micros``, as Ibis calls a function the engine has built in.
_UNIX_MICROS = ibis.udf.scalar.builtin(
    _unix_micros, name="unix_micros", signature=((dt.Timestamp(timezone="UTC"),), dt.int64)
)

#: The same function on DuckDB.
_DUCKDB_UNIX_MICROS = "CREATE TEMPORARY MACRO unix_micros(t) AS epoch_us(t)"


def epoch_microseconds(timestamp: ir.TimestampValue) -> ir.IntegerValue:
    """Microseconds from 1970-01-01 UTC to each instant.

    Examples
    --------
    >>> import pyarrow as pa
    >>> t = ibis.memtable(pa.table({"t": pa.array([1_500_000], pa.timestamp("us", "UTC"))}))
    >>> with connect() as backend:
    ...     backend.to_pyarrow(epoch_microseconds(t.t).sum()).as_py()
    1500000
    """
    out: ir.IntegerValue = _UNIX_MICROS(timestamp)
    return out


@contextmanager
def connect(settings: EngineSettings | None = None) -> Iterator[BaseBackend]:
    """Open the configured engine for the length of a ``with`` block.

    Parameters
    ----------
    settings : EngineSettings, optional
        The engine and its resources (default: :class:`~graphdyn.config.EngineSettings`, an
        embedded DuckDB).

    Yields
    ------
    ibis.backends.BaseBackend
        The connection; closed, and its spill folder removed, when the block ends (a Spark
        session graphdyn started is stopped; see :func:`graphdyn.engine.spark.session`).

    Raises
    ------
    ConfigError
        If the engine is Spark and pyspark or Java 17/21 is missing.
    EngineMemoryError
        If a DuckDB query in the block runs out of memory under the limit.

    Examples
    --------
    >>> from graphdyn.config import EngineSettings
    >>> with connect(EngineSettings(memory_limit="1GB", threads=1)) as backend:
    ...     backend.raw_sql("SELECT current_setting('threads')").fetchall()
    [(1,)]
    """
    settings = settings or EngineSettings()
    if settings.engine == "spark":
        with spark.connect(settings) as backend:
            yield backend
        return
    with tempfile.TemporaryDirectory(prefix="graphdyn-engine-") as spill:
        options: dict[str, object] = {
            "memory_limit": settings.memory_limit,
            "temp_directory": spill,
            "preserve_insertion_order": False,
        }
        if settings.threads:
            options["threads"] = settings.threads
        backend = ibis.duckdb.connect(**options)
        try:
            backend.raw_sql(_DUCKDB_UNIX_MICROS)
            yield backend
        except duckdb.OutOfMemoryException as error:
            threads = settings.threads or "one per core"
            raise EngineMemoryError(
                f"the query engine ran out of memory under its limit of {settings.memory_limit} "
                f"(threads: {threads}): raise the limit (--memory-limit, engine.memory_limit "
                "in the config file) or give the engine fewer threads (engine.threads)"
            ) from error
        finally:
            backend.disconnect()


def hold(backend: BaseBackend, table: ir.Table) -> ir.Table:
    """Compute ``table`` once, for several queries to read.

    On DuckDB a temporary table (in memory, spilled past the memory limit, dropped with the
    connection); on Spark a view the session caches.

    Examples
    --------
    >>> import pyarrow as pa
    >>> with connect() as backend:
    ...     held = hold(backend, ibis.memtable(pa.table({"a": [1, 2]})).mutate(b=ibis._.a * 2))
    ...     backend.to_pyarrow(held.b.sum()).as_py()
    6
    """
    if backend.name == spark.BACKEND:
        return spark.hold(backend, table)
    with schema_reads():
        return backend.create_table(f"graphdyn_held_{uuid.uuid4().hex}", table, temp=True)


@contextmanager
def schema_reads() -> Iterator[None]:
    """Let Ibis read a new DuckDB table's schema without a warning.

    Ibis 12 reads it with DuckDB 2's deprecated ``fetch_arrow_table``, which is Ibis' to change,
    not the caller's.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "fetch_arrow_table", DeprecationWarning)
        yield
