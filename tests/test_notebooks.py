"""Every notebook in notebooks/ runs top to bottom in a fresh kernel and shows the right numbers.

A notebook is executed with nbclient in a new kernel of the project's Python (the kernel spec
``python3`` runs ``sys.executable``, checked by a probe cell), in an empty temporary working
directory, with warnings turned into errors as in the rest of the test suite. Its displayed
results are then compared with an audit computed here, independently, from the data folder the
notebook wrote. Notebooks are stored without outputs.

A notebook whose metadata says ``{"graphdyn": {"needs": ["neo4j"]}}`` needs a server: it runs in
the Neo4j tier (``tests/neo4j/``), which passes the ``GRAPHDYN_NEO4J_*`` settings to
:func:`execute_notebook` through ``env``.
"""

from __future__ import annotations

import ast
import json
import os
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import Any

import nbformat
import numpy as np
import pandas as pd
import pytest
from nbclient import NotebookClient
from nbformat import NotebookNode

import graphdyn
from graphdyn import Audit, audit, compare_audits
from graphdyn.components import NAMES
from graphdyn.views.network import network_view

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))

#: Seconds a single cell may run before the notebook fails.
CELL_TIMEOUT = 180
#: Seconds a whole notebook may take (they take 5-15 s on two cores).
NOTEBOOK_BUDGET = 90

_STRICT = "import warnings\nwarnings.simplefilter('error')"
# Warnings back to normal first: the kernel's own shutdown warns (ipykernel 7).
_KERNEL_PROBE = (
    "import json, sys, warnings, graphdyn\nwarnings.resetwarnings()\n"
    "print(json.dumps([sys.executable, graphdyn.__file__]))"
)


def needs(path: Path) -> set[str]:
    """What a notebook needs beyond the venv (``neo4j``), from its metadata."""
    notebook = nbformat.read(path, as_version=4)
    return set(notebook.metadata.get("graphdyn", {}).get("needs", []))


@dataclass(frozen=True)
class Run:
    """An executed notebook (without the cells added to run it) and what it left behind.

    Parameters
    ----------
    notebook : NotebookNode
        The notebook's own cells, with their outputs.
    seconds : float
        Wall time of the whole run, kernel start included.
    probe : Any
        The JSON the probe code printed (None without probe code).
    """

    notebook: NotebookNode
    seconds: float
    probe: Any


def execute_notebook(
    path: Path, workdir: Path, *, probe: str = "", env: Mapping[str, str] | None = None
) -> Run:
    """Run a notebook in a fresh kernel with ``workdir`` as working directory.

    Parameters
    ----------
    path : Path
        The notebook.
    workdir : Path
        The kernel's working directory.
    probe : str
        Code run in the same kernel after the notebook; it prints one JSON document, which
        is returned as :attr:`Run.probe` (to read the notebook's variables).
    env : mapping, optional
        The kernel's environment (default: this process's).

    Warnings raised by the notebook's code are errors. The kernel must be this interpreter and
    import graphdyn from this checkout.
    """
    notebook = nbformat.read(path, as_version=4)
    stored = len(notebook.cells)
    notebook.cells = [
        nbformat.v4.new_code_cell(_STRICT),
        *notebook.cells,
        nbformat.v4.new_code_cell(_KERNEL_PROBE),
        nbformat.v4.new_code_cell(probe),
    ]
    client = NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(workdir)}},
    )
    started = time.perf_counter()
    client.execute(env=dict(os.environ if env is None else env))
    seconds = time.perf_counter() - started
    executable, package = json.loads(_printed(notebook.cells[-2]))
    assert Path(executable) == Path(sys.executable)
    assert Path(package).resolve() == Path(graphdyn.__file__).resolve()
    printed = _printed(notebook.cells[-1])
    notebook.cells = notebook.cells[1 : 1 + stored]
    return Run(notebook, seconds, json.loads(printed) if probe else None)


def _printed(cell: NotebookNode) -> str:
    return "".join(o["text"] for o in cell.outputs if o.get("name") == "stdout")


def outputs(notebook: NotebookNode, tag: str) -> list[NotebookNode]:
    """The outputs of the one cell tagged ``tag``."""
    cells = [c for c in notebook.cells if tag in c.metadata.get("tags", [])]
    assert len(cells) == 1, f"expected one cell tagged {tag!r}, found {len(cells)}"
    return list(cells[0].outputs)


def shown(notebook: NotebookNode, tag: str, mime: str = "text/plain") -> str:
    """The ``mime`` text of the result the cell tagged ``tag`` displays."""
    found = [o for o in outputs(notebook, tag) if o["output_type"] == "execute_result"]
    assert len(found) == 1, f"cell {tag!r} displays no result"
    data: str = found[0]["data"][mime]
    return data


def in_order(text: str, items: list[str]) -> bool:
    """Whether every item occurs in ``text``, in this order."""
    position = 0
    for item in items:
        position = text.find(item, position)
        if position < 0:
            return False
        position += len(item)
    return True


def _expected_audit(workdir: Path) -> Audit:
    return audit(graphdyn.read_data(workdir / "notebook-data" / "data"))


EXPLORE_PROBE = """
print(json.dumps({
    "channels": dataset.summary()["channels"],
    "weakest": weakest["customer_id"].tolist(),
    "customer_id": customer_id,
    "contributions": explanation.components["contribution"].tolist(),
    "single_threaded": single["customer_id"].tolist(),
    "folder": str(folder),
}))
"""


def check_explore(run: Run, workdir: Path) -> None:
    """01-explore: its tables, views and explanation are the library's own answers."""
    expected = _expected_audit(workdir)
    notebook, probe = run.notebook, run.probe
    assert probe["channels"] == expected.data.summary()["channels"]
    assert in_order(
        shown(notebook, "channel-mix"),
        sorted(probe["channels"], key=lambda c: -probe["channels"][c]),
    )
    assert shown(notebook, "audit-repr") == repr(expected)
    for status in expected.summary["customer_status"]:
        assert status in shown(notebook, "status-counts", "text/html")

    view = shown(notebook, "network-view", "text/html")
    assert view.count("<iframe srcdoc=") == 1 and 'sandbox="allow-scripts"' in view
    assert shown(notebook, "network-view") == repr(network_view(expected, max_nodes=150))

    weakest = expected.weakest_important(10)
    assert probe["weakest"] == weakest["customer_id"].tolist()
    assert in_order(shown(notebook, "weakest-important", "text/html"), probe["weakest"])
    single = expected.customers.loc[expected.customers["single_threaded"], "customer_id"]
    assert probe["single_threaded"] == single.tolist() and len(single) > 0

    customer_id = probe["customer_id"]
    assert customer_id == weakest["customer_id"].iloc[0]
    explanation = expected.explain(customer_id)
    assert shown(notebook, "explanation-repr") == repr(explanation)
    table = explanation.components
    assert table["component"].tolist() == list(NAMES)
    np.testing.assert_array_equal(probe["contributions"], table["contribution"].to_numpy())
    assert np.isclose(np.nansum(probe["contributions"]), explanation.row["strength"], atol=1e-12)
    assert shown(notebook, "ego-view") == repr(network_view(expected, focus=customer_id))
    assert customer_id in unescape(shown(notebook, "ego-view", "text/html"))

    folder = Path(probe["folder"])
    assert folder == (workdir / "notebook-data" / "audit").resolve()
    written = sorted(path.name for path in folder.iterdir())
    assert ast.literal_eval(shown(notebook, "audit-folder")) == written
    assert {"ties.csv", "customers.csv", "summary.json", "report.html", "network.html"} <= set(
        written
    )
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    assert summary["as_of"] == expected.summary["as_of"]
    saved = pd.read_csv(folder / "customers.csv", dtype={"customer_id": str})
    assert saved["customer_id"].tolist() == expected.customers["customer_id"].tolist()
    assert np.allclose(saved["strength"], expected.customers["strength"], rtol=1e-9)


AUDIT_PROBE = """
print(json.dumps({
    "tie": [tie["customer_id"], tie["staff_id"]],
    "by_hand": check["by hand"].to_dict(),
    "alive_by_hand": factors["by hand"].to_dict(),
    "waited": [customer["customer_id"], customer["days_to_at_risk"], after["liveness"],
               after["overdue"]],
    "half_lives": half_lives.to_dict(orient="index"),
    "variants": variant_table.to_dict(orient="index"),
    "drops": drops["customer_id"].tolist(),
}, default=float))
"""


def check_tie_strength_audit(run: Run, workdir: Path) -> None:
    """02-tie-strength-audit: components, days to at risk, variants, comparison, charts."""
    expected = _expected_audit(workdir)
    config = expected.config
    notebook, probe = run.notebook, run.probe

    ties = expected.ties.set_index(["customer_id", "staff_id"])
    row = ties.loc[tuple(probe["tie"])]
    for name, value in probe["by_hand"].items():
        assert np.isclose(value, row[name], rtol=1e-9), name
    assert len(probe["by_hand"]) == 5 and row[list(probe["by_hand"])].notna().all()
    alive = probe["alive_by_hand"]
    for name in ("typical_gap_days", "p_alive", "liveness"):
        assert np.isclose(alive[name], row[name], rtol=1e-9), name
    assert 0 < alive["liveness"] < alive["p_alive"] < 1

    customer_id, days, liveness_after, overdue_after = probe["waited"]
    assert expected.customers.set_index("customer_id").loc[customer_id, "days_to_at_risk"] == days
    edge = max(liveness_after - config.liveness_at_risk, config.overdue_at_risk - overdue_after)
    assert days > 0 and abs(edge) < 1e-6

    half_lives = probe["half_lives"]
    default = f"H = {config.half_life_days:g} d"
    assert default in half_lives and len(half_lives) == 5
    assert half_lives[default]["status changed"] == 0
    assert half_lives[default]["rank correlation"] == pytest.approx(1.0)
    for label, figures in half_lives.items():
        days_h = float(label.removeprefix("H = ").removesuffix(" d"))
        variant = audit(expected.data, config=config.replace(half_life_days=days_h))
        assert figures["mean strength"] == pytest.approx(variant.customers["strength"].mean())
        assert figures["at_risk"] == variant.summary["customer_status"]["at_risk"]
    variants = probe["variants"]
    assert list(variants) == ["default", "email = phone", "all channels 1.0", "intensity only"]
    richness = dict(config.channel_richness)
    email_as_phone = audit(
        expected.data,
        config=config.replace(channel_richness={**richness, "email": richness["phone"]}),
    )
    assert variants["email = phone"]["mean strength"] == pytest.approx(
        email_as_phone.customers["strength"].mean()
    )

    earlier = audit(expected.data, as_of=expected.as_of - pd.DateOffset(months=3))
    comparison = compare_audits(earlier, expected)
    assert shown(notebook, "comparison-repr") == repr(comparison)
    drops = comparison.biggest_drops(5)["customer_id"].tolist()
    assert probe["drops"] == drops
    assert in_order(shown(notebook, "biggest-drops", "text/html"), drops)

    chart = shown(notebook, "trajectory-chart", "text/html")
    assert chart.count("<svg") == 1 and chart.count('<path class="series"') == 5
    assert in_order(chart, drops)
    assert chart.count('class="marker"') >= 1
    truth = shown(notebook, "truth-chart", "text/html")
    assert truth.count('<path class="series"') == 2
    assert in_order(truth, ["planted decay", "the others"])


CHECKS: dict[str, tuple[str, Callable[[Run, Path], None]]] = {
    "01-explore.ipynb": (EXPLORE_PROBE, check_explore),
    "02-tie-strength-audit.ipynb": (AUDIT_PROBE, check_tie_strength_audit),
}


def test_the_notebooks_are_there() -> None:
    assert {"01-explore.ipynb", "02-tie-strength-audit.ipynb"} <= {p.name for p in NOTEBOOKS}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_stored_clean(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    assert notebook.metadata["kernelspec"]["name"] == "python3"
    assert "widgets" not in notebook.metadata
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code, "a notebook without code"
    for cell in code:
        assert cell.outputs == [], f"stored with outputs: {cell.source[:60]!r}"
        assert cell.execution_count is None, f"stored with a count: {cell.source[:60]!r}"


def test_every_notebook_runs_in_some_tier() -> None:
    neo4j_tests = "\n".join(
        p.read_text(encoding="utf-8") for p in (REPO / "tests" / "neo4j").glob("test_*.py")
    )
    for path in NOTEBOOKS:
        if "neo4j" in needs(path):
            assert path.name in neo4j_tests, f"{path.name} needs Neo4j but no test runs it"
        else:
            assert path.name in CHECKS, f"{path.name} has no checks in {Path(__file__).name}"


@pytest.mark.notebook
@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if not needs(p)], ids=lambda p: p.name)
def test_notebook_runs_and_shows_the_audit(path: Path, tmp_path: Path) -> None:
    probe, check = CHECKS[path.name]
    run = execute_notebook(path, tmp_path, probe=probe)
    assert run.seconds < NOTEBOOK_BUDGET, f"{path.name} took {run.seconds:.1f} s"
    check(run, tmp_path)
