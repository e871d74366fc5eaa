"""Neo4j code that needs no server: settings, query files and parameters, the statements the
loader and the write-back send (through a fake runner that records them), error messages."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import neo4j.exceptions
import neo4j.time
import numpy as np
import pandas as pd
import pytest

from graphdyn.audits.run import audit
from graphdyn.config import Config
from graphdyn.data.contract import INTERACTIONS
from graphdyn.errors import (
    ConfigError,
    DataError,
    Neo4jConnectionError,
    Neo4jError,
    Neo4jQueryError,
    UsageError,
)
from graphdyn.ingest import Dataset
from graphdyn.model.rhythm import QUADRATURE
from graphdyn.neo4j.connection import Record, run_batches, translate_error
from graphdyn.neo4j.load import load_data
from graphdyn.neo4j.queries import (
    canned_queries,
    find_query,
    parse_parameters,
    parse_query,
    parse_value,
    to_plain,
)
from graphdyn.neo4j.schema import CUSTOMER, STAFF, TIE_PROPERTIES, statement, statements
from graphdyn.neo4j.settings import Neo4jSettings, load_settings
from graphdyn.neo4j.writeback import write_back


class RecordingRunner:
    """A fake runner: records (mode, statement, parameters) and answers like the server."""

    database = "fake"

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, dict[str, Any]]] = []

    def read(
        self, query: str, parameters: Mapping[str, Any] | None = None, *, name: str | None = None
    ) -> list[Record]:
        return self._answer("read", query, parameters)

    def write(
        self, query: str, parameters: Mapping[str, Any] | None = None, *, name: str | None = None
    ) -> list[Record]:
        return self._answer("write", query, parameters)

    def write_transaction(self, work: Callable[[Any], Any], *, name: str | None = None) -> Any:
        return work(self)

    def run(self, query: str, parameters: Mapping[str, Any] | None = None) -> list[Record]:
        return self._answer("tx", query, parameters)

    def _answer(self, mode: str, query: str, parameters: Mapping[str, Any] | None) -> list[Record]:
        params = dict(parameters or {})
        self.calls.append((mode, query, params))
        if query == statement("load_interactions_existing"):
            return [{"found": []}]
        if query in {statement(f"load_{name}") for name in ("customers", "staff", "products")}:
            return [{"elements": [[row["id"], f"element:{row['id']}"] for row in params["rows"]]}]
        if query == statement("load_interactions_extra"):
            return [{"interactions": len(params["rows"])}]
        if query == statement("load_interactions_new"):
            rows = params["rows"]
            return [
                {
                    "interactions": sum(r["customer"] is not None for r in rows),
                    "handled": sum(r["staff"] is not None for r in rows),
                    "about": sum(r["product"] is not None for r in rows),
                }
            ]
        if "RETURN count(*) AS removed" in query:
            return [{"removed": 0}]
        return []

    def statements_sent(self) -> list[str]:
        return [query for _, query, _ in self.calls]


def _events(**extra: list[Any]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "interaction_id": ["i1", "i2", "i3"],
            "timestamp": ["2024-01-01T10:00:00.123456Z", "2024-02-01", "2024-03-01"],
            "customer_id": ["c1", "c1", "c2"],
            "staff_id": ["s1", None, "s1"],
            "channel": ["meeting", "order", "phone"],
            "value": [None, 120.0, None],
            "product_id": [None, "p1", None],
            **extra,
        }
    )


# --- settings ---------------------------------------------------------------------------


def test_settings_environment_wins_over_file_and_defaults(tmp_path: Path) -> None:
    config = tmp_path / "graphdyn.toml"
    config.write_text(
        '[neo4j]\nuri = "neo4j://db.example:7687"\nuser = "analyst"\npassword = "from-file"\n',
        encoding="utf-8",
    )
    settings = load_settings(config, environ={"GRAPHDYN_NEO4J_USER": "ops"})
    assert settings.uri == "neo4j://db.example:7687"
    assert settings.user == "ops"
    assert settings.password == "from-file"  # noqa: S105
    assert settings.database == "neo4j"
    env_only = load_settings(config, environ={"GRAPHDYN_NEO4J_PASSWORD": "env", "X": "y"})
    assert env_only.password == "env"  # noqa: S105
    assert env_only.auth == ("analyst", "env")


def test_settings_defaults_and_hidden_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no ./graphdyn.toml here
    settings = load_settings(environ={"GRAPHDYN_NEO4J_PASSWORD": "s3cret"})
    assert (settings.uri, settings.user, settings.database) == (
        "bolt://127.0.0.1:7687",
        "neo4j",
        "neo4j",
    )
    assert "s3cret" not in repr(settings)


def test_settings_read_graphdyn_toml_in_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "graphdyn.toml").write_text(
        'half_life_days = 60\n[neo4j]\npassword = "pw"\ndatabase = "sales"\n', encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    assert load_settings(environ={}).database == "sales"


def test_settings_errors_say_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError, match="GRAPHDYN_NEO4J_PASSWORD"):
        load_settings(environ={"GRAPHDYN_NEO4J_PASSWORD": ""})
    bad = tmp_path / "bad.toml"
    bad.write_text('[neo4j]\npasword = "x"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"unknown setting neo4j\.pasword"):
        load_settings(bad, environ={})
    bad.write_text("[neo4j]\nport = 7687\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown setting neo4j.port"):
        load_settings(bad, environ={})
    bad.write_text('[neo4j]\nuser = 7\npassword = "x"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="neo4j.user must be a string"):
        load_settings(bad, environ={})
    with pytest.raises(ConfigError, match="config file not found"):
        load_settings(tmp_path / "missing.toml", environ={})
    with pytest.raises(ConfigError, match="bolt://HOST:PORT"):
        Neo4jSettings(password="x", uri="http://localhost:7474")  # noqa: S106


# --- query files and parameters ---------------------------------------------------------


def test_every_packaged_query_declares_exactly_the_parameters_it_uses() -> None:
    queries = canned_queries()
    assert set(queries) == {
        "at_risk_customers",
        "single_threaded_accounts",
        "staff_portfolio",
        "who_knows_whom",
        "departure_stranded",
        "tie_strength",
    }
    for query in queries.values():
        used = set(re.findall(r"\$([A-Za-z_][A-Za-z0-9_]*)", _code(query.text)))
        declared = {p.name for p in query.parameters}
        assert used == declared, query.name
        assert query.summary.endswith("."), query.name
        assert query.description.startswith("Answers:"), query.name


def _code(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))


def test_tie_strength_defaults_are_the_model_defaults() -> None:
    config = Config()
    defaults = {p.name: p.default for p in find_query("tie_strength").parameters}
    assert defaults["half_life"] == config.half_life_days
    assert defaults["richness"] == dict(config.channel_richness)
    assert defaults["weights"] == dict(config.weights)
    assert defaults["tenure_scale"] == config.tenure_scale_days
    assert defaults["reference_interval"] == config.reference_interval_days
    assert defaults["gap_prior_weight"] == config.gap_prior_weight
    assert defaults["min_gap"] == config.min_gap_days
    assert defaults["lapse_half_life"] == config.lapse_half_life_days
    assert defaults["horizon"] == config.liveness_horizon_days
    nodes, weights = QUADRATURE
    np.testing.assert_array_equal(np.array(defaults["quadrature"]), np.c_[nodes, weights])
    assert defaults["as_of"] is None and defaults["v_ref"] is None and defaults["i_ref"] is None


def test_parse_value_infers_types_and_respects_declared_ones() -> None:
    assert parse_value("42") == 42
    assert parse_value("-0.25") == -0.25
    assert parse_value("true") is True
    assert parse_value("null") is None
    assert parse_value("2024-05-01") == date(2024, 5, 1)
    assert parse_value("2024-05-01T09:30") == datetime(2024, 5, 1, 9, 30, tzinfo=UTC)
    assert parse_value("2024-05-01T09:30:00+02:00") == datetime(2024, 5, 1, 7, 30, tzinfo=UTC)
    assert parse_value('{"phone": 0.7}') == {"phone": 0.7}
    assert parse_value("[1, 2]") == [1, 2]
    assert parse_value('"00123"') == "00123"
    assert parse_value("O'Brien `x`") == "O'Brien `x`"
    assert parse_value("00123", "string") == "00123"
    assert parse_value("7", "float") == 7.0
    assert parse_value("no", "boolean") is False
    assert parse_value("2024-05-01", "datetime") == datetime(2024, 5, 1, tzinfo=UTC)
    with pytest.raises(UsageError, match="parameter limit: expected an integer"):
        parse_value("ten", "integer", name="limit")
    with pytest.raises(UsageError, match="expected a map"):
        parse_value("[1]", "map")
    with pytest.raises(UsageError, match="not valid JSON"):
        parse_value("{oops")


def test_parse_parameters_fills_defaults_and_refuses_mistakes(tmp_path: Path) -> None:
    portfolio = find_query("staff_portfolio")
    assert parse_parameters(["staff_id=00042"], portfolio) == {"staff_id": "00042", "limit": 100}
    with pytest.raises(UsageError, match="staff_id is required"):
        parse_parameters([], portfolio)
    with pytest.raises(UsageError, match="no parameter 'limt'"):
        parse_parameters(["staff_id=S1", "limt=3"], portfolio)
    with pytest.raises(UsageError, match="given twice"):
        parse_parameters(["staff_id=S1", "staff_id=S2"], portfolio)
    with pytest.raises(UsageError, match="expected NAME=VALUE"):
        parse_parameters(["staff_id"], portfolio)
    undeclared = parse_query("MATCH (n) RETURN n LIMIT $n", name="mine", source="mine.cypher")
    assert parse_parameters(["n=3", "since=2024-01-01"], undeclared) == {
        "n": 3,
        "since": date(2024, 1, 1),
    }


def test_query_files_are_found_by_name_or_path(tmp_path: Path) -> None:
    mine = tmp_path / "mine.cypher"
    mine.write_text("// Mine.\n// @param x any = 1\nRETURN $x AS x;\n\n", encoding="utf-8")
    query = find_query(str(mine))
    assert (query.name, query.source, query.text) == ("mine", str(mine), query.text)
    assert query.text.endswith("RETURN $x AS x")
    with pytest.raises(UsageError, match="packaged queries: at_risk_customers"):
        find_query("no_such_query")
    with pytest.raises(UsageError, match="no such file"):
        find_query(str(tmp_path / "missing.cypher"))
    (tmp_path / "empty.cypher").write_text("// only a comment\n", encoding="utf-8")
    with pytest.raises(UsageError, match="no Cypher statement"):
        find_query(str(tmp_path / "empty.cypher"))
    (tmp_path / "bad.cypher").write_text("// @param x 1\nRETURN 1\n", encoding="utf-8")
    with pytest.raises(UsageError, match="malformed parameter line"):
        find_query(str(tmp_path / "bad.cypher"))


def test_to_plain_gives_json_ready_values() -> None:
    assert to_plain(
        {
            "at": neo4j.time.DateTime(2024, 5, 1, 9, 30, 0, 123456000, tzinfo=UTC),
            "day": neo4j.time.Date(2024, 5, 1),
            "xs": (1, float("inf")),
        }
    ) == {"at": "2024-05-01T09:30:00.123456Z", "day": "2024-05-01", "xs": [1, None]}


# --- statements sent ----------------------------------------------------------------------


def test_schema_file_has_constraints_for_every_key() -> None:
    schema = statements("schema")
    for label, key in (
        ("Customer", "customer_id"),
        ("Staff", "staff_id"),
        ("Product", "product_id"),
        ("Interaction", "interaction_id"),
        ("Audit", "audit_id"),
    ):
        assert any(
            f"(n:{label}) REQUIRE n.{key} IS UNIQUE" in " ".join(text.split()) for text in schema
        ), label
    assert all("IF NOT EXISTS" in text for text in schema)


def test_load_sends_values_only_as_parameters_in_batches() -> None:
    hostile = "x'}) DETACH DELETE n //`"
    data = Dataset.from_frames(
        _events(customer_id=[hostile, "c1", "c2"]),
        customers=pd.DataFrame({"customer_id": [hostile], "name": ["Ünïcode 名"]}),
    )
    runner = RecordingRunner()
    summary = load_data(runner, data, batch_size=2)
    sent = runner.statements_sent()
    known = {statement(n) for n in _LOAD_FILES} | set(statements("schema"))
    assert all(text in known or text.startswith("CALL db.awaitIndexes") for text in sent)
    assert not any(hostile in text or "Ünïcode" in text for text in sent)
    created = [p for _, q, p in runner.calls if q == statement("load_interactions_new")]
    assert [len(p["rows"]) for p in created] == [2, 1]
    assert created[0]["rows"][0] == {
        "interaction_id": "i1",
        "customer": f"element:{hostile}",
        "staff": "element:s1",
        "product": None,
        "customer_id": hostile,
        "staff_id": "s1",
        "product_id": None,
        "epoch_seconds": 1704103200,
        "nanosecond": 123456000,
        "channel": "meeting",
        "direction": None,
        "duration_minutes": None,
        "sentiment": None,
        "value": None,
    }
    customers = [p for _, q, p in runner.calls if q == statement("load_customers")]
    rows = [row for p in customers for row in p["rows"]]
    assert rows[0] == {
        "id": hostile,
        "properties": {
            "listed": True,
            "name": "Ünïcode 名",
            "segment": None,
            "region": None,
            "account_created": None,
        },
    }
    assert sorted(row["id"] for row in rows[1:]) == ["c1", "c2"]
    assert all(row["properties"] == {} for row in rows[1:])
    assert (summary.interactions, summary.created, summary.batches) == (3, 3, 2)


_LOAD_FILES = (
    "load_customers",
    "load_staff",
    "load_products",
    "load_source_table",
    "load_interactions_existing",
    "load_interactions_new",
    "load_interactions_extra",
)


def test_reserved_column_names_are_refused_before_anything_is_sent() -> None:
    data = Dataset.from_frames(
        _events(), customers=pd.DataFrame({"customer_id": ["c1"], "strength": ["high"]})
    )
    runner = RecordingRunner()
    with pytest.raises(DataError, match="customers.csv:1: strength: the name of a property"):
        load_data(runner, data)
    assert runner.calls == []
    with pytest.raises(UsageError, match="batch size"):
        load_data(runner, data, batch_size=0)


def test_load_rolls_back_a_batch_whose_nodes_are_missing() -> None:
    class Lossy(RecordingRunner):
        def run(self, query: str, parameters: Mapping[str, Any] | None = None) -> list[Record]:
            records = super().run(query, parameters)
            if query == statement("load_interactions_new"):
                return [{**records[0], "handled": 0}]
            return records

    data = Dataset.from_frames(_events())
    with pytest.raises(Neo4jError, match="node the batch refers to is missing"):
        load_data(Lossy(), data)


def test_new_interactions_name_every_contract_property_and_send_extras_apart() -> None:
    created = _code(statement("load_interactions_new"))
    named = set(re.findall(r"^  (\w+): (?:row\.|datetime)", created, re.MULTILINE))
    links = {"customer_id", "staff_id", "product_id"}
    assert named == set(INTERACTIONS.column_names) - links
    assert "+=" not in created  # a map SET would put an Eager operator in the plan
    data = Dataset.from_frames(_events(mood=["calm", None, "tense"]))
    runner = RecordingRunner()
    load_data(runner, data, batch_size=2)
    extra = [p["rows"] for _, q, p in runner.calls if q == statement("load_interactions_extra")]
    assert extra == [
        [
            {"interaction_id": "i1", "properties": {"mood": "calm"}},
            {"interaction_id": "i2", "properties": {"mood": None}},
        ],
        [{"interaction_id": "i3", "properties": {"mood": "tense"}}],
    ]
    plain = RecordingRunner()
    load_data(plain, Dataset.from_frames(_events()))
    assert statement("load_interactions_extra") not in plain.statements_sent()


def test_parallel_writers_split_interactions_by_customer() -> None:
    events = pd.concat([_events()] * 4, ignore_index=True)
    events["interaction_id"] = [f"i{k}" for k in range(len(events))]
    events["customer_id"] = [f"c{k % 5}" for k in range(len(events))]
    runner = RecordingRunner()
    summary = load_data(runner, Dataset.from_frames(events), batch_size=2, writers=2)
    batches = [p["rows"] for _, q, p in runner.calls if q == statement("load_interactions_new")]
    sent = sorted(row["interaction_id"] for rows in batches for row in rows)
    assert sent == sorted(events["interaction_id"])
    # Batches that share a customer belong to one writer: grouping them gives two groups.
    groups: list[set[str]] = []
    for customers in ({row["customer"] for row in rows} for rows in batches):
        touching = [group for group in groups if group & customers]
        groups = [group for group in groups if not group & customers]
        groups.append(customers.union(*touching))
    assert len(groups) == 2
    assert (summary.created, summary.updated) == (12, 0)
    with pytest.raises(UsageError, match="writers"):
        load_data(runner, Dataset.from_frames(events), writers=0)


def test_run_batches_sends_slices_and_reports_progress() -> None:
    runner = RecordingRunner()
    progress: list[tuple[str, int, int]] = []
    rows = [{"id": str(k)} for k in range(5)]
    run_batches(
        runner,
        statement("load_staff"),
        rows,
        batch_size=2,
        name="load_staff.cypher",
        stage="staff",
        on_progress=lambda stage, done, total: progress.append((stage, done, total)),
    )
    assert [p["rows"] for _, _, p in runner.calls] == [rows[0:2], rows[2:4], rows[4:5]]
    assert progress == [("staff", 2, 5), ("staff", 4, 5), ("staff", 5, 5)]


def test_write_back_sends_allow_listed_properties_and_clears_the_rest() -> None:
    result = audit(_events(), as_of="2024-03-31")
    runner = RecordingRunner()
    summary = write_back(runner, result)
    ties = next(p for _, q, p in runner.calls if q == statement("writeback_ties"))
    row = ties["rows"][0]
    assert (row["customer_id"], row["staff_id"]) == ("c1", "s1")
    assert set(row["properties"]) == {*TIE_PROPERTIES, "audit_run"}
    assert row["properties"]["strength"] == pytest.approx(result.ties["strength"].iloc[0])
    assert isinstance(row["properties"]["first_contact"], datetime)
    customers = next(p for _, q, p in runner.calls if q == statement("writeback_customers"))
    assert set(customers["rows"][0]["properties"]) == {*CUSTOMER.audit_properties, "audit_run"}
    assert "name" not in customers["rows"][0]["properties"]
    finish = [p for mode, q, p in runner.calls if mode == "tx"]
    assert len(finish) == len(statements("writeback_finish"))
    audit_node = finish[-1]["audit"]
    assert audit_node["as_of"] == datetime(2024, 3, 31, tzinfo=UTC)
    assert audit_node["audit_id"] == "current"
    assert set(finish[0]["staff_cleared"]) == {*STAFF.audit_properties, "audit_run"}
    assert all(v is None for v in finish[0]["staff_cleared"].values())
    assert (summary.ties, summary.customers, summary.staff) == (2, 2, 1)


# --- error messages -------------------------------------------------------------------------


def _server_error(*, code: str, message: str) -> Exception:
    """An error as the driver builds it from a server FAILURE message (private driver API)."""
    error: Exception = neo4j.exceptions.Neo4jError._hydrate_neo4j(code=code, message=message)
    return error


@pytest.mark.parametrize(
    ("error", "kind", "message"),
    [
        (
            neo4j.exceptions.ServiceUnavailable(
                "Couldn't connect to h:1 (resolved to ('h:1',)):\nFailed to establish "
                "connection to x (reason [Errno 111] Connection refused)"
            ),
            Neo4jConnectionError,
            "cannot reach Neo4j at bolt://h:1 ([Errno 111] Connection refused); is the server "
            "running? (scripts/neo4j-local start)",
        ),
        (
            _server_error(code="Neo.ClientError.Security.Unauthorized", message="unauthorized"),
            Neo4jConnectionError,
            "Neo4j at bolt://h:1 refused the login of user 'neo4j' (wrong password? check "
            "GRAPHDYN_NEO4J_PASSWORD)",
        ),
        (
            _server_error(code="Neo.ClientError.Database.DatabaseNotFound", message="no db"),
            Neo4jConnectionError,
            "Neo4j at bolt://h:1 has no database 'neo4j' (check GRAPHDYN_NEO4J_DATABASE)",
        ),
    ],
)
def test_connection_errors_are_one_clear_line(
    error: Exception, kind: type[Exception], message: str
) -> None:
    settings = Neo4jSettings(password="pw", uri="bolt://h:1")  # noqa: S106
    translated = translate_error(error, settings=settings)
    assert type(translated) is kind
    assert str(translated) == message
    assert translated.exit_code == 3


def test_query_errors_name_the_file_and_position() -> None:
    syntax = _server_error(
        code="Neo.ClientError.Statement.SyntaxError",
        message="Invalid input 'RETRN': expected a graph pattern, 'FOREACH', ',', 'ORDER BY', "
        "'CALL', 'CREATE', 'LOAD CSV', 'DELETE' or <EOF> (line 2, column 11 (offset: 20))\n"
        '"MATCH (n) RETRN n"\n           ^',
    )
    translated = translate_error(syntax, name="mine.cypher")
    assert isinstance(translated, Neo4jQueryError) and translated.exit_code == 2
    assert str(translated) == (
        "mine.cypher:2:11: Cypher syntax error: Invalid input 'RETRN': expected a graph "
        "pattern, 'FOREACH', ',', 'ORDER BY', 'CALL', ... or <EOF>"
    )
    access = _server_error(
        code="Neo.ClientError.Statement.AccessMode",
        message="Writing in read access mode not allowed. Attempted write to neo4j",
    )
    assert "use --write to allow writes" in str(translate_error(access, name="w.cypher"))
