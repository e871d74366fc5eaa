"""One self-contained HTML page: vis-network, graphdyn's script and style, and the data, inline.

Nothing is fetched from anywhere: vis-network's JavaScript and CSS are read from the installed
pyvis package (the copy its own "local" mode inlines), graphdyn's from ``views/assets/``, and the
graph goes in as JSON inside ``<script type="application/json">`` with ``<``, ``>``, ``&``,
U+2028 and U+2029 escaped, so no user string can end the element or start markup.

A Content-Security-Policy in the page allows only these two scripts, by hash: an injected
inline event handler or script would not run even if escaping failed, and no request can leave
the page (``default-src 'none'``).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import importlib.util
import json
import re
from pathlib import Path
from typing import Any

__all__ = ["VIS_NETWORK_VERSION", "json_for_script", "render_page", "vis_network_assets"]

VIS_NETWORK_VERSION = "9.1.2"
"""The vis-network build inlined, as shipped in pyvis 0.3.2 (``pyvis/lib/vis-9.1.2``)."""

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


@functools.cache
def _view_assets(script: str, styles: tuple[str, ...]) -> tuple[str, str, str]:
    """Return graphdyn's page template, the page's script and its style sheets, joined."""
    return (
        _read_asset("graphdyn.views", "assets", "network.html"),
        _read_asset("graphdyn.views", "assets", script),
        "\n".join(_read_asset("graphdyn.views", "assets", style) for style in styles),
    )


def _script_hash(script: str) -> str:
    """Return the CSP source expression that allows exactly this inline script."""
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def render_page(
    title: str,
    data: Any,
    *,
    script: str = "network.js",
    styles: tuple[str, ...] = ("network.css",),
) -> str:
    """Return the complete network page for ``data`` (the JSON the page's script reads).

    Parameters
    ----------
    title : str
        The page title (escaped here).
    data : Any
        JSON-serialisable page data: style, nodes, edges and notes.
    script : str
        The file in ``views/assets/`` that draws the page from ``data``.
    styles : tuple of str
        The files in ``views/assets/`` whose text, joined in order, styles the page.

    Returns
    -------
    str
        The HTML document.

    Examples
    --------
    >>> page = render_page("<Q3> & co", {"nodes": [], "edges": []})
    >>> "<title>&lt;Q3&gt; &amp; co</title>" in page
    True
    """
    template, view_js, view_css = _view_assets(script, styles)
    vis_js, vis_css = vis_network_assets()
    csp = "; ".join(
        (
            "default-src 'none'",
            f"script-src {_script_hash(vis_js)} {_script_hash(view_js)}",
            "style-src 'unsafe-inline'",
            "img-src data:",
            "base-uri 'none'",
            "form-action 'none'",
        )
    )
    parts = {
        "CSP": html.escape(csp, quote=True),
        "TITLE": html.escape(title, quote=True),
        "VIS_CSS": vis_css,
        "VIEW_CSS": view_css,
        "DATA": json_for_script(data),
        "VIS_JS": vis_js,
        "VIEW_JS": view_js,
    }
    return _MARKER.sub(lambda match: parts[match.group(1)], template)
