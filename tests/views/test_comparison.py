"""Tests of compare.html: headline counts, the transition matrix, tables, escaping, offline-ness.

The main comparison is built by hand from two small audits (only the columns a comparison
reads), so every number on the page is known:

=====  ===================  ===================  ==================================
id     older (2024-03-31)   newer (2024-06-30)   what it tests
=====  ===================  ===================  ==================================
C1     active 0.80          at risk 0.40         worse, drop of 0.40
C2     active 0.70          active 0.72          unchanged
C3     cooling 0.50         active 0.60          better
C4     new 0.30             active 0.35          changed, neither worse nor better
C5     at risk 0.25         dormant 0.10         worse, drop of 0.15
C6     dormant 0.05         cooling 0.20         better
<img>  active 0.60          (gone)               lost customer and tie; a hostile id
C8     (absent)             new 0.30             new customer, new tie
C9     cooling 0.55         cooling 0.52         a fall of 0.03: below the threshold
=====  ===================  ===================  ==================================

Each customer has one tie with the same strength and status, except that C1 gains a new tie
to a staff member with a hostile id and C2 loses its tie to s4.
"""

from __future__ import annotations

import base64
import hashlib
import re
from html import escape
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from playwright.sync_api import Browser

from graphdyn.audits.compare import Comparison, compare_audits
from graphdyn.audits.run import audit
from graphdyn.ingest.dataset import Dataset
from graphdyn.views.comparison import SECTIONS, comparison_page

from .browsing import open_html_file, screenshot
from .test_report import Page, _events

XSS_IMG = "<img src=x onerror=alert(1)>"
XSS_SCRIPT = "</script><script>alert(1)</script>"
XSS_ATTR = '"><svg onload=alert(1)>'
OLD_AS_OF, NEW_AS_OF = "2024-03-31T00:00:00Z", "2024-06-30T00:00:00Z"

TIE_COLUMNS = ["customer_id", "staff_id", "strength", "status"]
OLD_TIES = [
    ("C1", "s1", 0.80, "active"),
    ("C2", "s1", 0.70, "active"),
    ("C2", "s4", 0.45, "cooling"),
    ("C3", "s2", 0.50, "cooling"),
    ("C4", "s3", 0.30, "new"),
    ("C5", "s3", 0.25, "at_risk"),
    ("C6", "s1", 0.05, "dormant"),
    (XSS_IMG, "s2", 0.60, "active"),
    ("C9", "s3", 0.55, "cooling"),
]
NEW_TIES = [
    ("C1", "s1", 0.40, "at_risk"),
    ("C1", XSS_ATTR, 0.20, "new"),
    ("C2", "s1", 0.72, "active"),
    ("C3", "s2", 0.60, "active"),
    ("C4", "s3", 0.35, "active"),
    ("C5", "s3", 0.10, "dormant"),
    ("C6", "s1", 0.20, "cooling"),
    ("C8", "s1", 0.30, "new"),
    ("C9", "s3", 0.52, "cooling"),
]
CUSTOMER_NAMES = {"C1": XSS_SCRIPT, "C5": "Acme & Sons"}
STAFF_NAMES = {"s1": "Ann O'Neil", "s3": "Cy"}
MATRIX_ORDER = ["new", "active", "cooling", "at risk", "dormant"]


def _audit_of(rows: list[tuple[str, str, float, str]], as_of: str) -> SimpleNamespace:
    """An audit as compare_audits reads it; a customer's strength and status are its first tie's."""
    ties = pd.DataFrame(rows, columns=TIE_COLUMNS)
    customers = ties.groupby("customer_id", as_index=False, sort=True).first()
    return SimpleNamespace(ties=ties, customers=customers, summary={"as_of": as_of})


@pytest.fixture(scope="module")
def comparison() -> Comparison:
    return compare_audits(_audit_of(OLD_TIES, OLD_AS_OF), _audit_of(NEW_TIES, NEW_AS_OF))


@pytest.fixture(scope="module")
def page(comparison: Comparison) -> str:
    return comparison_page(comparison, customer_names=CUSTOMER_NAMES, staff_names=STAFF_NAMES).html


@pytest.fixture(scope="module")
def parsed(page: str) -> Page:
    return Page(page)


class Matrix(HTMLParser):
    """Read the transition matrix: each row's header, and each cell's text and classes."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[tuple[str, str]]] = []  # (text, classes) per cell, header first
        self._inside = False
        self._cell: list[str] | None = None
        self._classes = ""
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = dict(attrs).get("class") or ""
        if tag == "table":
            self._inside = "matrix" in classes.split()
        elif self._inside and tag == "tr":
            self.rows.append([])
        elif self._inside and tag in ("td", "th"):
            self._cell, self._classes = [], classes

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._inside = False
        elif self._inside and tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(("".join(self._cell).strip(), self._classes))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def texts(self) -> list[list[str]]:
        return [[text for text, _ in row] for row in self.rows]

    def classes(self) -> list[list[str]]:
        """The body cells' classes other than ``num``, one list per status row."""
        return [
            [" ".join(c for c in classes.split() if c != "num") for _, classes in row[1:-1]]
            for row in self.rows[1:-1]
        ]


# The page as a whole ----------------------------------------------------------------------


def test_page_is_well_formed_with_its_sections(parsed: Page) -> None:
    assert parsed.nesting_errors == [] and parsed.stack == []
    assert parsed.section_ids == [anchor for anchor, _ in SECTIONS]
    assert [parsed.sections[anchor].heading for anchor, _ in SECTIONS] == [
        "Headline figures",
        "Status transitions",
        "Customers whose status worsened",
        "Largest strength drops",
        "New ties",
        "Lost ties",
    ]


def test_header_names_both_dates_and_the_interval(page: str) -> None:
    header = page[page.index("<header>") : page.index("</header>")]
    assert 'Relationship changes <span class="as-of">2024-03-31 → 2024-06-30</span>' in header
    assert "<dt>Older audit</dt><dd>as of 2024-03-31</dd>" in header
    assert "<dt>Newer audit</dt><dd>as of 2024-06-30</dd>" in header
    assert "<dt>Interval</dt><dd>91 days</dd>" in header
    assert "<title>Relationship changes 2024-03-31 → 2024-06-30</title>" in page


def test_an_as_of_time_is_shown_when_not_midnight() -> None:
    old = _audit_of(OLD_TIES, "2024-03-31T08:30:00Z")
    new = _audit_of(OLD_TIES, "2024-04-01")
    header = comparison_page(compare_audits(old, new)).html.split("</header>")[0]
    assert "2024-03-31 08:30 UTC → 2024-04-01" in header
    assert "<dt>Interval</dt><dd>0 days</dd>" in header  # 15.5 hours


def test_nothing_is_loaded_from_anywhere(page: str, parsed: Page) -> None:
    for tag, attribute, value in parsed.urls:
        assert value.startswith(("#", "data:")), (tag, attribute, value)
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:|//)""", page, re.IGNORECASE)
    assert not re.search(r"https?://", page.replace("http://www.w3.org/2000/svg", ""))
    assert "@import" not in page and "url(" not in page


def test_csp_allows_exactly_the_inline_style_and_script(page: str) -> None:
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert csp is not None
    policy = dict(part.strip().split(" ", 1) for part in csp.group(1).split(";"))
    assert policy["default-src"] == "'none'"
    for tag, directive in (("style", "style-src"), ("script", "script-src")):
        blocks = re.findall(rf"<{tag}>(.*?)</{tag}>", page, re.DOTALL)
        assert len(blocks) == 1
        digest = base64.b64encode(hashlib.sha256(blocks[0].encode()).digest()).decode()
        assert policy[directive] == f"'sha256-{digest}'"
    style = re.findall(r"<style>(.*?)</style>", page, re.DOTALL)[0]
    assert "table.matrix td.same" in style and ".figure.alert" in style  # both style sheets


def test_hostile_ids_and_names_appear_as_text(page: str, parsed: Page) -> None:
    for hostile in (XSS_IMG, XSS_SCRIPT, XSS_ATTR):
        assert hostile not in page
        assert escape(hostile) in page
    visible = "".join(parsed.visible)
    assert XSS_IMG in visible and XSS_SCRIPT in visible and XSS_ATTR in visible
    assert page.count("<script") == 1 and page.count("</script>") == 1
    assert "<img" not in page and "<svg onload" not in page


def test_missing_values_never_read_nan(page: str, parsed: Page) -> None:
    visible = " ".join(parsed.visible)
    assert not re.search(r"\b(nan|NaN|NaT|None|<NA>)\b", visible)
    markup = re.sub(r"<(style|script)>.*?</\1>", "", page, flags=re.DOTALL)  # SVG titles too
    assert not re.search(r"(?i:\bnan\b)|\bNaT\b|\bNone\b|&lt;NA&gt;", markup)


def test_same_comparison_same_page(comparison: Comparison, page: str) -> None:
    assert (
        comparison_page(comparison, customer_names=CUSTOMER_NAMES, staff_names=STAFF_NAMES).html
        == page
    )


# Headline figures and the transition matrix -----------------------------------------------


def test_headline_figures(parsed: Page) -> None:
    assert parsed.figures == {
        "customers": "7",  # C1-C6, C9
        "status-changes": "5",  # C1, C3, C4, C5, C6
        "worse": "2",  # C1 active -> at risk, C5 at risk -> dormant
        "better": "2",  # C3 cooling -> active, C6 dormant -> cooling
        "drops": "2",  # C1 -0.40, C5 -0.15; C9's -0.03 is under the 0.05 threshold
        "new-customers": "1",
        "lost-customers": "1",
        "tie-status-changes": "5",
        "tie-drops": "2",
        "new-ties": "2",
        "lost-ties": "2",
    }


def test_headline_alerts_only_where_something_went_wrong(page: str) -> None:
    alerts = re.findall(
        r'<div class="figure alert"><span class="value" data-figure="([^"]+)"', page
    )
    assert alerts == ["worse", "drops", "lost-customers", "tie-drops", "lost-ties"]


def test_transition_matrix_cells(page: str) -> None:
    matrix = Matrix(page)
    assert matrix.texts() == [
        ["Old ↓ new →", *MATRIX_ORDER, "Total"],
        ["new", "0", "1", "0", "0", "0", "1"],  # C4
        ["active", "0", "1", "0", "1", "0", "2"],  # C2; C1
        ["cooling", "0", "1", "1", "0", "0", "2"],  # C3; C9
        ["at risk", "0", "0", "0", "0", "1", "1"],  # C5
        ["dormant", "0", "0", "1", "0", "0", "1"],  # C6
        ["Total", "0", "3", "2", "1", "1", "7"],
    ]
    assert matrix.classes() == [
        ["same zero", "", "worse zero", "worse zero", "worse zero"],  # new -> active: level
        ["zero", "same", "worse zero", "worse", "worse zero"],
        ["better zero", "better", "same", "worse zero", "worse zero"],
        ["better zero", "better zero", "better zero", "same zero", "worse"],
        ["better zero", "better zero", "better", "better zero", "same zero"],
    ]
    assert 'title="1 customer: active → at risk"' in page


def test_matrix_note_counts_customers_outside_it(parsed: Page) -> None:
    prose = parsed.sections["transitions"].prose
    assert (
        "Not in the matrix: 1 customer only in the newer audit, 1 only in the older one." in prose
    )


# Tables and the chart ---------------------------------------------------------------------


def test_worsened_customers_worst_status_first(parsed: Page) -> None:
    table = parsed.sections["worsened"].tables[0]
    assert table.headers == [
        "Customer",
        "Old status",
        "New status",
        "Old strength",
        "New strength",
        "Change",
    ]
    assert table.rows == [
        ["Acme & Sons C5", "at risk", "dormant", "0.25", "0.10", "−0.15"],
        [f"{XSS_SCRIPT} C1", "active", "at risk", "0.80", "0.40", "−0.40"],
    ]
    assert table.classes[1][1:3] == ["status-active", "status-at_risk"]


def test_drops_chart_and_tables(page: str, parsed: Page) -> None:
    section = parsed.sections["drops"]
    assert [chart["bar"] for chart in section.charts] == [2]
    chart = page[page.index('aria-label="Largest falls in customer strength"') :]
    chart = chart[: chart.index("</svg>")]
    titles = re.findall(r"<title>([^<]*)</title></rect>", chart)
    assert titles == [
        f"{escape(XSS_SCRIPT)} (C1): −0.40 (0.80 → 0.40)",
        "Acme &amp; Sons (C5): −0.15 (0.25 → 0.10)",
    ]
    widths = [float(w) for w in re.findall(r'class="bar"[^>]*width="([\d.]+)"', chart)]
    assert widths[0] == pytest.approx(widths[1] * 0.40 / 0.15, rel=0.01)
    customers, ties = section.tables
    assert customers.column("Customer") == [f"{XSS_SCRIPT} C1", "Acme & Sons C5"]
    assert customers.column("Change") == ["−0.40", "−0.15"]
    assert ties.headers[:2] == ["Customer", "Staff"]
    assert ties.rows == [
        [f"{XSS_SCRIPT} C1", "Ann O'Neil s1", "0.80", "0.40", "−0.40", "active", "at risk"],
        ["Acme & Sons C5", "Cy s3", "0.25", "0.10", "−0.15", "at risk", "dormant"],
    ]


def test_new_ties_strongest_first(parsed: Page) -> None:
    table = parsed.sections["new-ties"].tables[0]
    assert table.headers == ["Customer", "Staff", "Strength", "Status"]
    assert table.rows == [
        ["C8", "Ann O'Neil s1", "0.30", "new"],
        [f"{XSS_SCRIPT} C1", XSS_ATTR, "0.20", "new"],
    ]


def test_lost_ties_strongest_first(parsed: Page) -> None:
    table = parsed.sections["lost-ties"].tables[0]
    assert table.headers == ["Customer", "Staff", "Strength then", "Status then"]
    assert table.rows == [[XSS_IMG, "s2", "0.60", "active"], ["C2", "s4", "0.45", "cooling"]]


def test_without_names_the_ids_stand_alone(comparison: Comparison) -> None:
    parsed = Page(comparison_page(comparison).html)
    assert parsed.sections["worsened"].tables[0].column("Customer") == ["C5", "C1"]
    assert 'class="name"' not in comparison_page(comparison).html


def test_long_tables_are_cut_with_a_note(comparison: Comparison) -> None:
    page = comparison_page(comparison, max_rows=1)
    assert {key: (count.shown, count.total) for key, count in page.counts.items()} == {
        "worsened": (1, 2),
        "customer_drops": (1, 2),
        "tie_drops": (1, 2),
        "new_ties": (1, 2),
        "lost_ties": (1, 2),
    }
    parsed = Page(page.html)
    for anchor, what in (
        ("worsened", "worsened customers"),
        ("new-ties", "new ties"),
        ("lost-ties", "lost ties"),
    ):
        assert len(parsed.sections[anchor].tables[0].rows) == 1
        assert f"1 of 2 {what} shown; compare.csv holds every row." in (
            parsed.sections[anchor].prose
        )
    with pytest.raises(ValueError, match="max_rows"):
        comparison_page(comparison, max_rows=0)


def test_empty_sections_say_so() -> None:
    same = _audit_of(OLD_TIES, OLD_AS_OF)
    parsed = Page(comparison_page(compare_audits(same, _audit_of(OLD_TIES, NEW_AS_OF))).html)
    assert parsed.sections["worsened"].prose == "No customer moved to a worse status."
    assert parsed.sections["drops"].charts == []
    assert parsed.sections["drops"].prose == (
        "Customers No customer's strength fell by more than the threshold. "
        "Ties No tie's strength fell by more than the threshold."
    )
    assert parsed.sections["new-ties"].prose == "No new ties."
    assert parsed.sections["lost-ties"].prose == "No lost ties."
    assert set(parsed.figures.values()) == {"0", "8"}  # 8 customers in both, nothing changed
    assert parsed.nesting_errors == []
    nobody = _audit_of([], OLD_AS_OF)
    parsed = Page(comparison_page(compare_audits(nobody, _audit_of([], NEW_AS_OF))).html)
    assert parsed.sections["transitions"].prose == "No customer is in both audits."


# Real audits ------------------------------------------------------------------------------


def test_two_real_audits_four_months_apart() -> None:
    """The report tests' events audited on 2024-03-01 and 2024-06-30.

    C3's weekly calls stopped in February: cooling in March (three weeks of silence against a
    weekly rhythm), at risk by June (liveness 0.005), its strength down 0.20 (intensity faded).
    C2 went quiet at the end of 2023: at risk both times, its strength falling (0.73, then 0.58)
    and its two ties with it; C4 slips from active to cooling (34 days of silence against a
    12-day usual gap).
    """
    data = Dataset.from_frames(_events(), on_error="quarantine")
    old, new = audit(data, as_of="2024-03-01"), audit(data, as_of="2024-06-30")
    comparison = compare_audits(old, new)
    page = comparison_page(comparison, customer_names={"C4": "Acme & Sons"}).html
    parsed = Page(page)
    assert parsed.figures == {
        "customers": "4",
        "status-changes": "2",
        "worse": "2",
        "better": "0",
        "drops": "2",
        "new-customers": "0",
        "lost-customers": "0",
        "tie-status-changes": "3",
        "tie-drops": "3",
        "new-ties": "0",
        "lost-ties": "0",
    }
    counts = comparison.changes.groupby(["level", "change"]).size()
    assert parsed.figures["tie-drops"] == str(counts[("tie", "strength_drop")])
    matrix = Matrix(page).texts()
    assert matrix[2] == ["active", "0", "1", "1", "0", "0", "2"]  # C1 stays; C4 cools
    assert matrix[3] == ["cooling", "0", "0", "0", "1", "0", "1"]  # C3
    assert matrix[4] == ["at risk", "0", "0", "0", "1", "0", "1"]  # C2
    worsened = parsed.sections["worsened"].tables[0]
    assert sorted(row[0] for row in worsened.rows) == ["Acme & Sons C4", "C3"]
    drops = parsed.sections["drops"].tables
    assert drops[0].column("Customer") == ["C3", "C2"]
    assert drops[0].column("Change") == ["−0.20", "−0.15"]
    assert drops[1].column("Staff") == ["s3", "s1", "s2"]  # C3: -0.20; C2: -0.11, -0.10
    assert drops[1].column("New status") == ["at risk", "cooling", "cooling"]


# In a real browser ------------------------------------------------------------------------


@pytest.mark.browser
def test_opens_clean_in_chromium(browser: Browser, page: str, tmp_path: Path) -> None:
    path = tmp_path / "compare.html"
    path.write_text(page, encoding="utf-8")
    probe = open_html_file(browser, path, None)
    try:
        probe.page.wait_for_load_state("load")
        probe.assert_clean()
        assert probe.page.locator("svg.chart").count() == 1
        assert probe.page.locator("img").count() == 0
        colours = probe.page.evaluate(
            """() => Object.fromEntries(["same", "worse", "better"].map(kind => [kind,
                getComputedStyle(document.querySelector(
                    `table.matrix td.${kind}:not(.zero)`)).color]))"""
        )
        assert colours == {
            "same": "rgb(102, 102, 102)",  # --muted
            "worse": "rgb(176, 58, 46)",  # --risk
            "better": "rgb(46, 125, 50)",  # --better
        }
        rows = probe.page.locator("#lost-ties tbody tr td:first-child .id")
        assert rows.all_inner_texts() == [XSS_IMG, "C2"]  # strongest first
        probe.page.locator("#lost-ties th", has_text="Strength then").locator("button").click()
        assert rows.all_inner_texts() == ["C2", XSS_IMG]  # 0.45, 0.60
        visible = probe.page.locator("#new-ties tbody").inner_text()
        assert XSS_ATTR in visible and XSS_SCRIPT in visible
        screenshot(probe, "compare")
        probe.assert_clean()
    finally:
        probe.page.context.close()
