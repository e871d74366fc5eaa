"""``graphdyn view --overview``: the staff overview of a data folder or an audit folder."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphdyn.cli import cli

DATA_ELEMENT = re.compile(r'<script type="application/json" id="graphdyn-data">(.*?)</script>')


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def page_data(path: Path) -> dict[str, object]:
    found = DATA_ELEMENT.search(path.read_text(encoding="utf-8"))
    assert found is not None
    data = json.loads(found.group(1))
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("view")
    code, _, err = run(
        "generate", str(root / "data"), "--customers", "60", "--staff", "9",
        "--interactions", "4000", "--seed", "2",
    )  # fmt: skip
    assert code == 0, err
    code, _, err = run("audit", str(root / "data"), "--out", str(root / "audit"))
    assert code == 0, err
    return root / "data", root / "audit"


def test_overview_of_an_audit_folder_and_of_a_data_folder(
    folders: tuple[Path, Path], tmp_path: Path
) -> None:
    data, audit = folders
    code, out, err = run("view", str(audit), "--overview", "--out", str(tmp_path / "a.html"))
    assert code == 0, err
    found = re.fullmatch(
        r"Wrote \S+: 9 of 9 staff, (?:\d+ of \d+ teams, )?(\d+) of (\d+) accounts picked out, "
        r"(\d+) of (\d+) staff links drawn, (\d+) of \5 ties in the neighbourhoods\n"
        r"Neighbourhoods of 60 customers and \5 ties one click away\.\n",
        out,
    )
    assert found is not None, out
    saved = page_data(tmp_path / "a.html")
    assert str(saved["title"]).startswith("graphdyn staff overview as of ")
    assert len(saved["accounts"]["customer"]) == int(found.group(1))  # type: ignore[index]
    # the same page as the folder's own overview.html
    assert page_data(audit / "overview.html") == saved

    code, out, err = run(
        "view", str(data), "--overview", "--top", "3", "--out", str(tmp_path / "d.html")
    )
    assert code == 0, err
    fresh = page_data(tmp_path / "d.html")
    assert str(fresh["title"]).startswith("graphdyn staff overview as of ")
    accounts = fresh["accounts"]
    assert isinstance(accounts, dict)
    assert sum(accounts["top_at_risk"]) <= 3 and sum(accounts["top_single_threaded"]) <= 3

    code, out, err = run(
        "view", str(audit), "--overview", "--max-ties", "20", "--out", str(tmp_path / "c.html")
    )
    assert code == 0, err
    assert re.search(r", \d+ of \d+ ties in the neighbourhoods\n", out), out
    assert "each staff member's 20 strongest ties and every tie of the accounts picked out" in out
    assert page_data(tmp_path / "c.html")["ties_per_staff"] == 20


def test_overview_opens_on_a_focus_and_exports_the_graph(
    folders: tuple[Path, Path], tmp_path: Path
) -> None:
    _, audit = folders
    code, _, err = run(
        "view", str(audit), "--overview", "--focus", "S0003", "--depth", "2",
        "--out", str(tmp_path / "f.html"), "--graphml", str(tmp_path / "g.graphml"),
    )  # fmt: skip
    assert code == 0, err
    data = page_data(tmp_path / "f.html")
    focus = data["focus"]
    assert isinstance(focus, dict) and focus["kind"] == "staff" and focus["depth"] == 2
    assert data["staff"]["id"][focus["index"]] == "S0003"  # type: ignore[index]
    assert "<graphml" in (tmp_path / "g.graphml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "options, message",
    [
        (["--overview", "--max-nodes", "10"], "--max-nodes applies to the network view"),
        (["--overview", "--edges-per-node", "1"], "--edges-per-node applies to the network view"),
        (["--top", "5"], "--top applies to the staff overview: add --overview"),
        (["--max-ties", "5"], "--max-ties applies to the staff overview: add --overview"),
        (["--overview", "--focus", "S0003", "--depth", "3"], "depth must be 1 or 2"),
        (["--overview", "--focus", "nobody"], "focus 'nobody' is no staff member's"),
    ],
)
def test_options_of_the_other_page_are_usage_errors(
    folders: tuple[Path, Path], tmp_path: Path, options: list[str], message: str
) -> None:
    _, audit = folders
    code, out, err = run("view", str(audit), *options, "--out", str(tmp_path / "x.html"))
    assert (code, out) == (2, "")
    assert err.startswith("error: ") and message in err
    assert not (tmp_path / "x.html").exists()
