"""``graphdyn neo4j`` and ``scripts/neo4j-local``: fetch, start, stop a local Neo4j server.

The command line of :mod:`graphdyn.neo4j.server`; ``python -m graphdyn.cli.server
{fetch,start,stop,status,env}`` runs it on its own (``scripts/neo4j-local``).

Examples
--------
::

    scripts/neo4j-local start && eval "$(scripts/neo4j-local env)"
    graphdyn neo4j status
"""

from __future__ import annotations

import logging
import os
import shlex
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import click

from graphdyn.errors import GraphdynError
from graphdyn.neo4j.home import CONNECTION_FILE, absolute_home
from graphdyn.neo4j.server import (
    DEFAULT_VERSION,
    ServerInfo,
    fetch,
    read_connection_env,
    start,
    status,
    stop,
)

__all__ = ["cli", "main"]


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
    """Fetch, start and stop a local Neo4j server (no Docker needed).

    \b
    Examples:
      graphdyn neo4j start
      graphdyn neo4j -v status
      eval "$(graphdyn neo4j env)"
    """
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
    """Resolve Neo4j and its dependencies with Maven into the cache; print the lib folder.

    \b
    Examples:
      graphdyn neo4j fetch
      graphdyn neo4j fetch --neo4j-version 5.26.30 --cache-root /tmp/neo4j-cache
    """
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
    """Start the server in the background and wait until Bolt answers.

    \b
    Examples:
      graphdyn neo4j start
      graphdyn neo4j start --home /tmp/neo4j --heap 1g --timeout 300
    """
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
    """Stop the server (SIGTERM, then SIGKILL after the timeout).

    \b
    Examples:
      graphdyn neo4j stop
      graphdyn neo4j stop --home /tmp/neo4j --timeout 10
    """
    click.echo("stopped" if stop(home, timeout=timeout) else "not running")


@cli.command(name="status")
@_home_option
@click.pass_context
def _status_command(context: click.Context, home: Path | None) -> None:
    """Tell whether the server runs; exit 0 if it does, 1 if not.

    \b
    Examples:
      graphdyn neo4j status
      graphdyn neo4j status --home /tmp/neo4j
    """
    info = status(home)
    if info is None:
        click.echo(f"not running (home {absolute_home(home)})")
        context.exit(1)
    _echo_info(info)


@cli.command(name="env")
@_home_option
@click.pass_context
def _env_command(context: click.Context, home: Path | None) -> None:
    """Print export lines for the shell: eval "$(scripts/neo4j-local env)".

    When the server is not running, says so on stderr and exits 1 (the lines are still
    printed: they are the settings the next start will keep).

    \b
    Examples:
      eval "$(graphdyn neo4j env)"
      graphdyn neo4j env --home /tmp/neo4j
    """
    for key, value in read_connection_env(home).items():
        click.echo(f"export {key}={shlex.quote(value)}")
    if status(home) is None:
        click.echo(
            f"neo4j-local: the server is not running (home {absolute_home(home)}); "
            "start it with `scripts/neo4j-local start`",
            err=True,
        )
        context.exit(1)


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
