"""The local Neo4j server: it answers, is 5.26 Community, listens on loopback only, needs a
password, and its start, status and stop are idempotent."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import neo4j
import neo4j.exceptions
import pytest
from click.testing import CliRunner

from graphdyn.cli.server import cli as server_cli
from graphdyn.errors import ConfigError, Neo4jConnectionError
from graphdyn.neo4j import server

if TYPE_CHECKING:
    from conftest import Neo4jSettings

_REPO = Path(__file__).resolve().parents[2]
_SCRIPT = _REPO / "scripts" / "neo4j-local"
_LOOPBACK = {"127.0.0.1", "::ffff:127.0.0.1"}

_NODES_CSV = "id:ID,name,:LABEL\nc1,Alice,Customer\nc2,Bob,Customer\ns1,Sam,Staff\n"
_RELATIONSHIPS_CSV = ":START_ID,:END_ID,:TYPE,weight:float\ns1,c1,KNOWS,0.5\ns1,c2,KNOWS,0.25\n"


@dataclass(frozen=True)
class Scratch:
    """A throwaway server home, bulk-imported before its first start."""

    home: Path
    info: server.ServerInfo
    import_output: str

    def driver(self) -> neo4j.Driver:
        stored = server.read_connection_env(self.home)
        auth = (stored["GRAPHDYN_NEO4J_USER"], stored["GRAPHDYN_NEO4J_PASSWORD"])
        return neo4j.GraphDatabase.driver(stored["GRAPHDYN_NEO4J_URI"], auth=auth)


@pytest.fixture(scope="module")
def scratch(
    neo4j_settings: Neo4jSettings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Scratch]:
    """A second, small server in a temporary home: neo4j-admin import, then start.

    It asks for ``neo4j_settings`` only to share its skip rule (GRAPHDYN_SKIP_NEO4J, CI).
    """
    home = tmp_path_factory.mktemp("neo4j-scratch")
    (home / "import").mkdir()
    (home / "import" / "nodes.csv").write_text(_NODES_CSV, encoding="utf-8")
    (home / "import" / "knows.csv").write_text(_RELATIONSHIPS_CSV, encoding="utf-8")
    imported = server.admin(
        [
            "database",
            "import",
            "full",
            "neo4j",
            f"--nodes={home / 'import' / 'nodes.csv'}",
            f"--relationships={home / 'import' / 'knows.csv'}",
        ],
        home,
        heap="256m",
    )
    info = server.start(home, heap="256m", pagecache="64m")
    try:
        yield Scratch(home=home, info=info, import_output=imported.stdout)
    finally:
        server.stop(home)


def _address(hex_address: str) -> str:
    """Decode an address of /proc/net/tcp{,6}: 32-bit words in host (little-endian) order."""
    raw = bytes.fromhex(hex_address)
    host_order = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
    family = socket.AF_INET if len(raw) == 4 else socket.AF_INET6
    return socket.inet_ntop(family, host_order)


def _socket_inodes(process: Path) -> set[str]:
    """Inodes of a process's open sockets; a descriptor closed while we look is passed over."""
    inodes: set[str] = set()
    try:
        descriptors = list((process / "fd").iterdir())
    except OSError:
        return inodes
    for descriptor in descriptors:
        try:
            link = os.readlink(descriptor)
        except OSError:
            continue
        if link.startswith("socket:["):
            inodes.add(link[8:-1])
    return inodes


def _listening_sockets(process_group: int) -> set[tuple[str, int]]:
    """(address, port) of every TCP socket listened on by a process group's processes."""
    inodes: set[str] = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[2]) == process_group:
            inodes |= _socket_inodes(entry)
    found: set[tuple[str, int]] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            columns = line.split()
            local, state, inode = columns[1], columns[3], columns[9]
            if state == "0A" and inode in inodes:
                address, _, port = local.partition(":")
                found.add((_address(address), int(port, 16)))
    return found


def test_server_answers_return_one(
    neo4j_driver: neo4j.Driver, neo4j_settings: Neo4jSettings
) -> None:
    records, _, _ = neo4j_driver.execute_query("RETURN 1 AS one", database_=neo4j_settings.database)
    assert [record["one"] for record in records] == [1]


def test_components_report_5_26_community(
    neo4j_driver: neo4j.Driver, neo4j_settings: Neo4jSettings
) -> None:
    records, _, _ = neo4j_driver.execute_query(
        "CALL dbms.components() YIELD name, versions, edition RETURN name, versions, edition",
        database_=neo4j_settings.database,
        routing_=neo4j.RoutingControl.READ,
    )
    assert [record["name"] for record in records] == ["Neo4j Kernel"]
    (version,) = records[0]["versions"]
    assert version.startswith("5.26.")
    assert records[0]["edition"] == "community"


def test_wrong_password_is_refused(neo4j_settings: Neo4jSettings) -> None:
    wrong = (neo4j_settings.user, neo4j_settings.password + "-wrong")
    with neo4j.GraphDatabase.driver(neo4j_settings.uri, auth=wrong) as driver:
        with pytest.raises(neo4j.exceptions.AuthError):
            driver.verify_connectivity()


def test_clean_db_empties_the_database(
    neo4j_driver: neo4j.Driver, neo4j_settings: Neo4jSettings, request: pytest.FixtureRequest
) -> None:
    database = neo4j_settings.database
    neo4j_driver.execute_query(
        "CREATE CONSTRAINT customer_id IF NOT EXISTS FOR (c:Customer) REQUIRE c.id IS UNIQUE",
        database_=database,
    )
    neo4j_driver.execute_query(
        "CREATE INDEX staff_name IF NOT EXISTS FOR (s:Staff) ON (s.name)", database_=database
    )
    neo4j_driver.execute_query(
        "UNWIND range(1, 50) AS i CREATE (:Customer {id: i})-[:KNOWS]->(:Staff {name: 's' + i})",
        database_=database,
    )
    request.getfixturevalue("clean_db")
    counts, _, _ = neo4j_driver.execute_query(
        "MATCH (n) RETURN count(n) AS nodes", database_=database
    )
    constraints, _, _ = neo4j_driver.execute_query("SHOW CONSTRAINTS", database_=database)
    indexes, _, _ = neo4j_driver.execute_query(
        "SHOW INDEXES YIELD type RETURN type", database_=database
    )
    assert counts[0]["nodes"] == 0
    assert constraints == []
    assert {record["type"] for record in indexes} <= {"LOOKUP"}


def test_admin_import_builds_the_database_before_first_start(scratch: Scratch) -> None:
    assert "IMPORT DONE" in scratch.import_output
    with scratch.driver() as driver:
        records, _, _ = driver.execute_query(
            "MATCH (s:Staff)-[k:KNOWS]->(c:Customer) "
            "RETURN s.name AS staff, c.name AS customer, k.weight AS weight ORDER BY customer"
        )
    rows = [(r["staff"], r["customer"], r["weight"]) for r in records]
    assert rows == [("Sam", "Alice", 0.5), ("Sam", "Bob", 0.25)]


def test_bolt_listens_on_loopback_only(scratch: Scratch) -> None:
    port = int(scratch.info.uri.rpartition(":")[2])
    conf = (scratch.home / "conf" / "neo4j.conf").read_text(encoding="utf-8").splitlines()
    assert f"server.bolt.listen_address=127.0.0.1:{port}" in conf
    assert "server.default_listen_address=127.0.0.1" in conf
    assert "server.http.enabled=false" in conf
    assert "dbms.security.auth_enabled=true" in conf
    listening = _listening_sockets(scratch.info.pid)
    assert {port_ for _, port_ in listening} == {port}
    assert {address for address, _ in listening} <= _LOOPBACK
    # Another loopback address reaches the same host; a socket bound to 127.0.0.1 refuses it.
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.2", port), timeout=5).close()


def test_password_stays_private(scratch: Scratch) -> None:
    connection = scratch.home / "connection.env"
    assert stat.S_IMODE(connection.stat().st_mode) == 0o600
    password = server.read_connection_env(scratch.home)["GRAPHDYN_NEO4J_PASSWORD"]
    assert len(password) == 32
    written = [scratch.home / "conf" / "neo4j.conf", *(scratch.home / "logs").glob("*.log")]
    assert [path.name for path in written if password in path.read_text(errors="replace")] == []
    assert not list((scratch.home / "run").glob("*.args"))


def test_start_status_stop_are_idempotent(scratch: Scratch) -> None:
    # The last test on the scratch server: it leaves the server stopped.
    home = scratch.home
    again = server.start(home)
    assert (again.pid, again.uri, again.ready, again.started) == (
        scratch.info.pid,
        scratch.info.uri,
        True,
        False,
    )
    found = server.status(home)
    assert found is not None
    assert (found.pid, found.uri, found.ready) == (scratch.info.pid, scratch.info.uri, True)
    shown = subprocess.run(
        [str(_SCRIPT), "status", "--home", str(home)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (shown.returncode, shown.stdout.split()[:4]) == (
        0,
        ["Neo4j", "ready", "at", scratch.info.uri],
    )
    exported = CliRunner().invoke(server_cli, ["env", "--home", str(home)])
    stored = server.read_connection_env(home)
    assert exported.exit_code == 0
    assert exported.output.splitlines() == [f"export {k}={v}" for k, v in stored.items()]

    assert server.stop(home) is True
    assert server.stop(home) is False
    assert server.status(home) is None
    assert _listening_sockets(scratch.info.pid) == set()
    assert not (home / "neo4j-local.pid").exists()
    stopped = CliRunner().invoke(server_cli, ["status", "--home", str(home)])
    assert (stopped.exit_code, stopped.output) == (1, f"not running (home {home})\n")
    # After stop, env still prints the settings but says on stderr that nothing answers.
    after = CliRunner().invoke(server_cli, ["env", "--home", str(home)])
    assert after.exit_code == 1
    assert after.stdout.splitlines() == [f"export {k}={v}" for k, v in stored.items()]
    assert after.stderr == (
        f"neo4j-local: the server is not running (home {home}); "
        "start it with `scripts/neo4j-local start`\n"
    )

    # A server that dies while starting is reported with the end of its log.
    with pytest.raises(Neo4jConnectionError, match=r"(?s)exited before Bolt.*Too small"):
        server.start(home, heap="1k")
    assert server.status(home) is None


def test_read_connection_env_names_the_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"connection\.env does not exist"):
        server.read_connection_env(tmp_path)


def test_status_of_an_empty_home_is_none(tmp_path: Path) -> None:
    assert server.status(tmp_path) is None
    assert server.stop(tmp_path) is False


@pytest.mark.parametrize(("heap", "pagecache"), [("512", "256m"), ("512m", "lots")])
def test_start_rejects_malformed_memory_sizes(tmp_path: Path, heap: str, pagecache: str) -> None:
    with pytest.raises(ConfigError, match="must look like 512m"):
        server.start(tmp_path, heap=heap, pagecache=pagecache)


def test_fetch_rejects_a_malformed_version(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="5.26.30"):
        server.fetch("5.26", cache_root=tmp_path)
