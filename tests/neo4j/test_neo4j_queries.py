"""The packaged Cypher queries against a real server, checked against the Python audit; tie
strength computed in Cypher alone equals the model to 1e-9; queries are read-only by default."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import neo4j
import numpy as np
import pandas as pd
import pytest

from graphdyn.audits.run import Audit, audit
from graphdyn.components import NAMES
from graphdyn.config import Config
from graphdyn.data.generate import generate
from graphdyn.errors import Neo4jQueryError
from graphdyn.ingest import Dataset, read_data
from graphdyn.neo4j.connection import Neo4jRunner
from graphdyn.neo4j.load import load_data
from graphdyn.neo4j.queries import (
    canned_queries,
    find_query,
    parse_parameters,
    parse_query,
    run_query,
)
from graphdyn.neo4j.writeback import write_back

if TYPE_CHECKING:
    from conftest import Neo4jSettings

#: Every number the Cypher query computes, the declared components among them.
_MEASURES = ("strength", *NAMES, "liveness", "p_alive", "typical_gap_days", "contact_days")


@dataclass(frozen=True)
class Loaded:
    runner: Neo4jRunner
    data: Dataset
    result: Audit


@pytest.fixture(scope="module")
def loaded(
    neo4j_driver: neo4j.Driver,
    neo4j_settings: Neo4jSettings,
    delete_all_data: Callable[[], None],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Loaded]:
    """Generated data loaded once for the module, with its audit written back."""
    folder = tmp_path_factory.mktemp("queries") / "data"
    generate(folder, customers=250, staff=25, products=30, interactions=15_000, seed=5)
    runner = Neo4jRunner(neo4j_driver, neo4j_settings.database)
    delete_all_data()
    data = read_data(folder)
    load_data(runner, data)
    result = audit(data)
    write_back(runner, result)
    yield Loaded(runner, data, result)
    delete_all_data()


def _run(loaded: Loaded, name: str, **parameters: Any) -> pd.DataFrame:
    query = find_query(name)
    given = [f"{key}={value}" for key, value in parameters.items()]
    result = run_query(loaded.runner, query, parse_parameters(given, query))
    return pd.DataFrame(result.rows, columns=result.columns or None)


def test_at_risk_customers_are_the_audits(loaded: Loaded) -> None:
    rows = _run(loaded, "at_risk_customers", limit=100_000)
    customers = loaded.result.customers
    at_risk = customers.loc[customers["status"] == "at_risk"]
    assert len(at_risk) > 0
    assert sorted(rows["customer_id"]) == sorted(at_risk["customer_id"])
    priority = loaded.result.summary["priority"]
    assert set(rows["priority"]) == {priority}
    assert rows["at_stake"].is_monotonic_decreasing
    expected = at_risk.set_index("customer_id")
    np.testing.assert_allclose(
        rows["at_stake"].to_numpy(dtype=float),
        expected.loc[rows["customer_id"], priority].to_numpy(dtype=float),
    )
    np.testing.assert_allclose(
        rows["liveness"].to_numpy(dtype=float),
        expected.loc[rows["customer_id"], "liveness"].to_numpy(dtype=float),
    )
    assert rows["best_staff_id"].tolist() == [
        None if pd.isna(s) else s for s in expected.loc[rows["customer_id"], "top_staff_id"]
    ]
    assert {value.to_native() for value in rows["as_of"]} == {loaded.result.as_of.date()}
    assert len(_run(loaded, "at_risk_customers", limit=3)) == min(3, len(at_risk))


def test_single_threaded_accounts_name_the_person_who_carries_them(loaded: Loaded) -> None:
    rows = _run(loaded, "single_threaded_accounts", limit=100_000)
    customers = loaded.result.customers
    expected = customers.loc[customers["single_threaded"]].set_index("customer_id")
    assert len(expected) > 0
    assert sorted(rows["customer_id"]) == sorted(expected.index)
    assert (
        rows["sole_staff_id"].tolist() == expected.loc[rows["customer_id"], "top_staff_id"].tolist()
    )
    ties = loaded.result.ties.set_index(["customer_id", "staff_id"])
    for customer, strength in zip(rows["customer_id"], rows["tie_strength"], strict=True):
        share = strength / ties.loc[customer, "strength"].sum()
        assert share >= loaded.result.config.single_thread_share


def test_staff_portfolio_lists_the_staff_members_ties(loaded: Loaded) -> None:
    ties = loaded.result.ties
    busiest = ties["staff_id"].value_counts().index[0]
    rows = _run(loaded, "staff_portfolio", staff_id=busiest, limit=100_000)
    mine = ties.loc[ties["staff_id"] == busiest].set_index("customer_id")
    assert sorted(rows["customer_id"]) == sorted(mine.index)
    assert rows["tie_strength"].is_monotonic_decreasing
    np.testing.assert_array_equal(
        rows["tie_strength"].to_numpy(), mine.loc[rows["customer_id"], "strength"].to_numpy()
    )
    assert rows["tie_status"].tolist() == mine.loc[rows["customer_id"], "status"].tolist()


def test_who_knows_whom_counts_the_raw_interactions(loaded: Loaded) -> None:
    events = loaded.data.interactions
    staffed = events.loc[events["staff_id"].notna()]
    customer = staffed["customer_id"].value_counts().index[0]
    rows = _run(loaded, "who_knows_whom", customer_id=customer, limit=1_000)
    counts = staffed.loc[staffed["customer_id"] == customer, "staff_id"].value_counts()
    assert dict(zip(rows["staff_id"], rows["interactions"], strict=True)) == counts.to_dict()
    ties = loaded.result.ties.set_index(["customer_id", "staff_id"])["strength"]
    for staff_id, strength in zip(rows["staff_id"], rows["strength"], strict=True):
        assert strength == ties[(customer, staff_id)]
    assert all(channels == sorted(channels) for channels in rows["channels"])


def test_departure_strands_the_staff_members_sole_strong_tie_customers(loaded: Loaded) -> None:
    staff = loaded.result.staff
    assert staff["sole_strong_tie_customers"].sum() > 0
    for staff_id, sole in zip(staff["staff_id"], staff["sole_strong_tie_customers"], strict=True):
        rows = _run(loaded, "departure_stranded", staff_id=staff_id, limit=100_000)
        assert len(rows) == sole, staff_id
        if len(rows):
            assert (rows["tie_strength"] >= loaded.result.config.strong_threshold).all()
            assert (
                rows["next_best_strength"].fillna(0.0) < loaded.result.config.strong_threshold
            ).all()


def _parameters(result: Audit, config: Config) -> dict[str, Any]:
    return {
        **parse_parameters([], find_query("tie_strength")),
        "as_of": result.as_of.to_pydatetime(),
        "half_life": config.half_life_days,
        "richness": dict(config.channel_richness),
        "i_ref": config.intensity_reference,
        "weights": dict(config.weights),
        "v_ref": result.summary["value_reference"],
        "tenure_scale": config.tenure_scale_days,
        "reference_interval": config.reference_interval_days,
        "gap_prior_weight": config.gap_prior_weight,
        "min_gap": config.min_gap_days,
        "lapse_half_life": config.lapse_half_life_days,
        "horizon": config.liveness_horizon_days,
        "customer_id": None,
    }


def _assert_parity(rows: list[dict[str, Any]], ties: pd.DataFrame) -> None:
    got = pd.DataFrame(rows).rename(columns={"typical_gap": "typical_gap_days"})
    expected = ties.sort_values(["customer_id", "staff_id"], ignore_index=True)
    assert got["customer_id"].tolist() == expected["customer_id"].tolist()
    assert got["staff_id"].tolist() == expected["staff_id"].tolist()
    assert got["n_interactions"].tolist() == expected["n_interactions"].tolist()
    for column in _MEASURES:
        actual = got[column].astype(float).to_numpy()
        wanted = expected[column].to_numpy(dtype=float)
        np.testing.assert_array_equal(np.isnan(actual), np.isnan(wanted), err_msg=column)
        np.testing.assert_allclose(actual, wanted, rtol=0, atol=1e-9, err_msg=column)


def test_tie_strength_in_cypher_equals_the_python_model(loaded: Loaded) -> None:
    query = find_query("tie_strength")
    config = loaded.result.config
    rows = run_query(loaded.runner, query, _parameters(loaded.result, config)).rows
    _assert_parity(rows, loaded.result.ties)
    # With only the defaults the query derives T, I_ref and V_ref itself (V_ref as a median in
    # Cypher) and still agrees.
    defaults = run_query(loaded.runner, query, parse_parameters([], query)).rows
    _assert_parity(defaults, loaded.result.ties)


def test_tie_strength_parity_holds_at_an_earlier_date_with_other_parameters(
    loaded: Loaded,
) -> None:
    config = Config(
        half_life_days=45.0,
        weights={"intensity": 0.5, "tenure": 0.2, "reciprocity": 0.1, "affect": 0.1, "value": 0.1},
        channel_richness={**Config().channel_richness, "email": 0.5},
        min_gap_days=3.0,
        lapse_half_life_days=365.0,
        gap_prior_weight=2.0,
        liveness_horizon_days=30.0,
    )
    as_of = date(2025, 6, 30)
    earlier = audit(loaded.data, as_of=as_of.isoformat(), config=config)
    assert earlier.data.excluded_after_as_of > 0
    parameters = {**_parameters(earlier, config), "as_of": as_of, "i_ref": None, "v_ref": None}
    rows = run_query(loaded.runner, find_query("tie_strength"), parameters).rows
    _assert_parity(rows, earlier.ties)
    one = earlier.ties["customer_id"].iloc[0]
    only = run_query(
        loaded.runner, find_query("tie_strength"), {**parameters, "customer_id": one}
    ).rows
    _assert_parity(only, earlier.ties.loc[earlier.ties["customer_id"] == one])


def test_queries_are_read_only_unless_writing_is_asked_for(loaded: Loaded, tmp_path: Path) -> None:
    file = tmp_path / "tag.cypher"
    file.write_text(
        "// Tag a customer.\nMATCH (c:Customer {customer_id: $id}) SET c.tag = $tag "
        "RETURN c.tag AS tag\n",
        encoding="utf-8",
    )
    query = find_query(str(file))
    customer = loaded.result.customers["customer_id"].iloc[0]
    parameters = {"id": customer, "tag": "vip"}
    with pytest.raises(Neo4jQueryError, match="use --write to allow writes") as refused:
        run_query(loaded.runner, query, parameters)
    assert str(refused.value).startswith(f"{file}: ")
    assert loaded.runner.read(
        "MATCH (c:Customer {customer_id: $id}) RETURN c.tag AS tag", {"id": customer}
    ) == [{"tag": None}]
    assert run_query(loaded.runner, query, parameters, write=True).rows == [{"tag": "vip"}]
    loaded.runner.write("MATCH (c:Customer) REMOVE c.tag")


def test_server_rejections_are_query_errors_naming_the_file(loaded: Loaded) -> None:
    broken = parse_query("MATCH (c:Customer)\nRETRN c", name="broken", source="broken.cypher")
    with pytest.raises(Neo4jQueryError, match=r"^broken.cypher:2:1: Cypher syntax error: "):
        run_query(loaded.runner, broken)
    needs = parse_query("RETURN $x AS x", name="needs", source="needs.cypher")
    with pytest.raises(Neo4jQueryError, match=r"needs.cypher: Expected parameter\(s\): x"):
        run_query(loaded.runner, needs)
    assert run_query(loaded.runner, needs, {"x": "O'Brien `x`"}).rows == [{"x": "O'Brien `x`"}]


def test_the_example_query_file_in_the_docs_runs(loaded: Loaded) -> None:
    docs = Path(__file__).resolve().parents[2] / "docs" / "neo4j.md"
    (example,) = re.findall(r"```cypher\n(// .*?)```", docs.read_text(encoding="utf-8"), re.S)
    query = parse_query(example, name="example", source="docs/neo4j.md")
    assert [p.name for p in query.parameters] == ["since", "min_value", "limit"]
    rows = run_query(
        loaded.runner, query, parse_parameters(["since=2025-01-01", "min_value=500"], query)
    ).rows
    events = loaded.data.interactions
    expected = events.loc[
        (events["channel"] == "order")
        & (events["timestamp"] >= pd.Timestamp("2025-01-01", tz="UTC"))
        & (events["value"] >= 500)
    ]
    assert len(rows) == min(50, len(expected)) > 0
    values = [row["value"] for row in rows]
    assert values == sorted(expected["value"], reverse=True)[: len(values)]


def _required(loaded: Loaded, name: str) -> str:
    """A value for a required parameter: the staff member most depended on, the busiest customer."""
    if name == "staff_id":
        staff = loaded.result.staff
        order = ["sole_strong_tie_customers", "customers"]
        return str(staff.sort_values(order, ascending=False)["staff_id"].iloc[0])
    customers = loaded.result.customers
    return str(customers.sort_values("n_interactions", ascending=False)[name].iloc[0])


@pytest.mark.parametrize("name", sorted(canned_queries()))
def test_every_packaged_query_runs_and_answers(loaded: Loaded, name: str) -> None:
    """Adding a query file is enough for it to be run here: a query no test runs cannot ship."""
    query = find_query(name)
    given = {p.name: _required(loaded, p.name) for p in query.parameters if p.required}
    rows = _run(loaded, name, **given)
    assert len(rows) > 0, f"{name} answered nothing on a loaded, audited graph"
    assert list(rows.columns) == list(dict.fromkeys(rows.columns))
