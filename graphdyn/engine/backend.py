"""The engine the queries run on: an embedded DuckDB, with the configured memory and threads.

This is the one module that knows which engine runs the queries: everything else in
:mod:`graphdyn.engine` builds Ibis expressions, which any Ibis backend compiles (a PySpark
session is the next one). What is DuckDB's own lives here:

- its settings: the memory limit past which it spills to a temporary folder (removed with the
  connection; a query that cannot fit even so is an :class:`~graphdyn.errors.EngineMemoryError`
  that says what to change), the threads, and insertion order, which no query relies on (every
  result is placed by its group code), so DuckDB may drop it and hold less;
- :func:`epoch_microseconds`, a timestamp's microseconds since 1970: DuckDB's ``epoch_us``
  (Ibis' portable ``delta`` in microseconds runs DuckDB's calendar difference, 100 times
  slower; Spark's function is ``unix_micros``);
- :func:`hold`, how an intermediate result is kept for several queries: as Arrow, which DuckDB
  scans in place. The results held are sums per group (far fewer rows than events), and a
  temporary table costs more than the query itself on small data (Ibis' own ``Table.cache``,
  besides, runs on Ibis' default backend when a query reads an in-memory table, not on the
  one given). A Spark session would persist a DataFrame on the cluster instead.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb
import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir
from ibis.backends import BaseBackend

from graphdyn.config import EngineSettings
from graphdyn.errors import EngineMemoryError

__all__ = ["connect", "epoch_microseconds", "hold"]


def _epoch_us(timestamp: ir.TimestampValue) -> ir.IntegerValue:
    """DuckDB's microseconds since 1970-01-01 UTC (declared, not defined, here)."""


#: DuckDB's ``epoch_us``, as Ibis calls a function the engine has built in.
_EPOCH_US = ibis.udf.scalar.builtin(
    _epoch_us, name="epoch_us", signature=((dt.Timestamp(timezone="UTC"),), dt.int64)
)


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
    out: ir.IntegerValue = _EPOCH_US(timestamp)
    return out


@contextmanager
def connect(settings: EngineSettings | None = None) -> Iterator[BaseBackend]:
    """Open an embedded DuckDB for the length of a ``with`` block.

    Parameters
    ----------
    settings : EngineSettings, optional
        Memory limit and threads (default: :class:`~graphdyn.config.EngineSettings`).

    Yields
    ------
    ibis.backends.BaseBackend
        The connection; closed, and its spill folder removed, when the block ends.

    Raises
    ------
    EngineMemoryError
        If a query in the block runs out of memory under the limit.

    Examples
    --------
    >>> from graphdyn.config import EngineSettings
    >>> with connect(EngineSettings(memory_limit="1GB", threads=1)) as backend:
    ...     backend.raw_sql("SELECT current_setting('threads')").fetchall()
    [(1,)]
    """
    settings = settings or EngineSettings()
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
    """Compute ``table`` once, for several queries to read: an in-memory table over its rows.

    Examples
    --------
    >>> import pyarrow as pa
    >>> with connect() as backend:
    ...     held = hold(backend, ibis.memtable(pa.table({"a": [1, 2]})).mutate(b=ibis._.a * 2))
    ...     backend.to_pyarrow(held.b.sum()).as_py()
    6
    """
    return ibis.memtable(backend.to_pyarrow(table))
