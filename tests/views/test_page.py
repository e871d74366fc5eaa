"""The page shell and the network page as text: escaping, self-containment, the CSP, layout."""

from __future__ import annotations

import base64
import hashlib
import json
import re

import networkx as nx
from hypothesis import given
from hypothesis import strategies as st

from graphdyn.views.network import network_page
from graphdyn.views.page import Count, document_page, json_for_script, vis_network_page

from .graphs import XSS_CUSTOMER_NAMES, XSS_ID, XSS_TEAM, hand_graph, random_graph, xss_graph

DATA_ELEMENT = re.compile(
    r'<script type="application/json" id="graphdyn-data">(.*?)</script>', re.DOTALL
)
INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)
INLINE_STYLE = re.compile(r"<style>(.*?)</style>", re.DOTALL)


def csp_of(page: str) -> dict[str, str]:
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page)
    assert csp is not None
    return dict(part.strip().split(" ", 1) for part in csp.group(1).split(";"))


def sha256_source(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def page_data(page: str) -> dict[str, object]:
    match = DATA_ELEMENT.search(page)
    assert match is not None
    data = json.loads(match.group(1))
    assert isinstance(data, dict)
    return data


@given(st.recursive(st.text(), lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner)))
def test_script_json_round_trips_and_hides_markup(value: object) -> None:
    text = json_for_script(value)
    assert json.loads(text) == value
    assert not set(text) & {"<", ">", "&", "\u2028", "\u2029"}


def test_script_json_escapes_each_character() -> None:
    assert json_for_script("</script>&\u2028\u2029") == (
        '"\\u003c/script\\u003e\\u0026\\u2028\\u2029"'
    )


def test_hostile_strings_never_appear_as_markup() -> None:
    page = network_page(xss_graph(), title="<img src=x onerror=alert(1)>").html
    for hostile in (*XSS_CUSTOMER_NAMES, XSS_TEAM, XSS_ID, "</script><!--<script>", "<b>seg</b>"):
        assert hostile not in page
    assert page.count("</script>") == 3  # the data element and the two scripts, nothing else
    assert "<title>&lt;img src=x onerror=alert(1)&gt;</title>" in page
    # the strings are all there, intact, for the script to put in the DOM as text
    data = page_data(page)
    names = {n["name"] for n in data["nodes"]}  # type: ignore[index, union-attr]
    assert set(XSS_CUSTOMER_NAMES) <= names
    assert XSS_TEAM in {n["team"] for n in data["nodes"]}  # type: ignore[index, union-attr]
    assert XSS_ID in {n["ident"] for n in data["nodes"]}  # type: ignore[index, union-attr]


def test_page_loads_nothing_from_anywhere() -> None:
    page = network_page(hand_graph()).html
    for needle in (
        'src="http',
        "src='http",
        'href="http',
        "href='http",
        "//cdn",
        '<link rel="stylesheet',
    ):
        assert needle not in page
    urls = re.findall(r"""\b(?:src|href)\s*=\s*["']([^"']*)""", page, re.IGNORECASE)
    assert urls == ["data:,"]  # the favicon, so the browser does not ask for /favicon.ico
    assert "<script src" not in page


def test_csp_allows_exactly_the_two_inline_scripts_and_the_style() -> None:
    page = network_page(hand_graph()).html
    policy = csp_of(page)
    assert policy["default-src"] == "'none'"
    scripts = INLINE_SCRIPT.findall(page)
    assert len(scripts) == 2
    assert set(policy["script-src"].split()) == {sha256_source(s) for s in scripts}
    styles = INLINE_STYLE.findall(page)
    assert len(styles) == 1 and ".vis-network" in styles[0] and ".gd-header" in styles[0]
    assert policy["style-src"] == sha256_source(styles[0])
    assert "unsafe-inline" not in page


def test_every_page_is_the_same_shell() -> None:
    pages = [
        document_page("doc", "<p>body</p>").html,
        document_page("doc", "<p>body</p>", style_sheets=("document.css", "comparison.css")).html,
        vis_network_page("net", {"nodes": []}, counts={"nodes": Count("nodes", 0, 0)}).html,
        network_page(hand_graph()).html,
    ]
    heads = {page[: page.index('content="')] for page in pages}
    assert len(heads) == 1  # same doctype, same CSP meta first
    for page in pages:
        policy = csp_of(page)
        assert set(policy) == {
            "default-src", "script-src", "style-src", "img-src", "base-uri", "form-action"
        }  # fmt: skip
        assert (policy["default-src"], policy["img-src"]) == ("'none'", "data:")
        assert policy["style-src"] == sha256_source(INLINE_STYLE.findall(page)[0])
        assert set(policy["script-src"].split()) == {
            sha256_source(s) for s in INLINE_SCRIPT.findall(page)
        }
        assert '<meta name="generator" content="graphdyn ' in page
        assert page.endswith("</body>\n</html>\n")


def test_a_page_title_is_escaped_once_in_the_head_and_in_the_body() -> None:
    page = vis_network_page("<Q3> & co", {"nodes": []}).html
    assert page.count("&lt;Q3&gt; &amp; co") == 2  # <title> and the header's <h1>
    assert "<Q3>" not in page


def test_layout_is_computed_above_the_physics_limit() -> None:
    g = random_graph(400, seed=1)
    data = page_data(network_page(g, physics_limit=300).html)
    assert data["physics"] is False
    nodes = data["nodes"]
    assert isinstance(nodes, list) and len(nodes) == 400
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in nodes)


def test_no_layout_at_or_below_the_physics_limit() -> None:
    g = random_graph(300, seed=1)
    data = page_data(network_page(g, physics_limit=300).html)
    assert data["physics"] is True
    assert all("x" not in n and "y" not in n for n in data["nodes"])  # type: ignore[union-attr]


def test_page_data_carries_the_focus() -> None:
    g = random_graph(600, seed=2)
    data = page_data(network_page(g, focus="s1", depth=2, max_nodes=50).html)
    focus = data["focus"]
    assert isinstance(focus, dict) and focus["depth"] == 2
    assert data["nodes"][focus["id"]]["key"] == "staff:s1"  # type: ignore[index]
    assert page_data(network_page(nx.Graph()).html)["nodes"] == []
