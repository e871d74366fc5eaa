"""Tests of report.html: sections, headline figures, charts, tables, escaping, offline-ness.

The main audit is built by hand (four customers, four staff) so that every number the page
shows is known: C1 meets s1 every fortnight and orders monthly (single-threaded on s1), C2 went
quiet six months ago (at risk, its strength falling), C3 had weekly phone calls with s3 until
February and has no attributes (NaN components; 16 gaps of silence, liveness 0.005: at risk,
though its strength, 0.63, did not fall: it says how strong the relationship was while it
lasted), C4 meets s2 and s3 every three weeks until early June (two strong ties; the two rhythms
interleave into a 12-day usual gap, so its 34 days of silence make it cooling).
One row is quarantined for a bad sentiment and one event after the as-of date is excluded. The
names are hostile on purpose.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import re
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from playwright.sync_api import Browser

from graphdyn.audits.run import Audit, audit
from graphdyn.config import Config
from graphdyn.ingest.dataset import Dataset
from graphdyn.views.charts import Marker, Series, bar_chart, histogram, line_chart, nice_ticks
from graphdyn.views.report import SECTIONS, report_page

from .browsing import open_html_file

XSS_IMG = "<img src=x onerror=alert(1)>"
XSS_SCRIPT = "</script><script>alert(1)</script>"
XSS_TEAM = '"><svg onload=alert(1)>'
AS_OF = "2024-06-30"
#: The staff columns an audit adds from centrality and departure what-ifs.
EXPOSURE_COLUMNS = (
    "betweenness",
    "pagerank",
    "constraint",
    "effective_size",
    "departure_at_risk",
    "value_at_stake",
)


def _events() -> pd.DataFrame:
    rows: list[dict[str, object]] = []

    def add(cid: str, sid: str | None, channel: str, days: object, **extra: object) -> None:
        for k, day in enumerate(pd.DatetimeIndex(days)):
            rows.append(
                {
                    "interaction_id": f"{cid}-{sid}-{channel}-{k}",
                    "timestamp": day.strftime("%Y-%m-%d"),
                    "customer_id": cid,
                    "staff_id": sid,
                    "channel": channel,
                    "direction": "outbound" if k % 2 else "inbound",
                    **extra,
                }
            )

    fortnightly = pd.date_range("2023-01-01", "2024-06-20", freq="14D")
    add("C1", "s1", "meeting", fortnightly, sentiment=0.6)
    add("C1", None, "order", pd.date_range("2023-01-15", "2024-06-15", freq="MS"), value=1000.0)
    add("C2", "s1", "phone", pd.date_range("2023-01-01", "2023-12-31", freq="30D"), sentiment=0.2)
    add("C2", "s2", "phone", pd.date_range("2023-01-10", "2023-12-31", freq="30D"), sentiment=0.2)
    add("C2", None, "order", pd.date_range("2023-01-20", "2023-12-20", freq="MS"), value=5000.0)
    add("C4", "s2", "meeting", pd.date_range("2023-06-01", "2024-06-10", freq="21D"), sentiment=0.5)
    add("C4", "s3", "video", pd.date_range("2023-06-05", "2024-06-10", freq="21D"), sentiment=0.5)
    single = {"staff_id": None, "direction": None}
    rows += [
        *({**single, "interaction_id": f"C3-{k}", "timestamp": day.strftime("%Y-%m-%d"),
           "customer_id": "C3", "staff_id": "s3", "channel": "phone"}
          for k, day in enumerate(pd.date_range("2023-09-01", periods=25, freq="7D"))),
        {**single, "interaction_id": "late", "timestamp": "2024-07-10", "customer_id": "C4",
         "staff_id": "s2", "channel": "meeting"},
        {**single, "interaction_id": "bad", "timestamp": "2024-05-10", "customer_id": "C4",
         "staff_id": "s2", "channel": "meeting", "sentiment": 1.5},
    ]  # fmt: skip
    return pd.DataFrame(rows)


def _hand_audit() -> Audit:
    customers = pd.DataFrame(
        {
            "customer_id": ["C1", "C2", "C4"],
            "name": [XSS_IMG, XSS_SCRIPT, "Acme & Sons"],
            "segment": ["enterprise", "smb", "mid_market"],
        }
    )
    staff = pd.DataFrame(
        {
            "staff_id": ["s1", "s2", "s3", "s4"],
            "name": ["Ann O'Neil", "Bob", "Cy", "Dee"],
            "team": [XSS_TEAM, "north", "north", "south"],
            "left_at": [None, None, None, "2024-01-31"],
        }
    )
    data = Dataset.from_frames(_events(), customers, staff, on_error="quarantine")
    return audit(data, as_of=AS_OF)


@pytest.fixture(scope="module")
def hand() -> Audit:
    return _hand_audit()


@pytest.fixture(scope="module")
def page(hand: Audit) -> str:
    return report_page(hand).html


# A small HTML reader: checks nesting and collects what the tests look at --------------------

VOID = {"meta", "link", "br", "img", "input", "hr", "wbr", "col", "area", "base", "source"}


@dataclass
class Table:
    headers: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    classes: list[list[str]] = field(default_factory=list)

    def column(self, header: str) -> list[str]:
        index = self.headers.index(header)
        return [row[index] for row in self.rows]


@dataclass
class Section:
    heading: str = ""
    text: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[dict[str, int]] = field(default_factory=list)

    @property
    def prose(self) -> str:
        return " ".join(" ".join(self.text).split())


class Page(HTMLParser):
    """Parse a page; record sections, tables, chart marks, figures, links and nesting errors."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.nesting_errors: list[str] = []
        self.sections: dict[str, Section] = {}
        self.figures: dict[str, str] = {}
        self.urls: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.visible: list[str] = []
        self.section_ids: list[str] = []
        self._section: Section | None = None
        self._cell: list[str] | None = None
        self._figure: str | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._record(tag, dict(attrs))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._record(tag, dict(attrs))

    def _record(self, tag: str, attrs: dict[str, str | None]) -> None:
        for name in ("src", "href", "action", "xlink:href", "data", "poster"):
            if attrs.get(name) is not None:
                self.urls.append((tag, name, str(attrs[name])))
        classes = (attrs.get("class") or "").split()
        if tag == "section":
            self._section = self.sections.setdefault(str(attrs["id"]), Section())
            self.section_ids.append(str(attrs["id"]))
        section = self._section
        if section is None:
            return
        if tag == "table":
            section.tables.append(Table())
        elif tag == "tr":
            table = section.tables[-1]
            if self.stack.count("tbody"):
                table.rows.append([])
                table.classes.append([])
        elif tag in ("td", "th"):
            self._cell = []
            if tag == "td":
                section.tables[-1].classes[-1].append(" ".join(classes))
        elif tag == "svg":
            section.charts.append({"bar": 0, "series": 0, "marker": 0})
        elif section.charts and tag in ("rect", "path", "line") and classes:
            chart = section.charts[-1]
            chart[classes[0]] = chart.get(classes[0], 0) + 1
        if attrs.get("data-figure"):
            self._figure = str(attrs["data-figure"])

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.nesting_errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else ''}>")
            return
        self.stack.pop()
        section = self._section
        if tag in ("td", "th") and section is not None and self._cell is not None:
            text = " ".join("".join(self._cell).split())
            table = section.tables[-1]
            (table.rows[-1] if tag == "td" else table.headers).append(text)
            self._cell = None
        elif tag == "section":
            self._section = None
        elif tag in ("span", "dd"):
            self._figure = None

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1] in ("script", "style", "title"):
            return
        self.visible.append(data)
        if self._cell is not None:
            self._cell.append(data)
        if self._figure is not None:
            self.figures[self._figure] = self.figures.get(self._figure, "") + data
        if self._section is None or self.stack[-1] in ("text", "title"):
            return
        if self.stack[-1] == "h2":
            self._section.heading += data
        else:
            self._section.text.append(data)


@pytest.fixture(scope="module")
def parsed(page: str) -> Page:
    return Page(page)


# The page as a whole ----------------------------------------------------------------------


def test_page_is_well_formed(parsed: Page) -> None:
    assert parsed.nesting_errors == []
    assert parsed.stack == []


def test_sections_in_order_with_headings(parsed: Page) -> None:
    assert parsed.section_ids == [anchor for anchor, _ in SECTIONS]
    assert [parsed.sections[anchor].heading for anchor, _ in SECTIONS] == [
        "Headline figures",
        "Strength distribution",
        "Channel mix",
        "Trajectories",
        "At-risk customers",
        "Weakest important relationships",
        "Single-threaded accounts",
        "Staff exposure",
        "Parameters and method",
    ]


def test_header_names_date_source_parameters_and_version(page: str, hand: Audit) -> None:
    header = page[page.index("<header>") : page.index("</header>")]
    assert "as of 2024-06-30" in header
    assert "<dt>Data source</dt><dd>frames</dd>" in header
    assert "half-life 90 days" in header
    assert "strong tie ≥ 0.5" in header and "cold at liveness &lt; 0.7 after 3 gaps" in header
    assert f"<dt>graphdyn</dt><dd>{hand.summary['graphdyn_version']}</dd>" in header
    assert "<title>Relationship audit as of 2024-06-30</title>" in page


def test_nothing_is_loaded_from_anywhere(page: str, parsed: Page) -> None:
    for tag, attribute, value in parsed.urls:
        assert value.startswith(("#", "data:")), (tag, attribute, value)
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:|//)""", page, re.IGNORECASE)
    assert "<script src" not in page and "@import" not in page and "url(" not in page


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


def test_hostile_names_appear_as_text(page: str, parsed: Page) -> None:
    for hostile in (XSS_IMG, XSS_SCRIPT, XSS_TEAM):
        assert hostile not in page
        assert escape(hostile) in page
    visible = "".join(parsed.visible)
    assert XSS_IMG in visible and XSS_SCRIPT in visible and XSS_TEAM in visible
    assert page.count("<script") == 1 and page.count("</script>") == 1
    assert "<img" not in page and "<svg onload" not in page


def test_missing_values_read_na_never_nan(page: str, parsed: Page) -> None:
    visible = " ".join(parsed.visible)
    assert not re.search(r"\b(nan|NaN|NaT|None|<NA>)\b", visible)
    markup = re.sub(r"<(style|script)>.*?</\1>", "", page, flags=re.DOTALL)  # SVG titles too
    assert not re.search(r"(?i:\bnan\b)|\bNaT\b|\bNone\b|&lt;NA&gt;", markup)
    at_risk = parsed.sections["at-risk"].tables[0]
    c3 = next(row for row in at_risk.rows if row[0] == "C3")  # no name: the id alone
    assert c3[at_risk.headers.index("Segment")] == "n/a"
    assert c3[at_risk.headers.index("Value at risk")] == "n/a"  # no orders: nothing in money


def test_without_values_the_at_risk_list_sorts_by_strength_at_risk(hand: Audit) -> None:
    customers = hand.customers.assign(value_at_risk=np.nan)
    parsed = Page(report_page(dataclasses.replace(hand, customers=customers)).html)
    at_risk = parsed.sections["at-risk"]
    assert at_risk.tables[0].headers[1] == "Strength at risk"  # right after the names
    # C3 0.63 x (1 - 0.005) = 0.625 before C2 0.58 x (1 - 0.007) = 0.572.
    assert at_risk.tables[0].column("Strength at risk") == ["0.63", "0.57"]
    assert at_risk.tables[0].column("Customer") == ["C3", f"{XSS_SCRIPT} C2"]
    assert "Most strength at risk first" in at_risk.prose


def test_same_audit_same_page(hand: Audit, page: str) -> None:
    assert report_page(hand).html == page


def test_a_share_under_one_percent_is_escaped(hand: Audit) -> None:
    tiny = dataclasses.replace(hand, summary={**hand.summary, "at_risk_share": 0.003})
    page = report_page(tiny).html
    assert 'data-figure="at-risk-share">&lt;1%</span>' in page
    assert Page(page).figures["at-risk-share"] == "<1%"


# Headline figures -------------------------------------------------------------------------


def test_headline_figures(parsed: Page) -> None:
    assert parsed.figures == {
        "customers": "4",
        "ties": "6",
        "staff": "4",
        "interactions": "153",
        "mean-strength": "0.73",  # (0.849 + 0.577 + 0.628 + 0.860) / 4
        "at-risk": "2",
        "at-risk-share": "50%",
        "single-threaded": "2",  # C1 on s1, C3 on s3
        "rejected-rows": "1",
        "excluded-after-as-of": "1",
        "self-service": "28",
        "without-interactions": "0",
    }


def test_status_table(parsed: Page) -> None:
    table = parsed.sections["headline"].tables[0]
    assert table.headers == ["Status", "Customers", "Share of customers", "Ties"]
    assert table.rows == [
        ["active", "1", "25%", "1"],
        ["cooling", "1", "25%", "4"],  # C2's two ties have fewer than 20 contact days each
        ["at risk", "2", "50%", "1"],
        ["dormant", "0", "0%", "0"],
        ["new", "0", "0%", "0"],
    ]
    assert "0 strengthening, 2 stable, 2 weakening" in parsed.sections["headline"].prose


# Charts -----------------------------------------------------------------------------------


def test_strength_histograms(page: str, parsed: Page) -> None:
    charts = parsed.sections["distribution"].charts
    assert [c["bar"] for c in charts] == [20, 20, 20]  # strength twice, then liveness
    assert [c["marker"] for c in charts] == [1, 1, 1]
    customers = page[page.index('aria-label="Strength of 4 customers"') :]
    customers = customers[: customers.index("</svg>")]
    counts = [
        int(n) for n in re.findall(r"<title>[\d.]+–[\d.]+: (\d+) customers</title>", customers)
    ]
    expected = [0] * 20
    for bin_ in (11, 12, 16, 17):  # 0.577, 0.628, 0.849, 0.860 in bins of 0.05
        expected[bin_] = 1
    assert counts == expected
    prose = parsed.sections["distribution"].prose
    assert "Customers: median 0.74; 100% at or above 0.5." in prose
    assert "Ties: median 0.68; 67% at or above 0.5." in prose
    assert "Customers: median 0.46; 50% below 0.7." in prose  # liveness: C2 and C3


def test_channel_mix(parsed: Page) -> None:
    section = parsed.sections["channels"]
    assert [c["bar"] for c in section.charts] == [8, 8]  # every configured channel
    table = section.tables[0]
    assert table.column("Channel")[:5] == ["meeting", "phone", "video", "order", "chat"]
    assert table.column("Interactions")[:5] == ["57", "50", "18", "28", "0"]
    assert table.column("Share of intensity")[:2] == ["58%", "21%"]


def test_trajectories_show_only_falling_customers(parsed: Page) -> None:
    section = parsed.sections["trajectories"]
    assert [c["series"] for c in section.charts] == [1]  # only C2 fell; C3's tenure grew
    table = section.tables[0]
    assert table.headers == [
        "Customer",
        "Strength at first snapshot",
        "Strength now",
        "Change",
        "Status",
    ]
    assert table.rows == [
        [f"{XSS_SCRIPT} C2", "0.77", "0.58", "−0.19", "at risk"],
    ]


# Tables -----------------------------------------------------------------------------------


def test_at_risk_table(parsed: Page) -> None:
    table = parsed.sections["at-risk"].tables[0]
    assert table.headers == [  # the column the list is sorted by right after the names
        "Customer",
        "Value at risk",
        "Segment",
        "Liveness",
        "Strength",
        "Days since last contact",
        "Overdue",
        "Top contact",
    ]
    # C2 has value at risk: 4,318 x (1 - 0.007); C3 has none, so it follows.
    assert table.column("Customer") == [f"{XSS_SCRIPT} C2", "C3"]
    assert table.rows[0] == [
        f"{XSS_SCRIPT} C2",
        "4,290",
        "smb",
        "0.01",
        "0.58",  # strong while it lasted; liveness says it is over
        "186",
        "15×",
        "Ann O'Neil s1",
    ]
    assert table.rows[1] == ["C3", "n/a", "n/a", "0.01", "0.63", "135", "16×", "Cy s3"]
    assert table.classes[0] == ["", "num", "", "num", "num", "num", "num", ""]
    assert table.classes[1] == ["", "num na", "na", "num", "num", "num", "num", ""]


def test_numbers_are_right_aligned_and_sortable(page: str) -> None:
    assert '<td class="num" data-sort="0.6282' in page  # C3's strength
    assert '<th scope="col" class="num">Strength</th>' in page


def test_weakest_important(parsed: Page) -> None:
    table = parsed.sections["weakest-important"].tables[0]
    # Important = value at or above the median (C1, C2); weakest first.
    assert table.column("Customer") == [f"{XSS_SCRIPT} C2", f"{XSS_IMG} C1"]
    assert table.column("Intensity") == ["0.37", "0.94"]
    assert table.column("Last contact") == ["2023-12-27", "2024-06-16"]
    assert table.classes[0][table.headers.index("Last contact")] == "date"  # kept on one line


def test_single_threaded(parsed: Page) -> None:
    table = parsed.sections["single-threaded"].tables[0]
    assert table.headers == [  # sorted by value, right after the names
        "Customer",
        "Value (decayed)",
        "Segment",
        "Carried by",
        "Tie strength",
        "Customer strength",
        "Status",
    ]
    assert table.rows == [
        [f"{XSS_IMG} C1", "3,750", "enterprise", "Ann O'Neil s1", "0.89", "0.85", "active"],
        ["C3", "n/a", "n/a", "Cy s3", "0.63", "0.63", "at risk"],
    ]


def test_staff_exposure_without_centrality(hand: Audit) -> None:
    staff = hand.staff.drop(columns=list(EXPOSURE_COLUMNS))
    section = Page(report_page(dataclasses.replace(hand, staff=staff)).html).sections["staff"]
    table = section.tables[0]
    assert table.headers == [  # the column it is sorted by right after the names
        "Staff",
        "Sole strong tie",
        "Customers",
        "Portfolio strength",
        "Strong ties",
        "Carries alone",
    ]
    # Then by portfolio strength: Cy 1.36 (C3 and C4), Ann 1.35, Bob 1.21. Under each name,
    # the team and the date the person left (no one has a role).
    assert table.column("Staff") == [
        "Cy s3 north",
        f"Ann O'Neil s1 {XSS_TEAM}",
        "Bob s2 north",
        "Dee s4 south · left 2024-01-31",
    ]
    assert table.column("Carries alone") == ["1", "1", "0", "0"]
    assert table.column("Sole strong tie") == ["1", "1", "0", "0"]
    assert "Sorted by sole strong tie customers" in section.prose


def test_staff_exposure_with_centrality_sorts_by_value_at_stake(hand: Audit) -> None:
    staff = hand.staff.assign(
        betweenness=[0.5, 0.25, 0.0, 0.0],
        pagerank=[0.3, 0.4, 0.2, 0.1],
        departure_at_risk=[1, 0, 2, 0],
        value_at_stake=[3750.3, np.nan, 12345.6, 0.0],
    )
    table = (
        Page(report_page(dataclasses.replace(hand, staff=staff)).html).sections["staff"].tables[0]
    )
    assert table.headers == [
        "Staff",
        "Value at stake",
        "At risk if they leave",
        "Customers",
        "Portfolio strength",
        "Strong ties",
        "Carries alone",
        "Sole strong tie",
        "Betweenness",
        "PageRank",
        "Constraint",
        "Effective size",
    ]
    assert [name.split(" s")[0] for name in table.column("Staff")] == [
        "Cy",
        "Ann O'Neil",
        "Dee",
        "Bob",
    ]
    assert table.column("Value at stake") == ["12.3k", "3,750", "0", "n/a"]


def test_long_tables_are_cut_with_a_note(hand: Audit) -> None:
    parsed = Page(report_page(hand, max_rows=1).html)
    assert len(parsed.sections["at-risk"].tables[0].rows) == 1
    assert (
        "1 of 2 at-risk customers shown; customers.csv in the audit folder holds every customer."
    ) in parsed.sections["at-risk"].prose
    assert len(parsed.sections["staff"].tables[0].rows) == 1
    assert (
        "1 of 4 staff shown; staff.csv in the audit folder holds every staff member."
    ) in parsed.sections["staff"].prose
    with pytest.raises(ValueError, match="max_rows"):
        report_page(hand, max_rows=0)


def test_counts_are_the_rows_each_long_table_shows(hand: Audit) -> None:
    page = report_page(hand, max_rows=1)
    assert {key: str(count) for key, count in page.counts.items()} == {
        "at_risk": "1 of 2 at-risk customers shown",
        "weakest_important": "2 of 2 important customers shown",
        "single_threaded": "1 of 2 single-threaded accounts shown",
        "staff": "1 of 4 staff shown",
    }
    parsed = Page(page.html)
    for key, anchor in (("at_risk", "at-risk"), ("single_threaded", "single-threaded")):
        assert len(parsed.sections[anchor].tables[0].rows) == page.counts[key].shown
        assert str(page.counts[key]) in parsed.sections[anchor].prose
    assert page.title == "Relationship audit as of 2024-06-30" and page.note is None


def test_parameters_and_method(parsed: Page) -> None:
    section = parsed.sections["method"]
    prose = section.prose
    # What each number means, in one sentence each.
    assert "Strength How strong the relationship is, from 0 to 1: the weighted average" in prose
    assert "Liveness How likely the relationship is still going: the probability" in prose
    assert "within the next 90 days" in prose
    assert "Value at risk The decayed order value the vendor stands to lose" in prose
    assert "the at-risk list is sorted by it" in prose
    assert "its weight halves every 90 days" in prose
    assert "or intensity below 0.05" in prose
    assert "half would have ended after 1460 days without any contact" in prose
    assert "more than 3 gaps overdue and its liveness is below 0.7" in prose
    assert "established on at least 20 contact days" in prose
    weights, richness, parameters = section.tables
    assert weights.headers == ["Component", "What it measures", "Weight", "Customers with data"]
    assert [[row[0], row[2], row[3]] for row in weights.rows] == [
        ["Intensity", "0.45", "4"],
        ["Tenure", "0.10", "4"],
        ["Reciprocity", "0.15", "3"],  # C3's calls have no direction
        ["Affect", "0.15", "3"],
        ["Value", "0.15", "2"],
    ]
    assert weights.rows[0][1].startswith("how much recent contact there is")
    assert ["meeting", "1.00"] in richness.rows
    values = {name: value for name, value in parameters.rows}
    assert values["half_life_days"] == "90"
    assert values["intensity_reference"] == "3.393"  # 0.7 / (1 - 2 ** (-30 / 90))
    assert values["reference_channel"] == "phone"


def test_empty_sections_say_so() -> None:
    days = pd.date_range("2024-01-01", "2024-06-30", freq="7D")
    rows = [
        {"interaction_id": f"{sid}{k}", "timestamp": f"{day:%Y-%m-%d}", "customer_id": "X",
         "staff_id": sid, "channel": "meeting"}
        for k, day in enumerate(days)
        for sid in ("s1", "s2")
    ]  # fmt: skip
    parsed = Page(report_page(audit(pd.DataFrame(rows), as_of=days[-1])).html)
    assert parsed.sections["at-risk"].prose == "No at-risk customers."
    assert parsed.sections["single-threaded"].prose == "No single-threaded accounts."
    assert (
        parsed.sections["trajectories"].prose == "No customer's strength fell over the snapshots."
    )
    self_service = [{**row, "staff_id": None, "channel": "order"} for row in rows[::2]]
    parsed = Page(report_page(audit(pd.DataFrame(self_service), as_of=days[-1])).html)
    assert "No customer–staff ties" in parsed.sections["distribution"].prose
    assert parsed.sections["staff"].prose == "No staff."
    assert parsed.nesting_errors == []


def test_one_snapshot_has_no_trajectory() -> None:
    one = Config(snapshots=1)
    data = Dataset.from_frames(_events(), on_error="quarantine", config=one)
    page = report_page(audit(data, as_of=AS_OF, config=one)).html
    assert Page(page).sections["trajectories"].prose == (
        "Only one snapshot was computed, so there is no trajectory to show."
    )
    assert "· 1 monthly snapshot</dd>" in page


# The chart helpers on their own -----------------------------------------------------------


def test_nice_ticks() -> None:
    assert nice_ticks(0, 1) == [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    assert nice_ticks(0, 37, 5) == [0.0, 10.0, 20.0, 30.0, 40.0]
    assert nice_ticks(0, 3, 6, integer=True) == [0.0, 1.0, 2.0, 3.0]
    assert nice_ticks(0, 0) == [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]


def test_histogram_bar_heights_follow_counts() -> None:
    svg = histogram([0.01, 0.02, 0.03, 0.5, float("nan")], title="t", x_label="x", noun="n", bins=4)
    heights = [float(h) for h in re.findall(r'class="bar"[^>]*height="([\d.]+)"', svg)]
    assert len(heights) == 4
    assert heights[0] == pytest.approx(3 * heights[2], abs=0.2)  # rounded to 0.1
    assert heights[1] == heights[3] == 0.0


def test_histogram_marker_sits_at_its_value() -> None:
    svg = histogram([0.5], title="t", x_label="x", noun="n", markers=[Marker(0.25, "q")])
    x_axis = re.search(r'<line x1="([\d.]+)" y1="([\d.]+)" x2="([\d.]+)" y2="\2" stroke="#333', svg)
    marker = re.search(r'class="marker" x1="([\d.]+)"', svg)
    assert x_axis is not None and marker is not None
    left, right = float(x_axis.group(1)), float(x_axis.group(3))
    assert float(marker.group(1)) == pytest.approx(left + 0.25 * (right - left), abs=0.1)


def test_bar_chart_lengths_are_proportional() -> None:
    svg = bar_chart(["a", "b", "<c>"], [4.0, 2.0, 0.0], title="t", value_labels=["4", "2", "0"])
    widths = [float(w) for w in re.findall(r'class="bar"[^>]*width="([\d.]+)"', svg)]
    assert widths[0] == pytest.approx(2 * widths[1]) and widths[2] == 0.0
    assert "&lt;c&gt;" in svg and "<c>" not in svg
    with pytest.raises(ValueError, match="same length"):
        bar_chart(["a"], [1.0, 2.0], title="t", value_labels=["1"])


def test_line_chart_starts_lines_where_data_starts() -> None:
    nan = float("nan")
    svg = line_chart(
        ["m1", "m2", "m3", "m4"],
        [Series("late", [nan, nan, 0.5, 0.4]), Series("gap", [0.9, nan, 0.7, 0.6])],
        title="t",
        y_label="y",
    )
    paths = re.findall(r'class="series" d="([^"]*)"', svg)
    assert [p.count("M") for p in paths] == [1, 2]
    assert [p.count("L") for p in paths] == [1, 1]
    with pytest.raises(ValueError, match="expected 4"):
        line_chart(["a", "b", "c", "d"], [Series("s", [1.0])], title="t", y_label="y")


# In a real browser ------------------------------------------------------------------------


@pytest.fixture
def report_file(page: str, tmp_path: Path) -> Path:
    path = tmp_path / "report.html"
    path.write_text(page, encoding="utf-8")
    return path


@pytest.mark.browser
def test_opens_clean_and_sorts_in_chromium(browser: Browser, report_file: Path) -> None:
    probe = open_html_file(browser, report_file, None)
    try:
        probe.page.wait_for_load_state("load")
        probe.assert_clean()
        header = probe.page.locator("#at-risk th", has_text="Days since last contact")

        def first_column() -> list[str]:
            return probe.page.locator("#at-risk tbody tr td:first-child .id").all_inner_texts()

        assert first_column() == ["C2", "C3"]  # most valuable first
        header.locator("button").click()
        assert first_column() == ["C3", "C2"]  # 120, 186 days
        header.locator("button").click()
        assert first_column() == ["C2", "C3"]
        assert header.get_attribute("aria-sort") == "descending"
        svg_count = probe.page.locator("svg.chart").count()
        assert svg_count == 6  # strength twice, liveness, two channel charts, a trajectory
        assert probe.page.locator("img").count() == 0
        probe.assert_clean()
    finally:
        probe.page.context.close()
