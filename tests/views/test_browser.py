"""The network page in a real headless Chromium, opened from a file:// URL.

Every test checks that the page made no request to a non-file URL, logged no console error,
raised no page error and opened no dialog.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import networkx as nx
import pytest
from playwright.sync_api import Browser

from graphdyn.views.network import network_page
from graphdyn.views.page import Page
from graphdyn.views.scope import ego_nodes

from .browsing import ARTIFACTS, READY, PageProbe, open_html_file, screenshot
from .graphs import XSS_CUSTOMER_NAMES, XSS_ID, XSS_TEAM, hand_graph, random_graph, xss_graph

pytestmark = pytest.mark.browser

Opener = Callable[..., PageProbe]

COUNTS = """() => ({
    nodes: graphdyn.nodes.length, edges: graphdyn.edges.length,
    visibleNodes: graphdyn.nodesView.length, visibleEdges: graphdyn.edgesView.length,
})"""


def node_id(probe: PageProbe, key: str) -> int:
    found = probe.page.evaluate("(key) => graphdyn.nodeIdOfKey(key)", key)
    assert isinstance(found, int)
    return found


def hover_node(probe: PageProbe, key: str) -> None:
    """Move the mouse onto a node, where vis-network shows it."""
    point = probe.page.evaluate(
        """(id) => {
            const dom = graphdyn.network.canvasToDOM(graphdyn.network.getPosition(id));
            const box = document.getElementById("graphdyn-network").getBoundingClientRect();
            return {x: box.left + dom.x, y: box.top + dom.y};
        }""",
        node_id(probe, key),
    )
    assert isinstance(point, dict)
    probe.page.mouse.move(point["x"], point["y"])


def test_small_view_counts_legend_and_screenshot(open_view: Opener) -> None:
    g = hand_graph()
    view = network_page(g)
    probe = open_view(view, "small")
    counts = probe.page.evaluate(COUNTS)
    assert counts == {
        "nodes": g.number_of_nodes(),
        "edges": g.number_of_edges(),
        "visibleNodes": view.counts["nodes"].shown,
        "visibleEdges": view.counts["edges"].shown,
    }
    legend = probe.page.locator("#graphdyn-legend").inner_text()
    for text in ("Customer", "Staff", "Product", "active", "at risk", "dormant", "weakening tie"):
        assert text in legend
    assert probe.page.locator("#graphdyn-search").is_visible()
    assert probe.page.locator("#graphdyn-counts").inner_text() == (
        "7 of 7 nodes shown, 5 of 5 edges drawn"
    )
    assert probe.page.locator("#graphdyn-notes").inner_text() == ""
    assert screenshot(probe, "small").stat().st_size > 10_000
    probe.assert_clean()


def test_search_selects_and_focuses_a_customer(open_view: Opener) -> None:
    probe = open_view(network_page(random_graph(250, seed=1)), "search")
    probe.page.fill("#graphdyn-search", "Customer 17")
    probe.page.press("#graphdyn-search", "Enter")
    assert probe.page.evaluate("graphdyn.network.getSelectedNodes()") == [
        node_id(probe, "customer:c17")
    ]
    details = probe.page.locator("#graphdyn-details")
    assert details.is_visible()
    assert details.locator(".gd-card-title").inner_text() == "Customer 17"
    assert "1 of " in probe.page.locator("#graphdyn-search-status").inner_text()
    # a raw id finds the node too; a query that matches nothing says so
    probe.page.fill("#graphdyn-search", "s3")
    probe.page.click("#graphdyn-search-form button")
    assert probe.page.evaluate("graphdyn.network.getSelectedNodes()") == [
        node_id(probe, "staff:s3")
    ]
    probe.page.fill("#graphdyn-search", "no such name")
    probe.page.press("#graphdyn-search", "Enter")
    assert probe.page.locator("#graphdyn-search-status").inner_text() == "no visible match"
    screenshot(probe, "search")
    probe.assert_clean()


def test_filters_hide_types_statuses_and_teams(open_view: Opener) -> None:
    g = random_graph(400, seed=2)  # 20 staff in 2 teams
    probe = open_view(network_page(g, physics_limit=400, edges_per_node=None), "filters")
    products = sum(1 for _, d in g.nodes(data=True) if d["kind"] == "product")
    product_edges = sum(1 for *_, d in g.edges(data=True) if d["kind"] == "product")
    product_box = probe.page.locator('fieldset[data-filter="kind"] input[value="product"]')
    product_box.uncheck()
    counts = probe.page.evaluate(COUNTS)
    assert counts["visibleNodes"] == g.number_of_nodes() - products
    assert counts["visibleEdges"] == g.number_of_edges() - product_edges
    product_box.check()
    assert probe.page.evaluate(COUNTS)["visibleNodes"] == g.number_of_nodes()

    at_risk_customers = sum(
        1 for _, d in g.nodes(data=True) if d["kind"] == "customer" and d["status"] == "at_risk"
    )
    probe.page.locator('fieldset[data-filter="status"] input[value="at_risk"]').uncheck()
    counts = probe.page.evaluate(COUNTS)
    assert counts["visibleNodes"] == g.number_of_nodes() - at_risk_customers
    visible_statuses = probe.page.evaluate("graphdyn.edgesView.get().map((e) => e.color.color)")
    assert "#d62728" not in visible_statuses  # no at-risk tie is drawn
    probe.page.locator('fieldset[data-filter="status"] input[value="at_risk"]').check()

    team_0 = {n for n, d in g.nodes(data=True) if d["kind"] == "staff" and d["team"] == "team 0"}
    probe.page.locator('fieldset[data-filter="team"] input[value="team 0"]').uncheck()
    assert probe.page.evaluate(COUNTS)["visibleNodes"] == g.number_of_nodes() - len(team_0)
    segments = probe.page.locator('fieldset[data-filter="segment"] input').count()
    assert segments == 3
    screenshot(probe, "filters")
    probe.assert_clean()


def test_ego_view_in_python_and_in_the_page(open_view: Opener) -> None:
    g = random_graph(250, seed=3)
    view = network_page(g, focus="c5", depth=2)
    probe = open_view(view, "ego")
    expected = ego_nodes(g, "customer:c5", 2)
    assert probe.page.evaluate(COUNTS)["nodes"] == len(expected) == view.counts["nodes"].shown
    assert view.counts["nodes"].total == len(expected)  # the ego network is the scope
    assert view.note is not None
    assert probe.page.locator("#graphdyn-notes").inner_text() == (
        f"Ego view of Customer 5 (customer), 2 hops\n{header_text(view)}: {view.note}."
    )
    # in the page: select a staff member, show its neighbourhood, then everything again
    staff = min(n for n in expected if n.startswith("staff:"))
    probe.page.fill("#graphdyn-search", g.nodes[staff]["name"])
    probe.page.press("#graphdyn-search", "Enter")
    probe.page.click("text=Show neighbourhood")
    one_hop = ego_nodes(g.subgraph(expected), staff, 1)
    assert probe.page.evaluate(COUNTS)["visibleNodes"] == len(one_hop)
    probe.page.click("text=Show all")
    assert probe.page.evaluate(COUNTS)["visibleNodes"] == len(expected)
    probe.assert_clean()


def test_tooltip_shows_metrics_and_na(open_view: Opener) -> None:
    probe = open_view(network_page(hand_graph()), "tooltip")
    hover_node(probe, "customer:c3")
    tooltip = probe.page.locator("#graphdyn-tooltip")
    tooltip.wait_for(state="visible")
    rows = dict(line.split("\t") for line in tooltip.inner_text().splitlines()[2:])
    assert tooltip.inner_text().splitlines()[:2] == ["c3", "Customer"]
    assert (rows["Status"], rows["Strength"], rows["Decayed value"]) == ("at_risk", "n/a", "n/a")
    assert rows["Days since last contact"] == "200"
    screenshot(probe, "tooltip")
    probe.assert_clean()


def header_text(view: Page) -> str:
    """What the page's header and note say the view shows, from the view's counts."""
    return ", ".join(str(count) for count in view.counts.values())


COUNT_TEXT = re.compile(r"([\d,]+) of ([\d,]+) (nodes shown|edges drawn)")


def counts_in(text: str) -> dict[str, tuple[int, int]]:
    """Read ``shown of total what`` counts out of a text on the page."""
    return {
        what: (int(shown.replace(",", "")), int(total.replace(",", "")))
        for shown, total, what in COUNT_TEXT.findall(text)
    }


def test_pruned_view_header_and_note_agree_with_the_counts(open_view: Opener) -> None:
    g = random_graph(900, seed=4)  # ties and product links
    view = network_page(g, max_nodes=400)
    nodes, edges = view.counts["nodes"], view.counts["edges"]
    assert (nodes.shown, nodes.total, edges.total) == (400, 900, g.number_of_edges())
    probe = open_view(view, "pruned")
    counts = probe.page.evaluate(COUNTS)
    assert (counts["visibleNodes"], counts["visibleEdges"]) == (nodes.shown, edges.shown)
    header = probe.page.locator("#graphdyn-counts").inner_text()
    note = probe.page.locator("#graphdyn-notes").inner_text()
    expected = {
        "nodes shown": (nodes.shown, nodes.total),
        "edges drawn": (edges.shown, edges.total),
    }
    assert counts_in(header) == counts_in(note) == expected
    assert header == header_text(view) == "400 of 900 nodes shown, " + str(edges)
    assert view.note is not None and "other edges among the shown nodes" in view.note
    assert note == f"{header}: {view.note}."
    # a filter changes what is visible, never the totals
    probe.page.locator('fieldset[data-filter="kind"] input[value="product"]').uncheck()
    filtered = counts_in(probe.page.locator("#graphdyn-counts").inner_text())
    visible = probe.page.evaluate(COUNTS)
    assert filtered == {
        "nodes shown": (visible["visibleNodes"], nodes.total),
        "edges drawn": (visible["visibleEdges"], edges.total),
    }
    assert visible["visibleNodes"] < nodes.shown
    screenshot(probe, "pruned")
    probe.assert_clean()


@pytest.mark.parametrize("with_csp", [True, False], ids=["with-csp", "escaping-alone"])
def test_hostile_names_never_run(browser: Browser, tmp_path: Path, with_csp: bool) -> None:
    view = network_page(xss_graph(), focus=XSS_ID, depth=2, title=XSS_CUSTOMER_NAMES[0])
    page_html = view.html
    if not with_csp:
        # prove the escaping alone is enough: the policy would block an injected handler anyway
        start = page_html.index('<meta http-equiv="Content-Security-Policy"')
        page_html = page_html[:start] + page_html[page_html.index(">", start) + 1 :]
    path = tmp_path / "xss.html"
    path.write_text(page_html, encoding="utf-8")
    probe = open_html_file(browser, path, READY)
    try:
        page = probe.page
        # every place user text reaches: labels, search, details, tooltip, filters, notes
        for name in XSS_CUSTOMER_NAMES:
            page.fill("#graphdyn-search", name)
            page.press("#graphdyn-search", "Enter")
            assert page.locator("#graphdyn-details .gd-card-title").inner_text() == name
            hover_node(probe, "customer:c1")
        page.locator('fieldset[data-filter="team"] input').first.uncheck()
        page.locator('fieldset[data-filter="team"] input').first.check()
        team_labels = page.locator('fieldset[data-filter="team"] label').all_inner_texts()
        assert XSS_TEAM in team_labels
        assert page.title() == XSS_CUSTOMER_NAMES[0]
        assert "</script><!--<script>" in page.locator("#graphdyn-notes").inner_text()
        page.fill("#graphdyn-search", XSS_ID)
        page.press("#graphdyn-search", "Enter")
        assert page.evaluate("graphdyn.network.getSelectedNodes()") == [
            node_id(probe, f"customer:{XSS_ID}")
        ]
        page.wait_for_timeout(300)
        assert page.evaluate("document.querySelectorAll('img, svg, iframe').length") == 0
        assert page.evaluate("document.scripts.length") == 3
        screenshot(probe, f"xss-{'csp' if with_csp else 'no-csp'}")
        probe.assert_clean()
    finally:
        probe.page.context.close()


def test_empty_graph_page(open_view: Opener) -> None:
    probe = open_view(network_page(nx.Graph()), "empty")
    assert probe.page.evaluate(COUNTS)["nodes"] == 0
    probe.assert_clean()


def test_jupyter_iframe_runs_its_scripts(browser: Browser, tmp_path: Path) -> None:
    view = network_page(hand_graph())
    notebook_like = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>cell output</title></head>"
        f"<body><div class='output_html'>{view._repr_html_()}</div></body></html>"
    )
    path = tmp_path / "notebook.html"
    path.write_text(notebook_like, encoding="utf-8")
    probe = open_html_file(browser, path, None)
    try:
        frame = probe.page.frame_locator("iframe").first
        frame.locator("body[data-ready='true']").wait_for(timeout=60_000)
        inner = probe.page.frames[1]
        assert inner.evaluate("[graphdyn.nodes.length, graphdyn.edges.length]") == [7, 5]
        assert inner.evaluate("window.origin") == "null"  # sandboxed: no access to the notebook
        screenshot(probe, "jupyter-iframe")
        probe.assert_clean()
    finally:
        probe.page.context.close()


@pytest.mark.slow
def test_3000_node_view_draws_with_layout_from_python(open_view: Opener) -> None:
    g = random_graph(3000, seed=0)
    view = network_page(g, max_nodes=3000)
    probe = open_view(view, "large-3000")
    counts = probe.page.evaluate(COUNTS)
    assert (counts["nodes"], counts["edges"]) == (3000, view.counts["edges"].shown)
    assert probe.page.locator("#graphdyn-counts").inner_text() == header_text(view)
    assert view.counts["edges"].total == g.number_of_edges()
    assert probe.page.evaluate("graphdyn.network.physics.physicsEnabled") is False
    teams = probe.page.locator('fieldset[data-filter="team"] label').all_inner_texts()
    assert teams == [f"team {i}" for i in range(15)]  # natural order: team 2 before team 10
    screenshot(probe, "large-3000")
    probe.assert_clean()
    # recorded for the record, not asserted: navigation start to the first drawing
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "timing-3000.json").write_text(
        json.dumps(
            {"nodes": 3000, "edges": view.counts["edges"].shown, "ready_ms": probe.ready_ms}
        ),
        encoding="utf-8",
    )


def _dom_point(probe: PageProbe, canvas_point: str) -> dict[str, float]:
    """Return the page coordinates of a canvas point given as a JavaScript expression."""
    point = probe.page.evaluate(
        f"""() => {{
            const dom = graphdyn.network.canvasToDOM({canvas_point});
            const box = document.getElementById("graphdyn-network").getBoundingClientRect();
            return {{x: box.left + dom.x, y: box.top + dom.y}};
        }}"""
    )
    assert isinstance(point, dict)
    return point


def test_neighbourhood_view_draws_the_edges_the_overview_holds_back(open_view: Opener) -> None:
    g = random_graph(400, seed=12)
    view = network_page(g, edges_per_node=1, physics_limit=0)
    assert view.counts["edges"].shown < g.number_of_edges()
    probe = open_view(view, "held-back")
    counts = probe.page.evaluate(COUNTS)
    assert (counts["visibleNodes"], counts["visibleEdges"]) == (400, view.counts["edges"].shown)
    assert probe.page.locator("#graphdyn-counts").inner_text() == (
        f"400 of 400 nodes shown, {view.counts['edges'].shown:,} of {g.number_of_edges():,} "
        "edges drawn"
    )
    staff = max((n for n in g if n.startswith("staff:")), key=g.degree)
    probe.page.fill("#graphdyn-search", g.nodes[staff]["name"])
    probe.page.press("#graphdyn-search", "Enter")
    details = probe.page.locator("#graphdyn-details").inner_text()
    assert f"Connections\t{g.degree(staff)}" in details  # held-back edges count too
    probe.page.click("text=Show neighbourhood")
    one_hop = ego_nodes(g, staff, 1)
    counts = probe.page.evaluate(COUNTS)
    assert counts["visibleNodes"] == len(one_hop)
    assert counts["visibleEdges"] == g.subgraph(one_hop).number_of_edges()
    screenshot(probe, "held-back-neighbourhood")
    probe.page.click("text=Show all")
    assert probe.page.evaluate(COUNTS)["visibleEdges"] == view.counts["edges"].shown
    probe.assert_clean()


def test_a_held_back_edge_has_its_own_card(open_view: Opener) -> None:
    g = nx.Graph()
    for cid in ("c1", "c2", "c3"):
        g.add_node(f"customer:{cid}", kind="customer", id=cid, name=f"Customer {cid}")
    for sid in ("s1", "s2"):
        g.add_node(f"staff:{sid}", kind="staff", id=sid, name=f"Staff {sid}")
    for s, c, w, status in [
        ("s1", "c1", 0.9, "active"),
        ("s1", "c2", 0.8, "active"),
        ("s2", "c1", 0.2, "cooling"),
        ("s2", "c2", 0.3, "active"),
        ("s2", "c3", 0.7, "active"),
    ]:
        tie = {"weight": w, "strength": w, "status": status, "trend": "weakening"}
        g.add_edge(f"customer:{c}", f"staff:{s}", kind="tie", **tie)
    view = network_page(g, edges_per_node=1, physics_limit=0)
    assert (
        view.counts["edges"].shown == 4
    )  # s2–c1 is neither's strongest, and s1–c1–s2 is connected
    probe = open_view(view, "held-back-card")
    probe.page.evaluate(
        "graphdyn.showEgo(graphdyn.nodeIdOfKey('staff:s2'), 1); graphdyn.network.redraw()"
    )
    assert probe.page.evaluate(COUNTS)["visibleEdges"] == 3
    ends = [node_id(probe, "staff:s2"), node_id(probe, "customer:c1")]
    middle = _dom_point(
        probe,
        f"(() => {{ const p = graphdyn.network.getPositions({json.dumps(ends)}); "
        "const [a, b] = Object.values(p); "
        "return {x: (a.x + b.x) / 2, y: (a.y + b.y) / 2}; })()",
    )
    probe.page.mouse.move(middle["x"], middle["y"])
    tooltip = probe.page.locator("#graphdyn-tooltip")
    tooltip.wait_for(state="visible")
    lines = tooltip.inner_text().splitlines()
    assert lines[:2] == ["Customer c1 \u2013 Staff s2", "Tie"]
    rows = dict(line.split("\t") for line in lines[2:])
    assert rows == {
        "Status": "cooling",
        "Trend": "weakening",
        "Metrics": "not in this page (weaker than the ties drawn in the overview)",
    }
    probe.assert_clean()
