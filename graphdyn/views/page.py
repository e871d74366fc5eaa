"""The page shell of every graphdyn HTML output, and :class:`Page`, what each output returns.

Every page (report.html, compare.html, network.html) is one self-contained file filled into one
template (``assets/page.html``): its style sheets joined into one inline ``<style>``, its
scripts inline, and a Content-Security-Policy that allows exactly that style and those scripts
by their SHA-256 hashes. Nothing is fetched (``default-src 'none'``; images only as ``data:``),
and markup injected through the data could not run even if escaping failed.

Two kinds of page are built on the shell:

- :func:`document_page`: a static document (the report, the comparison) whose body is markup
  already escaped where it holds data, with the small table-sorting script;
- :func:`vis_network_page`: a vis-network page, whose body template and script read their data
  from JSON inside ``<script type="application/json">``, with ``<``, ``>``, ``&``, U+2028 and
  U+2029 escaped (:func:`json_for_script`), so no user string can end the element. vis-network's
  JavaScript and CSS are read from the installed pyvis package (the copy its "local" mode
  inlines), graphdyn's from ``views/assets/``.

A :class:`Page` says what it shows of what there is (:class:`Count`), and the page's own text
shows those same numbers.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import importlib.util
import json
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from graphdyn._version import __version__
from graphdyn.atomic import write_text

__all__ = [
    "VIS_NETWORK_VERSION",
    "Count",
    "Page",
    "document_page",
    "json_for_script",
    "vis_network_assets",
    "vis_network_page",
]

logger = logging.getLogger(__name__)

VIS_NETWORK_VERSION = "9.1.2"
"""The vis-network build inlined, as shipped in pyvis 0.3.2 (``pyvis/lib/vis-9.1.2``)."""

_NOTEBOOK_HEIGHT_PX = 640
_JSON_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_JSON_ESCAPE_PATTERN = re.compile("[<>&\u2028\u2029]")
_MARKER = re.compile(r"@@([A-Z_]+)@@")
# Text that would end or confuse an inline <script> or <style> element if it appeared in it.
_UNSAFE_IN_ELEMENT = re.compile(r"</script|</style|<!--", re.IGNORECASE)


@dataclass(frozen=True)
class Count:
    """How many of something a page shows, of how many there are.

    Parameters
    ----------
    what : str
        What is counted, as the page says it after the numbers: ``"nodes shown"``.
    shown : int
        How many the page shows.
    total : int
        How many there are.

    Examples
    --------
    >>> str(Count("edges drawn", 23996, 28422))
    '23,996 of 28,422 edges drawn'
    """

    what: str
    shown: int
    total: int

    def __str__(self) -> str:
        return f"{self.shown:,} of {self.total:,} {self.what}"


@dataclass(frozen=True)
class Page:
    """One self-contained HTML page and what it shows.

    Every graphdyn output page is one: :func:`~graphdyn.views.network.network_page`,
    :func:`~graphdyn.views.report.report_page`,
    :func:`~graphdyn.views.comparison.comparison_page`.

    Parameters
    ----------
    title : str
        The page title (plain text).
    html : str
        The HTML document.
    counts : mapping of str to Count
        What the page shows of what there is, by key (``"nodes"``, ``"edges"`` on a network
        page; the rows of each long table on a report); every count on the page is one of these.
    note : str or None
        What the page leaves out and why, in words, when it leaves something out.

    Examples
    --------
    >>> import tempfile
    >>> page = document_page("A & B", "<p>hello</p>", counts={"rows": Count("rows", 1, 3)})
    >>> page
    <Page 'A & B': 1 of 3 rows; 0.0 MB>
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = page.write(Path(folder) / "page.html")
    ...     path.read_text(encoding="utf-8") == page.html
    True
    """

    title: str
    html: str = field(repr=False)
    counts: Mapping[str, Count] = field(default_factory=dict)
    note: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "counts", MappingProxyType(dict(self.counts)))

    def __repr__(self) -> str:
        size_mb = len(self.html.encode("utf-8")) / 1e6
        counts = "".join(f"{count}; " for count in self.counts.values())
        return f"<Page {self.title!r}: {counts}{size_mb:.1f} MB>"

    def write(self, path: str | Path) -> Path:
        """Write the page to ``path`` as UTF-8, whole or not at all, and return the path.

        Parameters
        ----------
        path : str or Path
            The file to write (replaced if it exists); its folder must exist.

        Returns
        -------
        Path

        Raises
        ------
        UsageError
            When the file cannot be written.
        """
        target = write_text(path, self.html)
        logger.info("wrote %s (%r)", target, self)
        return target

    def _repr_html_(self) -> str:
        """Return the page inside an ``<iframe srcdoc>`` for Jupyter's inline display.

        The iframe keeps the page's script and style apart from the notebook's, renders the
        same in classic Notebook, JupyterLab and VS Code, and is sandboxed: its scripts run
        in an opaque origin with no access to the notebook or its kernel.
        """
        # The note sits under the iframe and shows only where a notebook front end strips the
        # iframe from an untrusted notebook's output.
        return (
            f'<div style="position:relative;width:100%;height:{_NOTEBOOK_HEIGHT_PX}px;">'
            '<span style="position:absolute;top:8px;left:8px;color:#656d76;font-size:13px;">'
            "Trust this notebook to show the graphdyn page (File &gt; Trust Notebook)."
            "</span>"
            f'<iframe srcdoc="{html.escape(self.html, quote=True)}" '
            f'sandbox="allow-scripts" title="{html.escape(self.title, quote=True)}" '
            'style="position:absolute;inset:0;width:100%;height:100%;background:#fff;'
            'border:1px solid #d0d7de;border-radius:6px;box-sizing:border-box;"></iframe></div>'
        )


def json_for_script(value: Any) -> str:
    r"""Return ``value`` as JSON that is safe inside an HTML ``<script>`` element.

    ``<``, ``>``, ``&``, U+2028 and U+2029 become JSON ``\uXXXX`` escapes, which
    ``JSON.parse`` turns back into the same characters. NaN and infinities are refused.

    Parameters
    ----------
    value : Any
        JSON-serialisable data.

    Returns
    -------
    str
        JSON text with none of the escaped characters left.

    Raises
    ------
    ValueError
        When ``value`` holds NaN or an infinity.

    Examples
    --------
    >>> json_for_script({"name": "</script><b>&"})
    '{"name": "\\u003c/script\\u003e\\u003cb\\u003e\\u0026"}'
    """
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(", ", ": "))
    return _JSON_ESCAPE_PATTERN.sub(lambda match: _JSON_ESCAPES[match.group()], text)


def document_page(
    title: str,
    body: str,
    *,
    counts: Mapping[str, Count] | None = None,
    note: str | None = None,
    style_sheets: Sequence[str] = ("document.css",),
) -> Page:
    """Return a static document: ``body`` in the page shell, with the table-sorting script.

    Parameters
    ----------
    title : str
        The page title (plain text; escaped here).
    body : str
        The page's markup, already escaped where it holds data.
    counts : mapping of str to Count, optional
        What the page shows of what there is (its body says the same).
    note : str, optional
        What the page leaves out.
    style_sheets : sequence of str
        Files in ``views/assets/`` whose text, joined in order, makes the page's style.

    Returns
    -------
    Page
        The page; its script (``sortable.js``) sorts any ``table.sortable`` by a click on a
        column header.

    Examples
    --------
    >>> page = document_page("A & B", "<p>hello</p>")
    >>> page.html.startswith("<!DOCTYPE html>"), "<title>A &amp; B</title>" in page.html
    (True, True)
    >>> "default-src 'none'; script-src 'sha256-" in page.html
    True
    """
    style = "\n".join(_read_asset("graphdyn.views", "assets", name) for name in style_sheets)
    scripts = (_read_asset("graphdyn.views", "assets", "sortable.js"),)
    return Page(title, _shell(title, body, style, scripts), counts or {}, note)


def vis_network_page(
    title: str,
    data: Mapping[str, Any],
    *,
    counts: Mapping[str, Count] | None = None,
    note: str | None = None,
    body: str = "network.html",
    script: str = "network.js",
    style_sheets: Sequence[str] = ("network.css",),
) -> Page:
    """Return a vis-network page: a body template and its script over the JSON ``data``.

    The page's data element (``<script type="application/json" id="graphdyn-data">``) holds
    ``data`` with two more keys the script reads: ``"counts"`` (each count as ``{"what",
    "shown", "total"}``) and ``"note"``, so the page shows the numbers the returned
    :class:`Page` carries.

    Parameters
    ----------
    title : str
        The page title (escaped here); the body template shows it where it says ``@@TITLE@@``.
    data : mapping
        JSON-serialisable page data; its ``"counts"`` and ``"note"`` keys are set here.
    counts : mapping of str to Count, optional
        What the page shows of what there is.
    note : str, optional
        What the page leaves out.
    body : str
        The body template in ``views/assets/``, with ``@@TITLE@@`` and ``@@DATA@@`` markers.
    script : str
        The file in ``views/assets/`` that draws the page from its data.
    style_sheets : sequence of str
        Files in ``views/assets/`` whose text, joined in order, styles the page (after
        vis-network's own style).

    Returns
    -------
    Page

    Examples
    --------
    >>> page = vis_network_page("<Q3> & co", {"nodes": []}, counts={"nodes": Count("nodes", 0, 0)})
    >>> "<title>&lt;Q3&gt; &amp; co</title>" in page.html
    True
    >>> '"counts": {"nodes": {"what": "nodes", "shown": 0, "total": 0}}' in page.html
    True
    """
    counts = counts or {}
    payload = {
        **data,
        "counts": {
            key: {"what": count.what, "shown": count.shown, "total": count.total}
            for key, count in counts.items()
        },
        "note": note,
    }
    vis_js, vis_css = vis_network_assets()
    template = _read_asset("graphdyn.views", "assets", body)
    fields = {"TITLE": html.escape(title, quote=True), "DATA": json_for_script(payload)}
    markup = _MARKER.sub(lambda match: fields[match.group(1)], template)
    style = "\n".join(
        [vis_css, *(_read_asset("graphdyn.views", "assets", name) for name in style_sheets)]
    )
    scripts = (vis_js, _read_asset("graphdyn.views", "assets", script))
    return Page(title, _shell(title, markup, style, scripts), counts, note)


@functools.cache
def vis_network_assets() -> tuple[str, str]:
    """Return vis-network's minified JavaScript and its CSS, from the installed pyvis.

    Returns
    -------
    tuple of str
        ``(javascript, css)``.

    Examples
    --------
    >>> js, css = vis_network_assets()
    >>> "vis-network" in js and ".vis-network" in css
    True
    """
    folder = f"vis-{VIS_NETWORK_VERSION}"
    return (
        _read_asset("pyvis", "lib", folder, "vis-network.min.js"),
        _read_asset("pyvis", "lib", folder, "vis-network.css"),
    )


def _shell(title: str, body: str, style: str, scripts: Sequence[str]) -> str:
    """Return the complete document: the shell filled with the body, style and scripts.

    The CSP allows the one inline style and each script by their hashes, and nothing else.
    """
    csp = "; ".join(
        (
            "default-src 'none'",
            "script-src " + " ".join(_csp_hash(script) for script in scripts),
            f"style-src {_csp_hash(style)}",
            "img-src data:",
            "base-uri 'none'",
            "form-action 'none'",
        )
    )
    fields = {
        "CSP": html.escape(csp, quote=False),
        "VERSION": html.escape(__version__),
        "TITLE": html.escape(title),
        "STYLE": style,
        "BODY": body,
        "SCRIPTS": "\n".join(f"<script>{script}</script>" for script in scripts),
    }
    # One pass over the template: text substituted in is never scanned for markers.
    template = _read_asset("graphdyn.views", "assets", "page.html")
    return _MARKER.sub(lambda match: fields[match.group(1)], template)


def _csp_hash(text: str) -> str:
    """Return the CSP source expression that allows exactly this inline script or style."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


@functools.cache
def _read_asset(package: str, *parts: str) -> str:
    """Return a text file shipped in ``package``, checked to be safe to inline.

    The package's folder is found without importing it (importing pyvis, for its vis-network
    copy, loads Jinja2 and IPython's display machinery: 0.4 s).
    """
    spec = importlib.util.find_spec(package)
    folders = None if spec is None else spec.submodule_search_locations
    if not folders:
        raise RuntimeError(f"{package} is not an installed package")
    text = Path(next(iter(folders)), *parts).read_text(encoding="utf-8")
    if parts[-1].endswith((".js", ".css")) and _UNSAFE_IN_ELEMENT.search(text):
        raise RuntimeError(f"{package}/{'/'.join(parts)} cannot be inlined safely")
    return text
