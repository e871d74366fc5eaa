"""The server process: launched in the background, waited for, found again, stopped.

The server runs under its own launcher (``neo4j console``) on Java 17, in a new process group
that the launcher leads; the launcher's pid is kept in the home's ``neo4j-local.pid``. Stopping
sends SIGTERM to the group and SIGKILL after a timeout.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import signal
import subprocess
import time
from collections.abc import Mapping
from pathlib import Path

import neo4j
import neo4j.exceptions

from graphdyn.errors import ConfigError, Neo4jConnectionError, Neo4jError
from graphdyn.neo4j.home import CONNECTION_FILE, PASSWORD, URI, USER, read_connection_env
from graphdyn.neo4j.release import HOME_TAG, launcher_command, launcher_env, tail

__all__ = [
    "LOG_FILE",
    "ServerInfo",
    "bolt_answers",
    "launch",
    "live_pid",
    "stop_unlocked",
    "wait_for_bolt",
]

logger = logging.getLogger(__name__)

#: The launcher's stdout and stderr since its last start, under ``<home>/logs``.
LOG_FILE = "console.log"

_PID_FILE = "neo4j-local.pid"

# Launchers kept in this process so that stop() can reap them and status() sees them exit.
_launched: dict[int, subprocess.Popen[bytes]] = {}


@dataclasses.dataclass(frozen=True)
class ServerInfo:
    """A local Neo4j server as found or started; the password lives in ``connection.env``.

    Attributes
    ----------
    home : Path
        The server's NEO4J_HOME.
    uri : str
        The Bolt URI, ``bolt://127.0.0.1:PORT``.
    pid : int
        The launcher's process id, which leads the server's process group.
    user : str
        The user to connect as.
    database : str
        The default database.
    ready : bool
        Whether Bolt answered with the stored credentials.
    started : bool
        Whether this call launched the server (False when it was already running).
    log_file : Path
        The launcher's stdout and stderr since its last start.
    """

    home: Path
    uri: str
    pid: int
    user: str
    database: str
    ready: bool
    started: bool
    log_file: Path


def launch(home: Path, lib: Path) -> subprocess.Popen[bytes]:
    """Start the server's launcher in the background, in its own process group.

    Its output goes to ``logs/console.log``; its pid to the home's pid file.

    Examples
    --------
    >>> launch(Path(".neo4j"), fetch()).pid  # doctest: +SKIP
    41522
    """
    log_file = home / "logs" / LOG_FILE
    # This run's console output only; Neo4j keeps its own history in logs/neo4j.log.
    with log_file.open("wb") as log:
        launched = subprocess.Popen(  # noqa: S603 -- fixed program, arguments as a list
            [*launcher_command(home, lib, admin=False), "console"],
            cwd=home,
            env=launcher_env(home),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    _launched[launched.pid] = launched
    (home / _PID_FILE).write_text(f"{launched.pid}\n", encoding="utf-8")
    logger.info("launched Neo4j (pid %d), log %s", launched.pid, log_file)
    return launched


def wait_for_bolt(
    info: ServerInfo, timeout: float, launched: subprocess.Popen[bytes] | None
) -> ServerInfo:
    """Wait until the server answers on Bolt with the stored credentials.

    Parameters
    ----------
    info : ServerInfo
        The server to wait for.
    timeout : float
        Seconds before giving up.
    launched : subprocess.Popen, optional
        The launcher this process started; it is stopped again on a timeout.

    Returns
    -------
    ServerInfo
        ``info`` with ``ready`` True.

    Raises
    ------
    Neo4jConnectionError
        If the server exits or does not answer in time, with the end of its log.

    Examples
    --------
    >>> wait_for_bolt(info, 120.0, launched=None).ready  # doctest: +SKIP
    True
    """
    settings = read_connection_env(info.home)
    deadline = time.monotonic() + timeout
    while True:
        if not _alive(info.pid):
            (info.home / _PID_FILE).unlink(missing_ok=True)
            raise Neo4jConnectionError(
                f"Neo4j (pid {info.pid}) exited before Bolt answered; end of {info.log_file}:\n"
                + _tail_file(info.log_file)
            )
        if bolt_answers(settings):
            return dataclasses.replace(info, ready=True)
        if time.monotonic() > deadline:
            if launched is not None:
                stop_unlocked(info.home, timeout=30.0)
            raise Neo4jConnectionError(
                f"Neo4j did not answer on {info.uri} within {timeout:.0f} s; "
                f"end of {info.log_file}:\n" + _tail_file(info.log_file)
            )
        time.sleep(0.5)


def bolt_answers(settings: Mapping[str, str]) -> bool:
    """Tell whether Bolt at ``settings``' URI accepts its user and password.

    Raises
    ------
    ConfigError
        If the server refuses the stored password.

    Examples
    --------
    >>> bolt_answers(read_connection_env(Path(".neo4j")))  # doctest: +SKIP
    True
    """
    auth = (settings[USER], settings[PASSWORD])
    try:
        with neo4j.GraphDatabase.driver(settings[URI], auth=auth, connection_timeout=3.0) as driver:
            driver.verify_connectivity()
    except neo4j.exceptions.AuthError as error:
        raise ConfigError(
            f"Neo4j at {settings[URI]} refused the password stored in {CONNECTION_FILE}"
        ) from error
    except (neo4j.exceptions.ServiceUnavailable, neo4j.exceptions.SessionExpired, OSError):
        return False
    return True


def _alive(pid: int) -> bool:
    launched = _launched.get(pid)
    if launched is not None:
        return launched.poll() is None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    stat = Path(f"/proc/{pid}/stat")
    with contextlib.suppress(OSError):
        # The state follows the parenthesised command name; Z is a zombie, X is dead.
        return stat.read_text(encoding="ascii").rpartition(")")[2].split()[0] not in {"Z", "X"}
    return True


def live_pid(home: Path) -> int | None:
    """Return the pid in the home's pid file if that process is alive and is its server.

    Examples
    --------
    >>> live_pid(Path("/nonexistent")) is None
    True
    """
    pid_file = home / _PID_FILE
    try:
        pid = int(pid_file.read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        return None
    if _alive(pid) and _is_our_launcher(pid, home):
        return pid
    pid_file.unlink(missing_ok=True)
    return None


def _is_our_launcher(pid: int, home: Path) -> bool:
    """Guard against a recycled pid: the launcher's command line names its home."""
    cmdline = Path(f"/proc/{pid}/cmdline")
    if not cmdline.parent.is_dir():
        return True
    try:
        arguments = cmdline.read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return False
    return f"{HOME_TAG}{home}" in arguments


def stop_unlocked(home: Path, timeout: float) -> bool:
    """Stop a home's server (SIGTERM, then SIGKILL after ``timeout``); the caller holds the lock.

    Returns
    -------
    bool
        True if a server was running.

    Raises
    ------
    Neo4jError
        If its processes outlive SIGKILL.

    Examples
    --------
    >>> stop_unlocked(Path("/nonexistent"), 1.0)
    False
    """
    pid = live_pid(home)
    if pid is None:
        return False
    began = time.monotonic()
    _signal_group(pid, signal.SIGTERM)
    if not _wait_gone(pid, timeout):
        logger.warning("Neo4j (pid %d) ignored SIGTERM for %.0f s; killing it", pid, timeout)
        _signal_group(pid, signal.SIGKILL)
        if not _wait_gone(pid, 10.0):
            raise Neo4jError(f"Neo4j (process group {pid}) survived SIGKILL")
    _launched.pop(pid, None)
    (home / _PID_FILE).unlink(missing_ok=True)
    logger.info("Neo4j (pid %d) stopped in %.1f s", pid, time.monotonic() - began)
    return True


def _signal_group(pid: int, signum: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signum)


def _wait_gone(pid: int, timeout: float) -> bool:
    """Wait until the launcher and every process of its group have exited."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _alive(pid) and not _group_alive(pid):
            return True
        time.sleep(0.2)
    return False


def _group_alive(pgid: int) -> bool:
    proc = Path("/proc")
    if not proc.is_dir():
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return False
        return True
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = (entry / "stat").read_text(encoding="ascii").rpartition(")")[2].split()
            # Fields after the command name: state, ppid, pgrp.
            if int(fields[2]) == pgid and fields[0] not in {"Z", "X"}:
                return True
    return False


def _tail_file(path: Path, lines: int = 40) -> str:
    try:
        return tail(path.read_text(encoding="utf-8", errors="replace"), lines)
    except OSError:
        return f"({path} is unreadable)"
