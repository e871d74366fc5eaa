"""notebooks/03-cypher.ipynb runs against the session's Neo4j server and shows the audit's numbers.

The notebook is executed with :func:`execute_notebook` of ``tests/test_notebooks.py`` in a fresh
kernel whose environment carries the server's ``GRAPHDYN_NEO4J_*`` settings, into an emptied
database. What it displays and computes is then checked against an audit computed here from the
data folder it wrote, and against the graph it left behind, read with this session's own driver.
"""

from __future__ import annotations

import ast
import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import nbformat
import neo4j
import numpy as np
import pandas as pd

from graphdyn.audits.run import Audit, audit
from graphdyn.components import NAMES
from graphdyn.ingest import read_data

if TYPE_CHECKING:
    from conftest import Neo4jSettings

_REPO = Path(__file__).resolve().parents[2]
NOTEBOOK = _REPO / "notebooks" / "03-cypher.ipynb"
_MEASURES = ("strength", *NAMES, "liveness", "p_alive", "typical_gap")


def _notebook_helpers() -> ModuleType:
    """tests/test_notebooks.py (not a package module: pytest imports it by its file name)."""
    if "test_notebooks" in sys.modules:
        return sys.modules["test_notebooks"]
    name = "_graphdyn_test_notebooks"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, _REPO / "tests" / "test_notebooks.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


PROBE = """
print(json.dumps({
    "data": str(DATA.resolve()),
    "graph_counts": [[kind, name, int(n)] for (kind, name), n in graph_counts.items()],
    "tie_count": tie_count,
    "cypher_ties": in_cypher.to_dict(orient="list"),
    "at_risk": at_risk["customer_id"].tolist(),
    "single_threaded": single_threaded["customer_id"].tolist(),
    "staff_id": staff_id,
    "portfolio": portfolio["customer_id"].tolist(),
    "stranded": stranded["customer_id"].tolist(),
    "customer_id": customer_id,
    "who_knows": who_knows["staff_id"].tolist(),
    "fading": fading[["customer_id", "staff_id"]].values.tolist(),
    "at_risk_per_staff": [[s, int(n)] for s, n in zip(at_risk_per_staff["staff_id"],
                                                       at_risk_per_staff["ties"])],
}, default=float))
"""


def _kernel_env(settings: Neo4jSettings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRAPHDYN_NEO4J_")}
    env.update(
        GRAPHDYN_NEO4J_URI=settings.uri,
        GRAPHDYN_NEO4J_USER=settings.user,
        GRAPHDYN_NEO4J_PASSWORD=settings.password,
        GRAPHDYN_NEO4J_DATABASE=settings.database,
    )
    return env


def _strong_ties(result: Audit) -> pd.DataFrame:
    ties = result.ties
    return ties.loc[ties["strength"] >= result.config.strong_threshold]


def _check_graph_counts(probe: dict[str, Any], expected: Audit) -> None:
    events = expected.data.interactions
    counts = {(kind, name): n for kind, name, n in probe["graph_counts"]}
    assert counts[("node", "Interaction")] == len(events) == 10_000
    assert counts[("relationship", "HAD")] == len(events)
    assert counts[("relationship", "HANDLED")] == events["staff_id"].notna().sum() > 0
    assert counts[("relationship", "ABOUT")] == events["product_id"].notna().sum() > 0
    customers = set(events["customer_id"]) | set(expected.data.customers["customer_id"])
    assert counts[("node", "Customer")] == len(customers) == 200
    # Counted before the write-back, in an emptied database: no TIE and no Audit node yet.
    assert ("relationship", "TIE") not in counts and ("node", "Audit") not in counts


def _check_tie_strength_parity(probe: dict[str, Any], expected: Audit) -> None:
    got = pd.DataFrame(probe["cypher_ties"])
    ties = expected.ties.rename(columns={"typical_gap_days": "typical_gap"})
    ties = ties.sort_values(["customer_id", "staff_id"], ignore_index=True)
    assert got["customer_id"].tolist() == ties["customer_id"].tolist()
    assert got["staff_id"].tolist() == ties["staff_id"].tolist()
    assert got["n_interactions"].tolist() == ties["n_interactions"].tolist()
    for column in _MEASURES:
        actual = got[column].astype(float).to_numpy()
        wanted = ties[column].to_numpy(dtype=float)
        np.testing.assert_array_equal(np.isnan(actual), np.isnan(wanted), err_msg=column)
        np.testing.assert_allclose(actual, wanted, rtol=0, atol=1e-9, err_msg=column)


def _check_packaged_queries(probe: dict[str, Any], expected: Audit) -> None:
    customers = expected.customers
    at_risk = customers.loc[customers["status"] == "at_risk"]
    priority = expected.summary["priority"]
    first = at_risk.assign(stake=at_risk[priority].fillna(0.0))
    first = first.sort_values(["stake", "customer_id"], ascending=[False, True]).head(10)
    assert probe["at_risk"] == first["customer_id"].tolist() and len(first) > 0

    single = customers.loc[customers["single_threaded"]].copy()
    single["basis"] = single["value_raw"].fillna(0.0)
    single = single.sort_values(["basis", "customer_id"], ascending=[False, True]).head(10)
    assert probe["single_threaded"] == single["customer_id"].tolist()

    staff = expected.staff.sort_values(
        ["sole_strong_tie_customers", "staff_id"], ascending=[False, True]
    )
    staff_id = probe["staff_id"]
    assert staff_id == staff["staff_id"].iloc[0]
    mine = expected.ties.loc[expected.ties["staff_id"] == staff_id]
    strongest = mine.sort_values(["strength", "customer_id"], ascending=[False, True]).head(10)
    assert probe["portfolio"] == strongest["customer_id"].tolist()
    strong = _strong_ties(expected)
    counts = strong.groupby("customer_id")["staff_id"].agg(["size", "first"])
    sole = counts.loc[(counts["size"] == 1) & (counts["first"] == staff_id)].index
    assert sorted(probe["stranded"]) == sorted(sole) and len(sole) > 0
    assert len(sole) == staff["sole_strong_tie_customers"].iloc[0]

    customer_id = probe["customer_id"]
    assert customer_id == probe["at_risk"][0]
    events = expected.data.interactions
    handled = events.loc[(events["customer_id"] == customer_id) & events["staff_id"].notna()]
    assert sorted(probe["who_knows"]) == sorted(handled["staff_id"].unique())


def _check_tie_queries(probe: dict[str, Any], expected: Audit) -> None:
    customers = expected.customers.dropna(subset=["value_raw"])
    valuable = customers.sort_values(["value_raw", "customer_id"], ascending=[False, True])
    ties = expected.ties
    fading = ties.loc[
        ties["customer_id"].isin(valuable["customer_id"].head(20))
        & ties["status"].isin(["cooling", "at_risk"])
    ].sort_values(["strength", "customer_id", "staff_id"])
    assert probe["fading"] == fading[["customer_id", "staff_id"]].head(15).values.tolist()
    assert len(fading) > 0

    per_staff = ties.loc[ties["status"] == "at_risk"].groupby("staff_id").size()
    top = sorted(per_staff.items(), key=lambda item: (-item[1], item[0]))[:10]
    assert probe["at_risk_per_staff"] == [[staff_id, n] for staff_id, n in top]
    assert len(top) > 0


def _check_stored_audit(
    driver: neo4j.Driver, settings: Neo4jSettings, expected: Audit, tie_count: int
) -> None:
    """The graph the notebook left behind holds the audit: its TIEs and its Audit node."""
    rows, _, _ = driver.execute_query(
        "MATCH (c:Customer)-[t:TIE]->(s:Staff) "
        "RETURN c.customer_id AS customer_id, s.staff_id AS staff_id, t.strength AS strength, "
        "t.status AS status",
        database_=settings.database,
        routing_=neo4j.RoutingControl.READ,
    )
    stored = pd.DataFrame([record.data() for record in rows])
    assert len(stored) == tie_count == len(expected.ties)
    both = stored.merge(expected.ties, on=["customer_id", "staff_id"], validate="1:1")
    assert len(both) == len(expected.ties)
    np.testing.assert_allclose(both["strength_x"], both["strength_y"], rtol=1e-12, atol=0)
    assert (both["status_x"] == both["status_y"]).all()
    node, _, _ = driver.execute_query(
        "MATCH (a:Audit {audit_id: $audit_id}) RETURN a.as_of AS as_of, a.source AS source",
        audit_id="current",
        database_=settings.database,
        routing_=neo4j.RoutingControl.READ,
    )
    assert len(node) == 1
    assert pd.Timestamp(node[0]["as_of"].to_native()) == expected.as_of
    assert node[0]["source"] == "neo4j"


def test_cypher_notebook_runs_against_the_server(
    clean_db: neo4j.Driver, neo4j_settings: Neo4jSettings, tmp_path: Path
) -> None:
    helpers = _notebook_helpers()
    run = helpers.execute_notebook(NOTEBOOK, tmp_path, probe=PROBE, env=_kernel_env(neo4j_settings))
    assert run.seconds < helpers.NOTEBOOK_BUDGET, f"took {run.seconds:.1f} s"
    probe = run.probe
    data = Path(probe["data"])
    assert data == (tmp_path / "notebook-data" / "cypher" / "data").resolve()
    expected = audit(read_data(data))

    _check_graph_counts(probe, expected)
    assert helpers.shown(run.notebook, "readback-audit") == repr(expected)
    _check_tie_strength_parity(probe, expected)
    agreement = helpers.shown(run.notebook, "tie-strength-agreement")
    assert helpers.in_order(agreement, ["max |cypher - python|", *_MEASURES])
    _check_packaged_queries(probe, expected)
    _check_tie_queries(probe, expected)
    assert f"{len(expected.ties):,} TIE relationships" in "".join(
        output.get("text", "") for output in helpers.outputs(run.notebook, "tie-count")
    )
    _check_stored_audit(clean_db, neo4j_settings, expected, probe["tie_count"])


def _cypher_arguments(tree: ast.Module) -> list[ast.expr]:
    """The statement argument of every ``cypher(...)`` and ``runner.read/write(...)`` call."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args:
            function = node.func
            name = function.id if isinstance(function, ast.Name) else ""
            method = function.attr if isinstance(function, ast.Attribute) else ""
            if name == "cypher" or method in ("read", "write"):
                found.append(node.args[0])
    return found


def test_cypher_notebook_sends_every_value_as_a_parameter() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    assert notebook.metadata["graphdyn"]["needs"] == ["neo4j"]
    code = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code")
    tree = ast.parse(code)
    constants = {
        target.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
        for target in node.targets
        if isinstance(target, ast.Name) and target.id.isupper()
    }
    statements = _cypher_arguments(tree)
    assert len(statements) >= 6
    for statement in statements:
        literal = isinstance(statement, ast.Constant) and isinstance(statement.value, str)
        named = isinstance(statement, ast.Name) and statement.id in (constants | {"statement"})
        assert literal or named, f"Cypher built at run time: {ast.unparse(statement)}"
