"""The parts of static documents: header, sections, figures, tables and number formats.

report.html and compare.html are made of these parts and put into the page shell by
:func:`graphdyn.views.page.document_page`.

Everything that comes from the data goes through :func:`html.escape` here: cell text, headers,
hover texts, ids and names. The formatters (``format_*``) return plain text, never markup; a
missing value reads as ``n/a`` (or what its :class:`Column` says), never ``nan``.

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"customer_id": ["<c1>"], "strength": [0.4567]})
>>> body = render_table(frame, [Column("customer_id", "Customer", "raw"),
...                             Column("strength", "Strength", "score")])
>>> "<td>&lt;c1&gt;</td>" in body, '<td class="num" data-sort="0.4567">0.46</td>' in body
(True, True)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any, Literal

import pandas as pd

from graphdyn.views.page import Count
from graphdyn.views.values import is_missing

__all__ = [
    "NOT_AVAILABLE",
    "CellKind",
    "Column",
    "Figure",
    "empty_note",
    "figure_cards",
    "format_date",
    "format_label",
    "format_number",
    "format_score",
    "format_share",
    "page_header",
    "render_sections",
    "render_table",
]

#: What a missing value reads as.
NOT_AVAILABLE = "n/a"

_TRENDS = {"strengthening": "↑ strengthening", "stable": "→ stable", "weakening": "↓ weakening"}


# Page parts --------------------------------------------------------------------------------


def page_header(
    heading: str,
    subheading: str,
    meta: Mapping[str, str],
    sections: Sequence[tuple[str, str]],
) -> str:
    """Return the page's ``<header>``: the heading, a list of facts and links to the sections.

    Parameters
    ----------
    heading, subheading : str
        The ``<h1>`` text and its muted second part (plain text).
    meta : mapping of str to str
        Facts about the page (label to value), shown as a definition list.
    sections : sequence of (str, str)
        The page's sections as ``(anchor id, heading)``, linked in this order.

    Returns
    -------
    str

    Examples
    --------
    >>> page_header("Audit", "as of 2024-06-30", {"Source": "<x>"}, [("top", "Top")])
    '<header><h1>Audit <span class="as-of">as of 2024-06-30</span></h1><dl class="meta">\
<dt>Source</dt><dd>&lt;x&gt;</dd></dl><nav aria-label="Sections"><ol>\
<li><a href="#top">Top</a></li></ol></nav></header>'
    """
    entries = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in meta.items())
    links = "".join(
        f'<li><a href="#{escape(anchor)}">{escape(title)}</a></li>' for anchor, title in sections
    )
    return (
        f'<header><h1>{escape(heading)} <span class="as-of">{escape(subheading)}</span>'
        f'</h1><dl class="meta">{entries}</dl>'
        f'<nav aria-label="Sections"><ol>{links}</ol></nav></header>'
    )


def render_sections(sections: Sequence[tuple[str, str]], contents: Sequence[str]) -> str:
    """Return one ``<section>`` per ``(anchor id, heading)``, each holding its content.

    Parameters
    ----------
    sections : sequence of (str, str)
        Anchor ids and headings (plain text).
    contents : sequence of str
        The markup of each section, in the same order.

    Returns
    -------
    str

    Examples
    --------
    >>> render_sections([("a", "A & B")], ["<p>x</p>"])
    '<section id="a"><h2>A &amp; B</h2><p>x</p></section>'
    """
    return "".join(
        f'<section id="{escape(anchor)}"><h2>{escape(title)}</h2>{content}</section>'
        for (anchor, title), content in zip(sections, contents, strict=True)
    )


@dataclass(frozen=True)
class Figure:
    """One headline figure: a big number with its label.

    Parameters
    ----------
    key : str
        Its ``data-figure`` attribute, for tests and scripts.
    value : str
        The formatted number.
    label : str
        What it counts.
    alert : bool
        Draw it in the alarm colour unless it reads 0 or 0%.
    """

    key: str
    value: str
    label: str
    alert: bool = False


def figure_cards(figures: Sequence[Figure]) -> str:
    """Return a grid of headline figures.

    Parameters
    ----------
    figures : sequence of Figure
        The figures, in reading order.

    Returns
    -------
    str

    Examples
    --------
    >>> figure_cards([Figure("lost", "2", "lost ties", alert=True)])
    '<div class="figures"><div class="figure alert"><span class="value" data-figure="lost">2\
</span><span class="label">lost ties</span></div></div>'
    """
    cards = "".join(
        f'<div class="figure{" alert" if f.alert and f.value not in ("0", "0%") else ""}">'
        f'<span class="value" data-figure="{escape(f.key)}">{escape(f.value)}</span>'
        f'<span class="label">{escape(f.label)}</span></div>'
        for f in figures
    )
    return f'<div class="figures">{cards}</div>'


def empty_note(message: str) -> str:
    """Return the paragraph an empty section shows instead of its table or chart.

    Examples
    --------
    >>> empty_note("No lost ties.")
    '<p class="empty">No lost ties.</p>'
    """
    return f'<p class="empty">{escape(message)}</p>'


# Formatting ---------------------------------------------------------------------------------


def format_number(value: float, digits: int = 3) -> str:
    """Round to ``digits`` significant digits, short: no exponent, no trailing 0, 10,000 as 10k.

    From ten thousand on, the number is written in thousands (``k``), millions (``M``) or
    billions (``B``), so that a column of money stays narrow and shows only the digits kept.

    Examples
    --------
    >>> format_number(2.5), format_number(0.012345), format_number(0), format_number(9876.5)
    ('2.5', '0.0123', '0', '9,880')
    >>> format_number(12345.6), format_number(-581234), format_number(999_999), format_number(7e9)
    ('12.3k', '-581k', '1M', '7B')
    """
    if value == 0 or not math.isfinite(value):
        return f"{value:g}"
    rounded = round(value, digits - 1 - math.floor(math.log10(abs(value))))
    scale, suffix = next(
        ((scale, suffix) for start, scale, suffix in _SCALES if abs(rounded) >= start), (1.0, "")
    )
    scaled = rounded / scale
    decimals = max(digits - 1 - math.floor(math.log10(abs(scaled))), 0)
    text = f"{scaled:,.{decimals}f}"
    if decimals > 0:
        text = text.rstrip("0").rstrip(".")
    return text + suffix


# (from, scale, suffix): the largest that fits is used.
_SCALES = ((1e9, 1e9, "B"), (1e6, 1e6, "M"), (1e4, 1e3, "k"))


def format_date(value: Any) -> str:
    """Return a date or timestamp as ``YYYY-MM-DD``.

    Examples
    --------
    >>> format_date("2024-06-30T12:00:00Z")
    '2024-06-30'
    """
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def format_share(value: float) -> str:
    """Return a fraction as a whole percentage; a small non-zero share reads ``<1%``.

    Examples
    --------
    >>> format_share(0.256), format_share(0.001), format_share(0.0)
    ('26%', '<1%', '0%')
    """
    return "<1%" if 0 < value < 0.005 else f"{value:.0%}"


def format_score(value: float) -> str:
    """Return a score between 0 and 1 (a strength or a component) with two decimals.

    Examples
    --------
    >>> format_score(0.8486)
    '0.85'
    """
    return f"{value:.2f}"


def format_label(text: str) -> str:
    """Return an identifier-like label (``at_risk``) as words (``at risk``).

    Examples
    --------
    >>> format_label("support_ticket")
    'support ticket'
    """
    return text.replace("_", " ")


def _format_delta(value: Any) -> str:
    return f"{float(value):+.2f}".replace("-", "−")


# Tables -------------------------------------------------------------------------------------

CellKind = Literal[
    "text", "raw", "status", "trend", "score", "number", "count", "days", "ratio", "delta",
    "share", "date", "entity",
]  # fmt: skip
"""How a column's cells are written.

``text``: words (underscores become spaces); ``raw``: the value as it is; ``status``, ``trend``:
words, with a ``status-<value>`` / ``trend-<value>`` class (a trend gets its arrow);
``score``: two decimals; ``number``: three significant digits; ``count``: a whole number;
``days``: whole days; ``ratio``: two significant digits and ``×``; ``delta``: a signed change
with a true minus sign; ``share``: a percentage; ``date``: ``YYYY-MM-DD``; ``entity``: an id,
with the name from another column beside it when known.
"""

# Each kind's plain-text format ("entity" is written by Column.td itself); a kind listed in
# _NUMERIC is right-aligned and sorts by value.
_FORMATS: dict[CellKind, Callable[[Any], str]] = {
    "text": lambda v: format_label(str(v)),
    "raw": str,
    "status": lambda v: format_label(str(v)),
    "trend": lambda v: _TRENDS.get(str(v), str(v)),
    "score": lambda v: format_score(float(v)),
    "number": lambda v: format_number(float(v)),
    "count": lambda v: f"{int(v):,}",
    "days": lambda v: f"{float(v):,.0f}",
    "ratio": lambda v: f"{format_number(float(v), 2)}×",
    "delta": _format_delta,
    "share": lambda v: format_share(float(v)),
    "date": format_date,
}
_NUMERIC: frozenset[CellKind] = frozenset(
    {"score", "number", "count", "days", "ratio", "delta", "share"}
)


@dataclass(frozen=True)
class Column:
    """A table column: the frame column it shows, and how.

    Parameters
    ----------
    key : str
        The frame column.
    header : str
        The header text.
    kind : CellKind
        How cells are written (see :data:`CellKind`); numeric kinds are right-aligned and
        carry their exact value in ``data-sort``.
    name_key : str, optional
        For ``entity`` columns: the frame column holding the name shown beside the id.
    detail_key : str, optional
        For ``entity`` columns: the frame column holding a line of plain text shown under the
        name and id (a staff member's role and team), when the row has one.
    missing : str
        What a missing value reads as.
    help : str
        The header's hover text.

    Examples
    --------
    >>> Column("strength", "Strength", "score").td({"strength": 0.8486})
    '<td class="num" data-sort="0.8486">0.85</td>'
    >>> Column("status", "Status", "status").td({"status": "at_risk"})
    '<td class="status-at_risk">at risk</td>'
    >>> Column("id", "Customer", "entity", name_key="name").td({"id": "c1", "name": "A&B"})
    '<td><span class="name">A&amp;B</span> <span class="id">c1</span></td>'
    >>> Column("id", "Staff", "entity", detail_key="role").td({"id": "s1", "role": "<sales>"})
    '<td><span class="id">s1</span> <span class="detail">&lt;sales&gt;</span></td>'
    """

    key: str
    header: str
    kind: CellKind = "text"
    name_key: str | None = None
    detail_key: str | None = None
    missing: str = NOT_AVAILABLE
    help: str = ""

    @property
    def numeric(self) -> bool:
        """Whether the column is right-aligned and sorts by value."""
        return self.kind in _NUMERIC

    def th(self) -> str:
        """Return the header cell."""
        attributes = ' class="num"' if self.numeric else ""
        if self.help:
            attributes += f' title="{escape(self.help)}"'
        return f'<th scope="col"{attributes}>{escape(self.header)}</th>'

    def td(self, row: Mapping[Hashable, Any]) -> str:
        """Return the cell of ``row`` (a frame row as a mapping) in this column."""
        value: Any = row.get(self.key)
        classes = ["num"] if self.numeric else ["date"] if self.kind == "date" else []
        if is_missing(value):
            classes.append("na")
            return f'<td class="{" ".join(classes)}">{escape(self.missing)}</td>'
        if self.kind in ("status", "trend"):
            classes.append(f"{self.kind}-{escape(str(value))}")
        attributes = f' class="{" ".join(classes)}"' if classes else ""
        if self.numeric:
            attributes += f' data-sort="{float(value):.10g}"'
        elif self.kind == "date":
            attributes += f' data-sort="{escape(pd.Timestamp(value).isoformat())}"'
        if self.kind != "entity":
            return f"<td{attributes}>{escape(_FORMATS[self.kind](value))}</td>"
        name = row.get(self.name_key) if self.name_key else None
        text = f'<span class="id">{escape(str(value))}</span>'
        if not is_missing(name):
            text = f'<span class="name">{escape(str(name))}</span> {text}'
        detail = row.get(self.detail_key) if self.detail_key else None
        if not is_missing(detail):
            text += f' <span class="detail">{escape(str(detail))}</span>'
        return f"<td{attributes}>{text}</td>"


def render_table(
    frame: pd.DataFrame,
    columns: Sequence[Column],
    *,
    count: Count | None = None,
    full_list: str = "the audit folder's CSV files hold every row",
) -> str:
    """Write ``frame``'s rows as a sortable table, leaving out columns with no value at all.

    Parameters
    ----------
    frame : pandas.DataFrame
        The rows to show, in the order shown.
    columns : sequence of Column
        The columns, left to right; one missing from ``frame`` or empty in every row is left out.
    count : Count, optional
        How many rows are shown of how many there are, when ``frame`` holds only the first ones:
        a note under the table says so (``count.shown`` must be ``len(frame)``).
    full_list : str
        Where the note says the complete list is.

    Returns
    -------
    str

    Raises
    ------
    ValueError
        When ``count.shown`` is not the number of rows of ``frame``.

    Examples
    --------
    >>> frame = pd.DataFrame({"staff_id": ["s1"], "team": [None]})
    >>> html = render_table(frame, [Column("staff_id", "Staff", "raw"), Column("team", "Team")],
    ...                     count=Count("staff shown", 1, 3), full_list="staff.csv holds every row")
    >>> "Team" in html, "1 of 3 staff shown; staff.csv holds every row." in html
    (False, True)
    """
    if count is not None and count.shown != len(frame):
        raise ValueError(f"the count says {count.shown:,} rows, the table has {len(frame):,}")
    shown = [
        c for c in columns if c.key in frame.columns and not frame[c.key].map(is_missing).all()
    ]
    head = "".join(c.th() for c in shown)
    rows = "".join(
        "<tr>" + "".join(c.td(row) for c in shown) + "</tr>" for row in frame.to_dict("records")
    )
    table = (
        f'<div class="table-wrap"><table class="data sortable"><thead><tr>{head}</tr></thead>'
        f"<tbody>{rows}</tbody></table></div>"
    )
    if count is not None and count.total > count.shown:
        note = f"{count}; {full_list}."
        table += f'<p class="note">{escape(note, quote=False)}</p>'
    return table
