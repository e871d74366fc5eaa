"""report.html and compare.html of a generated audit fit a window 1,280 pixels wide.

Every section, table and cell stays inside the window: nothing is cut off behind a table's
scroll bar and the page never scrolls sideways, so the column each list is sorted by is in
view. The widths measured are kept as a test artifact (``test-artifacts/views/fit-*.json``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from graphdyn.audits.compare import compare_audits
from graphdyn.audits.run import Audit, audit
from graphdyn.data.generate import generate
from graphdyn.views.comparison import comparison_page
from graphdyn.views.page import Page
from graphdyn.views.report import report_page

from .browsing import ARTIFACTS, open_html_file, screenshot

pytestmark = pytest.mark.browser

# Per section: how wide it is, how wide its content, and every element that sticks out of the
# window or out of a table's scrolling box.
MEASURE = """() => {
  const inner = window.innerWidth;
  const describe = (el) => `${el.tagName.toLowerCase()}.${el.getAttribute("class") || ""}`;
  const sections = {};
  for (const section of document.querySelectorAll("section")) {
    const outside = [];
    for (const el of section.querySelectorAll("*")) {
      const box = el.getBoundingClientRect();
      if (box.right > inner + 0.5 || box.width > inner) {
        outside.push(`${describe(el)} ends at ${Math.round(box.right)}`);
      }
    }
    const tables = Array.from(section.querySelectorAll(".table-wrap"), (wrap) => ({
      width: Math.round(wrap.firstElementChild.getBoundingClientRect().width),
      room: wrap.clientWidth,
      scrolls: wrap.scrollWidth > wrap.clientWidth,
      columns: wrap.querySelector("thead tr").cells.length,
    }));
    sections[section.id] = {
      width: section.clientWidth,
      content: section.scrollWidth,
      outside: outside.slice(0, 5),
      tables: tables,
    };
  }
  return {inner: inner, document: document.documentElement.scrollWidth, sections: sections};
}"""

# The column each long list is sorted by, by section.
SORTED_BY = {
    "at-risk": "Value at risk",
    "weakest-important": "Strength",
    "single-threaded": "Value (decayed)",
    "staff": "Value at stake",
}


@pytest.fixture(scope="module")
def audits(tmp_path_factory: pytest.TempPathFactory) -> tuple[Audit, Audit]:
    """Two audits, three months apart, of generated data with realistic names."""
    folder = tmp_path_factory.mktemp("fit") / "data"
    generate(folder, customers=400, staff=40, products=30, interactions=30_000, seed=4)
    return audit(folder, as_of="2026-03-31"), audit(folder, as_of="2026-06-30")


def pages(audits: tuple[Audit, Audit]) -> dict[str, Page]:
    old, new = audits
    names = new.customers.dropna(subset=["name"])
    customer_names = dict(zip(names["customer_id"], names["name"], strict=True))
    return {
        "report": report_page(new),
        "compare": comparison_page(compare_audits(old, new), customer_names=customer_names),
    }


@pytest.mark.parametrize("width", [1280, 1400])
@pytest.mark.parametrize("name", ["report", "compare"])
def test_every_section_fits_the_window(
    browser: Browser, audits: tuple[Audit, Audit], tmp_path: Path, name: str, width: int
) -> None:
    page = pages(audits)[name]
    probe = open_html_file(browser, page.write(tmp_path / f"{name}.html"), None, width=width)
    try:
        probe.page.wait_for_load_state("load")
        measured = probe.page.evaluate(MEASURE)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / f"fit-{name}-{width}.json").write_text(
            json.dumps(measured, indent=2) + "\n", encoding="utf-8"
        )
        screenshot(probe, f"fit-{name}-{width}")
        assert measured["document"] <= measured["inner"] == width
        sections = measured["sections"]
        assert len(sections) >= 6
        for anchor, section in sections.items():
            assert section["content"] <= section["width"], anchor
            assert section["outside"] == [], anchor
            for table in section["tables"]:
                assert not table["scrolls"] and table["width"] <= table["room"], (anchor, table)
        if name == "report":
            wide = [sections[a]["tables"][0]["columns"] for a in ("weakest-important", "staff")]
            assert min(wide) >= 10  # the wide tables are all there, with their columns
            for anchor, header in SORTED_BY.items():
                cell = probe.page.locator(f"#{anchor} thead th", has_text=header).first
                box = cell.bounding_box()
                assert box is not None and box["x"] + box["width"] <= width, (anchor, header)
        probe.assert_clean()
    finally:
        probe.page.context.close()
