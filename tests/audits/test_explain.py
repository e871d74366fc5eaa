"""Explaining one relationship from data or from an audit folder gives what a full audit gives.

The data are generated (``graphdyn.data.generate``) with a self-service-only customer added;
the audit is as of a date inside them, so that ties run across it. Every explanation is
compared with :meth:`graphdyn.Audit.explain` after a full audit, to 1e-9 relative: from data
the numbers differ by float rounding only (about 1e-14); an audit folder keeps 10 significant
digits. Absolute differences would not do: ``value_at_risk`` is in money.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import graphdyn
from graphdyn import Audit, Config, UsageError
from graphdyn.cli import cli
from graphdyn.config import EngineSettings
from graphdyn.data.generate import generate
from graphdyn.model.explain import Explanation

AS_OF = "2026-01-31"
SELF_SERVICE = "CSELF"
#: A customer who only ever orders online and fills in feedback: no staff, so no tie.
SELF_SERVICE_ROWS = [
    f"X0001,2025-03-02T10:00:00Z,{SELF_SERVICE},,order,inbound,,,420.5,P0001",
    f"X0002,2025-07-15T08:30:00Z,{SELF_SERVICE},,feedback,inbound,,0.4,,",
    f"X0003,2025-12-20T16:45:00Z,{SELF_SERVICE},,order,inbound,,,180,P0002",
    f"X0004,2026-03-01T09:00:00Z,{SELF_SERVICE},,order,inbound,,,75,P0001",
]


@dataclass(frozen=True)
class Audited:
    """A generated data folder, its full audit and that audit's folder."""

    data: Path
    audit: Audit
    folder: Path

    def cases(self) -> list[tuple[str, str | None]]:
        """Customers of every status, each alone and with its strongest and weakest tie."""
        customers = self.audit.customers.sort_values("customer_id")
        chosen = [*customers.groupby("status")["customer_id"].first(), SELF_SERVICE]
        cases: list[tuple[str, str | None]] = []
        for customer in chosen:
            cases.append((customer, None))
            ties = self.audit.ties.loc[self.audit.ties["customer_id"] == customer]
            ranked = ties.sort_values(["strength", "staff_id"])["staff_id"].tolist()
            cases += [(customer, staff) for staff in dict.fromkeys(ranked[-1:] + ranked[:1])]
        return cases


@pytest.fixture(scope="module")
def audited(tmp_path_factory: pytest.TempPathFactory) -> Audited:
    root = tmp_path_factory.mktemp("explain")
    data = generate(root / "data", customers=80, staff=10, products=20, interactions=8000, seed=5)
    with (data.path / "interactions.csv").open("a", encoding="utf-8") as stream:
        stream.write("\n".join(SELF_SERVICE_ROWS) + "\n")
    result = graphdyn.audit(data.path, as_of=AS_OF)
    return Audited(data.path, result, graphdyn.write_audit_folder(result, root / "audit"))


def assert_same(
    got: Explanation, expected: Explanation, *, rtol: float = 1e-9, atol: float = 1e-12
) -> None:
    """Equal explanations: numbers to the tolerance, everything else exactly."""
    who = f"{expected.customer_id}/{expected.staff_id}"
    assert (got.customer_id, got.staff_id, got.as_of) == (
        expected.customer_id,
        expected.staff_id,
        expected.as_of,
    )
    assert got.row.index.tolist() == expected.row.index.tolist(), who
    for column, want in expected.row.items():
        have = got.row[column]
        if pd.isna(want):
            assert pd.isna(have), f"{who} {column}: {have!r}, expected missing"
        elif isinstance(want, float):
            assert np.isclose(have, want, rtol=rtol, atol=atol), f"{who} {column}: {have} {want}"
        elif isinstance(want, pd.Timestamp):
            # An audit folder keeps times to the second.
            assert abs(have - want) < pd.Timedelta(seconds=1), f"{who} {column}"
        else:
            assert have == want, f"{who} {column}: {have!r}, expected {want!r}"
    for name in ("components", "liveness"):
        pd.testing.assert_frame_equal(
            getattr(got, name), getattr(expected, name), check_exact=False, rtol=rtol, atol=atol
        )
    pd.testing.assert_frame_equal(got.events, expected.events)


def test_from_data_it_equals_the_full_audit(audited: Audited) -> None:
    cases = audited.cases()
    assert len(cases) >= 12 and (SELF_SERVICE, None) in cases
    for customer, staff in cases:
        expected = audited.audit.explain(customer, staff)
        got = graphdyn.explain(audited.data, customer, staff, as_of=AS_OF)
        assert got.notes == ()
        assert_same(got, expected)


def test_from_an_audit_folder_it_equals_the_full_audit(audited: Audited) -> None:
    summary = json.loads((audited.folder / "summary.json").read_text())
    assert summary["source_folder"] == str(audited.data.resolve())
    names = audited.audit.customers.dropna(subset=["name"])
    quoted = names.loc[names["name"].str.contains(",")].head(1)["customer_id"].tolist()
    assert quoted, "no customer name with a comma: the CSV quoting goes untested"
    for customer, staff in [*audited.cases(), *((c, None) for c in quoted)]:
        expected = audited.audit.explain(customer, staff)
        got = graphdyn.explain(audited.folder, customer, staff)
        assert got.notes == ()
        assert_same(got, expected)


def test_a_tie_across_the_as_of_date_counts_what_came_before(audited: Audited) -> None:
    events = pd.read_csv(audited.data / "interactions.csv", parse_dates=["timestamp"])
    as_of = pd.Timestamp(AS_OF, tz="UTC")
    pairs = events.groupby(["customer_id", "staff_id"])["timestamp"].agg(["min", "max", "size"])
    across = pairs.loc[(pairs["min"] <= as_of) & (pairs["max"] > as_of)]
    assert len(across) > 10
    customer, staff = across.sort_values("size").index[-1]
    before = int(
        (
            (events["customer_id"] == customer)
            & (events["staff_id"] == staff)
            & (events["timestamp"] <= as_of)
        ).sum()
    )
    for source in (audited.data, audited.folder):
        got = graphdyn.explain(source, customer, staff, as_of=AS_OF, top=1000)
        assert got.row["n_interactions"] == before < across.loc[(customer, staff), "size"]
        assert len(got.events) == before and (got.events["timestamp"] <= as_of).all()
        assert_same(got, audited.audit.explain(customer, staff, top=1000))


def test_a_self_service_only_customer_has_no_tie(audited: Audited) -> None:
    got = graphdyn.explain(audited.data, SELF_SERVICE, as_of=AS_OF)
    assert got.row["staff_contacts"] == 0 and pd.isna(got.row["top_staff_id"])
    assert got.events["staff_id"].isna().all() and len(got.events) == 3  # the 4th is later
    assert not np.isnan(got.row["value"])
    for source in (audited.data, audited.folder):
        with pytest.raises(UsageError, match="^no tie between customer 'CSELF' and staff 'S0001'"):
            graphdyn.explain(source, SELF_SERVICE, "S0001", as_of=AS_OF)


def test_unknown_ids_are_clear_errors_with_exit_2(audited: Audited) -> None:
    for source in (audited.data, audited.folder):
        with pytest.raises(UsageError, match=f"^no customer 'C999999' in the audit as of {AS_OF}$"):
            graphdyn.explain(source, "C999999", as_of=AS_OF)
        result = CliRunner().invoke(
            cli,
            ["explain", str(source), "--customer", "C000001", "--staff", "S9999"]
            + (["--as-of", AS_OF] if source == audited.data else []),
        )
        assert result.exit_code == 2
        assert result.stderr.endswith(
            f"error: no tie between customer 'C000001' and staff 'S9999' in the audit as of "
            f"{AS_OF}\n"
        )


def test_the_command_says_the_same_from_data_and_from_the_audit(audited: Audited) -> None:
    customer, staff = audited.cases()[1]
    from_data = CliRunner().invoke(
        cli,
        ["explain", str(audited.data), "--customer", customer, "--staff", staff, "--as-of", AS_OF],
    )
    from_audit = CliRunner().invoke(
        cli, ["explain", str(audited.folder), "--customer", customer, "--staff", staff]
    )
    assert (from_data.exit_code, from_audit.exit_code) == (0, 0)
    assert from_audit.stdout == from_data.stdout
    assert from_audit.stdout.startswith(f"{customer} – {staff} as of {AS_OF}: strength ")
    assert "Top " in from_audit.stdout and "Note:" not in from_audit.stdout


def test_without_its_data_folder_an_audit_still_explains(audited: Audited, tmp_path: Path) -> None:
    folder = shutil.copytree(audited.folder, tmp_path / "audit")
    summary = json.loads((folder / "summary.json").read_text())
    summary["source_folder"] = summary["source"] = str(tmp_path / "gone")
    (folder / "summary.json").write_text(json.dumps(summary))
    customer = audited.cases()[0][0]
    got = graphdyn.explain(folder, customer)
    assert got.events.empty
    assert got.notes == (
        f"the interactions are not listed: the audit's data (in {tmp_path / 'gone'}) is not a "
        "data folder here",
    )
    expected = audited.audit.explain(customer)
    pd.testing.assert_frame_equal(
        got.components, expected.components, check_exact=False, rtol=1e-9, atol=1e-12
    )
    result = CliRunner().invoke(cli, ["explain", str(folder), "--customer", customer])
    assert result.exit_code == 0
    assert "Note: the interactions are not listed" in result.stdout
    assert "interactions by intensity" not in result.stdout


def test_a_changed_data_folder_is_noted(audited: Audited, tmp_path: Path) -> None:
    data = shutil.copytree(audited.data, tmp_path / "data")
    customer, staff = audited.cases()[1]
    with (data / "interactions.csv").open("a", encoding="utf-8") as stream:
        stream.write(f"X0100,2025-11-03T10:00:00Z,{customer},{staff},meeting,outbound,,,,\n")
    folder = shutil.copytree(audited.folder, tmp_path / "audit")
    summary = json.loads((folder / "summary.json").read_text())
    summary["source_folder"] = str(data)
    (folder / "summary.json").write_text(json.dumps(summary))
    got = graphdyn.explain(folder, customer, staff, top=1000)
    audited_count = int(audited.audit.explain(customer, staff).row["n_interactions"])
    assert got.notes == (
        f"{data} has changed since the audit: {audited_count + 1} of these interactions up to "
        f"the as-of date, the audit counted {audited_count}; the list is from the folder as it "
        "is now",
    )
    assert "X0100" in got.events["interaction_id"].tolist()


def test_an_audit_explains_itself_only(
    audited: Audited, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for source in (audited.folder, audited.audit):
        with pytest.raises(UsageError, match=f"is as of {AS_OF}T00:00:00Z, not 2026-02-01"):
            graphdyn.explain(source, "C000001", as_of="2026-02-01")
        with pytest.raises(UsageError, match=r"half_life_days 30.0 \(the audit: 90.0\)"):
            graphdyn.explain(source, "C000001", config=Config(half_life_days=30.0))
    same = graphdyn.explain(audited.folder, "C000001", as_of=AS_OF, config=Config())
    assert_same(same, audited.audit.explain("C000001"))
    # The engine's memory and threads are no parameter of the model.
    faster = Config(engine=EngineSettings(memory_limit="1GB", threads=1))
    for source in (audited.folder, audited.audit):
        assert_same(graphdyn.explain(source, "C000001", config=faster), same)
    runner = CliRunner()
    changed = runner.invoke(
        cli, ["explain", str(audited.folder), "--customer", "C000001", "--half-life", "30"]
    )
    assert changed.exit_code == 2 and "was made with other parameters" in changed.stderr
    later = runner.invoke(
        cli, ["explain", str(audited.folder), "--customer", "C000001", "--as-of", "2026-03-31"]
    )
    assert later.exit_code == 2 and "explain from the data folder" in later.stderr
    # ./graphdyn.toml is for data folders: an audit folder keeps its own parameters.
    plain = runner.invoke(cli, ["explain", str(audited.folder), "--customer", "C000001"])
    monkeypatch.chdir(tmp_path)
    Path("graphdyn.toml").write_text("half_life_days = 30\n")
    kept = runner.invoke(cli, ["explain", str(audited.folder), "--customer", "C000001"])
    assert (plain.exit_code, kept.exit_code) == (0, 0)
    assert kept.stdout == plain.stdout


def test_a_folder_that_is_neither_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(
        UsageError,
        match=r"is neither a data folder \(interactions.csv, interactions.parquet or "
        r"interactions/\) nor an "
        r"audit folder \(summary.json and ties.csv\)$",
    ):
        graphdyn.explain(tmp_path, "C000001")
    result = CliRunner().invoke(cli, ["explain", str(tmp_path), "--customer", "C000001"])
    assert result.exit_code == 2 and "is neither a data folder" in result.stderr
    missing = CliRunner().invoke(cli, ["explain", str(tmp_path / "no"), "--customer", "C1"])
    assert missing.exit_code == 2 and "data folder not found" in missing.stderr


def test_from_an_audit_or_frames_in_memory(audited: Audited) -> None:
    customer, staff = audited.cases()[1]
    expected = audited.audit.explain(customer, staff)
    assert_same(graphdyn.explain(audited.audit, customer, staff), expected, rtol=0, atol=0)
    frames = audited.audit.data
    assert_same(
        graphdyn.explain(frames, customer, staff, as_of=AS_OF), expected, rtol=1e-9, atol=1e-12
    )


def test_from_parquet_data(tmp_path: Path) -> None:
    data = generate(
        tmp_path / "data", customers=30, staff=6, interactions=3000, seed=2, fmt="parquet"
    )
    result = graphdyn.audit(data.path, as_of=AS_OF)
    summary = result.summary
    assert summary["source_folder"] == str(data.path.resolve())
    for customer, staff in [
        ("C000003", None),
        *result.ties[["customer_id", "staff_id"]].head(3).values,
    ]:
        got = graphdyn.explain(data.path, customer, staff, as_of=AS_OF)
        assert_same(got, result.explain(customer, staff))


def test_from_data_the_data_are_checked_as_the_audit_checks_them(
    audited: Audited, tmp_path: Path
) -> None:
    data = shutil.copytree(audited.data, tmp_path / "data")
    with (data / "interactions.csv").open("a", encoding="utf-8") as stream:
        stream.write("X0200,2025-11-03T10:00:00Z,C000002,S0001,fax,outbound,,,,\n")
    with pytest.raises(graphdyn.DataError) as audited_error:
        graphdyn.audit(data, as_of=AS_OF)
    with pytest.raises(graphdyn.DataError) as explained_error:
        graphdyn.explain(data, "C000001", as_of=AS_OF)
    assert str(explained_error.value) == str(audited_error.value)
    assert "channel: unknown channel" in str(explained_error.value)


def test_an_audit_folder_without_its_customers_table_says_so(
    audited: Audited, tmp_path: Path
) -> None:
    folder = shutil.copytree(audited.folder, tmp_path / "audit")
    (folder / "customers.csv").unlink()
    with pytest.raises(graphdyn.DataError, match="customers.csv: file not found"):
        graphdyn.explain(folder, "C000001")
    assert graphdyn.explain(folder, *audited.cases()[1]).staff_id == audited.cases()[1][1]
