"""Helpers of the browser tests: open a page from a file:// URL and watch what it does."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page, Request

CHROMIUM = Path(os.environ.get("GRAPHDYN_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "views"
READY_TIMEOUT_MS = 120_000
READY = "() => window.graphdynReady === true"

# Set before any page script: a hostile string that ran would call alert() and flip the flag.
XSS_TRAP = """
window.graphdynXss = false;
for (const name of ["alert", "confirm", "prompt"]) {
  const original = window[name];
  window[name] = function (...args) {
    window.graphdynXss = true;
    return original.apply(window, args);
  };
}
"""


@dataclass
class PageProbe:
    """What a page did while a test watched: console errors, foreign requests, dialogs."""

    page: Page
    errors: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    ready_ms: float = float("nan")

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"console: {message.text}")

    def on_request(self, request: Request) -> None:
        if not request.url.startswith(("file:", "data:", "about:")):
            self.foreign_requests.append(request.url)

    def on_dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def assert_clean(self) -> None:
        """Fail on any console error, page error, request to a non-file URL or dialog."""
        assert self.errors == []
        assert self.foreign_requests == []
        assert self.dialogs == []
        assert self.page.evaluate("window.graphdynXss") is False

    def evaluate(self, expression: str) -> object:
        return self.page.evaluate(expression)


def open_html_file(
    browser: Browser, path: Path, ready: str | None, *, width: int = 1400
) -> PageProbe:
    """Open ``path`` from a file:// URL in a fresh context, watching it; wait for ``ready``.

    The window is ``width`` CSS pixels wide and 900 high.
    """
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.add_init_script(XSS_TRAP)
    page = context.new_page()
    probe = PageProbe(page)
    page.on("console", probe.on_console)
    page.on("pageerror", lambda error: probe.errors.append(f"page error: {error}"))
    page.on("request", probe.on_request)
    page.on("dialog", probe.on_dialog)
    page.goto(path.resolve().as_uri())
    if ready is not None:
        page.wait_for_function(ready, timeout=READY_TIMEOUT_MS)
        probe.ready_ms = float(page.evaluate("window.graphdynReadyMs"))
    return probe


def screenshot(probe: PageProbe, name: str) -> Path:
    """Save a screenshot of the page as a test artifact and return its path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    probe.page.screenshot(path=path)
    return path
