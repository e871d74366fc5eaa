"""The graph in a real Neo4j 5.26: schema, idempotent and resumable loads, read-back that
audits identically to the files, write-back that replaces, typed properties, hostile ids."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import neo4j
import numpy as np
import pandas as pd
import pytest

from graphdyn.audits.run import Audit, audit
from graphdyn.data.generate import generate
from graphdyn.errors import DataError
from graphdyn.ingest import Dataset, read_data
from graphdyn.neo4j.connection import Neo4jRunner
from graphdyn.neo4j.load import load_data
from graphdyn.neo4j.queries import to_plain
from graphdyn.neo4j.readback import read_back
from graphdyn.neo4j.schema import apply_schema, statement
from graphdyn.neo4j.writeback import write_back

if TYPE_CHECKING:
    from conftest import Neo4jSettings

_AUDIT_TABLES = ("ties", "customers", "staff", "channels")


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("graph") / "data"
    generate(folder, customers=300, staff=30, products=40, interactions=20_000, seed=11)
    return folder


@pytest.fixture
def runner(clean_db: neo4j.Driver, neo4j_settings: Neo4jSettings) -> Neo4jRunner:
    return Neo4jRunner(clean_db, neo4j_settings.database)


def _counts(runner: Neo4jRunner) -> dict[str, int]:
    nodes = runner.read("MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS n")
    relationships = runner.read("MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS n")
    return {
        **{record["label"]: record["n"] for record in nodes},
        **{record["type"]: record["n"] for record in relationships},
    }


def _checksum(runner: Neo4jRunner) -> str:
    """A digest of every node's labels and properties and every relationship, order-free."""
    nodes = runner.read("MATCH (n) RETURN labels(n) AS labels, properties(n) AS properties")
    relationships = runner.read(
        "MATCH (a)-[r]->(b) RETURN type(r) AS type, properties(r) AS properties, "
        "[a.customer_id, a.staff_id, a.interaction_id] AS start, "
        "[b.staff_id, b.interaction_id, b.product_id] AS end"
    )
    lines = sorted(
        json.dumps(to_plain(record), sort_keys=True, ensure_ascii=False)
        for record in [*nodes, *relationships]
    )
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def _assert_same_audit(expected: Audit, actual: Audit) -> None:
    """Equal tables to float rounding (rtol 1e-12), and an equal summary but for the floats.

    The engine adds each group's terms in an order of its own (in parallel), so two audits of
    the same data agree to a few units in the last place, not always bit for bit.
    """
    tables = (*_AUDIT_TABLES, "tie_trajectories", "customer_trajectories")
    for name in tables:
        pd.testing.assert_frame_equal(
            getattr(expected, name), getattr(actual, name), check_exact=False, rtol=1e-12
        )
    left, right = expected.summary, actual.summary
    for key in ("counts", "customer_status", "tie_status", "single_threaded", "parameters"):
        assert left[key] == right[key], key
    assert left["mean_customer_strength"] == pytest.approx(right["mean_customer_strength"])


def test_schema_is_idempotent(runner: Neo4jRunner) -> None:
    assert apply_schema(runner) == apply_schema(runner) == 8
    constraints = runner.read(
        "SHOW CONSTRAINTS YIELD labelsOrTypes, properties, type "
        "RETURN labelsOrTypes[0] AS label, properties[0] AS key, type"
    )
    unique = {(c["label"], c["key"]) for c in constraints if c["type"] == "UNIQUENESS"}
    assert {
        ("Customer", "customer_id"),
        ("Staff", "staff_id"),
        ("Product", "product_id"),
        ("Interaction", "interaction_id"),
        ("Audit", "audit_id"),
        ("SourceTable", "name"),
    } <= unique
    indexes = runner.read("SHOW INDEXES YIELD name RETURN collect(name) AS names")[0]["names"]
    assert {"graphdyn_customer_status", "graphdyn_tie_status"} <= set(indexes)


def test_load_twice_gives_the_same_graph_and_audit_from_neo4j_equals_files(
    runner: Neo4jRunner, generated: Path
) -> None:
    files = read_data(generated)
    first = load_data(runner, files, batch_size=3_000)
    assert (first.interactions, first.created, first.updated) == (20_000, 20_000, 0)
    assert first.batches == 7
    counts = _counts(runner)
    staffed = int(files.interactions["staff_id"].notna().sum())
    linked = int(files.interactions["product_id"].notna().sum())
    assert counts["Interaction"] == 20_000
    assert counts["HAD"] == 20_000
    assert counts["HANDLED"] == staffed
    assert counts["ABOUT"] == linked
    assert counts["Customer"] == len(files.customer_ids())
    assert counts["Staff"] == len(files.staff_ids())
    assert counts["Product"] == len(files.product_ids())
    digest = _checksum(runner)

    second = load_data(runner, files, batch_size=7_000)
    assert (second.created, second.updated) == (0, 20_000)
    assert _counts(runner) == counts
    assert _checksum(runner) == digest

    back = read_back(runner)
    assert back.source == "neo4j"
    sorted_files = Dataset.from_frames(
        files.interactions.sort_values("interaction_id", ignore_index=True),
        files.customers,
        files.staff,
        files.products,
    )
    pd.testing.assert_frame_equal(back.interactions, sorted_files.interactions)
    for name in ("customers", "staff", "products"):
        key = getattr(files, name).columns[0]
        expected = getattr(files, name).sort_values(key, ignore_index=True)
        pd.testing.assert_frame_equal(getattr(back, name), expected)
    # Sorted the same way or in file order, the audit is the same but for float rounding.
    _assert_same_audit(audit(sorted_files), audit(back))
    _assert_same_audit(audit(files), audit(back))


def test_types_are_neo4j_temporal_and_numeric_types(runner: Neo4jRunner) -> None:
    data = Dataset.from_frames(
        pd.DataFrame(
            {
                "interaction_id": ["i1", "i2"],
                "timestamp": ["2024-05-01T10:00:00.123456Z", "1969-12-31T23:59:59.999999Z"],
                "customer_id": ["c1", "c1"],
                "staff_id": ["s1", None],
                "channel": ["phone", "order"],
                "duration_minutes": [12, None],
                "value": [None, 19.5],
                "product_id": [None, "p1"],
            }
        ),
        customers=pd.DataFrame({"customer_id": ["c1"], "account_created": ["2020-02-29"]}),
        staff=pd.DataFrame({"staff_id": ["s1"], "left_at": ["2024-06-30"]}),
        products=pd.DataFrame({"product_id": ["p1"], "price": ["19.50"]}),
    )
    load_data(runner, data)
    types = runner.read(
        "MATCH (i:Interaction {interaction_id: 'i1'}), (c:Customer), (s:Staff), (p:Product) "
        "RETURN valueType(i.timestamp) AS timestamp, valueType(i.duration_minutes) AS duration, "
        "valueType(c.account_created) AS account_created, valueType(s.left_at) AS left_at, "
        "valueType(p.price) AS price, valueType(i.interaction_id) AS id, "
        "i.value IS NULL AS blank_value_absent, toString(i.timestamp) AS text"
    )[0]
    assert types == {
        "timestamp": "ZONED DATETIME NOT NULL",
        "duration": "FLOAT NOT NULL",
        "account_created": "DATE NOT NULL",
        "left_at": "DATE NOT NULL",
        "price": "FLOAT NOT NULL",
        "id": "STRING NOT NULL",
        "blank_value_absent": True,
        "text": "2024-05-01T10:00:00.123456Z",
    }
    back = read_back(runner)
    pd.testing.assert_frame_equal(back.interactions, data.interactions)


def test_hostile_ids_and_column_names_round_trip_verbatim(runner: Neo4jRunner) -> None:
    ids = [
        "O'Brien & Sons",
        'say "hi"',
        "back`tick` `x`",
        "x'}) DETACH DELETE n //",
        "$param {a: 1}",
        "Ünïcödé 名前 😀",
        "back\\slash",
    ]
    weird_column = "note `x` 'y' \"z\" 😀"
    data = Dataset.from_frames(
        pd.DataFrame(
            {
                "interaction_id": [f"{i}#{k}" for k, i in enumerate(ids)],
                "timestamp": "2024-05-01",
                "customer_id": ids,
                "staff_id": ids[::-1],
                "channel": "meeting",
                "product_id": ids,
                weird_column: ids,
            }
        ),
        customers=pd.DataFrame({"customer_id": ids, "name": ids, weird_column: ids}),
    )
    load_data(runner, data)
    assert _counts(runner)["Customer"] == len(ids)
    back = read_back(runner)
    pd.testing.assert_frame_equal(
        back.interactions, data.interactions.sort_values("interaction_id", ignore_index=True)
    )
    pd.testing.assert_frame_equal(
        back.customers, data.customers.sort_values("customer_id", ignore_index=True)
    )
    for value in ids:
        found = runner.read(
            "MATCH (c:Customer {customer_id: $id})-[:HAD]->(i) RETURN c.name AS name, "
            "i[$column] AS note",
            {"id": value, "column": weird_column},
        )
        assert found == [{"name": value, "note": value}]


def test_interactions_find_their_nodes_by_element_id_and_key(runner: Neo4jRunner) -> None:
    apply_schema(runner)
    runner.write("CREATE (:Customer {customer_id: 'c1'}), (:Customer {customer_id: 'c2'})")
    ids = {
        row["id"]: row["element"]
        for row in runner.read(
            "MATCH (c:Customer) RETURN c.customer_id AS id, elementId(c) AS element"
        )
    }
    row = {
        "interaction_id": "i1", "staff": None, "product": None, "staff_id": None,
        "product_id": None, "epoch_seconds": 1_750_000_000, "nanosecond": 0, "channel": "email",
        "direction": "inbound", "duration_minutes": None, "sentiment": None, "value": None,
    }  # fmt: skip
    query = statement("load_interactions_new")
    # c2's element id with c1's key: as if c1 were deleted and its id reused by another node.
    wrong = runner.write(query, {"rows": [{**row, "customer": ids["c2"], "customer_id": "c1"}]})
    assert wrong[0]["interactions"] == 0
    right = runner.write(query, {"rows": [{**row, "customer": ids["c1"], "customer_id": "c1"}]})
    assert right[0]["interactions"] == 1
    linked = runner.read("MATCH (c:Customer)-[:HAD]->(:Interaction) RETURN c.customer_id AS id")
    assert [r["id"] for r in linked] == ["c1"]


def test_reload_with_changed_interactions_updates_properties_and_relationships(
    runner: Neo4jRunner,
) -> None:
    events = pd.DataFrame(
        {
            "interaction_id": ["i1", "i2", "i3"],
            "timestamp": ["2024-01-01", "2024-02-01", "2024-03-01"],
            "customer_id": ["c1", "c1", "c2"],
            "staff_id": ["s1", "s1", None],
            "channel": ["meeting", "phone", "order"],
            "sentiment": [0.5, None, None],
            "product_id": [None, None, "p1"],
        }
    )
    load_data(runner, Dataset.from_frames(events))
    changed = events.copy()
    changed.loc[0, ["customer_id", "staff_id", "sentiment", "product_id"]] = [
        "c2",
        "s2",
        None,
        "p1",
    ]
    changed.loc[2, ["staff_id", "product_id"]] = ["s1", None]
    summary = load_data(runner, Dataset.from_frames(changed))
    assert (summary.created, summary.updated) == (0, 3)
    links = runner.read(
        "MATCH (i:Interaction) "
        "RETURN i.interaction_id AS id, [(c)-[:HAD]->(i) | c.customer_id] AS customers, "
        "[(s)-[:HANDLED]->(i) | s.staff_id] AS staff, [(i)-[:ABOUT]->(p) | p.product_id] AS "
        "products, i.sentiment AS sentiment ORDER BY id"
    )
    assert links == [
        {"id": "i1", "customers": ["c2"], "staff": ["s2"], "products": ["p1"], "sentiment": None},
        {"id": "i2", "customers": ["c1"], "staff": ["s1"], "products": [], "sentiment": None},
        {"id": "i3", "customers": ["c2"], "staff": ["s1"], "products": [], "sentiment": None},
    ]
    back = read_back(runner)
    pd.testing.assert_frame_equal(back.interactions, Dataset.from_frames(changed).interactions)


def test_a_load_killed_half_way_and_run_again_equals_one_clean_load(
    runner: Neo4jRunner,
    generated: Path,
    neo4j_settings: Neo4jSettings,
    delete_all_data: Callable[[], None],
) -> None:
    files = read_data(generated)
    batch = 200
    with subprocess.Popen(
        [sys.executable, "-c", _LOADER, str(generated), str(batch)],
        env={**os.environ, **_env(neo4j_settings)},
        stderr=subprocess.PIPE,
        text=True,
    ) as loader:
        try:
            deadline = time.monotonic() + 120
            loaded = 0
            while loaded < 5 * batch:
                assert loader.poll() is None, loader.communicate()[1]
                assert time.monotonic() < deadline, "the loader committed nothing for 2 minutes"
                time.sleep(0.02)
                loaded = runner.read("MATCH (i:Interaction) RETURN count(i) AS n")[0]["n"]
        finally:
            loader.kill()
            loader.communicate()
    partial = runner.read("MATCH (i:Interaction) RETURN count(i) AS n")[0]["n"]
    assert 0 < partial < len(files.interactions), "kill the loader before it finished"
    assert partial % batch == 0, "a batch is all or nothing"
    orphans = runner.read("MATCH (i:Interaction) WHERE NOT (i)<-[:HAD]-() RETURN count(i) AS n")
    assert orphans == [{"n": 0}]

    resumed = load_data(runner, files, batch_size=1_000)
    assert resumed.updated >= partial
    resumed_counts, resumed_digest = _counts(runner), _checksum(runner)

    delete_all_data()
    load_data(runner, files)
    assert _counts(runner) == resumed_counts
    assert _checksum(runner) == resumed_digest


def test_two_writers_give_the_same_graph_as_one(
    runner: Neo4jRunner, generated: Path, delete_all_data: Callable[[], None]
) -> None:
    files = read_data(generated)
    parallel = load_data(runner, files, batch_size=1_500, writers=2)
    assert (parallel.created, parallel.updated) == (20_000, 0)
    counts, digest = _counts(runner), _checksum(runner)
    again = load_data(runner, files, batch_size=1_500, writers=2)
    assert (again.created, again.updated) == (0, 20_000)
    assert _checksum(runner) == digest

    delete_all_data()
    load_data(runner, files, batch_size=1_500)
    assert _counts(runner) == counts
    assert _checksum(runner) == digest


_LOADER = """
import sys
from graphdyn.ingest import read_data
from graphdyn.neo4j.connection import open_runner
from graphdyn.neo4j.load import load_data
from graphdyn.neo4j.settings import load_settings
with open_runner(load_settings()) as runner:
    load_data(runner, read_data(sys.argv[1]), batch_size=int(sys.argv[2]))
"""


def _env(settings: Neo4jSettings) -> dict[str, str]:
    return {
        "GRAPHDYN_NEO4J_URI": settings.uri,
        "GRAPHDYN_NEO4J_USER": settings.user,
        "GRAPHDYN_NEO4J_PASSWORD": settings.password,
        "GRAPHDYN_NEO4J_DATABASE": settings.database,
    }


def test_write_back_stores_the_audit_and_a_rerun_replaces_it(
    runner: Neo4jRunner, generated: Path
) -> None:
    files = read_data(generated)
    load_data(runner, files)
    before = read_back(runner)
    result = audit(files)
    first = write_back(runner, result, batch_size=2_000)
    assert (first.ties, first.customers, first.staff) == (
        len(result.ties),
        len(result.customers),
        len(result.staff),
    )
    ties = pd.DataFrame(
        runner.read(
            "MATCH (c:Customer)-[t:TIE]->(s:Staff) RETURN c.customer_id AS customer_id, "
            "s.staff_id AS staff_id, t.strength AS strength, t.status AS status, t.trend AS "
            "trend, t.intensity AS intensity, t.n_interactions AS n_interactions, "
            "t.days_to_at_risk AS days_to_at_risk, t.last_contact AS last_contact"
        )
    ).sort_values(["customer_id", "staff_id"], ignore_index=True)
    expected = result.ties.sort_values(["customer_id", "staff_id"], ignore_index=True)
    assert len(ties) == len(expected)
    for column in ("strength", "intensity", "days_to_at_risk"):
        np.testing.assert_array_equal(
            ties[column].astype(float).to_numpy(), expected[column].to_numpy()
        )
    assert ties["status"].tolist() == expected["status"].tolist()
    assert ties["trend"].tolist() == expected["trend"].tolist()
    assert ties["n_interactions"].tolist() == expected["n_interactions"].tolist()
    assert [t.to_native() for t in ties["last_contact"]] == [
        t.to_pydatetime() for t in expected["last_contact"]
    ]
    customers = pd.DataFrame(
        runner.read(
            "MATCH (c:Customer) WHERE c.strength IS NOT NULL RETURN c.customer_id AS "
            "customer_id, c.strength AS strength, c.status AS status, c.single_threaded AS "
            "single_threaded, c.top_staff_id AS top_staff_id"
        )
    ).sort_values("customer_id", ignore_index=True)
    pd.testing.assert_frame_equal(
        customers,
        result.customers[["customer_id", "strength", "status", "single_threaded", "top_staff_id"]]
        .astype({"customer_id": object, "status": object, "top_staff_id": object})
        .sort_values("customer_id", ignore_index=True),
        check_dtype=False,
    )
    staff = runner.read(
        "MATCH (s:Staff) WHERE s.portfolio_strength IS NOT NULL RETURN s.staff_id AS staff_id, "
        "s.portfolio_strength AS portfolio_strength, s.sole_strong_tie_customers AS sole"
    )
    by_id = result.staff.set_index("staff_id")
    assert len(staff) == len(result.staff)
    for record in staff:
        row = by_id.loc[record["staff_id"]]
        assert record["portfolio_strength"] == row["portfolio_strength"]
        assert record["sole"] == row["sole_strong_tie_customers"]
    node = runner.read("MATCH (a:Audit) RETURN a")[0]["a"]
    assert node["as_of"].to_native() == result.as_of.to_pydatetime()
    assert json.loads(node["parameters"]) == json.loads(
        json.dumps(result.config.to_dict(), sort_keys=True)
    )
    assert node["strong_threshold"] == result.config.strong_threshold
    assert node["run_id"] == first.run_id

    again = write_back(runner, result)
    assert again.removed_ties == 0
    assert runner.read(
        "MATCH ()-[t:TIE]->() RETURN count(t) AS n, collect(DISTINCT t.audit_run) AS runs"
    ) == [{"n": len(result.ties), "runs": [again.run_id]}]
    assert runner.read("MATCH (a:Audit) RETURN count(a) AS n") == [{"n": 1}]

    # An older as-of date has fewer ties and customers: the rest of the newer audit goes.
    earlier = audit(files, as_of=result.as_of - pd.Timedelta(days=700))
    assert len(earlier.ties) < len(result.ties)
    replaced = write_back(runner, earlier)
    assert replaced.removed_ties == len(result.ties) - len(earlier.ties)
    assert runner.read("MATCH ()-[t:TIE]->() RETURN count(t) AS n") == [{"n": len(earlier.ties)}]
    scored = runner.read(
        "MATCH (c:Customer) WHERE c.strength IS NOT NULL OR c.audit_run IS NOT NULL "
        "RETURN count(c) AS n"
    )
    assert scored == [{"n": len(earlier.customers)}]
    # Audit properties never leak into the data: the read-back is unchanged.
    after = read_back(runner)
    for name in ("interactions", "customers", "staff", "products"):
        pd.testing.assert_frame_equal(getattr(after, name), getattr(before, name))


def test_read_back_of_a_graph_that_breaks_the_contract_is_a_data_error(
    runner: Neo4jRunner,
) -> None:
    load_data(
        runner,
        Dataset.from_frames(
            pd.DataFrame(
                {
                    "interaction_id": ["i1"],
                    "timestamp": ["2024-05-01"],
                    "customer_id": ["c1"],
                    "channel": ["phone"],
                }
            )
        ),
    )
    runner.write("MATCH (i:Interaction) MATCH (:Customer)-[h:HAD]->(i) DELETE h")
    with pytest.raises(DataError, match="interactions:2: customer_id: required value missing"):
        read_back(runner)
