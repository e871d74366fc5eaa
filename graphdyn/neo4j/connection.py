"""The one boundary between graphdyn and Neo4j: a checked driver and a query runner.

Everything else in :mod:`graphdyn.neo4j` talks to the server through a :class:`QueryRunner`:
reads run in read transactions routed to readers, writes in managed write transactions that the
driver retries on transient errors, and every statement names its database. Unit tests pass a
fake runner that records statements and parameters; :class:`Neo4jRunner` is the real one.

Driver errors become graphdyn errors with one clear line each: an unreachable server, a refused
login or an unknown database is a :class:`~graphdyn.errors.Neo4jConnectionError` (exit 3); a
query the server rejects (syntax, missing parameter, a write in a read transaction) is a
:class:`~graphdyn.errors.Neo4jQueryError` (exit 2).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, Protocol, TypeVar

import neo4j
import neo4j.exceptions

from graphdyn._version import __version__
from graphdyn.errors import ConfigError, Neo4jConnectionError, Neo4jError, Neo4jQueryError
from graphdyn.neo4j.settings import Neo4jSettings
from graphdyn.progress import Progress, progress_or_silence

__all__ = [
    "Neo4jRunner",
    "QueryRunner",
    "Record",
    "Transaction",
    "connect",
    "open_runner",
    "run_batches",
    "translate_error",
]

logger = logging.getLogger(__name__)

#: A result row: column name to value, as the driver returns it.
Record = dict[str, Any]
T = TypeVar("T")

_POSITION = re.compile(r"\s*\(line (\d+), column (\d+) \(offset: \d+\)\)")
_REASON = re.compile(r"\(reason ([^)]*)\)")
_MAX_ALTERNATIVES = 6


class Transaction(Protocol):
    """One open transaction: run statements, get their rows."""

    def run(self, query: str, parameters: Mapping[str, Any] | None = None) -> list[Record]:
        """Run a statement in this transaction and return all its rows."""


class QueryRunner(Protocol):
    """What graphdyn needs from a database: read, write, and a transaction of several writes."""

    @property
    def database(self) -> str:
        """The database every statement runs against."""

    def read(
        self, query: str, parameters: Mapping[str, Any] | None = None, *, name: str | None = None
    ) -> list[Record]:
        """Run one statement in a read transaction; ``name`` labels error messages."""

    def write(
        self, query: str, parameters: Mapping[str, Any] | None = None, *, name: str | None = None
    ) -> list[Record]:
        """Run one statement in a managed write transaction (retried if transient)."""

    def write_transaction(self, work: Callable[[Transaction], T], *, name: str | None = None) -> T:
        """Run ``work`` in one managed write transaction: all of it commits or none."""


class _ManagedTransaction:
    """Adapts the driver's managed transaction to :class:`Transaction`."""

    def __init__(self, tx: neo4j.ManagedTransaction) -> None:
        self._tx = tx

    def run(self, query: str, parameters: Mapping[str, Any] | None = None) -> list[Record]:
        result = self._tx.run(query, dict(parameters or {}))
        return [dict(zip(record.keys(), record.values(), strict=True)) for record in result]


class Neo4jRunner:
    """Runs statements on a Neo4j database through a driver it does not own.

    Parameters
    ----------
    driver : neo4j.Driver
        A connected driver (see :func:`connect`); the caller closes it.
    database : str
        The database every statement runs against.
    fetch_size : int
        Rows pulled per round trip when reading.

    Examples
    --------
    >>> runner = Neo4jRunner(connect(load_settings()), "neo4j")  # doctest: +SKIP
    >>> runner.read("RETURN $x AS x", {"x": 1})  # doctest: +SKIP
    [{'x': 1}]
    """

    def __init__(self, driver: neo4j.Driver, database: str, *, fetch_size: int = 10_000) -> None:
        self._driver = driver
        self._database = database
        self._fetch_size = fetch_size

    def __repr__(self) -> str:
        return f"Neo4jRunner(database={self._database!r})"

    @property
    def database(self) -> str:
        """The database every statement runs against."""
        return self._database

    def read(
        self, query: str, parameters: Mapping[str, Any] | None = None, *, name: str | None = None
    ) -> list[Record]:
        """Run one statement in a read transaction and return its rows.

        Raises
        ------
        Neo4jQueryError
            If the server rejects the statement, including any attempt to write.
        Neo4jConnectionError
            If the server cannot be reached.
        """
        return self._execute(neo4j.READ_ACCESS, lambda tx: tx.run(query, parameters), name)

    def write(
        self, query: str, parameters: Mapping[str, Any] | None = None, *, name: str | None = None
    ) -> list[Record]:
        """Run one statement in a managed write transaction and return its rows.

        Raises
        ------
        Neo4jQueryError
            If the server rejects the statement.
        Neo4jConnectionError
            If the server cannot be reached.
        """
        return self._execute(neo4j.WRITE_ACCESS, lambda tx: tx.run(query, parameters), name)

    def write_transaction(self, work: Callable[[Transaction], T], *, name: str | None = None) -> T:
        """Run ``work`` in one managed write transaction, retried as a whole if transient.

        ``work`` may run more than once (after a transient error), so it must not keep state
        between calls.
        """
        return self._execute(neo4j.WRITE_ACCESS, work, name)

    def _execute(self, mode: str, work: Callable[[Transaction], T], name: str | None) -> T:
        def unit(tx: neo4j.ManagedTransaction) -> T:
            return work(_ManagedTransaction(tx))

        try:
            with self._driver.session(
                database=self._database, default_access_mode=mode, fetch_size=self._fetch_size
            ) as session:
                if mode == neo4j.READ_ACCESS:
                    return session.execute_read(unit)
                return session.execute_write(unit)
        except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError) as error:
            raise translate_error(error, name=name, database=self._database) from error


def run_batches(
    runner: QueryRunner,
    query: str,
    rows: Sequence[Mapping[str, Any]],
    *,
    batch_size: int,
    name: str,
    stage: str = "rows",
    on_progress: Progress | None = None,
) -> list[Record]:
    """Run an ``UNWIND $rows AS row ...`` statement over successive slices of ``rows``.

    Each slice of ``batch_size`` rows is one managed write transaction (retried as a whole if
    transient), so a failure leaves whole batches written and none in part.

    Parameters
    ----------
    runner : QueryRunner
        The database to write to.
    query : str
        The statement; it receives a slice as ``$rows``.
    rows : sequence of mapping
        Every row, in order.
    batch_size : int
        Rows per transaction (at least 1).
    name : str
        The statement's file, to label error messages.
    stage : str
        What the rows are, for progress reports.
    on_progress : callable, optional
        Called after each batch as ``on_progress(stage, done, total)`` with rows sent so far
        (:mod:`graphdyn.progress`).

    Returns
    -------
    list of Record
        The records every batch returned, batch after batch.

    Raises
    ------
    Neo4jQueryError
        If the server rejects the statement.
    Neo4jConnectionError
        If the server cannot be reached.

    Examples
    --------
    >>> rows = [{"id": 1}, {"id": 2}, {"id": 3}]
    >>> run_batches(runner, "UNWIND $rows AS row RETURN count(*) AS n", rows,
    ...             batch_size=2, name="count")  # doctest: +SKIP
    [{'n': 2}, {'n': 1}]
    """
    report = progress_or_silence(on_progress)
    records: list[Record] = []
    for start in range(0, len(rows), batch_size):
        records += runner.write(query, {"rows": rows[start : start + batch_size]}, name=name)
        report(stage, min(start + batch_size, len(rows)), len(rows))
    return records


def connect(settings: Neo4jSettings, *, timeout: float = 5.0) -> neo4j.Driver:
    """Open a driver and check that the server answers, accepts the login and has the database.

    Parameters
    ----------
    settings : Neo4jSettings
        Where and who (see :func:`~graphdyn.neo4j.settings.load_settings`).
    timeout : float
        Seconds to wait for a connection before giving up.

    Returns
    -------
    neo4j.Driver
        A driver the caller must close (or use as a context manager).

    Raises
    ------
    Neo4jConnectionError
        If the server is unreachable, refuses the login or has no such database.
    ConfigError
        If the URI cannot be used.

    Examples
    --------
    >>> with connect(load_settings()) as driver:  # doctest: +SKIP
    ...     Neo4jRunner(driver, "neo4j").read("RETURN 1 AS one")
    [{'one': 1}]
    """
    try:
        driver = neo4j.GraphDatabase.driver(
            settings.uri,
            auth=settings.auth,
            connection_timeout=timeout,
            connection_acquisition_timeout=4 * timeout,
            user_agent=f"graphdyn/{__version__}",
            notifications_min_severity="OFF",
        )
    except (neo4j.exceptions.ConfigurationError, ValueError) as error:
        raise ConfigError(f"Neo4j uri {settings.uri!r} cannot be used: {error}") from error
    try:
        driver.verify_connectivity()
        # Only a statement in the database tells whether it exists.
        with driver.session(
            database=settings.database, default_access_mode=neo4j.READ_ACCESS
        ) as session:
            session.run("RETURN 1").consume()
    except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError) as error:
        driver.close()
        raise translate_error(error, settings=settings) from error
    logger.info("connected to %s, database %s", settings.uri, settings.database)
    return driver


@contextmanager
def open_runner(settings: Neo4jSettings, *, timeout: float = 5.0) -> Iterator[Neo4jRunner]:
    """Connect (see :func:`connect`) and yield a runner on the configured database.

    Examples
    --------
    >>> with open_runner(load_settings()) as runner:  # doctest: +SKIP
    ...     runner.read("MATCH (c:Customer) RETURN count(c) AS n")
    [{'n': 2000}]
    """
    with connect(settings, timeout=timeout) as driver:
        yield Neo4jRunner(driver, settings.database)


def translate_error(
    error: Exception,
    *,
    name: str | None = None,
    settings: Neo4jSettings | None = None,
    database: str | None = None,
) -> Neo4jError:
    """Turn a driver error into a graphdyn error with one clear line.

    Parameters
    ----------
    error : Exception
        What the driver raised.
    name : str, optional
        The statement's name or file, to prefix query errors with.
    settings : Neo4jSettings, optional
        The connection, to name the server, user and database in connection errors.
    database : str, optional
        The database, when ``settings`` is not known.

    Returns
    -------
    Neo4jError
        A :class:`~graphdyn.errors.Neo4jConnectionError` or
        :class:`~graphdyn.errors.Neo4jQueryError` (or their base for server failures).

    Examples
    --------
    >>> import neo4j.exceptions
    >>> str(translate_error(neo4j.exceptions.ServiceUnavailable("Connection refused")))
    'cannot reach Neo4j (Connection refused); is the server running? (scripts/neo4j-local start)'
    """
    server = f"Neo4j at {settings.uri}" if settings is not None else "Neo4j"
    database = settings.database if settings is not None else database
    full_message = getattr(error, "message", None) or str(error)
    message = _first_line(full_message)
    code = getattr(error, "code", None) or ""
    if isinstance(error, neo4j.exceptions.AuthError) or code.startswith("Neo.ClientError.Security"):
        who = f" user {settings.user!r}" if settings is not None else ""
        if "RateLimit" in code:
            return Neo4jConnectionError(
                f"{server} refused the login of{who or ' the user'}: too many wrong passwords "
                "in a row; wait a few seconds"
            )
        return Neo4jConnectionError(
            f"{server} refused the login of{who or ' the user'} (wrong password? check "
            "GRAPHDYN_NEO4J_PASSWORD)"
        )
    if code == "Neo.ClientError.Database.DatabaseNotFound":
        return Neo4jConnectionError(
            f"{server} has no database {database!r} (check GRAPHDYN_NEO4J_DATABASE)"
        )
    if isinstance(error, neo4j.exceptions.ServiceUnavailable | neo4j.exceptions.SessionExpired):
        reason = _REASON.search(full_message)
        why = reason.group(1) if reason else message.rstrip(":")
        return Neo4jConnectionError(
            f"cannot reach {server} ({why}); is the server running? (scripts/neo4j-local start)"
        )
    prefix = f"{name}: " if name else ""
    if code == "Neo.ClientError.Statement.AccessMode":
        return Neo4jQueryError(
            f"{prefix}the query writes to the database, which a read-only run refuses "
            "(use --write to allow writes)"
        )
    if code == "Neo.ClientError.Statement.SyntaxError":
        return Neo4jQueryError(f"{_located(prefix, message)}Cypher syntax error: {_short(message)}")
    if code == "Neo.ClientError.Statement.ParameterMissing":
        return Neo4jQueryError(f"{prefix}{message} (pass them with --param NAME=VALUE)")
    if code.startswith("Neo.ClientError"):
        return Neo4jQueryError(f"{_located(prefix, message)}{_short(message)} ({code})")
    if isinstance(error, neo4j.exceptions.DriverError):
        return Neo4jConnectionError(f"{prefix}lost the connection to {server}: {message}")
    return Neo4jError(f"{prefix}{server} failed: {message} ({code or type(error).__name__})")


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "no message"


def _located(prefix: str, message: str) -> str:
    """``name:LINE:COLUMN: `` when the server gave a position, else the prefix."""
    found = _POSITION.search(message)
    if not found or not prefix:
        return prefix
    return f"{prefix[:-2]}:{found.group(1)}:{found.group(2)}: "


def _short(message: str) -> str:
    """Drop the position from a message and abbreviate a long list of alternatives."""
    text = _POSITION.sub("", message)
    head, sep, alternatives = text.partition(": expected ")
    if sep:
        options = alternatives.split(", ")
        if len(options) > _MAX_ALTERNATIVES:
            last = options[-1].rpartition(" or ")[2]
            alternatives = ", ".join(options[: _MAX_ALTERNATIVES - 1]) + f", ... or {last}"
        return f"{head}{sep}{alternatives}"
    return text
