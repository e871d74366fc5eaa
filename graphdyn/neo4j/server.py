"""A real local Neo4j server without Docker: fetch it with Maven, start, stop, ask its status.

The work is shared by :mod:`graphdyn.neo4j.release` (fetching a release and running its
launchers), :mod:`graphdyn.neo4j.home` (a project-local ``NEO4J_HOME``, its ``neo4j.conf`` and
``connection.env``) and :mod:`graphdyn.neo4j.process` (the server process); this module holds
the operations on a home and their command line, and names everything callers use.

Command line: ``python -m graphdyn.neo4j.server {fetch,start,stop,status,env}`` (also
``scripts/neo4j-local``).
"""

from __future__ import annotations

import dataclasses
import logging
import os
import shlex
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import click

from graphdyn.errors import GraphdynError
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
    "cli",
    "default_cache_root",
    "default_home",
    "fetch",
    "main",
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


_home_option = click.option(
    "--home",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Server home (default: $GRAPHDYN_NEO4J_HOME or .neo4j/ in the project).",
)
_version_option = click.option(
    "--neo4j-version",
    "version",
    default=lambda: os.environ.get("GRAPHDYN_NEO4J_VERSION", DEFAULT_VERSION),
    show_default=f"$GRAPHDYN_NEO4J_VERSION or {DEFAULT_VERSION}",
    help="Neo4j release to fetch and run.",
)
_cache_option = click.option(
    "--cache-root",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of fetched releases (default: $GRAPHDYN_NEO4J_CACHE or ~/.cache/graphdyn).",
)


def _echo_info(info: ServerInfo) -> None:
    state = "ready" if info.ready else "starting"
    click.echo(f"Neo4j {state} at {info.uri} (pid {info.pid}, home {info.home})")


@click.group(name="neo4j")
@click.option("-v", "--verbose", is_flag=True, help="Log each step to stderr.")
def cli(verbose: bool) -> None:
    """Fetch, start and stop a local Neo4j server (no Docker needed)."""
    # The parent logger, so that the release, home and process modules' steps show too.
    package = logging.getLogger("graphdyn.neo4j")
    if verbose and not package.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("neo4j-local: %(message)s"))
        package.addHandler(handler)
        package.setLevel(logging.INFO)


@cli.command(name="fetch")
@_version_option
@_cache_option
def _fetch_command(version: str, cache_root: Path | None) -> None:
    """Resolve Neo4j and its dependencies with Maven into the cache; print the lib folder."""
    began = time.monotonic()
    lib = fetch(version, cache_root)
    jars = len(list(lib.glob("*.jar")))
    click.echo(f"{lib} ({jars} jars, {time.monotonic() - began:.1f} s)")


@cli.command(name="start")
@_home_option
@_version_option
@_cache_option
@click.option("--heap", default="512m", show_default=True, help="Java heap size.")
@click.option("--pagecache", default="256m", show_default=True, help="Page cache size.")
@click.option("--timeout", default=120.0, show_default=True, help="Seconds to wait for Bolt.")
def _start_command(
    home: Path | None,
    version: str,
    cache_root: Path | None,
    heap: str,
    pagecache: str,
    timeout: float,
) -> None:
    """Start the server in the background and wait until Bolt answers."""
    began = time.monotonic()
    info = start(
        home,
        version=version,
        cache_root=cache_root,
        heap=heap,
        pagecache=pagecache,
        timeout=timeout,
    )
    if not info.started:
        click.echo("already running: ", nl=False)
    _echo_info(info)
    if info.started:
        seconds = time.monotonic() - began
        click.echo(f"ready in {seconds:.1f} s; settings in {info.home / CONNECTION_FILE}")


@cli.command(name="stop")
@_home_option
@click.option("--timeout", default=60.0, show_default=True, help="Seconds before SIGKILL.")
def _stop_command(home: Path | None, timeout: float) -> None:
    """Stop the server (SIGTERM, then SIGKILL after the timeout)."""
    click.echo("stopped" if stop(home, timeout=timeout) else "not running")


@cli.command(name="status")
@_home_option
@click.pass_context
def _status_command(context: click.Context, home: Path | None) -> None:
    """Tell whether the server runs; exit 0 if it does, 1 if not."""
    info = status(home)
    if info is None:
        click.echo(f"not running (home {absolute_home(home)})")
        context.exit(1)
    _echo_info(info)


@cli.command(name="env")
@_home_option
def _env_command(home: Path | None) -> None:
    """Print export lines for the shell: eval "$(scripts/neo4j-local env)"."""
    for key, value in read_connection_env(home).items():
        click.echo(f"export {key}={shlex.quote(value)}")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after the program name; ``sys.argv[1:]`` if omitted.

    Returns
    -------
    int
        0 on success, 1 when ``status`` finds no server, 2 for usage errors, 3 when the
        server cannot be fetched, started or reached.

    Examples
    --------
    >>> main(["status", "--home", "/nonexistent"])  # doctest: +SKIP
    1
    """
    try:
        arguments = list(argv) if argv is not None else None
        result = cli.main(args=arguments, prog_name="neo4j-local", standalone_mode=False)
    except click.ClickException as error:
        error.show()
        return 2
    except click.exceptions.Abort:
        return 1
    except GraphdynError as error:
        click.echo(f"neo4j-local: {error}", err=True)
        return error.exit_code
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(main())


if __name__ == "__main__":
    sys.exit(main())
