"""A network view displayed by a real Jupyter kernel, then rendered in Chromium."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from playwright.sync_api import Browser

from .browsing import open_html_file, screenshot

CELL = """\
import networkx as nx
from graphdyn.views.network import network_page

g = nx.Graph()
g.add_edge("customer:c1", "staff:s1", kind="tie", strength=0.8, weight=0.8, status="active")
g.add_edge("customer:c2", "staff:s1", kind="tie", strength=0.3, weight=0.3, status="cooling")
network_page(g, title="notebook view")
"""


@pytest.mark.notebook
@pytest.mark.browser
def test_kernel_displays_the_view_inline_and_it_renders(browser: Browser, tmp_path: Path) -> None:
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(CELL)])
    NotebookClient(notebook, timeout=120, kernel_name="python3").execute()
    outputs = notebook.cells[0].outputs
    assert [o["output_type"] for o in outputs] == ["execute_result"]
    shown = outputs[0]["data"]["text/html"]
    assert '<iframe srcdoc="' in shown and 'sandbox="allow-scripts"' in shown
    assert outputs[0]["data"]["text/plain"].startswith(
        "<Page 'notebook view': 3 of 3 nodes shown; 2 of 2 edges drawn; "
    )
    # the output as a notebook front end inserts it: inside the page, scripts must run
    path = tmp_path / "output.html"
    path.write_text(f"<!DOCTYPE html><html><body>{shown}</body></html>", encoding="utf-8")
    probe = open_html_file(browser, path, None)
    try:
        probe.page.frame_locator("iframe").locator("body[data-ready='true']").wait_for(
            timeout=60_000
        )
        frame = probe.page.frames[1]
        assert frame.evaluate("[graphdyn.nodes.length, graphdyn.edges.length]") == [3, 2]
        screenshot(probe, "notebook-output")
        probe.assert_clean()
    finally:
        probe.page.context.close()
