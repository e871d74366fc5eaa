"""The command line over data folders and audits: output, exit codes, nothing half written."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from graphdyn.cli import cli

HEADER = "interaction_id,timestamp,customer_id,staff_id,channel,direction,sentiment,value"
ROWS = [
    "i1,2024-01-02,c1,s1,meeting,outbound,0.5,",
    "i2,2024-02-03,c1,s1,phone,inbound,,",
    "i3,2024-03-04,c1,,order,inbound,,250",
    "i4,2024-03-10,c2,s2,email,outbound,,",
    "i5,2024-04-01,c2,s1,support_ticket,inbound,-0.2,",
]


def folder_with(tmp_path: Path, rows: list[str]) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "interactions.csv").write_text("\n".join([HEADER, *rows]) + "\n")
    return folder


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def test_validate_prints_counts_channel_mix_and_dates(tmp_path: Path) -> None:
    code, out, _ = run("validate", str(folder_with(tmp_path, ROWS)))
    assert code == 0
    assert re.search(r"│ interactions\s+│\s+5 │", out)
    assert re.search(r"│ customers\s+│\s+2 │", out)
    assert re.search(r"│ self-service interactions\s+│\s+1 │", out)
    assert re.search(r"│ order\s+│\s+1 │\s+20.0% │", out)
    assert "Date range: 2024-01-02T00:00:00Z .. 2024-04-01T00:00:00Z" in out
    assert "Problems: 0 rejected row(s), 0 after the as-of date" in out


def test_validate_json_summary(tmp_path: Path) -> None:
    code, out, _ = run("validate", str(folder_with(tmp_path, ROWS)), "--json")
    assert code == 0
    summary = json.loads(out)
    assert summary["interactions"] == 5
    assert summary["customers"] == 2
    assert summary["channels"] == {
        "email": 1,
        "meeting": 1,
        "order": 1,
        "phone": 1,
        "support_ticket": 1,
    }


def test_bad_data_exits_2_with_precise_message(tmp_path: Path) -> None:
    rows = [*ROWS, "i6,2024-04-02,c3,s1,pigeon,,,", "i7,2024-04-02,c3,s1,phone,,2,"]
    code, out, err = run("validate", str(folder_with(tmp_path, rows)))
    assert code == 2
    assert out == ""
    assert err.splitlines() == [
        "error: the data was rejected (2 problems):",
        "interactions.csv:7: channel: unknown channel; allowed: chat, email, feedback, meeting, "
        "order, phone, support_ticket, video (pigeon)",
        "interactions.csv:8: sentiment: outside [-1, 1] (2)",
    ]
    assert "Traceback" not in err


def test_quarantine_mode_reports_and_goes_on(tmp_path: Path) -> None:
    rows = [*ROWS, "i6,2024-04-02,c3,s1,pigeon,,,"]
    code, out, err = run("validate", str(folder_with(tmp_path, rows)), "--on-error", "quarantine")
    assert code == 0
    assert "Problems: 1 rejected row(s)" in out
    assert "interactions.csv:7: channel: unknown channel" in err


def test_audit_writes_the_whole_folder(tmp_path: Path) -> None:
    out_dir = tmp_path / "audit"
    code, out, _ = run(
        "audit", str(folder_with(tmp_path, ROWS)), "--as-of", "2024-04-15", "--out", str(out_dir)
    )
    assert code == 0, out
    assert sorted(p.name for p in out_dir.iterdir()) == [
        "channels.csv",
        "customers.csv",
        "network.html",
        "overview.html",
        "report.html",
        "staff.csv",
        "summary.json",
        "ties.csv",
        "trajectories.csv",
    ]
    summary = json.loads((out_dir / "summary.json").read_text())
    assert summary["as_of"] == "2024-04-15T00:00:00Z"
    assert summary["parameters"]["half_life_days"] == 90.0
    assert summary["counts"]["ties"] == 3
    ties = pd.read_csv(out_dir / "ties.csv")
    assert ties[["customer_id", "staff_id"]].values.tolist() == [
        ["c1", "s1"],
        ["c2", "s1"],
        ["c2", "s2"],
    ]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_audit_flags_reach_summary(tmp_path: Path) -> None:
    out_dir = tmp_path / "audit"
    code, _, err = run(
        "audit",
        str(folder_with(tmp_path, ROWS)),
        "--out",
        str(out_dir),
        "--half-life",
        "30",
        "--weight",
        "affect=0",
        "--strong-threshold",
        "0.4",
    )
    assert code == 0, err
    parameters = json.loads((out_dir / "summary.json").read_text())["parameters"]
    assert parameters["half_life_days"] == 30.0
    assert parameters["weights"]["affect"] == 0.0
    assert parameters["weights"]["intensity"] == 0.45
    assert parameters["strong_threshold"] == 0.4


def test_audit_reads_graphdyn_toml(tmp_path: Path) -> None:
    config = tmp_path / "graphdyn.toml"
    config.write_text("half_life_days = 45\n[weights]\nvalue = 0.3\n")
    out_dir = tmp_path / "audit"
    code, _, err = run(
        "audit", str(folder_with(tmp_path, ROWS)), "--out", str(out_dir), "--config", str(config)
    )
    assert code == 0, err
    parameters = json.loads((out_dir / "summary.json").read_text())["parameters"]
    assert (parameters["half_life_days"], parameters["weights"]["value"]) == (45.0, 0.3)


def test_bad_config_is_a_clear_error(tmp_path: Path) -> None:
    config = tmp_path / "graphdyn.toml"
    config.write_text("half_lif = 45\n")
    code, _, err = run(
        "audit",
        str(folder_with(tmp_path, ROWS)),
        "--out",
        str(tmp_path / "a"),
        "--config",
        str(config),
    )
    assert code == 2
    assert err.startswith(f"error: {config}: unknown setting 'half_lif'; known settings:")


def test_bad_flag_value_is_a_clear_error(tmp_path: Path) -> None:
    code, _, err = run(
        "audit", str(folder_with(tmp_path, ROWS)), "--out", str(tmp_path / "a"), "--weight", "x"
    )
    assert code == 2
    assert err.strip() == "error: --weight: expected NAME=NUMBER (x)"


def test_audit_refuses_an_existing_folder_without_force(tmp_path: Path) -> None:
    data = folder_with(tmp_path, ROWS)
    out_dir = tmp_path / "audit"
    out_dir.mkdir()
    (out_dir / "keep.txt").write_text("mine")
    code, _, err = run("audit", str(data), "--out", str(out_dir))
    assert code == 2
    assert "already exists; use --force to replace it" in err
    assert (out_dir / "keep.txt").read_text() == "mine"
    code, _, _ = run("audit", str(data), "--out", str(out_dir), "--force")
    assert code == 0
    assert not (out_dir / "keep.txt").exists()
    assert (out_dir / "ties.csv").is_file()


def test_bad_data_writes_no_audit_folder(tmp_path: Path) -> None:
    data = folder_with(tmp_path, [*ROWS, "i9,not a date,c1,s1,phone,,,"])
    out_dir = tmp_path / "audit"
    code, _, err = run("audit", str(data), "--out", str(out_dir))
    assert code == 2
    assert "interactions.csv:7: timestamp: not an ISO-8601 date or datetime (not a date)" in err
    assert not out_dir.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]


def test_events_after_as_of_are_warned_and_counted(tmp_path: Path) -> None:
    out_dir = tmp_path / "audit"
    code, _, err = run(
        "audit", str(folder_with(tmp_path, ROWS)), "--as-of", "2024-03-05", "--out", str(out_dir)
    )
    assert code == 0
    assert "2 interaction(s) after the as-of date" in err
    summary = json.loads((out_dir / "summary.json").read_text())
    assert summary["data_quality"]["excluded_after_as_of"] == 2
    assert summary["counts"]["interactions"] == 3


def test_as_of_before_all_data_names_the_first_date_and_writes_nothing(tmp_path: Path) -> None:
    out_dir = tmp_path / "audit"
    code, _, err = run(
        "audit", str(folder_with(tmp_path, ROWS)), "--as-of", "2000-01-01", "--out", str(out_dir)
    )
    assert code == 2
    assert err.strip().splitlines() == [
        "error: no interactions on or before the as-of date 2000-01-01 (the first is on 2024-01-02)"
    ]
    assert not out_dir.exists()


def test_bad_as_of_is_a_usage_error_that_names_the_option(tmp_path: Path) -> None:
    data = str(folder_with(tmp_path, ROWS))
    for command in (
        ["audit", data, "--out", str(tmp_path / "a")],
        ["explain", data, "--customer", "c1"],
        ["whatif", data, "--remove-staff", "s1"],
        ["view", data, "--out", str(tmp_path / "v.html")],
    ):
        code, out, err = run(*command, "--as-of", "2026-13-01")
        assert (code, out) == (2, ""), command
        assert err == "error: --as-of: not an ISO-8601 date or datetime (2026-13-01)\n", command
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]


def test_explain_a_tie(tmp_path: Path) -> None:
    code, out, _ = run(
        "explain", str(folder_with(tmp_path, ROWS)), "--customer", "c1", "--staff", "s1"
    )
    assert code == 0
    assert out.startswith("c1 – s1 as of 2024-04-01: strength ")
    assert "2 interactions on 2 days, last 58 days ago" in out
    assert "liveness" in out and "P(alive)" not in out
    for component in ("intensity", "tenure", "reciprocity", "affect", "value"):
        assert component in out
    assert "no data" in out  # value: no order on this tie
    # The meeting (richness 1.0, 90 days old: 0.5) outweighs the phone call (0.7 * 2^(-58/90)).
    assert out.index("52.8%") < out.index("47.2%")
    assert out.index("i1") < out.index("i2")


def test_explain_a_customer_includes_self_service(tmp_path: Path) -> None:
    code, out, _ = run("explain", str(folder_with(tmp_path, ROWS)), "--customer", "c1")
    assert code == 0
    assert "self-service" in out
    assert "3 interactions" in out


def test_explain_unknown_tie(tmp_path: Path) -> None:
    code, _, err = run(
        "explain", str(folder_with(tmp_path, ROWS)), "--customer", "c1", "--staff", "s2"
    )
    assert code == 2
    assert err.strip() == (
        "error: no tie between customer 'c1' and staff 's2' in the audit as of 2024-04-01"
    )


def test_fail_on_exits_1_with_the_reason(tmp_path: Path) -> None:
    data = folder_with(tmp_path, ROWS)
    args = ["audit", str(data), "--as-of", "2024-09-01", "--out", str(tmp_path / "a")]
    code, _, err = run(*args, "--fail-on", "dormant>0", "--fail-on", "single_threaded>20")
    assert code == 1
    # c2's one email and ticket have faded below the dormant intensity by September.
    assert "fail-on: dormant>0 (dormant = 1)" in err
    assert "single_threaded>20" not in err
    assert (tmp_path / "a" / "summary.json").is_file()  # the audit is still written
    code, _, err = run(*args, "--force", "--fail-on", "dormant>=5")
    assert code == 0


def test_fail_on_bad_condition_writes_nothing(tmp_path: Path) -> None:
    data = folder_with(tmp_path, ROWS)
    code, _, err = run("audit", str(data), "--out", str(tmp_path / "a"), "--fail-on", "risk>1")
    assert code == 2
    assert "unknown figure 'risk'" in err
    assert not (tmp_path / "a").exists()


def test_compare_two_audit_folders(tmp_path: Path) -> None:
    data = folder_with(tmp_path, ROWS)
    run("audit", str(data), "--as-of", "2024-03-05", "--out", str(tmp_path / "march"))
    run("audit", str(data), "--as-of", "2024-09-01", "--out", str(tmp_path / "sept"))
    code, out, err = run("compare", str(tmp_path / "march"), str(tmp_path / "sept"))
    assert code == 0, err
    changes = pd.read_csv(tmp_path / "sept" / "compare.csv")
    assert set(changes.columns) >= {"level", "change", "customer_id", "old_status", "new_status"}
    new_ties = changes.loc[(changes["level"] == "tie") & (changes["change"] == "new")]
    assert new_ties[["customer_id", "staff_id"]].values.tolist() == [["c2", "s1"], ["c2", "s2"]]
    assert (tmp_path / "sept" / "compare.html").read_text().startswith("<!DOCTYPE html>")
    assert "Customer status: old (rows)" in out


def test_view_of_data_and_of_audit_folder(tmp_path: Path) -> None:
    data = folder_with(tmp_path, ROWS)
    code, out, err = run("view", str(data), "--out", str(tmp_path / "n.html"))
    assert code == 0, err
    # c1, c2, s1, s2; the same numbers as the page's header
    assert f"Wrote {tmp_path / 'n.html'}: 4 of 4 nodes shown, 3 of 3 edges drawn" in out
    page = (tmp_path / "n.html").read_text()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "<title>graphdyn network as of 2024-04-01</title>" in page
    run("audit", str(data), "--out", str(tmp_path / "april"))
    code, out, _ = run(
        "view", str(tmp_path / "april"), "--out", str(tmp_path / "m.html"), "--focus", "c1"
    )
    assert code == 0
    assert "2 of 2 nodes shown, 1 of 1 edges drawn" in out  # the ego network of c1
    page = (tmp_path / "m.html").read_text()
    # titled with the audit's date and the focus, not with the folder's name
    assert "<title>graphdyn network as of 2024-04-01, around c1</title>" in page


def test_view_edges_per_node_thins_the_drawing_and_zero_draws_every_tie(tmp_path: Path) -> None:
    data = tmp_path / "data"
    code, _, err = run(
        "generate", str(data), "--customers", "40", "--staff", "6", "--interactions", "3000"
    )
    assert code == 0, err
    drawn = {}
    for per_node in ("0", "1"):
        code, out, err = run(
            "view", str(data), "--out", str(tmp_path / f"{per_node}.html"),
            "--edges-per-node", per_node,
        )  # fmt: skip
        assert code == 0, err
        found = re.search(r"of \d+ nodes shown, (\d+) of \d+ edges drawn", out)
        assert found is not None, out
        drawn[per_node] = int(found.group(1))
        held_back = re.search(r"the (\d+) other edges among the shown nodes", out)
        assert (held_back is None) == (per_node == "0"), out
    assert held_back is not None
    assert drawn["1"] + int(held_back.group(1)) == drawn["0"]
    code, _, err = run(
        "view", str(data), "--out", str(tmp_path / "x.html"), "--edges-per-node", "-1"
    )
    assert code == 2 and "-1" in err


@pytest.mark.parametrize(
    "command", ["validate", "audit", "explain", "generate", "demo", "compare", "view"]
)
def test_every_command_has_help(command: str) -> None:
    code, out, _ = run(command, "--help")
    assert code == 0
    assert out.startswith(f"Usage: cli {command}")


def test_an_error_is_the_first_thing_on_stderr(tmp_path: Path) -> None:
    """No empty line before `error:` (a progress display that is not shown used to leave one)."""
    data = str(folder_with(tmp_path, ROWS))
    (tmp_path / "bad").mkdir()
    bad = str(folder_with(tmp_path / "bad", ["i1,2024-01-02,c1,s1,fax,,,"]))
    missing = str(tmp_path / "nowhere")
    for args, message in [
        (
            ("audit", missing, "--out", str(tmp_path / "a")),
            f"error: the data was rejected (1 problem):\n{missing}: data folder not found\n",
        ),
        (
            ("audit", bad, "--out", str(tmp_path / "a")),
            "error: the data was rejected (1 problem):\ninteractions.csv:2: channel: unknown "
            "channel; allowed: chat, email, feedback, meeting, order, phone, support_ticket, "
            "video (fax)\n",
        ),
        (
            ("whatif", data, "--remove-staff", "s9"),
            "error: what-if: unknown staff id(s): s9\n",
        ),
    ]:
        code, out, err = run(*args)
        assert (code, out, err) == (2, "", message)


def test_generate_partitioned_writes_parts_that_validate_reads(tmp_path: Path) -> None:
    data = tmp_path / "data"
    code, out, err = run(
        "generate", str(data), "--customers", "40", "--staff", "6", "--interactions", "3000",
        "--format", "parquet", "--partitioned",
    )  # fmt: skip
    assert code == 0, err
    assert "3,000 interactions" in out
    assert [p.name for p in (data / "interactions").iterdir()] == ["part-00000.parquet"]
    code, out, err = run("validate", str(data), "--json")
    assert code == 0, err
    assert json.loads(out)["interactions"] == 3000
    code, _, err = run("generate", str(tmp_path / "csv"), "--partitioned")
    assert code == 2
    assert "partitioned interactions are Parquet parts" in err
    assert not (tmp_path / "csv").exists()
