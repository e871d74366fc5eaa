"""The staff overview in a real headless Chromium, opened from a file:// URL.

Every test checks that the page made no request to a non-file URL, logged no console error,
raised no page error and opened no dialog.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Browser

from graphdyn import Audit, audit
from graphdyn.audits.overview import portfolio_overview
from graphdyn.data.generate import generate
from graphdyn.views.overview import overview_page
from graphdyn.views.page import Page

from .audits import XSS_STAFF_NAME, generated_audit, hostile_audit
from .browsing import READY, PageProbe, open_html_file, screenshot
from .graphs import XSS_CUSTOMER_NAMES, XSS_ID, XSS_TEAM
from .test_page import page_data

pytestmark = pytest.mark.browser

Opener = Callable[[Page, str], PageProbe]

COUNTS = "() => [graphdyn.nodes.length, graphdyn.edges.length]"


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> Audit:
    return generated_audit(tmp_path_factory.mktemp("overview-browser"), customers=300, staff=30)


@pytest.fixture
def open_overview(browser: Browser, tmp_path: Path) -> Iterator[Opener]:
    """Return a function that saves an overview, opens it and waits until it has drawn."""
    probes: list[PageProbe] = []

    def opener(view: Page, name: str) -> PageProbe:
        probe = open_html_file(browser, view.write(tmp_path / f"{name}.html"), READY)
        probes.append(probe)
        return probe

    yield opener
    for probe in probes:
        probe.page.context.close()


def click_node(probe: PageProbe, node: str) -> None:
    """Click the middle of a node where vis-network drew it."""
    point = probe.page.evaluate(
        """(id) => {
            const dom = graphdyn.network.canvasToDOM(graphdyn.network.getPosition(id));
            const box = document.getElementById("graphdyn-network").getBoundingClientRect();
            return {x: box.left + dom.x, y: box.top + dom.y};
        }""",
        node,
    )
    assert isinstance(point, dict)
    probe.page.mouse.click(point["x"], point["y"])


def staff_node(probe: PageProbe, staff_id: str) -> str:
    index = probe.page.evaluate("(id) => graphdyn.staffIndex(id)", staff_id)
    assert isinstance(index, int) and index >= 0
    return f"s{index}"


def test_overview_counts_and_a_click_opens_a_staff_neighbourhood(
    result: Audit, open_overview: Opener
) -> None:
    overview = portfolio_overview(result, top=5)
    view = overview_page(result, top=5)
    probe = open_overview(view, "overview")
    drawn_accounts = int(overview.accounts["top_staff_id"].notna().sum())
    assert probe.evaluate(COUNTS) == [
        len(result.staff) + drawn_accounts,
        view.counts["links"].shown + drawn_accounts,
    ]
    counts = probe.page.locator("#graphdyn-counts").inner_text()
    assert counts == ", ".join(str(count) for count in view.counts.values())
    assert counts.startswith(f"{len(result.staff)} of {len(result.staff)} staff, ")
    screenshot(probe, "overview")

    # the staff member with the most ties: one click draws them and their customers
    staff_id = result.ties["staff_id"].value_counts().index[0]
    name = result.staff.set_index("staff_id").loc[staff_id, "name"]
    customers = set(result.ties.loc[result.ties["staff_id"] == staff_id, "customer_id"])
    click_node(probe, staff_node(probe, staff_id))
    assert probe.evaluate("graphdyn.view()") == {
        "mode": "ego", "kind": "staff", "index": int(staff_node(probe, staff_id)[1:]), "depth": 1
    }  # fmt: skip
    assert probe.evaluate(COUNTS) == [1 + len(customers), len(customers)]
    assert probe.page.locator("#graphdyn-notes").inner_text() == (
        f"Neighbourhood of {name} (staff), 1 hop: {len(customers)} customers"
    )
    assert probe.page.locator("#graphdyn-details .gd-card-title").inner_text() == name
    screenshot(probe, "overview-staff")

    # two hops: and everyone else tied to those customers, with every tie among them
    probe.page.locator("#graphdyn-details select").select_option("2")
    ties = result.ties.loc[result.ties["customer_id"].isin(customers)]
    others = set(ties["staff_id"]) - {staff_id}
    assert probe.evaluate(COUNTS) == [1 + len(customers) + len(others), len(ties)]

    probe.page.get_by_role("button", name="Back to overview").click()
    assert probe.evaluate(COUNTS) == [
        len(result.staff) + drawn_accounts,
        view.counts["links"].shown + drawn_accounts,
    ]
    assert probe.page.locator("#graphdyn-details").is_hidden()
    probe.assert_clean()


def test_an_account_in_the_side_panel_opens_its_neighbourhood(
    result: Audit, open_overview: Opener
) -> None:
    overview = portfolio_overview(result, top=5)
    probe = open_overview(overview_page(result, top=5), "overview-account")
    at_risk = overview.accounts.loc[overview.accounts["top_at_risk"]]
    items = probe.page.locator('[data-list="at-risk"] .gd-list-title')
    assert items.all_inner_texts() == at_risk["name"].tolist()
    first = at_risk.iloc[0]
    items.first.click()
    staff = set(result.ties.loc[result.ties["customer_id"] == first["customer_id"], "staff_id"])
    assert probe.evaluate(COUNTS) == [1 + len(staff), len(staff)]
    assert probe.page.locator("#graphdyn-details .gd-card-title").inner_text() == first["name"]

    # in a neighbourhood, one click on another node re-centres on it
    carrier = first["top_staff_id"]
    click_node(probe, staff_node(probe, carrier))
    carried = result.ties.loc[result.ties["staff_id"] == carrier, "customer_id"].nunique()
    assert probe.evaluate(COUNTS) == [1 + carried, carried]
    screenshot(probe, "overview-account")
    probe.assert_clean()


def test_search_and_teams_and_a_focused_page(result: Audit, open_overview: Opener) -> None:
    customer = result.customers.iloc[11]
    view = overview_page(result, focus=str(customer["customer_id"]))
    probe = open_overview(view, "overview-focus")
    assert probe.evaluate("graphdyn.view().kind") == "customer"
    assert probe.page.locator("#graphdyn-details .gd-card-title").inner_text() == customer["name"]

    staff = result.staff.iloc[4]
    probe.page.fill("#graphdyn-search", str(staff["name"]))
    probe.page.press("#graphdyn-search", "Enter")
    assert probe.evaluate("graphdyn.view()")["kind"] == "staff"  # type: ignore[index]
    assert probe.page.locator("#graphdyn-details .gd-card-title").inner_text() == staff["name"]

    team = str(result.staff["team"].iloc[0])
    probe.page.locator('[data-list="teams"] .gd-list-title', has_text=team).first.click()
    members = int((result.staff["team"] == team).sum())
    assert probe.evaluate("graphdyn.view().mode") == "overview"
    assert probe.evaluate("graphdyn.network.getSelectedNodes().length") == members
    probe.page.fill("#graphdyn-search", "no such name")
    probe.page.press("#graphdyn-search", "Enter")
    assert probe.page.locator("#graphdyn-search-status").inner_text() == "no match"
    probe.assert_clean()


@pytest.mark.parametrize("with_csp", [True, False], ids=["with-csp", "escaping-alone"])
def test_hostile_names_never_run(
    result: Audit, browser: Browser, tmp_path: Path, with_csp: bool
) -> None:
    view = overview_page(hostile_audit(result), title=XSS_CUSTOMER_NAMES[0])
    page_html = view.html
    if not with_csp:
        start = page_html.index('<meta http-equiv="Content-Security-Policy"')
        page_html = page_html[:start] + page_html[page_html.index(">", start) + 1 :]
    path = tmp_path / "xss.html"
    path.write_text(page_html, encoding="utf-8")
    probe = open_html_file(browser, path, READY)
    try:
        page = probe.page
        assert page.title() == XSS_CUSTOMER_NAMES[0]
        # the side panel's lists, the details card, the notes, the tooltip, the search
        titles = page.locator(".gd-list-title").all_inner_texts()
        assert XSS_TEAM in titles and set(XSS_CUSTOMER_NAMES) <= set(titles)
        page.locator(".gd-list-title", has_text=XSS_CUSTOMER_NAMES[0]).first.click()
        assert (
            page.locator("#graphdyn-details .gd-card-title").inner_text() == (XSS_CUSTOMER_NAMES[0])
        )
        assert XSS_ID in page.locator("#graphdyn-details").inner_text()
        page.fill("#graphdyn-search", XSS_STAFF_NAME)
        page.press("#graphdyn-search", "Enter")
        assert (
            page.locator("#graphdyn-notes")
            .inner_text()
            .startswith(f"Neighbourhood of {XSS_STAFF_NAME} (staff)")
        )
        page.mouse.move(10, 10)
        page.wait_for_timeout(200)
        assert page.evaluate("document.querySelectorAll('img, svg, iframe').length") == 0
        assert page.evaluate("document.scripts.length") == 3
        screenshot(probe, f"overview-xss-{'csp' if with_csp else 'no-csp'}")
        probe.assert_clean()
    finally:
        probe.page.context.close()


@pytest.mark.slow
def test_overview_of_a_1m_interaction_audit(tmp_path: Path, open_overview: Opener) -> None:
    """The benchmark's 1M rung: 10,000 customers, 500 staff, 300 products."""

    generate(tmp_path / "data", customers=10_000, staff=500, products=300,
             interactions=1_000_000, fmt="parquet")  # fmt: skip
    big = audit(tmp_path / "data")
    started = time.perf_counter()
    view = overview_page(big)
    render_seconds = time.perf_counter() - started
    size_mb = len(view.html.encode("utf-8")) / 1e6
    data = page_data(view.html)
    assert view.counts["staff"].shown == 500
    assert (len(data["customers"]["id"]), len(data["ties"]["customer"])) == (10_000, len(big.ties))
    assert size_mb < 5 and render_seconds < 5, (size_mb, render_seconds)
    probe = open_overview(view, "overview-1m")
    assert probe.ready_ms < 5_000
    nodes, edges = probe.evaluate(COUNTS)  # type: ignore[misc]
    assert nodes == 500 + view.counts["accounts"].shown - int(
        portfolio_overview(big).accounts["top_staff_id"].isna().sum()
    )
    busiest = big.ties["staff_id"].value_counts()
    click_node(probe, staff_node(probe, busiest.index[0]))
    assert probe.evaluate(COUNTS) == [1 + busiest.iloc[0], busiest.iloc[0]]
    screenshot(probe, "overview-1m-staff")
    probe.assert_clean()


def test_an_audit_without_staff_draws_an_empty_overview(open_overview: Opener) -> None:
    events = pd.DataFrame(
        {
            "interaction_id": ["i1", "i2"],
            "timestamp": ["2024-01-01", "2024-01-05"],
            "customer_id": ["c1", "c2"],
            "channel": ["order", "order"],
        }
    )
    view = overview_page(audit(events, as_of="2024-02-01"), focus="c2")
    probe = open_overview(view, "overview-no-staff")
    assert probe.evaluate(COUNTS) == [1, 0]  # the customer, on its own
    probe.page.get_by_role("button", name="Back to overview").click()
    assert probe.evaluate(COUNTS) == [0, 0]
    assert probe.page.locator('[data-list="at-risk"]').inner_text() == "None."
    probe.assert_clean()


def test_a_page_holding_each_staff_members_strongest_ties_says_so(
    result: Audit, open_overview: Opener
) -> None:
    view = overview_page(result, top=0, max_ties=10, ties_per_staff=2)
    probe = open_overview(view, "overview-capped")
    staff_id = result.ties["staff_id"].value_counts().index[0]
    name = result.staff.set_index("staff_id").loc[staff_id, "name"]
    total = int((result.ties["staff_id"] == staff_id).sum())
    click_node(probe, staff_node(probe, staff_id))
    assert probe.evaluate(COUNTS) == [1 + 2, 2]
    assert probe.page.locator("#graphdyn-notes").inner_text() == (
        f"Neighbourhood of {name} (staff), 1 hop: 2 customers; of each staff member's ties, "
        "the 2 strongest are in the page"
    )
    card = probe.page.locator("#graphdyn-details").inner_text()
    assert f"Customers (ties)\t{total} (2 in the page)" in card
    probe.assert_clean()
