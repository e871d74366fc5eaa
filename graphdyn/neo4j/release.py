"""A Neo4j release: fetched with Maven into a cache, and run through its Java launchers.

``org.neo4j:neo4j`` depends on ``org.neo4j.app:neo4j-server`` and the import tool, so its
runtime dependency closure on Maven Central is a server's ``lib/``. :func:`fetch` resolves that
closure into a cache folder (``lib/`` stays there; a home names it in
``server.directories.lib``). The launchers are the server's own: in 5.26
``org.neo4j.server.startup.Neo4jCommand`` and ``Neo4jAdminCommand``, in later releases
``Neo4jBoot`` and ``Neo4jAdminBoot``; either pair is found in the jars.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import re
import shutil
import subprocess
import time
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from graphdyn.atomic import staged_folder
from graphdyn.errors import ConfigError, Neo4jError
from graphdyn.java import find_java

__all__ = [
    "DEFAULT_VERSION",
    "HOME_TAG",
    "default_cache_root",
    "fetch",
    "launcher_command",
    "launcher_env",
    "locked",
    "run_admin",
    "tail",
]

logger = logging.getLogger(__name__)

#: The Neo4j 5.26 LTS release fetched when no other version is asked for.
DEFAULT_VERSION = "5.26.30"
#: Marks a launcher's command line with its home, so a recycled pid is not taken for it.
HOME_TAG = "-Dgraphdyn.neo4j.home="

_MAVEN_DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1"
_FETCH_MARKER = ".graphdyn-complete"
_LOCK_FILE = ".neo4j-local.lock"
_VERSION = re.compile(r"^[0-9]+\.[0-9]+\.[0-9]+$")


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
    with locked(folder):
        if not (lib / _FETCH_MARKER).is_file():
            _copy_dependencies(mvn, version, folder)
    return lib


def _copy_dependencies(mvn: str, version: str, folder: Path) -> None:
    """Have Maven copy the runtime closure of org.neo4j:neo4j into ``folder/lib``."""
    lib = folder / "lib"
    pom = folder / "pom.xml"
    pom.write_text(_pom(version), encoding="utf-8")
    began = time.monotonic()
    with staged_folder(lib, force=True) as staging:
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
            raise Neo4jError(
                f"Maven could not fetch org.neo4j:neo4j:{version} (exit {done.returncode}):\n"
                + tail(done.stdout + done.stderr, 30)
            )
        jars = len(list(staging.glob("*.jar")))
        (staging / _FETCH_MARKER).write_text(f"org.neo4j:neo4j:{version}\n", encoding="utf-8")
    logger.info("fetched Neo4j %s: %d jars in %.1f s", version, jars, time.monotonic() - began)


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


def launcher_command(home: Path, lib: Path, *, admin: bool) -> list[str]:
    """Return the Java command of a release's launcher for a home, without arguments.

    Parameters
    ----------
    home : Path
        The server home, named on the command line (see :data:`HOME_TAG`).
    lib : Path
        The release's jars (:func:`fetch`).
    admin : bool
        The ``neo4j-admin`` launcher rather than the server's (``neo4j``).

    Returns
    -------
    list of str
        ``java ... -cp LIB/* LAUNCHER_CLASS``; append ``console`` or the admin arguments.

    Examples
    --------
    >>> launcher_command(Path("/srv/neo4j"), fetch(), admin=True)[-1]  # doctest: +SKIP
    'org.neo4j.server.startup.Neo4jAdminCommand'
    """
    # The launcher JVM only spawns and watches the server JVM: keep it small and quick.
    server, tool = _launcher_classes(lib)
    return [
        str(find_java("Neo4j 5.26")),
        "-Xmx128m",
        "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1",
        f"{HOME_TAG}{home}",
        "-cp",
        str(lib / "*"),
        tool if admin else server,
    ]


def launcher_env(home: Path, heap: str | None = None) -> dict[str, str]:
    """Return the environment of a launcher: NEO4J_HOME and NEO4J_CONF, no JAVA_OPTS.

    Parameters
    ----------
    home : Path
        The server home.
    heap : str, optional
        ``HEAP_SIZE`` for the JVM the launcher spawns (over the size in ``neo4j.conf``).

    Returns
    -------
    dict of str to str

    Examples
    --------
    >>> launcher_env(Path("/srv/neo4j"), "2g")["HEAP_SIZE"]
    '2g'
    """
    env = dict(os.environ)
    # The launcher hands these to the JVMs it spawns, over the sizes in neo4j.conf.
    env.pop("JAVA_OPTS", None)
    env.pop("HEAP_SIZE", None)
    if heap is not None:
        env["HEAP_SIZE"] = heap
    env["NEO4J_HOME"] = str(home)
    env["NEO4J_CONF"] = str(home / "conf")
    return env


def run_admin(
    args: Sequence[str],
    home: Path,
    lib: Path,
    *,
    heap: str | None = None,
    check: bool,
    timeout: float | None,
) -> subprocess.CompletedProcess[str]:
    """Run ``neo4j-admin ARGS`` for a home that is laid out already.

    Parameters
    ----------
    args : sequence of str
        The arguments; one starting with ``@`` (an argument file) is not shown in errors.
    home : Path
        The server home.
    lib : Path
        The release's jars.
    heap : str, optional
        Java heap of the tool.
    check : bool
        Raise on a non-zero exit.
    timeout : float or None
        Seconds before the command is killed.

    Returns
    -------
    subprocess.CompletedProcess of str

    Raises
    ------
    Neo4jError
        If ``check`` and the command failed, with the end of its output.

    Examples
    --------
    >>> done = run_admin(["--version"], home, fetch(), check=True, timeout=60)  # doctest: +SKIP
    >>> done.stdout.strip()  # doctest: +SKIP
    '5.26.30'
    """
    command = launcher_command(home, lib, admin=True) + list(args)
    done = subprocess.run(  # noqa: S603 -- fixed program, arguments as a list
        command,
        cwd=home,
        env=launcher_env(home, heap),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if check and done.returncode != 0:
        shown = " ".join(a for a in args if not a.startswith("@"))
        raise Neo4jError(
            f"neo4j-admin {shown} failed (exit {done.returncode}):\n"
            + tail(done.stdout + done.stderr, 30)
        )
    return done


def tail(text: str, lines: int) -> str:
    """Return the last ``lines`` lines of a text.

    Examples
    --------
    >>> tail("one" + chr(10) + "two", 1)
    'two'
    """
    return "\n".join(text.splitlines()[-lines:])


@contextlib.contextmanager
def locked(home: Path) -> Iterator[None]:
    """Hold an exclusive lock on a folder: one start, stop, admin or fetch at a time.

    Parameters
    ----------
    home : Path
        The folder; created if missing. The lock file in it is ``.neo4j-local.lock``.

    Examples
    --------
    >>> import tempfile
    >>> with locked(Path(tempfile.mkdtemp())):
    ...     pass
    """
    home.mkdir(parents=True, exist_ok=True)
    with (home / _LOCK_FILE).open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
