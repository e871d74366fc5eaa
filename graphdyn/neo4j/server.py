"""A real local Neo4j server without Docker: fetch it with Maven, start, stop, ask its status.

``org.neo4j:neo4j`` depends on ``org.neo4j.app:neo4j-server`` and the import tool, so its
runtime dependency closure on Maven Central is a server's ``lib/``. This module resolves that
closure into a cache folder, lays out a project-local ``NEO4J_HOME`` (``conf/``, ``data/``,
``logs/``, ``plugins/``, ``import/``, ``run/``; ``lib/`` stays in the cache and is named by
``server.directories.lib``), sets a random initial password before the first start, and runs
the server's own launcher (``neo4j console``) in the background on Java 17. In 5.26 the
launchers are ``org.neo4j.server.startup.Neo4jCommand`` and ``Neo4jAdminCommand``; later
releases call them ``Neo4jBoot`` and ``Neo4jAdminBoot``, and either pair is found in the jars.

The connection settings are written to ``<home>/connection.env`` (mode 0600) in the
``GRAPHDYN_NEO4J_*`` variables that the rest of graphdyn reads. The password is never logged.

Command line: ``python -m graphdyn.neo4j.server {fetch,start,stop,status,env}`` (also
``scripts/neo4j-local``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import logging
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import string
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import click
import neo4j
import neo4j.exceptions

from graphdyn.errors import ConfigError, GraphdynError, Neo4jConnectionError, Neo4jError

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

#: The Neo4j 5.26 LTS release fetched when no other version is asked for.
DEFAULT_VERSION = "5.26.30"

_MAVEN_DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1"
_FETCH_MARKER = ".graphdyn-complete"
_CONNECTION_FILE = "connection.env"
_PID_FILE = "neo4j-local.pid"
_LOG_FILE = "console.log"
_LOCK_FILE = ".neo4j-local.lock"
_HOME_TAG = "-Dgraphdyn.neo4j.home="
_HOME_DIRS = ("conf", "data", "logs", "plugins", "import", "run")
_SIZE = re.compile(r"^[1-9][0-9]*[kmg]$")
_VERSION = re.compile(r"^[0-9]+\.[0-9]+\.[0-9]+$")

_URI = "GRAPHDYN_NEO4J_URI"
_USER = "GRAPHDYN_NEO4J_USER"
_PASSWORD = "GRAPHDYN_NEO4J_PASSWORD"  # noqa: S105 -- the variable's name, not a password
_DATABASE = "GRAPHDYN_NEO4J_DATABASE"

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


def default_home() -> Path:
    """Return the server home used when none is given.

    ``GRAPHDYN_NEO4J_HOME`` if set; otherwise ``.neo4j/`` in the source checkout that holds
    this module, or in the working directory when graphdyn is installed.

    Returns
    -------
    Path
        An absolute path; it need not exist yet.

    Examples
    --------
    >>> default_home().is_absolute()
    True
    """
    configured = os.environ.get("GRAPHDYN_NEO4J_HOME")
    if configured:
        return Path(configured).expanduser().resolve()
    checkout = Path(__file__).resolve().parents[2]
    base = checkout if (checkout / "pyproject.toml").is_file() else Path.cwd()
    return base / ".neo4j"


def default_cache_root() -> Path:
    """Return the folder that holds one ``neo4j-VERSION/lib`` per fetched version.

    ``GRAPHDYN_NEO4J_CACHE`` if set, else ``$XDG_CACHE_HOME/graphdyn`` or ``~/.cache/graphdyn``.

    Returns
    -------
    Path
        An absolute path; it need not exist yet.

    Examples
    --------
    >>> default_cache_root().is_absolute()
    True
    """
    configured = os.environ.get("GRAPHDYN_NEO4J_CACHE")
    if configured:
        return Path(configured).expanduser().resolve()
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache").resolve() / "graphdyn"


def fetch(version: str = DEFAULT_VERSION, cache_root: Path | None = None) -> Path:
    """Resolve ``org.neo4j:neo4j:VERSION`` and its runtime closure into a ``lib/`` folder.

    Maven downloads into its own repository (``~/.m2``), the cache between runs; the jars are
    then copied to ``<cache_root>/neo4j-VERSION/lib``. A complete folder is reused as is.

    Parameters
    ----------
    version : str
        A Neo4j release, ``MAJOR.MINOR.PATCH``.
    cache_root : Path, optional
        Where the ``neo4j-VERSION`` folders go; :func:`default_cache_root` if omitted.

    Returns
    -------
    Path
        The ``lib`` folder, holding the server's jars.

    Raises
    ------
    ConfigError
        If the version is malformed or Maven (``mvn``) is not on PATH.
    Neo4jError
        If Maven cannot resolve the artifacts.

    Examples
    --------
    >>> lib = fetch()  # doctest: +SKIP
    >>> sorted(p.name for p in lib.glob("neo4j-5.26.*.jar"))[0]  # doctest: +SKIP
    'neo4j-5.26.30.jar'
    """
    if not _VERSION.match(version):
        raise ConfigError(f"Neo4j version must look like 5.26.30, not {version!r}")
    folder = (cache_root or default_cache_root()) / f"neo4j-{version}"
    lib = folder / "lib"
    if (lib / _FETCH_MARKER).is_file():
        return lib
    mvn = shutil.which("mvn")
    if mvn is None:
        raise ConfigError("Maven (mvn) is not on PATH; it is needed to fetch Neo4j")
    with _locked(folder):
        if not (lib / _FETCH_MARKER).is_file():
            _copy_dependencies(mvn, version, folder)
    return lib


def _copy_dependencies(mvn: str, version: str, folder: Path) -> None:
    """Have Maven copy the runtime closure of org.neo4j:neo4j into ``folder/lib``."""
    lib = folder / "lib"
    pom = folder / "pom.xml"
    pom.write_text(_pom(version), encoding="utf-8")
    staging = Path(tempfile.mkdtemp(prefix="lib-", dir=folder))
    began = time.monotonic()
    command = [
        mvn,
        "-B",
        "-q",
        "-f",
        str(pom),
        f"{_MAVEN_DEPENDENCY_PLUGIN}:copy-dependencies",
        f"-DoutputDirectory={staging}",
        "-DincludeScope=runtime",
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        raise Neo4jError(
            f"Maven could not fetch org.neo4j:neo4j:{version} (exit {done.returncode}):\n"
            + _tail(done.stdout + done.stderr, 30)
        )
    jars = len(list(staging.glob("*.jar")))
    (staging / _FETCH_MARKER).write_text(f"org.neo4j:neo4j:{version}\n", encoding="utf-8")
    shutil.rmtree(lib, ignore_errors=True)
    staging.rename(lib)
    logger.info("fetched Neo4j %s: %d jars in %.1f s", version, jars, time.monotonic() - began)


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
        _check_size("heap", heap)
    lib = fetch(version, cache_root)
    home = _absolute(home)
    with _locked(home):
        configured = (home / "conf" / "neo4j.conf").is_file() and (
            home / _CONNECTION_FILE
        ).is_file()
        if not configured:
            _prepare_home(home, lib, heap="512m", pagecache="256m")
    return _run_admin(args, home, lib, heap=heap, check=check, timeout=timeout)


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
    _check_size("heap", heap)
    _check_size("pagecache", pagecache)
    home = _absolute(home)
    with _locked(home):
        running = status(home)
        if running is not None:
            if running.ready:
                return running
            return _wait_for_bolt(running, timeout, launched=None)
        began = time.monotonic()
        lib = fetch(version, cache_root)
        settings = _prepare_home(home, lib, heap=heap, pagecache=pagecache)
        launched = _launch(home, lib)
        info = ServerInfo(
            home=home,
            uri=settings[_URI],
            pid=launched.pid,
            user=settings[_USER],
            database=settings[_DATABASE],
            ready=False,
            started=True,
            log_file=home / "logs" / _LOG_FILE,
        )
        info = _wait_for_bolt(info, timeout, launched=launched)
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
    home = _absolute(home)
    with _locked(home):
        return _stop_unlocked(home, timeout)


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
    home = _absolute(home)
    pid = _live_pid(home)
    if pid is None:
        return None
    settings = read_connection_env(home)
    info = ServerInfo(
        home=home,
        uri=settings[_URI],
        pid=pid,
        user=settings[_USER],
        database=settings[_DATABASE],
        ready=False,
        started=False,
        log_file=home / "logs" / _LOG_FILE,
    )
    return dataclasses.replace(info, ready=_bolt_answers(settings))


def read_connection_env(home: Path | None = None) -> dict[str, str]:
    """Read the ``GRAPHDYN_NEO4J_*`` settings that :func:`start` wrote for a home.

    Parameters
    ----------
    home : Path, optional
        The server home; :func:`default_home` if omitted.

    Returns
    -------
    dict of str to str
        ``GRAPHDYN_NEO4J_URI``, ``_USER``, ``_PASSWORD`` and ``_DATABASE``.

    Raises
    ------
    ConfigError
        If the file is missing or lacks one of the four settings.

    Examples
    --------
    >>> sorted(read_connection_env(Path(".neo4j")))  # doctest: +SKIP
    ['GRAPHDYN_NEO4J_DATABASE', 'GRAPHDYN_NEO4J_PASSWORD', 'GRAPHDYN_NEO4J_URI', ...]
    """
    path = _absolute(home) / _CONNECTION_FILE
    if not path.is_file():
        raise ConfigError(f"{path} does not exist; run `scripts/neo4j-local start` first")
    settings: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        key, sep, value = line.strip().partition("=")
        if sep and not key.startswith("#"):
            settings[key.strip()] = value.strip()
    missing = [k for k in (_URI, _USER, _PASSWORD, _DATABASE) if not settings.get(k)]
    if missing:
        raise ConfigError(f"{path} lacks {', '.join(missing)}")
    return settings


def _stop_unlocked(home: Path, timeout: float) -> bool:
    pid = _live_pid(home)
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


def _check_size(name: str, size: str) -> None:
    if not _SIZE.match(size):
        raise ConfigError(f"{name} must look like 512m or 1g, not {size!r}")


def _absolute(home: Path | None) -> Path:
    return (home if home is not None else default_home()).expanduser().resolve()


def _pom(version: str) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- Generated by graphdyn.neo4j.server: the runtime closure of Neo4j Community. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>graphdyn.local</groupId>
  <artifactId>neo4j-server-lib</artifactId>
  <version>{version}</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.neo4j</groupId>
      <artifactId>neo4j</artifactId>
      <version>{version}</version>
    </dependency>
  </dependencies>
</project>
"""


def _launcher_classes(lib: Path) -> tuple[str, str]:
    """Return the (server, admin) launcher classes; 5.x names them ``Neo4jCommand``."""
    startup = "org/neo4j/server/startup/"
    for jar in sorted(lib.glob("neo4j-[0-9]*.jar")):
        with zipfile.ZipFile(jar) as archive:
            names = set(archive.namelist())
        for server, tool in (
            ("Neo4jBoot", "Neo4jAdminBoot"),
            ("Neo4jCommand", "Neo4jAdminCommand"),
        ):
            if f"{startup}{server}.class" in names and f"{startup}{tool}.class" in names:
                package = startup.replace("/", ".")
                return package + server, package + tool
    raise Neo4jError(f"no Neo4j launcher class found in {lib}; delete it and fetch again")


def _java() -> str:
    java_home = os.environ.get("JAVA_HOME")
    candidate = Path(java_home) / "bin" / "java" if java_home else None
    if candidate is not None and candidate.is_file():
        return str(candidate)
    found = shutil.which("java")
    if found is None:
        raise ConfigError("java is not on PATH (Neo4j 5.26 needs Java 17 or 21)")
    return found


def _launcher_command(home: Path, lib: Path, launcher: str) -> list[str]:
    # The launcher JVM only spawns and watches the server JVM: keep it small and quick.
    return [
        _java(),
        "-Xmx128m",
        "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1",
        f"{_HOME_TAG}{home}",
        "-cp",
        str(lib / "*"),
        launcher,
    ]


def _launcher_env(home: Path, heap: str | None = None) -> dict[str, str]:
    env = dict(os.environ)
    # The launcher hands these to the JVMs it spawns, over the sizes in neo4j.conf.
    env.pop("JAVA_OPTS", None)
    env.pop("HEAP_SIZE", None)
    if heap is not None:
        env["HEAP_SIZE"] = heap
    env["NEO4J_HOME"] = str(home)
    env["NEO4J_CONF"] = str(home / "conf")
    return env


def _run_admin(
    args: Sequence[str],
    home: Path,
    lib: Path,
    *,
    heap: str | None = None,
    check: bool,
    timeout: float | None,
) -> subprocess.CompletedProcess[str]:
    command = _launcher_command(home, lib, _launcher_classes(lib)[1]) + list(args)
    done = subprocess.run(  # noqa: S603 -- fixed program, arguments as a list
        command,
        cwd=home,
        env=_launcher_env(home, heap),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if check and done.returncode != 0:
        shown = " ".join(a for a in args if not a.startswith("@"))
        raise Neo4jError(
            f"neo4j-admin {shown} failed (exit {done.returncode}):\n"
            + _tail(done.stdout + done.stderr, 30)
        )
    return done


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _prepare_home(home: Path, lib: Path, *, heap: str, pagecache: str) -> dict[str, str]:
    """Lay out the home, keep or choose its port and password, write conf and connection."""
    for name in _HOME_DIRS:
        (home / name).mkdir(parents=True, exist_ok=True)
    auth_file = home / "data" / "dbms" / "auth.ini"
    if (home / _CONNECTION_FILE).is_file():
        settings = read_connection_env(home)
    elif auth_file.exists():
        raise ConfigError(
            f"{home} has a Neo4j password but no {_CONNECTION_FILE}; delete the folder to "
            "start afresh"
        )
    else:
        alphabet = string.ascii_letters + string.digits
        settings = {
            _URI: "",
            _USER: "neo4j",
            _PASSWORD: "".join(secrets.choice(alphabet) for _ in range(32)),
            _DATABASE: "neo4j",
        }
    port_text = settings[_URI].rpartition(":")[2]
    port = int(port_text) if port_text.isdigit() else 0
    if port == 0 or not _port_is_free(port):
        port = _free_port()
    settings[_URI] = f"bolt://127.0.0.1:{port}"
    _write_private(
        home / _CONNECTION_FILE, "".join(f"{key}={value}\n" for key, value in settings.items())
    )
    (home / "conf" / "neo4j.conf").write_text(
        _neo4j_conf(home, lib, port, heap=heap, pagecache=pagecache), encoding="utf-8"
    )
    if not auth_file.exists():
        _set_initial_password(home, lib, settings[_PASSWORD])
    return settings


def _neo4j_conf(home: Path, lib: Path, port: int, *, heap: str, pagecache: str) -> str:
    jvm_options = (
        "-XX:+UseG1GC",
        "-XX:-OmitStackTraceInFastThrow",
        "-XX:+UnlockExperimentalVMOptions",
        "-XX:+TrustFinalNonStaticFields",
        "-XX:+DisableExplicitGC",
        "-XX:+ExitOnOutOfMemoryError",
        "-Djdk.nio.maxCachedBufferSize=262144",
        "-Dio.netty.tryReflectionSetAccessible=true",
        "-Dlog4j2.disable.jmx=true",
        # Direct buffer and file descriptor access for the page cache and transaction logs.
        "--add-opens=java.base/java.nio=ALL-UNNAMED",
        "--add-opens=java.base/java.io=ALL-UNNAMED",
        "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    )
    lines = [
        "# Written by graphdyn.neo4j.server at every start; edits here are overwritten.",
        f"server.directories.lib={lib}",
        f"server.directories.import={home / 'import'}",
        "server.default_listen_address=127.0.0.1",
        "server.default_advertised_address=127.0.0.1",
        f"server.bolt.listen_address=127.0.0.1:{port}",
        f"server.bolt.advertised_address=127.0.0.1:{port}",
        "server.bolt.tls_level=DISABLED",
        "server.http.enabled=false",
        "server.https.enabled=false",
        "dbms.security.auth_enabled=true",
        "dbms.usage_report.enabled=false",
        f"server.memory.heap.initial_size={heap}",
        f"server.memory.heap.max_size={heap}",
        f"server.memory.pagecache.size={pagecache}",
        "db.tx_log.rotation.retention_policy=2 files",
        # Preallocating 256 MiB per transaction log is waste for a development server.
        "db.tx_log.preallocate=false",
        # Netty waits 5 s of quiet per Bolt connector before it stops; nothing local needs it.
        "internal.dbms.bolt.netty_server_shutdown_quiet_period=0",
    ]
    lines += [f"server.jvm.additional={option}" for option in jvm_options]
    return "\n".join(lines) + "\n"


def _write_private(path: Path, text: str) -> None:
    """Write a file only its owner can read, replacing it atomically."""
    staging = path.with_name(path.name + ".tmp")
    descriptor = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(staging, 0o600)
    os.replace(staging, path)


def _set_initial_password(home: Path, lib: Path, password: str) -> None:
    # Passed in a picocli @argument file, so the password never shows in a process listing.
    argument_file = home / "run" / "initial-password.args"
    _write_private(argument_file, password + "\n")
    try:
        _run_admin(
            ["dbms", "set-initial-password", f"@{argument_file}"],
            home,
            lib,
            check=True,
            timeout=120,
        )
    finally:
        argument_file.unlink(missing_ok=True)


def _launch(home: Path, lib: Path) -> subprocess.Popen[bytes]:
    log_file = home / "logs" / _LOG_FILE
    # This run's console output only; Neo4j keeps its own history in logs/neo4j.log.
    with log_file.open("wb") as log:
        launched = subprocess.Popen(  # noqa: S603 -- fixed program, arguments as a list
            [*_launcher_command(home, lib, _launcher_classes(lib)[0]), "console"],
            cwd=home,
            env=_launcher_env(home),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    _launched[launched.pid] = launched
    (home / _PID_FILE).write_text(f"{launched.pid}\n", encoding="utf-8")
    logger.info("launched Neo4j (pid %d), log %s", launched.pid, log_file)
    return launched


def _wait_for_bolt(
    info: ServerInfo, timeout: float, launched: subprocess.Popen[bytes] | None
) -> ServerInfo:
    settings = read_connection_env(info.home)
    deadline = time.monotonic() + timeout
    while True:
        if not _alive(info.pid):
            (info.home / _PID_FILE).unlink(missing_ok=True)
            raise Neo4jConnectionError(
                f"Neo4j (pid {info.pid}) exited before Bolt answered; end of {info.log_file}:\n"
                + _tail_file(info.log_file)
            )
        if _bolt_answers(settings):
            return dataclasses.replace(info, ready=True)
        if time.monotonic() > deadline:
            if launched is not None:
                _stop_unlocked(info.home, timeout=30.0)
            raise Neo4jConnectionError(
                f"Neo4j did not answer on {info.uri} within {timeout:.0f} s; "
                f"end of {info.log_file}:\n" + _tail_file(info.log_file)
            )
        time.sleep(0.5)


def _bolt_answers(settings: Mapping[str, str]) -> bool:
    auth = (settings[_USER], settings[_PASSWORD])
    try:
        with neo4j.GraphDatabase.driver(
            settings[_URI], auth=auth, connection_timeout=3.0
        ) as driver:
            driver.verify_connectivity()
    except neo4j.exceptions.AuthError as error:
        raise ConfigError(
            f"Neo4j at {settings[_URI]} refused the password stored in {_CONNECTION_FILE}"
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


def _live_pid(home: Path) -> int | None:
    """Return the pid in the home's pid file if that process is alive and is this server."""
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
    return f"{_HOME_TAG}{home}" in arguments


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


def _tail(text: str, lines: int) -> str:
    return "\n".join(text.splitlines()[-lines:])


def _tail_file(path: Path, lines: int = 40) -> str:
    try:
        return _tail(path.read_text(encoding="utf-8", errors="replace"), lines)
    except OSError:
        return f"({path} is unreadable)"


@contextlib.contextmanager
def _locked(home: Path) -> Iterator[None]:
    """Hold an exclusive lock on a folder: one start, stop, admin or fetch at a time."""
    home.mkdir(parents=True, exist_ok=True)
    with (home / _LOCK_FILE).open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


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
    if verbose and not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("neo4j-local: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)


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
        click.echo(f"ready in {seconds:.1f} s; settings in {info.home / _CONNECTION_FILE}")


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
        click.echo(f"not running (home {_absolute(home)})")
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
