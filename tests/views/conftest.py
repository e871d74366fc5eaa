"""Fixtures for the view tests: a real headless Chromium (Debian's) driven by Playwright.

The browser is Debian's ``/usr/bin/chromium`` (``scripts/install-chromium``); Playwright's own
browser download does not work on the project's machines. Without Chromium the browser tests
fail when ``CI`` is set; locally they are skipped, with the reason in the summary, only when
``GRAPHDYN_SKIP_BROWSER=1``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from graphdyn.views.page import Page

from .browsing import CHROMIUM, CHROMIUM_ARGS, READY, PageProbe, open_html_file


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Return a headless Chromium for the whole session."""
    opted_out = os.environ.get("GRAPHDYN_SKIP_BROWSER") == "1"
    in_ci = bool(os.environ.get("CI"))
    if opted_out and not in_ci:
        pytest.skip("GRAPHDYN_SKIP_BROWSER=1: browser tests skipped on request")
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} not found: run scripts/install-chromium"
            + ("" if in_ci else " (or set GRAPHDYN_SKIP_BROWSER=1 to skip browser tests locally)")
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_view(browser: Browser, tmp_path: Path) -> Iterator[Callable[..., PageProbe]]:
    """Return a function that writes a network page, opens it and waits until it has drawn."""
    probes: list[PageProbe] = []

    def opener(view: Page, name: str = "network") -> PageProbe:
        probe = open_html_file(browser, view.write(tmp_path / f"{name}.html"), READY)
        probes.append(probe)
        return probe

    yield opener
    for probe in probes:
        probe.page.context.close()
