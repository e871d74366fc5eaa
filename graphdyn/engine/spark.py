"""Apache Spark as the engine: the session the queries run in, and the interactions it reads.

The queries are the same Ibis expressions DuckDB runs (:mod:`graphdyn.engine`); Ibis compiles
them to Spark SQL. What is Spark's own lives here:

- :func:`session`: the SparkSession, on the configured master, in UTC, with Spark's own log
  quiet (errors only, on stderr) and stopped when the block ends. In local mode the driver's
  memory is the configured ``memory_limit`` (the local executors run in the driver's JVM) and
  ``spark.sql.shuffle.partitions`` is twice the local threads instead of Spark's 200, which
  suit a cluster: every shuffle of a local audit would otherwise run 200 tiny tasks. A session
  that is already running (spark-submit, Databricks, a notebook) is used as it is, and left
  running.
- :func:`read_files`: interactions stored as Parquet (a file, a folder of parts, a glob, at any
  URL Spark reads: ``s3a://``, ``abfss://``, ``gs://``, ``hdfs://``), with the file and the
  row within it of each interaction, from Spark's ``_metadata`` columns.
- the Java Spark 4.0 runs on (17 or 21), found as Neo4j's is (:func:`graphdyn.java.find_java`):
  ``JAVA_HOME``, else ``java`` on the ``PATH``.

pyspark is an optional dependency (``pip install graphdyn[spark]``): this module imports it
only when a session is asked for.
"""

from __future__ import annotations

import functools
import logging
import math
import os
import re
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib import resources
from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir
from ibis.backends import BaseBackend

from graphdyn.config import EngineSettings
from graphdyn.errors import ConfigError, DataError, DataProblem
from graphdyn.java import find_java

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

__all__ = [
    "BACKEND",
    "SOURCE_COLUMNS",
    "connect",
    "local_threads",
    "read_files",
    "session",
    "session_conf",
    "submitted",
]

_log = logging.getLogger(__name__)

#: Ibis' name of the PySpark backend (``backend.name``).
BACKEND = "pyspark"

#: The columns :func:`read_files` adds: the file an interaction is stored in, its row there.
SOURCE_COLUMNS = ("source_file", "source_row")

_LOCAL = re.compile(r"local(\[(\*|\d+)(,\s*\d+)?\])?")


def local_threads(master: str) -> int | None:
    """Give the threads of a local master URL, or None for a cluster's.

    Examples
    --------
    >>> local_threads("local[2]"), local_threads("local"), local_threads("spark://host:7077")
    (2, 1, None)
    """
    match = _LOCAL.fullmatch(master.strip())
    if match is None:
        return None
    threads = match.group(2)
    if threads is None:
        return 1
    return os.cpu_count() or 1 if threads == "*" else int(threads)


def _memory_mib(limit: str) -> int:
    """Convert an amount as :class:`~graphdyn.config.EngineSettings` reads it to MiB."""
    number, unit = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(\S+)", limit.strip()).groups()  # type: ignore[union-attr]
    unit = unit.upper()
    if unit == "%":
        ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        return int(ram * float(number) / 100 / 2**20)
    powers = {"B": 0, "K": 1, "M": 2, "G": 3, "T": 4}
    base = 1024 if unit.endswith("IB") else 1000
    return int(float(number) * base ** powers[unit[0]] / 2**20)


#: The settings every session graphdyn starts has, under spark-submit too: timestamps read in
#: UTC, results handed over as Arrow.
_SESSION_CONF = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
}


def submitted() -> bool:
    """Tell whether this process was started by ``spark-submit`` (its JVM already running).

    spark-submit starts the Python driver with the address of the JVM it launched
    (``PYSPARK_GATEWAY_PORT``); the master, the driver's memory and the JVM's options are then
    spark-submit's, and graphdyn's ``spark_master`` and ``memory_limit`` do not apply.

    Examples
    --------
    >>> submitted()
    False
    """
    return "PYSPARK_GATEWAY_PORT" in os.environ


def session_conf(settings: EngineSettings) -> dict[str, str]:
    """Give the settings of the session :func:`session` starts, the configured ones last.

    Examples
    --------
    >>> conf = session_conf(EngineSettings(engine="spark", spark_master="local[2]",
    ...                                    memory_limit="2GiB"))
    >>> conf["spark.driver.memory"], conf["spark.sql.shuffle.partitions"]
    ('2048m', '4')
    >>> "spark.driver.memory" in session_conf(EngineSettings(spark_master="yarn"))
    False

    Under ``spark-submit`` (:func:`submitted`), whose master, memory and JVM options rule, only
    the UTC time zone, Arrow and the configured ``spark_conf``.
    """
    if submitted():
        return {**_SESSION_CONF, **settings.spark_conf}
    log4j = resources.files("graphdyn.engine").joinpath("spark-log4j2.properties")
    conf = {
        "spark.app.name": "graphdyn",
        **_SESSION_CONF,
        "spark.ui.showConsoleProgress": "false",
        "spark.driver.extraJavaOptions": f"-Dlog4j2.configurationFile={log4j}",
    }
    threads = local_threads(settings.spark_master)
    if threads is not None:
        memory = _memory_mib(settings.memory_limit)
        if memory < 512:
            raise ConfigError(
                "engine.memory_limit: Spark's driver needs at least 512MiB "
                f"({settings.memory_limit})"
            )
        conf["spark.driver.memory"] = f"{memory}m"
        conf["spark.sql.shuffle.partitions"] = str(2 * threads)
    return {**conf, **settings.spark_conf}


def _spark_session_class() -> type[SparkSession]:
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise ConfigError("engine 'spark' needs pyspark: pip install 'graphdyn[spark]'") from None
    return SparkSession


@contextmanager
def session(settings: EngineSettings | None = None) -> Iterator[SparkSession]:
    """Give a SparkSession for the length of a ``with`` block: the running one, or a new one.

    Parameters
    ----------
    settings : EngineSettings, optional
        The master, memory and ``spark.*`` settings of a new session.

    Yields
    ------
    pyspark.sql.SparkSession
        The session already running in this process, if any (left running, its settings as
        they are, but for the UTC time zone every query reads timestamps in); else one started
        with :func:`session_conf` and stopped when the block ends. Under ``spark-submit``
        (:func:`submitted`) the new session takes spark-submit's master and resources, and
        only the UTC time zone, Arrow and ``spark_conf`` from graphdyn.

    Raises
    ------
    ConfigError
        If pyspark or Java 17/21 is missing.
    """
    settings = settings or EngineSettings(engine="spark")
    spark_session = _spark_session_class()
    active = spark_session.getActiveSession()
    if active is not None:
        _log.info("using the running Spark session (master %s)", active.sparkContext.master)
        active.conf.set("spark.sql.session.timeZone", "UTC")
        yield active
        return
    builder: Any = spark_session.builder
    if not submitted():  # else spark-submit has chosen the master and started the JVM
        os.environ.setdefault("JAVA_HOME", str(find_java("engine 'spark'").resolve().parents[1]))
        builder = builder.master(settings.spark_master)
    # Spark makes its warehouse folder in the working directory unless told where: a
    # temporary one, removed with the session (graphdyn creates no table in it).
    with tempfile.TemporaryDirectory(prefix="graphdyn-spark-") as warehouse:
        conf = {"spark.sql.warehouse.dir": warehouse, **session_conf(settings)}
        for key, value in conf.items():
            builder = builder.config(key, value)
        started: SparkSession = builder.getOrCreate()
        started.sparkContext.setLogLevel("ERROR")
        try:
            yield started
        finally:
            started.stop()


_HELD = "graphdyn_held_"


@functools.cache
def _backend_class() -> type[BaseBackend]:
    """Ibis' PySpark backend, with float literals typed and Arrow both ways.

    - A float literal is a ``DOUBLE``: Ibis writes ``90.0``, which Spark SQL reads as a
      ``DECIMAL(3,1)``, and an integer divided by it is a decimal rounded to 6 places (the
      contact days' decay toward the last one, ``2 ** (-(top - day) / H)``, came out 3e-7
      off DuckDB's). With the cast every shared expression means on Spark what it means on
      DuckDB, whoever writes it.
    - Results come back with Spark's ``toArrow`` and in-memory tables (a DataFrame's
      interactions) go in as Arrow, not through pandas each way.
    """
    from ibis.backends.pyspark import Backend
    from ibis.backends.sql.compilers.pyspark import PySparkCompiler
    from ibis.formats.pyarrow import PyArrowData, PyArrowSchema

    class Compiler(PySparkCompiler):  # type: ignore[misc]
        def visit_NonNullLiteral(self, op: Any, *, value: Any, dtype: dt.DataType) -> Any:
            result = super().visit_NonNullLiteral(op, value=value, dtype=dtype)
            if dtype.is_floating() and math.isfinite(value):
                return self.cast(result, dt.float64)
            return result

    ibis.pyspark.connect  # noqa: B018 - loading Ibis' entry point registers the options it reads

    class SparkBackend(Backend):  # type: ignore[misc]
        compiler = Compiler()

        def _register_in_memory_table(self, op: Any) -> None:
            arrow = op.data.to_pyarrow(op.schema).cast(PyArrowSchema.from_ibis(op.schema))
            self._session.createDataFrame(arrow).createOrReplaceTempView(op.name)

        def to_pyarrow(self, expr: ir.Expr, /, **kwargs: Any) -> Any:
            self._run_pre_execute_hooks(expr)
            table = expr.as_table()
            arrow = self._session.sql(self.compile(table, **kwargs)).toArrow()
            return expr.__pyarrow_result__(PyArrowData.convert_table(arrow, table.schema()))

    return SparkBackend


@contextmanager
def connect(settings: EngineSettings | None = None) -> Iterator[BaseBackend]:
    """Open an Ibis backend over :func:`session` for the length of a ``with`` block.

    What :func:`graphdyn.engine.backend.hold` kept in the session's cache is released when the
    block ends (a running session is left as it was found).
    """
    with session(settings) as spark:
        backend = _backend_class()().connect(spark)
        try:
            yield backend
        finally:
            for table in spark.catalog.listTables():
                if table.isTemporary and table.name.startswith(_HELD):
                    spark.catalog.uncacheTable(table.name)
                    spark.catalog.dropTempView(table.name)


def hold(backend: BaseBackend, table: ir.Table) -> ir.Table:
    """Keep ``table`` in the session's cache (memory, then disk), computed once when first read."""
    name = ibis.util.gen_name(_HELD.rstrip("_"))
    held = backend.create_view(name, table, overwrite=True)
    backend._session.catalog.cacheTable(name)
    out: ir.Table = held
    return out


def read_files(
    backend: BaseBackend, location: str | os.PathLike[str] | Sequence[str | os.PathLike[str]]
) -> ir.Table:
    """Read the interactions stored as Parquet at ``location``, with where each one is stored.

    Parameters
    ----------
    backend : ibis.backends.BaseBackend
        A PySpark backend (:func:`connect`).
    location : str or path, or a sequence of them
        A Parquet file, a folder of parts (hive-partitioned folders too), a glob, or any URL
        Spark reads (``s3a://``, ``abfss://``, ``gs://``, ``hdfs://``); or several, read as one
        table.

    Returns
    -------
    ibis.expr.types.Table
        The columns as stored, then ``source_file`` (the file's path; a URL but for local
        files) and ``source_row`` (the 0-based row within that file), from Spark's
        ``_metadata.file_path`` and ``_metadata.row_index``.

    Raises
    ------
    DataError
        If nothing Spark can read as Parquet is there.
    """
    from pyspark.errors import AnalysisException
    from pyspark.sql import functions

    spark = backend._session
    locations = (
        [os.fspath(location)]
        if isinstance(location, str | os.PathLike)
        else [os.fspath(item) for item in location]
    )
    text = ", ".join(locations)
    try:
        frame = spark.read.parquet(*locations)
    except AnalysisException as error:
        problem = DataProblem(file=text, line=None, column=None, problem=_first_line(error))
        raise DataError([problem]) from None
    path = frame["_metadata.file_path"]
    local = path.startswith("file:")
    plain = functions.url_decode(functions.regexp_replace(path, r"^file:(//)?", ""))
    frame = frame.select(
        "*",
        functions.when(local, plain).otherwise(path).alias("source_file"),
        frame["_metadata.row_index"].cast("long").alias("source_row"),
    )
    name = ibis.util.gen_name("graphdyn_interactions")
    frame.createOrReplaceTempView(name)
    out: ir.Table = backend.table(name)
    return out


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
