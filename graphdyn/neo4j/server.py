"""A real local Neo4j server without Docker: fetch it with Maven, start, stop, ask its status.

The work is shared by :mod:`graphdyn.neo4j.release` (fetching a release and running its
launchers), :mod:`graphdyn.neo4j.home` (a project-local ``NEO4J_HOME``, its ``neo4j.conf`` and
``connection.env``) and :mod:`graphdyn.neo4j.process` (the server process); this module holds
the operations on a home, and names everything callers use. Their command line is
:mod:`graphdyn.cli.server` (``graphdyn neo4j ...`` and ``scripts/neo4j-local``).
"""

from __future__ import annotations

import dataclasses
import logging
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

from graphdyn.neo4j.home import (
    CONNECTION_FILE,
    DATABASE,
    URI,
    USER,
    absolute_home,
    check_size,
    default_home,
    prepare_home,
    read_connection_env,
)
from graphdyn.neo4j.process import (
    LOG_FILE,
    ServerInfo,
    bolt_answers,
    launch,
    live_pid,
    stop_unlocked,
    wait_for_bolt,
)
from graphdyn.neo4j.release import (
    DEFAULT_VERSION,
    default_cache_root,
    fetch,
    locked,
    run_admin,
)

__all__ = [
    "DEFAULT_VERSION",
    "ServerInfo",
    "admin",
    "default_cache_root",
    "default_home",
    "fetch",
    "read_connection_env",
    "start",
    "status",
    "stop",
]

logger = logging.getLogger(__name__)


def admin(
    args: Sequence[str],
    home: Path | None = None,
    *,
    version: str = DEFAULT_VERSION,
    cache_root: Path | None = None,
    heap: str | None = None,
    check: bool = True,
    timeout: float | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``neo4j-admin ARGS`` against a home, e.g. ``database import full``.

    A home that is not set up yet is laid out and configured first (as :func:`start` would),
    so a bulk import can build the ``neo4j`` database before the server's first start.

    Parameters
    ----------
    args : sequence of str
        The neo4j-admin arguments, e.g. ``["database", "import", "full", "--nodes=..."]``.
    home : Path, optional
        The server home; :func:`default_home` if omitted.
    version : str
        The Neo4j release to run.
    cache_root : Path, optional
        Passed to :func:`fetch`.
    heap : str, optional
        Java heap of the tool, e.g. ``2g`` for a large import; else the home's server heap.
    check : bool
        Raise :class:`~graphdyn.errors.Neo4jError` on a non-zero exit.
    timeout : float, optional
        Seconds before the command is killed.

    Returns
    -------
    subprocess.CompletedProcess of str
        The exit status, stdout and stderr.

    Raises
    ------
    ConfigError
        If ``heap`` is malformed.
    Neo4jError
        If ``check`` and the command failed.

    Examples
    --------
    >>> admin(["--version"]).stdout.strip()  # doctest: +SKIP
    '5.26.30'
    """
    if heap is not None:
        check_size("heap", heap)
    lib = fetch(version, cache_root)
    home = absolute_home(home)
    with locked(home):
        configured = (home / "conf" / "neo4j.conf").is_file() and (home / CONNECTION_FILE).is_file()
        if not configured:
            prepare_home(home, lib, heap="512m", pagecache="256m")
    return run_admin(args, home, lib, heap=heap, check=check, timeout=timeout)


def start(
    home: Path | None = None,
    *,
    version: str = DEFAULT_VERSION,
    cache_root: Path | None = None,
    heap: str = "512m",
    pagecache: str = "256m",
    timeout: float = 120.0,
) -> ServerInfo:
    """Start a local Neo4j server in the background and wait until Bolt answers.

    Idempotent: a server already running in this home is returned as it is. On the first
    start a random password is generated and set as the initial password.

    Parameters
    ----------
    home : Path, optional
        The server home; :func:`default_home` if omitted.
    version : str
        The Neo4j release to run; fetched first if needed.
    cache_root : Path, optional
        Passed to :func:`fetch`.
    heap : str
        Java heap (initial and maximum), e.g. ``512m``.
    pagecache : str
        Page cache size, e.g. ``256m``.
    timeout : float
        Seconds to wait for Bolt before giving up.

    Returns
    -------
    ServerInfo
        The running server; ``started`` tells whether this call launched it.

    Raises
    ------
    Neo4jConnectionError
        If the server exits or does not answer within ``timeout``; the message ends with the
        tail of its log.
    ConfigError
        If a setting is malformed, or the home's stored password no longer matches.

    Examples
    --------
    >>> info = start(Path(".neo4j"))  # doctest: +SKIP
    >>> info.uri  # doctest: +SKIP
    'bolt://127.0.0.1:39127'
    """
    check_size("heap", heap)
    check_size("pagecache", pagecache)
    home = absolute_home(home)
    with locked(home):
        running = status(home)
        if running is not None:
            if running.ready:
                return running
            return wait_for_bolt(running, timeout, launched=None)
        began = time.monotonic()
        lib = fetch(version, cache_root)
        settings = prepare_home(home, lib, heap=heap, pagecache=pagecache)
        launched = launch(home, lib)
        info = ServerInfo(
            home=home,
            uri=settings[URI],
            pid=launched.pid,
            user=settings[USER],
            database=settings[DATABASE],
            ready=False,
            started=True,
            log_file=home / "logs" / LOG_FILE,
        )
        info = wait_for_bolt(info, timeout, launched=launched)
        logger.info("Neo4j ready at %s in %.1f s", info.uri, time.monotonic() - began)
        return info


def stop(home: Path | None = None, *, timeout: float = 60.0) -> bool:
    """Stop the server of a home: SIGTERM to its process group, SIGKILL after ``timeout``.

    Idempotent: a home with no running server is left as it is.

    Parameters
    ----------
    home : Path, optional
        The server home; :func:`default_home` if omitted.
    timeout : float
        Seconds to wait for a clean shutdown before killing.

    Returns
    -------
    bool
        True if a server was running and is now stopped, False if none was running.

    Raises
    ------
    Neo4jError
        If the processes outlive SIGKILL.

    Examples
    --------
    >>> stop(Path(".neo4j"))  # doctest: +SKIP
    True
    """
    home = absolute_home(home)
    with locked(home):
        return stop_unlocked(home, timeout)


def status(home: Path | None = None) -> ServerInfo | None:
    """Tell whether a home's server is running, and whether Bolt answers.

    Parameters
    ----------
    home : Path, optional
        The server home; :func:`default_home` if omitted.

    Returns
    -------
    ServerInfo or None
        The running server (``ready`` is False while it is still starting), or None.

    Raises
    ------
    ConfigError
        If Bolt refuses the credentials stored in ``connection.env``.

    Examples
    --------
    >>> status(Path("/nonexistent")) is None
    True
    """
    home = absolute_home(home)
    pid = live_pid(home)
    if pid is None:
        return None
    settings = read_connection_env(home)
    info = ServerInfo(
        home=home,
        uri=settings[URI],
        pid=pid,
        user=settings[USER],
        database=settings[DATABASE],
        ready=False,
        started=False,
        log_file=home / "logs" / LOG_FILE,
    )
    return dataclasses.replace(info, ready=bolt_answers(settings))
