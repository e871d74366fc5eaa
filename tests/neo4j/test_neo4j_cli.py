"""The Neo4j commands: load, query and neo4j, through click and as real processes; the errors a
user sees are one line each, with exit 3 (connection) or 2 (a bad query), within seconds."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import neo4j
import pytest
from click.testing import CliRunner, Result

from graphdyn.audits.run import audit
from graphdyn.cli.main import cli
from graphdyn.cli.neo4j import _readable, dataset_from_neo4j, write_back_to_neo4j
from graphdyn.config import Config
from graphdyn.data.generate import generate
from graphdyn.neo4j.connection import Neo4jRunner
from graphdyn.neo4j.queries import QueryResult
from graphdyn.neo4j.settings import Neo4jSettings as Settings

if TYPE_CHECKING:
    from conftest import Neo4jSettings

_GROUP = cli
_MAIN = "from graphdyn.cli.main import cli\ncli(prog_name='graphdyn')\n"


def _env(settings: Neo4jSettings, **changes: str) -> dict[str, str]:
    return {
        "GRAPHDYN_NEO4J_URI": settings.uri,
        "GRAPHDYN_NEO4J_USER": settings.user,
        "GRAPHDYN_NEO4J_PASSWORD": settings.password,
        "GRAPHDYN_NEO4J_DATABASE": settings.database,
        **changes,
    }


def _invoke(settings: Neo4jSettings, *args: str) -> Result:
    return CliRunner().invoke(_GROUP, list(args), env=_env(settings), catch_exceptions=False)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli") / "data"
    generate(folder, customers=60, staff=8, products=10, interactions=2_000, seed=3)
    return folder


def test_every_command_has_help() -> None:
    for command in (cli.commands[name] for name in ("load", "query", "neo4j")):
        result = CliRunner().invoke(_GROUP, [command.name or "", "--help"])
        assert result.exit_code == 0, result.output
        assert (command.help or "").split("\n")[0] in result.output


def test_load_then_query_in_every_format(
    clean_db: neo4j.Driver, neo4j_settings: Neo4jSettings, small: Path
) -> None:
    first = _invoke(neo4j_settings, "load", str(small), "--batch-size", "500")
    assert first.exit_code == 0, first.output
    assert "Loaded 2,000 interactions (2,000 new, 0 already there), 60 customers" in first.output
    again = _invoke(neo4j_settings, "load", str(small))
    assert "(0 new, 2,000 already there)" in again.output

    settings = Settings(
        password=neo4j_settings.password,
        uri=neo4j_settings.uri,
        user=neo4j_settings.user,
        database=neo4j_settings.database,
    )
    result = audit(dataset_from_neo4j(settings, Config()))
    assert result.data.source == "neo4j"
    written = write_back_to_neo4j(settings, result)
    assert written.ties == len(result.ties)

    staff_id = result.ties["staff_id"].value_counts().index[0]
    as_json = _invoke(
        neo4j_settings, "query", "staff_portfolio", "-p", f"staff_id={staff_id}", "--format", "json"
    )
    assert as_json.exit_code == 0, as_json.output
    rows = json.loads(as_json.stdout)
    mine = result.ties.loc[result.ties["staff_id"] == staff_id]
    assert sorted(row["customer_id"] for row in rows) == sorted(mine["customer_id"])
    assert all(row["last_contact"].endswith("Z") for row in rows)

    customer_id = result.ties["customer_id"].iloc[0]
    as_csv = _invoke(
        neo4j_settings,
        "query",
        "tie_strength",
        "--param",
        f"customer_id={customer_id}",
        "--format",
        "csv",
    )
    assert as_csv.exit_code == 0, as_csv.output
    table = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    expected = result.ties.loc[result.ties["customer_id"] == customer_id]
    assert [row["staff_id"] for row in table] == sorted(expected["staff_id"])
    assert float(table[0]["strength"]) == pytest.approx(
        expected.sort_values("staff_id")["strength"].iloc[0], abs=1e-12
    )

    readable = _invoke(neo4j_settings, "query", "tie_strength", "-p", f"customer_id={customer_id}")
    assert readable.exit_code == 0, readable.output
    assert re.search(r"\de[-+]\d", readable.stdout) is None
    strength = expected.sort_values("staff_id")["strength"].iloc[0]
    assert f"{strength:.6f}".rstrip("0").rstrip(".") in readable.stdout

    as_table = _invoke(neo4j_settings, "query", "single_threaded_accounts", "-p", "limit=2")
    assert as_table.exit_code == 0, as_table.output
    assert "Single-threaded accounts, most decayed value first." in as_table.stdout
    assert "sole_staff_id" in as_table.stdout


def test_table_cells_show_numbers_readably_and_csv_keeps_every_digit() -> None:
    values = (1.98864e-20, 0.734512345, 12345.6789, 2.0, -0.00012345, 12045, -1e-9)
    assert [_readable(value) for value in values] == [
        "0",
        "0.734512",
        "12,345.7",
        "2",
        "-0.000123",
        "12,045",
        "0",
    ]
    rows = [{"p_alive": 1.98864e-20, "n": 12045}]
    assert QueryResult(["p_alive", "n"], rows).to_csv() == "p_alive,n\n1.98864e-20,12045\n"


def test_query_without_a_name_lists_the_catalogue() -> None:
    listing = CliRunner().invoke(_GROUP, ["query"])
    assert listing.exit_code == 0
    for name in ("at_risk_customers", "departure_stranded", "tie_strength", "who_knows_whom"):
        assert name in listing.output
    assert "staff_id, limit=100" in listing.output


def test_bad_data_is_rejected_before_anything_is_sent(
    clean_db: neo4j.Driver, neo4j_settings: Neo4jSettings, tmp_path: Path
) -> None:
    (tmp_path / "interactions.csv").write_text(
        "interaction_id,timestamp,customer_id,channel,sentiment\n"
        "i1,2024-05-01,c1,phone,0.5\n"
        "i2,2024-05-02,c1,phone,1.5\n",
        encoding="utf-8",
    )
    rejected = _invoke(neo4j_settings, "load", str(tmp_path))
    assert rejected.exit_code == 2
    assert "interactions.csv:3: sentiment: outside [-1, 1] (1.5)" in rejected.output
    runner = Neo4jRunner(clean_db, neo4j_settings.database)
    assert runner.read("MATCH (n) RETURN count(n) AS n") == [{"n": 0}]
    assert runner.read("SHOW CONSTRAINTS YIELD name RETURN count(*) AS n") == [{"n": 0}]


def test_neo4j_command_group_reports_the_server(
    neo4j_settings: Neo4jSettings, tmp_path: Path
) -> None:
    stopped = CliRunner().invoke(_GROUP, ["neo4j", "status", "--home", str(tmp_path)])
    assert stopped.exit_code == 1
    assert "not running" in stopped.output
    if neo4j_settings.home is not None:
        running = CliRunner().invoke(
            _GROUP, ["neo4j", "status", "--home", str(neo4j_settings.home)]
        )
        assert running.exit_code == 0
        assert f"ready at {neo4j_settings.uri}" in running.output


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.mark.parametrize(
    ("case", "exit_code", "message"),
    [
        ("server down", 3, "error: cannot reach Neo4j at bolt://127.0.0.1:{port} ("),
        ("wrong password", 3, "error: Neo4j at {uri} refused the login of user 'neo4j'"),
        ("unknown database", 3, "error: Neo4j at {uri} has no database 'no_such_db'"),
        ("syntax error", 2, "error: {file}:2:1: Cypher syntax error: Invalid input 'RETRN'"),
        ("write when reading", 2, "error: {file}: the query writes to the database"),
    ],
)
def test_errors_are_one_line_with_an_exit_status_within_seconds(
    neo4j_settings: Neo4jSettings,
    tmp_path: Path,
    case: str,
    exit_code: int,
    message: str,
) -> None:
    file = tmp_path / "mine.cypher"
    port = _closed_port()
    changes = {
        "server down": {"GRAPHDYN_NEO4J_URI": f"bolt://127.0.0.1:{port}"},
        "wrong password": {"GRAPHDYN_NEO4J_PASSWORD": "not-the-password"},
        "unknown database": {"GRAPHDYN_NEO4J_DATABASE": "no_such_db"},
    }.get(case, {})
    text = "CREATE (n:Scratch) RETURN n" if case == "write when reading" else "MATCH (n)\nRETRN n"
    file.write_text(text, encoding="utf-8")
    target = str(file) if case in ("syntax error", "write when reading") else "at_risk_customers"
    began = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", _MAIN, "query", target],
        env={**os.environ, **_env(neo4j_settings, **changes)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    elapsed = time.monotonic() - began
    assert done.returncode == exit_code, done.stderr
    assert done.stderr.startswith(message.format(port=port, uri=neo4j_settings.uri, file=file))
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert neo4j_settings.password not in done.stderr + done.stdout
    assert elapsed < 15, f"{case} took {elapsed:.1f} s"


def test_missing_password_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    done = CliRunner().invoke(
        _GROUP, ["query", "at_risk_customers"], env={"GRAPHDYN_NEO4J_PASSWORD": ""}
    )
    assert done.exit_code == 2
    assert "no Neo4j password: set GRAPHDYN_NEO4J_PASSWORD" in done.output


def test_audit_from_neo4j_equals_audit_from_files_and_writes_back(
    clean_db: neo4j.Driver, neo4j_settings: Neo4jSettings, small: Path, tmp_path: Path
) -> None:
    assert _invoke(neo4j_settings, "load", str(small)).exit_code == 0
    from_files = _invoke(neo4j_settings, "audit", str(small), "--out", str(tmp_path / "files"))
    assert from_files.exit_code == 0, from_files.output
    from_graph = _invoke(
        neo4j_settings,
        "audit",
        "--source",
        "neo4j",
        "--out",
        str(tmp_path / "graph"),
        "--write-neo4j",
    )
    assert from_graph.exit_code == 0, from_graph.output
    for table in ("ties", "customers", "staff", "channels"):
        assert (tmp_path / "files" / f"{table}.csv").read_text() == (
            tmp_path / "graph" / f"{table}.csv"
        ).read_text(), table
    ties = sum(
        1 for _ in csv.DictReader(io.StringIO((tmp_path / "files" / "ties.csv").read_text()))
    )
    assert f"Audit written to Neo4j at {neo4j_settings.uri}" in from_graph.output
    stored, _, _ = clean_db.execute_query(
        "MATCH (:Customer)-[t:TIE]->(:Staff) RETURN count(t) AS ties",
        database_=neo4j_settings.database,
    )
    assert stored[0]["ties"] == ties
    again = _invoke(
        neo4j_settings, "audit", "--source", "neo4j", "--out", str(tmp_path / "g2"), "--write-neo4j"
    )
    assert again.exit_code == 0, again.output
    stored, _, _ = clean_db.execute_query(
        "MATCH (:Customer)-[t:TIE]->(:Staff) RETURN count(t) AS ties",
        database_=neo4j_settings.database,
    )
    assert stored[0]["ties"] == ties  # re-running replaces, never duplicates


def test_audit_needs_data_or_neo4j_source(neo4j_settings: Neo4jSettings, tmp_path: Path) -> None:
    result = _invoke(neo4j_settings, "audit", "--out", str(tmp_path / "a"))
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: give a DATA folder, or --source neo4j without one"
