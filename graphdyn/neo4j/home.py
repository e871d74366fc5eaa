"""A server home: its folders, ``neo4j.conf``, ``connection.env`` and initial password.

A home is a project-local ``NEO4J_HOME`` (``conf/``, ``data/``, ``logs/``, ``plugins/``,
``import/``, ``run/``). ``neo4j.conf`` is rewritten at every start from the settings below; the
connection settings are kept in ``<home>/connection.env`` (mode 0600) in the
``GRAPHDYN_NEO4J_*`` variables that the rest of graphdyn reads. The password is random, set
before the first start, and never logged.
"""

from __future__ import annotations

import os
import re
import secrets
import socket
import string
from pathlib import Path

from graphdyn.atomic import write_text
from graphdyn.errors import ConfigError
from graphdyn.neo4j.release import run_admin

__all__ = [
    "CONNECTION_FILE",
    "DATABASE",
    "PASSWORD",
    "URI",
    "USER",
    "absolute_home",
    "check_size",
    "default_home",
    "prepare_home",
    "read_connection_env",
]

#: The file in a home that holds its connection settings.
CONNECTION_FILE = "connection.env"
#: The variables of ``connection.env``, as the rest of graphdyn reads them.
URI = "GRAPHDYN_NEO4J_URI"
USER = "GRAPHDYN_NEO4J_USER"
PASSWORD = "GRAPHDYN_NEO4J_PASSWORD"  # noqa: S105 -- the variable's name, not a password
DATABASE = "GRAPHDYN_NEO4J_DATABASE"

_HOME_DIRS = ("conf", "data", "logs", "plugins", "import", "run")
_SIZE = re.compile(r"^[1-9][0-9]*[kmg]$")


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


def read_connection_env(home: Path | None = None) -> dict[str, str]:
    """Read the ``GRAPHDYN_NEO4J_*`` settings that :func:`start` wrote for a home.

    Parameters
    ----------
    home : Path, optional
        The server home; :func:`default_home` if omitted.

    Returns
    -------
    dict of str to str
        ``GRAPHDYN_NEO4J_URI``, ``USER``, ``PASSWORD`` and ``DATABASE``.

    Raises
    ------
    ConfigError
        If the file is missing or lacks one of the four settings.

    Examples
    --------
    >>> sorted(read_connection_env(Path(".neo4j")))  # doctest: +SKIP
    ['GRAPHDYN_NEO4J_DATABASE', 'GRAPHDYN_NEO4J_PASSWORD', 'GRAPHDYN_NEO4J_URI', ...]
    """
    path = absolute_home(home) / CONNECTION_FILE
    if not path.is_file():
        raise ConfigError(f"{path} does not exist; run `scripts/neo4j-local start` first")
    settings: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        key, sep, value = line.strip().partition("=")
        if sep and not key.startswith("#"):
            settings[key.strip()] = value.strip()
    missing = [k for k in (URI, USER, PASSWORD, DATABASE) if not settings.get(k)]
    if missing:
        raise ConfigError(f"{path} lacks {', '.join(missing)}")
    return settings


def check_size(name: str, size: str) -> None:
    """Refuse a memory size Neo4j would not read, such as ``2 GB``.

    Raises
    ------
    ConfigError
        Unless the size looks like ``512m`` or ``2g``.

    Examples
    --------
    >>> check_size("heap", "512m")
    """
    if not _SIZE.match(size):
        raise ConfigError(f"{name} must look like 512m or 1g, not {size!r}")


def absolute_home(home: Path | None) -> Path:
    """Return the absolute path of a home; :func:`default_home` if None.

    Examples
    --------
    >>> absolute_home(Path("relative")).is_absolute()
    True
    """
    return (home if home is not None else default_home()).expanduser().resolve()


def prepare_home(home: Path, lib: Path, *, heap: str, pagecache: str) -> dict[str, str]:
    """Lay out a home, keep or choose its port and password, write its conf and connection.

    On the first call a random password is chosen and set as the initial password; the Bolt
    port is kept from ``connection.env`` while it is free, else a free one is chosen.

    Parameters
    ----------
    home : Path
        The server home.
    lib : Path
        The release's jars.
    heap, pagecache : str
        Memory sizes written to ``neo4j.conf``.

    Returns
    -------
    dict of str to str
        The ``GRAPHDYN_NEO4J_*`` settings written to ``connection.env``.

    Raises
    ------
    ConfigError
        If the home has a password but lost its ``connection.env``.

    Examples
    --------
    >>> prepare_home(Path(".neo4j"), fetch(), heap="512m", pagecache="256m")[URI]  # doctest: +SKIP
    'bolt://127.0.0.1:39127'
    """
    for name in _HOME_DIRS:
        (home / name).mkdir(parents=True, exist_ok=True)
    auth_file = home / "data" / "dbms" / "auth.ini"
    if (home / CONNECTION_FILE).is_file():
        settings = read_connection_env(home)
    elif auth_file.exists():
        raise ConfigError(
            f"{home} has a Neo4j password but no {CONNECTION_FILE}; delete the folder to "
            "start afresh"
        )
    else:
        alphabet = string.ascii_letters + string.digits
        settings = {
            URI: "",
            USER: "neo4j",
            PASSWORD: "".join(secrets.choice(alphabet) for _ in range(32)),
            DATABASE: "neo4j",
        }
    port_text = settings[URI].rpartition(":")[2]
    port = int(port_text) if port_text.isdigit() else 0
    if port == 0 or not _port_is_free(port):
        port = _free_port()
    settings[URI] = f"bolt://127.0.0.1:{port}"
    lines = "".join(f"{key}={value}\n" for key, value in settings.items())
    write_text(home / CONNECTION_FILE, lines, mode=0o600)
    (home / "conf" / "neo4j.conf").write_text(
        _neo4j_conf(home, lib, port, heap=heap, pagecache=pagecache), encoding="utf-8"
    )
    if not auth_file.exists():
        _set_initial_password(home, lib, settings[PASSWORD])
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


def _set_initial_password(home: Path, lib: Path, password: str) -> None:
    # Passed in a picocli @argument file, so the password never shows in a process listing.
    argument_file = home / "run" / "initial-password.args"
    write_text(argument_file, password + "\n", mode=0o600)
    try:
        run_admin(
            ["dbms", "set-initial-password", f"@{argument_file}"],
            home,
            lib,
            check=True,
            timeout=120,
        )
    finally:
        argument_file.unlink(missing_ok=True)


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
