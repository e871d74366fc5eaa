"""The staff overview's figures, worked out by hand on a small audit, and on a generated one."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from graphdyn import Audit, audit, read_audit_folder, write_audit_folder
from graphdyn.audits import overview as overview_module
from graphdyn.audits.overview import (
    ACCOUNT_COLUMNS,
    LINK_COLUMNS,
    PORTFOLIO_COLUMNS,
    TEAM_COLUMNS,
    portfolio_overview,
)
from graphdyn.data.generate import generate
from graphdyn.errors import UsageError
from graphdyn.views.overview import overview_page

NAN = float("nan")


@dataclass(frozen=True)
class HandAudit:
    """The three tables of an audit, written by hand."""

    customers: pd.DataFrame
    staff: pd.DataFrame
    ties: pd.DataFrame


def hand_audit(values: bool = True) -> HandAudit:
    """Five customers, four staff in two teams (and one without), seven ties.

    c1 and c2 are carried by s1, c3 by s2, c4 by s3; c5 is self-service only (no staff).
    c2 has ties with s1, s2 and s3; c3 with s2 and s1. s4 has no tie at all.
    """
    value_raw = [100.0, 50.0, 10.0, NAN, 30.0] if values else [NAN] * 5
    value_at_risk = [60.0, 5.0, 8.0, NAN, 20.0] if values else [NAN] * 5
    customers = pd.DataFrame(
        {
            "customer_id": ["c1", "c2", "c3", "c4", "c5"],
            "name": ["Acme", "Bolt", "Crux", "Dune", "Echo"],
            "segment": ["smb", "enterprise", "smb", "smb", "mid_market"],
            "strength": [0.3, 0.8, 0.4, 0.2, 0.5],
            "value_at_risk": value_at_risk,
            "strength_at_risk": [0.2, 0.1, 0.3, 0.15, 0.25],
            "status": ["at_risk", "active", "at_risk", "dormant", "at_risk"],
            "value_raw": value_raw,
            "staff_contacts": [1, 3, 2, 1, 0],
            "single_threaded": [True, False, False, True, False],
            "top_staff_id": ["s1", "s1", "s2", "s3", None],
        }
    )
    staff = pd.DataFrame(
        {
            "staff_id": ["s1", "s2", "s3", "s4"],
            "name": ["Ann", "Ben", "Cy", "Di"],
            "team": ["North", "North", "South", None],
            "customers": [3, 2, 2, 0],
        }
    )
    ties = pd.DataFrame(
        {
            "customer_id": ["c1", "c2", "c2", "c2", "c3", "c3", "c4"],
            "staff_id": ["s1", "s1", "s2", "s3", "s2", "s1", "s3"],
            "strength": [0.3, 0.6, 0.3, 0.2, 0.4, 0.1, 0.2],
        }
    )
    return HandAudit(customers, staff, ties)


def test_staff_portfolios_by_hand() -> None:
    staff = portfolio_overview(hand_audit()).staff
    assert list(staff.columns) == ["staff_id", "name", "team", *PORTFOLIO_COLUMNS]
    # s1 carries c1 (100, 60 at risk, at risk, single-threaded) and c2 (50, 5); tied to c3 too.
    # s2 carries c3 (10, 8, at risk); s3 carries c4 (no value, single-threaded); s4 nobody.
    # Most value at risk first; s3 and s4 tie at 0 and 0 at risk, so by id.
    assert staff.drop(columns=["name", "team"]).values.tolist() == [
        ["s1", 3, 2, 150.0, 65.0, 1, 1],
        ["s2", 2, 1, 10.0, 8.0, 1, 0],
        ["s3", 2, 1, 0.0, 0.0, 0, 1],
        ["s4", 0, 0, 0.0, 0.0, 0, 0],
    ]
    assert staff["name"].tolist() == ["Ann", "Ben", "Cy", "Di"]


def test_team_portfolios_add_up_their_members() -> None:
    teams = portfolio_overview(hand_audit()).teams
    assert list(teams.columns) == list(TEAM_COLUMNS)
    assert teams["team"].tolist()[:2] == ["North", "South"]
    assert pd.isna(teams["team"].iloc[2])  # s4, without a team, is a row of its own
    assert teams.drop(columns="team").values.tolist() == [
        [2, 5, 3, 160.0, 73.0, 2, 1],
        [1, 2, 1, 0.0, 0.0, 0, 1],
        [1, 0, 0, 0.0, 0.0, 0, 0],
    ]


def test_staff_links_count_and_value_shared_customers() -> None:
    links = portfolio_overview(hand_audit()).links
    assert list(links.columns) == list(LINK_COLUMNS)
    # c2 (50) is shared by s1, s2 and s3; c3 (10) by s1 and s2; c1 and c4 have one person each.
    assert links.values.tolist() == [
        ["s1", "s2", 2, 60.0],
        ["s1", "s3", 1, 50.0],
        ["s2", "s3", 1, 50.0],
    ]


def test_picked_accounts_are_the_top_at_risk_and_single_threaded() -> None:
    one = portfolio_overview(hand_audit(), top=1).accounts
    # c1 has the most value at risk of the at-risk customers and the most value of the
    # single-threaded ones: picked once, for both.
    assert one[["customer_id", "top_at_risk", "top_single_threaded"]].values.tolist() == [
        ["c1", True, True]
    ]
    two = portfolio_overview(hand_audit(), top=2).accounts
    assert list(two.columns) == ["customer_id", "name", "segment", *ACCOUNT_COLUMNS[1:]]
    # at risk: c1 (60), c5 (20), then c3 (8); single-threaded: c1 (100), then c4 (no value)
    assert two[["customer_id", "top_at_risk", "top_single_threaded"]].values.tolist() == [
        ["c1", True, True],
        ["c5", True, False],
        ["c4", False, True],
    ]
    assert two["top_staff_id"].iloc[0] == "s1" and pd.isna(two["top_staff_id"].iloc[1])
    assert portfolio_overview(hand_audit(), top=0).accounts.empty


def test_without_values_counts_stand_in() -> None:
    overview = portfolio_overview(hand_audit(values=False), top=1)
    assert overview.priority == "strength_at_risk"
    assert overview.staff["carried_value"].isna().all()
    assert overview.teams["carried_value_at_risk"].isna().all()
    assert overview.links["shared_value"].isna().all()
    # by shared customers, then ids
    assert overview.links[["staff_a", "staff_b", "shared_customers"]].values.tolist() == [
        ["s1", "s2", 2],
        ["s1", "s3", 1],
        ["s2", "s3", 1],
    ]
    # staff by customers at risk: s1 and s2 one each (by id), then s3 and s4
    assert overview.staff["staff_id"].tolist() == ["s1", "s2", "s3", "s4"]
    # the at-risk account with most strength at risk, c3 (0.3), and with no value to rank the
    # single-threaded by, the weakest of them, c4 (0.2, against c1's 0.3)
    assert overview.accounts["customer_id"].tolist() == ["c3", "c4"]


def test_staff_without_a_team_column_make_no_teams() -> None:
    tables = hand_audit()
    tables = HandAudit(tables.customers, tables.staff.drop(columns="team"), tables.ties)
    overview = portfolio_overview(tables)
    assert overview.teams.empty
    assert list(overview.teams.columns) == list(TEAM_COLUMNS)
    assert "team" not in overview.staff.columns
    assert repr(overview).startswith("<PortfolioOverview: 4 staff, 4 customers carried")


def test_negative_top_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="top must be 0 or more"):
        portfolio_overview(hand_audit(), top=-1)
    with pytest.raises(UsageError, match="links_per_staff must be 0 or more"):
        portfolio_overview(hand_audit(), links_per_staff=-1)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Audit, Path]:
    folder = tmp_path_factory.mktemp("overview")
    generate(folder / "data", customers=120, staff=14, products=10, interactions=6000, seed=3)
    result = audit(folder / "data")
    return result, write_audit_folder(result, folder / "audit")


def test_a_generated_audit_adds_up(generated: tuple[Audit, Path]) -> None:
    result, _ = generated
    overview = portfolio_overview(result)
    customers, ties = result.customers, result.ties
    staff = overview.staff.set_index("staff_id")
    assert staff["carried"].sum() == customers["top_staff_id"].notna().sum()
    assert staff["carried_single_threaded"].sum() == customers["single_threaded"].sum()
    carried_at_risk = customers.loc[customers["top_staff_id"].notna(), "status"] == "at_risk"
    assert staff["carried_at_risk"].sum() == carried_at_risk.sum()
    assert staff["customers"].to_dict() == ties.groupby("staff_id").size().to_dict() | {
        s: 0 for s in set(staff.index) - set(ties["staff_id"])
    }
    assert np.isclose(staff["carried_value"].sum(), customers["value_raw"].sum())
    assert overview.teams["carried"].sum() == staff["carried"].sum()
    assert overview.teams["staff"].sum() == len(staff)

    # the links against the merge of the ties with themselves
    pairs = ties.merge(ties, on="customer_id")
    pairs = pairs.loc[pairs["staff_id_x"] < pairs["staff_id_y"]]
    value = customers.set_index("customer_id")["value_raw"].fillna(0.0)
    pairs = pairs.assign(value=value.reindex(pairs["customer_id"]).to_numpy())
    expected = (
        pairs.groupby(["staff_id_x", "staff_id_y"])
        .agg(shared_customers=("value", "size"), shared_value=("value", "sum"))
        .reset_index()
    )
    links = overview.links.sort_values(["staff_a", "staff_b"]).reset_index(drop=True)
    assert links["staff_a"].tolist() == expected["staff_id_x"].tolist()
    assert links["staff_b"].tolist() == expected["staff_id_y"].tolist()
    assert links["shared_customers"].tolist() == expected["shared_customers"].tolist()
    assert np.allclose(links["shared_value"], expected["shared_value"])


def first_of_either(links: pd.DataFrame, per_staff: int) -> pd.DataFrame:
    """The links (ranked) among the first ``per_staff`` of either of their staff members."""
    ends = pd.concat([links["staff_a"], links["staff_b"]], keys=["a", "b"]).reset_index()
    ends = ends.sort_values(["level_1", "level_0"])  # in rank order, each link's two ends
    ends["place"] = ends.groupby(0).cumcount()
    place = ends.pivot(index="level_1", columns="level_0", values="place")
    return links.loc[(place["a"] < per_staff) | (place["b"] < per_staff)]


@pytest.mark.parametrize("per_staff", [1, 2, 5])
@pytest.mark.parametrize("block", [None, 7])
def test_each_members_strongest_links_are_kept_as_the_pairs_are_counted(
    generated: tuple[Audit, Path],
    per_staff: int,
    block: int | None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Keeping each member's first links block by block keeps what keeping at the end would,
    and the page draws the same links from them as from every link."""
    result, _ = generated
    every = portfolio_overview(result)
    if block is not None:  # blocks of one or two members: the links are kept many times over
        monkeypatch.setattr(overview_module, "_PAIR_BLOCK", block)
        monkeypatch.setattr(overview_module, "_PAIR_BINS", 2 * every.staff.shape[0])
    kept = portfolio_overview(result, links_per_staff=per_staff)
    assert kept.pairs == every.pairs == len(every.links)
    expected = first_of_either(every.links, per_staff)
    assert len(expected) < len(every.links)
    pd.testing.assert_frame_equal(
        kept.links.reset_index(drop=True), expected.reset_index(drop=True)
    )
    page = overview_page(result, links_per_staff=per_staff)
    assert page.counts["links"].shown == len(expected)
    assert page.counts["links"].total == len(every.links)


def test_a_saved_audit_folder_gives_the_same_overview(generated: tuple[Audit, Path]) -> None:
    result, folder = generated
    fresh = portfolio_overview(result, top=5)
    saved = portfolio_overview(read_audit_folder(folder), top=5)
    for name in ("staff", "teams", "links", "accounts"):
        pd.testing.assert_frame_equal(
            getattr(saved, name).drop(columns=["left_at"], errors="ignore"),
            getattr(fresh, name).drop(columns=["left_at"], errors="ignore"),
            check_dtype=False,
            rtol=1e-8,
        )


def test_an_audit_without_staff_has_no_portfolios_and_no_links() -> None:
    events = pd.DataFrame(
        {
            "interaction_id": ["i1", "i2"],
            "timestamp": ["2024-01-01", "2024-01-05"],
            "customer_id": ["c1", "c2"],
            "channel": ["order", "order"],
            "value": [5.0, 3.0],
        }
    )
    overview = portfolio_overview(audit(events, as_of="2024-02-01"))
    assert overview.staff.empty and overview.links.empty and overview.teams.empty
    assert list(overview.links.columns) == list(LINK_COLUMNS)
