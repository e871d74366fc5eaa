"""One home for the model: every place that computes, explains, stores or shows the components
reads their declarations (graphdyn/components/), and a new module is all a new one needs."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import graphdyn
from graphdyn import Config
from graphdyn.audits.run import audit
from graphdyn.components import COMPONENTS, DEFAULT_WEIGHTS, NAMES, component
from graphdyn.neo4j.queries import find_query
from graphdyn.neo4j.schema import TIE_PROPERTIES
from graphdyn.views.payload import FIELD_LABELS

EVENTS = pd.DataFrame(
    {
        "interaction_id": ["i1", "i2", "i3"],
        "timestamp": ["2024-01-01", "2024-02-01", "2024-03-01"],
        "customer_id": ["c1", "c1", "c1"],
        "staff_id": ["s1", "s1", "s1"],
        "channel": ["meeting", "phone", "order"],
        "direction": ["outbound", "inbound", "inbound"],
        "value": [None, None, 300.0],
    }
)


def test_the_declarations_are_the_components() -> None:
    assert NAMES == ("intensity", "tenure", "reciprocity", "affect", "value")
    assert dict(DEFAULT_WEIGHTS) == dict(Config().weights)
    assert sum(DEFAULT_WEIGHTS.values()) == pytest.approx(1.0)
    for declared in COMPONENTS:
        assert component(declared.name) is declared
        assert declared.meaning and declared.formula and declared.cypher and declared.source
    with pytest.raises(KeyError):
        component("charisma")


def test_every_place_reads_the_declarations() -> None:
    result = audit(EVENTS, as_of="2024-03-31")
    for table in (result.ties, result.customers):
        assert [c for c in table.columns if c in NAMES] == list(NAMES)
    assert set(NAMES) <= set(TIE_PROPERTIES)
    labels = FIELD_LABELS["edge"]["tie"]
    assert all(any(c.label in label for label in labels) for c in COMPONENTS)
    text = find_query("tie_strength").text
    for declared in COMPONENTS:
        assert f"{declared.cypher} AS {declared.name}," in text
        assert f"[coalesce($weights.{declared.name}, 0.0), {declared.name}]," in text
    explanation = result.explain("c1", "s1")
    assert explanation.components["component"].tolist() == list(NAMES)
    assert explanation.components["meaning"].tolist() == [c.meaning for c in COMPONENTS]


_NEW_COMPONENT = '''
"""Breadth of contact: how many separate days the relationship has had contact on."""

from __future__ import annotations

import numpy as np

from graphdyn.components import Component


def breadth(sums, config, value_reference):
    """``1 - exp(-contact_days / 20)``."""
    return np.where(sums.n > 0, -np.expm1(-sums.contact_days / 20.0), np.nan)


COMPONENT = Component(
    name="breadth",
    label="Breadth",
    order=60,
    weight=0.2,
    needs=None,
    formula="f_B = 1 - exp(-contact_days / 20)",
    meaning="on how many separate days there has been contact",
    source="a test",
    cypher="1.0 - exp(-toFloat(contact_days) / 20.0)",
    compute=breadth,
)
'''

_PROBE = """
import json, sys
import pandas as pd
from click.testing import CliRunner
from graphdyn.audits.run import audit
from graphdyn.cli.main import cli
from graphdyn.neo4j.queries import find_query
from graphdyn.neo4j.schema import TIE_PROPERTIES
from graphdyn.views.payload import FIELD_LABELS
from graphdyn.views.report import report_page

events = pd.read_json(sys.argv[1])
result = audit(events, as_of="2024-03-31")
tie = result.ties.iloc[0]
explained = result.explain("c1", "s1").components
print(json.dumps({
    "columns": list(result.ties.columns),
    "breadth": float(tie["breadth"]),
    "strength": float(tie["strength"]),
    "parts": {name: float(tie[name]) for name in explained["component"]},
    "weights": dict(result.config.weights),
    "explained": explained["component"].tolist(),
    "contributions": float(explained["contribution"].sum()),
    "neo4j": "breadth" in TIE_PROPERTIES,
    "tooltip": "Breadth" in FIELD_LABELS["edge"]["tie"],
    "report": "on how many separate days there has been contact" in report_page(result).html,
    "cypher": "1.0 - exp(-toFloat(contact_days) / 20.0) AS breadth," in find_query(
        "tie_strength").text,
    "help": "breadth" in CliRunner().invoke(cli, ["audit", "--help"]).output,
}))
"""


def test_a_new_component_is_one_new_module(tmp_path: Path) -> None:
    """A copy of the package with one module added: the component reaches every output."""
    package = tmp_path / "site" / "graphdyn"
    shutil.copytree(
        Path(graphdyn.__file__).parent, package, ignore=shutil.ignore_patterns("__pycache__")
    )
    (package / "components" / "breadth.py").write_text(
        textwrap.dedent(_NEW_COMPONENT), encoding="utf-8"
    )
    events = tmp_path / "events.json"
    EVENTS.to_json(events)
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, str(events)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=tmp_path,
        env={"PYTHONPATH": str(package.parent), "PATH": ""},
    )
    assert done.returncode == 0, done.stderr
    probe = json.loads(done.stdout)
    assert "breadth" in probe["columns"]
    assert probe["breadth"] == pytest.approx(1 - np.exp(-3 / 20))
    weights = probe["weights"]
    assert weights["breadth"] == 0.2
    present = {k: v for k, v in probe["parts"].items() if not np.isnan(v)}
    mean = sum(weights[k] * v for k, v in present.items()) / sum(weights[k] for k in present)
    assert probe["strength"] == pytest.approx(mean)
    assert probe["explained"][-1] == "breadth"
    assert probe["contributions"] == pytest.approx(probe["strength"])
    for place in ("neo4j", "tooltip", "report", "cypher", "help"):
        assert probe[place], place
