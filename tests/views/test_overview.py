"""The staff overview page as text: its data, its counts, escaping and self-containment."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from graphdyn import Audit, read_audit_folder, write_audit_folder
from graphdyn.audits.overview import portfolio_overview
from graphdyn.errors import UsageError
from graphdyn.views.overview import overview_page
from graphdyn.views.page import Count

from .audits import XSS_STAFF_NAME, generated_audit, hostile_audit
from .graphs import XSS_CUSTOMER_NAMES, XSS_ID, XSS_TEAM

DATA_ELEMENT = re.compile(
    r'<script type="application/json" id="graphdyn-data">(.*?)</script>', re.DOTALL
)


def page_data(page: str) -> dict[str, object]:
    match = DATA_ELEMENT.search(page)
    assert match is not None
    data = json.loads(match.group(1))
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> Audit:
    return generated_audit(tmp_path_factory.mktemp("overview-page"))


def test_the_page_holds_every_staff_member_customer_and_tie(result: Audit) -> None:
    view = overview_page(result, top=5)
    data = page_data(view.html)
    staff, customers, ties = data["staff"], data["customers"], data["ties"]
    assert isinstance(staff, dict) and isinstance(customers, dict) and isinstance(ties, dict)
    assert sorted(staff["id"]) == sorted(result.staff["staff_id"])
    assert customers["id"] == result.customers["customer_id"].tolist()
    assert view.counts["staff"].shown == len(result.staff)
    assert len(customers["id"]) == len(result.customers)
    assert len(ties["customer"]) == len(result.ties)
    assert view.note == (
        f"neighbourhoods of {len(result.customers):,} customers and {len(result.ties):,} ties "
        "one click away"
    )
    # each staff member's run of ties is theirs, strongest first
    offsets = ties["offsets"]
    for i, staff_id in enumerate(staff["id"]):
        run = range(offsets[i], offsets[i + 1])
        mine = result.ties.loc[result.ties["staff_id"] == staff_id]
        assert sorted(customers["id"][ties["customer"][k]] for k in run) == sorted(
            mine["customer_id"]
        )
        strengths = [ties["strength"][k] for k in run]
        assert strengths == sorted(strengths, reverse=True)
    assert data["title"] == f"graphdyn staff overview as of {result.as_of.date().isoformat()}"
    assert view.html.count("<title>") == 1


def test_accounts_teams_and_links_in_the_page(result: Audit) -> None:
    overview = portfolio_overview(result, top=5)
    view = overview_page(result, top=5, links_per_staff=2)
    data = page_data(view.html)
    accounts, customers, links, teams = (
        data["accounts"],
        data["customers"],
        data["links"],
        data["teams"],
    )
    assert isinstance(accounts, dict) and isinstance(customers, dict)
    assert isinstance(links, dict) and isinstance(teams, dict)
    picked = [customers["id"][c] for c in accounts["customer"]]
    assert picked == overview.accounts["customer_id"].tolist()
    assert view.counts["accounts"].shown == len(picked)
    assert sorted(teams["name"]) == sorted(overview.teams["team"])
    # every staff member's two strongest links are drawn, and no other link
    staff_ids = data["staff"]["id"]  # type: ignore[index]
    drawn = {(staff_ids[a], staff_ids[b]) for a, b in zip(links["a"], links["b"], strict=True)}
    strongest: set[tuple[str, str]] = set()
    for staff_id in overview.staff["staff_id"]:
        mine = overview.links.loc[
            (overview.links["staff_a"] == staff_id) | (overview.links["staff_b"] == staff_id)
        ]
        strongest |= set(zip(mine["staff_a"].head(2), mine["staff_b"].head(2), strict=True))
    assert drawn == strongest
    assert view.counts["links"].shown == len(drawn) and view.counts["links"].total == len(
        overview.links
    )
    assert overview_page(result, links_per_staff=0).counts["links"].shown == 0


def test_focus_opens_on_a_staff_member_or_a_customer(result: Audit) -> None:
    staff_id = result.staff["staff_id"].iloc[3]
    customer_id = result.customers["customer_id"].iloc[7]
    data = page_data(overview_page(result, focus=staff_id).html)
    focus = data["focus"]
    assert isinstance(focus, dict)
    assert focus["kind"] == "staff" and focus["depth"] == 1
    assert data["staff"]["id"][focus["index"]] == staff_id  # type: ignore[index]
    focus = page_data(overview_page(result, focus=customer_id, depth=2).html)["focus"]
    assert focus == {"kind": "customer", "index": 7, "depth": 2}
    assert page_data(overview_page(result).html)["focus"] is None


@pytest.mark.parametrize(
    "options, message",
    [
        ({"focus": "nobody"}, "focus 'nobody' is no staff member's or customer's id"),
        ({"depth": 3}, "depth must be 1 or 2"),
        ({"links_per_staff": -1}, "links_per_staff must be 0 or more"),
        ({"top": -1}, "top must be 0 or more"),
    ],
)
def test_bad_options_are_usage_errors(
    result: Audit, options: dict[str, object], message: str
) -> None:
    with pytest.raises(UsageError, match=re.escape(message)):
        overview_page(result, **options)  # type: ignore[arg-type]


def test_hostile_strings_never_appear_as_markup(result: Audit) -> None:
    page = overview_page(hostile_audit(result), title="<img src=x onerror=alert(1)>").html
    for hostile in (*XSS_CUSTOMER_NAMES, XSS_TEAM, XSS_ID, XSS_STAFF_NAME):
        assert hostile not in page
    assert page.count("</script>") == 3  # the data element and the two scripts
    assert "<title>&lt;img src=x onerror=alert(1)&gt;</title>" in page
    data = page_data(page)
    assert set(XSS_CUSTOMER_NAMES) <= set(data["customers"]["name"])  # type: ignore[index]
    assert XSS_ID in data["customers"]["id"]  # type: ignore[index]
    assert XSS_TEAM in data["teams"]["name"]  # type: ignore[index]
    assert XSS_STAFF_NAME in data["staff"]["name"]  # type: ignore[index]


def test_the_page_is_self_contained_with_its_own_script(result: Audit) -> None:
    page = overview_page(result).html
    urls = re.findall(r"""\b(?:src|href)\s*=\s*["']([^"']*)""", page, re.IGNORECASE)
    assert urls == ["data:,"]
    assert "graphdyn staff overview: staff in team discs" in page  # overview.js, inline
    assert ".gd-list-item" in page  # overview.css, inline
    assert "default-src 'none'" in page


def test_a_saved_audit_folder_draws_the_same_page(result: Audit, tmp_path: Path) -> None:
    folder = write_audit_folder(result, tmp_path / "audit")
    assert (folder / "overview.html").read_text(encoding="utf-8") == overview_page(result).html
    saved = overview_page(read_audit_folder(folder))
    fresh = overview_page(result)
    assert saved.counts == fresh.counts and saved.note == fresh.note
    assert page_data(saved.html)["staff"] == page_data(fresh.html)["staff"]


def test_counts_repr_and_write(result: Audit, tmp_path: Path) -> None:
    view = overview_page(result)
    overview = portfolio_overview(result)
    assert (
        view.counts["accounts"].total
        == overview.candidates
        == int(
            (
                (result.customers["status"] == "at_risk")
                | result.customers["single_threaded"].astype(bool)
            ).sum()
        )
    )
    assert "staff" in repr(view) and "accounts picked out" in repr(view)
    assert view.write(tmp_path / "o.html").read_text(encoding="utf-8") == view.html
    assert 'sandbox="allow-scripts"' in view._repr_html_()


def test_every_tie_up_to_max_ties(result: Audit) -> None:
    view = overview_page(result, max_ties=len(result.ties))
    data = page_data(view.html)
    ties, customers = data["ties"], data["customers"]
    assert isinstance(ties, dict) and isinstance(customers, dict)
    assert view.counts["ties"] == Count(
        "ties in the neighbourhoods", len(result.ties), len(result.ties)
    )
    assert data["ties_per_staff"] is None
    per_customer = result.ties["customer_id"].value_counts()
    assert customers["ties"] == [int(per_customer.get(c, 0)) for c in customers["id"]]


@pytest.mark.parametrize("per_staff", [1, 3])
def test_above_max_ties_each_staff_members_strongest_and_the_accounts_ties(
    result: Audit, per_staff: int
) -> None:
    overview = portfolio_overview(result, top=5)
    view = overview_page(result, top=5, max_ties=len(result.ties) - 1, ties_per_staff=per_staff)
    data = page_data(view.html)
    staff, ties, customers = data["staff"], data["ties"], data["customers"]
    assert isinstance(staff, dict) and isinstance(ties, dict) and isinstance(customers, dict)
    picked = set(overview.accounts["customer_id"])
    expected = strongest_ties(result, per_staff).union(
        result.ties.index[result.ties["customer_id"].isin(picked)]
    )
    embedded = {
        (customers["id"][ties["customer"][k]], staff_id)
        for i, staff_id in enumerate(staff["id"])
        for k in range(ties["offsets"][i], ties["offsets"][i + 1])
    }
    assert embedded == set(
        zip(
            result.ties.loc[expected, "customer_id"],
            result.ties.loc[expected, "staff_id"],
            strict=True,
        )
    )
    reached = set(result.ties.loc[expected, "customer_id"]) | picked
    assert set(customers["id"]) == reached
    assert [customers["id"][c] for c in data["accounts"]["customer"]] == overview.accounts[
        "customer_id"
    ].tolist()  # type: ignore[index]
    per_customer = result.ties["customer_id"].value_counts()
    assert customers["ties"] == [int(per_customer[c]) for c in customers["id"]]
    assert data["ties_per_staff"] == per_staff
    assert view.counts["ties"] == Count(
        "ties in the neighbourhoods", len(expected), len(result.ties)
    )
    strongest_text = "strongest tie" if per_staff == 1 else f"{per_staff} strongest ties"
    assert view.note == (
        f"neighbourhoods one click away: each staff member's {strongest_text} and every tie of "
        f"the accounts picked out ({len(expected):,} of {len(result.ties):,} ties, "
        f"{len(reached):,} of {len(result.customers):,} customers)"
    )


def strongest_ties(result: Audit, per_staff: int) -> pd.Index:
    """The rows of each staff member's ``per_staff`` strongest ties, as the page ranks them."""
    ranked = result.ties.sort_values(
        ["staff_id", "strength", "customer_id"], ascending=[True, False, True]
    )
    return ranked.groupby("staff_id").head(per_staff).index


def test_above_max_ties_the_focus_keeps_all_its_ties(result: Audit) -> None:
    ties = result.ties
    top = strongest_ties(result, 1)
    # the customer with the most ties among those no staff member's strongest tie reaches
    outside = ties.loc[~ties["customer_id"].isin(ties.loc[top, "customer_id"]), "customer_id"]
    customer = str(outside.value_counts().index[0])
    view = overview_page(result, top=0, focus=customer, max_ties=1, ties_per_staff=1)
    data = page_data(view.html)
    customers, focus = data["customers"], data["focus"]
    assert isinstance(customers, dict) and isinstance(focus, dict)
    assert customers["id"][focus["index"]] == customer
    expected = top.union(ties.index[ties["customer_id"] == customer])
    assert view.counts["ties"] == Count("ties in the neighbourhoods", len(expected), len(ties))
    assert view.note is not None and f"accounts picked out and of {customer} (" in view.note

    staff_id = str(ties["staff_id"].value_counts().index[0])
    busiest = overview_page(result, top=0, focus=staff_id, max_ties=1, ties_per_staff=1)
    expected = top.union(ties.index[ties["staff_id"] == staff_id])
    assert busiest.counts["ties"].shown == len(expected)


@pytest.mark.parametrize(("option", "value"), [("max_ties", 0), ("ties_per_staff", 0)])
def test_cap_options_below_one_are_usage_errors(result: Audit, option: str, value: int) -> None:
    with pytest.raises(UsageError, match=f"{option} must be 1 or more"):
        overview_page(result, **{option: value})  # type: ignore[arg-type]
