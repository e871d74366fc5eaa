"""compare.html: what changed between two audits, as one self-contained, offline page.

:func:`comparison_page` turns a :class:`~graphdyn.audits.compare.Comparison` into the page that
``graphdyn compare OLD NEW`` writes beside compare.csv: headline counts, the customer status
transition matrix, the customers whose status worsened, the largest strength drops (a chart of
customers, then tables of customers and ties), and the new and lost ties.

The page is built with the same parts as report.html (:mod:`graphdyn.views.document`) in the
same shell (:mod:`graphdyn.views.page`): it loads nothing, every id and name is escaped, a
Content-Security-Policy allows only its own inline style sheet and sorting script, and every
table fits a window 1,280 pixels wide.

A status is *worse* when it is further along :data:`SEVERITY`: new and active are healthy (0),
then cooling (1), at risk (2) and dormant (3); new to active is neither worse nor better.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

import pandas as pd

from graphdyn._version import __version__
from graphdyn.audits.compare import Comparison
from graphdyn.views.charts import bar_chart
from graphdyn.views.document import (
    NOT_AVAILABLE,
    Column,
    Figure,
    empty_note,
    figure_cards,
    format_date,
    format_label,
    format_score,
    page_header,
    render_sections,
    render_table,
)
from graphdyn.views.page import Count, Page, document_page
from graphdyn.views.values import is_missing

__all__ = ["SECTIONS", "SEVERITY", "comparison_page"]

#: The page's sections, in page order: (anchor id, heading).
SECTIONS: tuple[tuple[str, str], ...] = (
    ("headline", "Headline figures"),
    ("transitions", "Status transitions"),
    ("worsened", "Customers whose status worsened"),
    ("drops", "Largest strength drops"),
    ("new-ties", "New ties"),
    ("lost-ties", "Lost ties"),
)

#: How bad each status is; a customer moved to a higher number is worse off.
SEVERITY: Mapping[str, int] = {"new": 0, "active": 0, "cooling": 1, "at_risk": 2, "dormant": 3}

_CHART_BARS = 15
_FULL_LIST = "compare.csv holds every row"
_CUSTOMER = Column("customer_id", "Customer", "entity", name_key="customer_name")
_STAFF = Column("staff_id", "Staff", "entity", name_key="staff_name")
_OLD_STATUS = Column("old_status", "Old status", "status")
_NEW_STATUS = Column("new_status", "New status", "status")
_OLD_STRENGTH = Column("old_strength", "Old strength", "score")
_NEW_STRENGTH = Column("new_strength", "New strength", "score")
_CHANGE = Column("strength_change", "Change", "delta")


def comparison_page(
    comparison: Comparison,
    *,
    customer_names: Mapping[str, str] | None = None,
    staff_names: Mapping[str, str] | None = None,
    max_rows: int = 50,
) -> Page:
    """Return a comparison of two audits as one self-contained HTML page.

    Parameters
    ----------
    comparison : Comparison
        The comparison, from :func:`graphdyn.audits.compare.compare_audits`.
    customer_names, staff_names : mapping of str to str, optional
        Names to show beside the ids (for instance from the newer audit's customers and staff
        tables); an id without a name is shown alone.
    max_rows : int
        The most rows shown in each table; the page says how many were left out.

    Returns
    -------
    Page
        The page, the same for the same comparison; its counts (``"worsened"``,
        ``"customer_drops"``, ``"tie_drops"``, ``"new_ties"``, ``"lost_ties"``) are the rows
        each table shows of how many there are.

    Raises
    ------
    ValueError
        If ``max_rows`` is below 1.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> from graphdyn.audits.compare import compare_audits
    >>> def audit_of(rows, as_of):
    ...     ties = pd.DataFrame(rows, columns=["customer_id", "staff_id", "strength", "status"])
    ...     customers = ties.groupby("customer_id", as_index=False).first()
    ...     return SimpleNamespace(ties=ties, customers=customers, summary={"as_of": as_of})
    >>> old = audit_of([("c1", "s1", 0.8, "active"), ("c2", "s1", 0.5, "active")], "2024-01-31")
    >>> new = audit_of([("c1", "s1", 0.3, "at_risk"), ("c2", "s2", 0.4, "new")], "2024-04-30")
    >>> page = comparison_page(compare_audits(old, new), customer_names={"c1": "<Acme>"})
    >>> page.title, '<span class="name">&lt;Acme&gt;</span>' in page.html
    ('Relationship changes 2024-01-31 → 2024-04-30', True)
    >>> str(page.counts["worsened"])
    '1 of 1 worsened customers shown'
    """
    if max_rows < 1:
        raise ValueError(f"max_rows must be at least 1 ({max_rows})")
    names = {"customer": customer_names or {}, "staff": staff_names or {}}

    def named(frame: pd.DataFrame) -> pd.DataFrame:
        """Return ``frame`` with the known names of its customers and staff beside the ids."""
        return frame.assign(
            **{
                f"{who}_name": frame[f"{who}_id"].astype("string").map(dict(known))
                for who, known in names.items()
                if known and f"{who}_id" in frame.columns
            }
        )

    changes = comparison.changes
    customer_drops = named(_rows(changes, "customer", "strength_drop"))
    counts: dict[str, Count] = {}
    sections = (
        _headline(comparison),
        _transitions(comparison),
        _worsened(named(comparison.customers), max_rows, counts),
        _drops(customer_drops, named(_rows(changes, "tie", "strength_drop")), max_rows, counts),
        _tie_list(
            named(_rows(changes, "tie", "new")),
            "new",
            "No new ties.",
            "Ties in the newer audit only; strongest first.",
            max_rows,
            counts,
        ),
        _tie_list(
            named(_rows(changes, "tie", "lost")),
            "old",
            "No lost ties.",
            "Ties in the older audit only; the strongest they were first.",
            max_rows,
            counts,
        ),
    )
    old, new = _as_of(comparison.old_as_of), _as_of(comparison.new_as_of)
    return document_page(
        f"Relationship changes {old} → {new}",
        _header(comparison, old, new) + render_sections(SECTIONS, sections),
        counts=counts,
        style_sheets=("document.css", "comparison.css"),
    )


def _rows(changes: pd.DataFrame, level: str, change: str) -> pd.DataFrame:
    """Return compare.csv's rows of one kind, in its order (largest drop first)."""
    chosen = changes.loc[(changes["level"] == level) & (changes["change"] == change)]
    return chosen.reset_index(drop=True)


def _timestamp(text: str) -> pd.Timestamp | None:
    """Parse an as-of date (naive = UTC, as in the data contract); None if it is no date."""
    try:
        stamp = pd.Timestamp(text)
    except ValueError:
        return None
    if is_missing(stamp):
        return None
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def _as_of(text: str) -> str:
    """Return an as-of date as ``YYYY-MM-DD`` (and the time, if not midnight UTC)."""
    stamp = _timestamp(text)
    if stamp is None:
        return text or NOT_AVAILABLE
    date = format_date(stamp)
    return date if stamp == stamp.normalize() else date + stamp.strftime(" %H:%M UTC")


def _header(comparison: Comparison, old: str, new: str) -> str:
    meta = {"Older audit": f"as of {old}", "Newer audit": f"as of {new}"}
    old_stamp, new_stamp = _timestamp(comparison.old_as_of), _timestamp(comparison.new_as_of)
    if old_stamp is not None and new_stamp is not None:
        meta["Interval"] = f"{(new_stamp - old_stamp).days:,} days"
    meta["graphdyn"] = __version__
    return page_header("Relationship changes", f"{old} → {new}", meta, SECTIONS)


def _moves(customers: pd.DataFrame) -> pd.Series:
    """Per customer in both audits: +1 moved to a worse status, -1 to a better one, else 0."""
    both = customers.loc[customers["presence"] == "both"]
    old = both["old_status"].map(SEVERITY).astype("Float64")
    new = both["new_status"].map(SEVERITY).astype("Float64")
    return (new - old).fillna(0).clip(-1, 1).astype(int)


def _headline(comparison: Comparison) -> str:
    changes, customers = comparison.changes, comparison.customers
    count = changes.groupby(["level", "change"]).size()
    moves = _moves(customers)
    presence = customers["presence"].value_counts()

    def counted(level: str, change: str) -> str:
        return f"{int(count.get((level, change), 0)):,}"

    cards = figure_cards(
        [
            Figure("customers", f"{int(presence.get('both', 0)):,}", "customers in both audits"),
            Figure("status-changes", counted("customer", "status_changed"), "changed status"),
            Figure("worse", f"{int((moves > 0).sum()):,}", "moved to a worse status", alert=True),
            Figure("better", f"{int((moves < 0).sum()):,}", "moved to a better status"),
            Figure("drops", counted("customer", "strength_drop"), "strength drops", alert=True),
            Figure("new-customers", counted("customer", "new"), "new customers"),
            Figure("lost-customers", counted("customer", "lost"), "customers gone", alert=True),
            Figure("tie-status-changes", counted("tie", "status_changed"), "ties changed status"),
            Figure("tie-drops", counted("tie", "strength_drop"), "tie strength drops", alert=True),
            Figure("new-ties", counted("tie", "new"), "new ties"),
            Figure("lost-ties", counted("tie", "lost"), "lost ties", alert=True),
        ]
    )
    return (
        f"{cards}<p>Status changes, drops, new and lost are counted as in compare.csv. Worse "
        "means further along new and active → cooling → at risk → dormant; a strength drop is "
        "a fall larger than the comparison's drop threshold (0.05 by default).</p>"
    )


def _transitions(comparison: Comparison) -> str:
    order = list(SEVERITY)
    matrix = comparison.transitions.reindex(index=order, columns=order, fill_value=0)
    if int(matrix.to_numpy().sum()) == 0:
        return empty_note("No customer is in both audits.")
    head = "".join(
        f'<th scope="col" class="num status-{escape(s)}">{escape(format_label(s))}</th>'
        for s in order
    )
    rows = []
    for old, counts in matrix.iterrows():
        cells = "".join(_matrix_cell(str(old), str(new), int(n)) for new, n in counts.items())
        rows.append(
            f'<tr><th scope="row" class="status-{escape(str(old))}">'
            f"{escape(format_label(str(old)))}</th>"
            f'{cells}<td class="num total">{int(counts.sum()):,}</td></tr>'
        )
    totals = "".join(f'<td class="num">{int(n):,}</td>' for n in matrix.sum(axis=0))
    table = (
        '<div class="table-wrap"><table class="data matrix"><thead><tr>'
        f'<th scope="col">Old ↓ new →</th>{head}<th scope="col" class="num">Total</th></tr>'
        f'</thead><tbody>{"".join(rows)}</tbody><tfoot><tr><th scope="row">Total</th>{totals}'
        f'<td class="num total">{int(matrix.to_numpy().sum()):,}</td></tr></tfoot></table></div>'
    )
    presence = comparison.customers["presence"].value_counts()
    new, lost = int(presence.get("new", 0)), int(presence.get("lost", 0))
    return (
        "<p>Customers in both audits, by their status in the older audit (rows) and in the "
        "newer one (columns). Unchanged on the grey diagonal; red moved to a worse status, "
        f"green to a better one.</p>{table}"
        f'<p class="note">Not in the matrix: {new:,} customer{"s" if new != 1 else ""} only in '
        f"the newer audit, {lost:,} only in the older one.</p>"
    )


def _matrix_cell(old: str, new: str, n: int) -> str:
    classes = ["num"]
    if old == new:
        classes.append("same")
    elif SEVERITY[new] > SEVERITY[old]:
        classes.append("worse")
    elif SEVERITY[new] < SEVERITY[old]:
        classes.append("better")
    if n == 0:
        classes.append("zero")
    title = f"{n:,} customer{'s' if n != 1 else ''}: {format_label(old)} → {format_label(new)}"
    return f'<td class="{" ".join(classes)}" title="{escape(title)}">{n:,}</td>'


def _worsened(customers: pd.DataFrame, max_rows: int, counts: dict[str, Count]) -> str:
    moves = _moves(customers)
    worse = customers.loc[moves.index[moves > 0]]
    if worse.empty:
        return empty_note("No customer moved to a worse status.")
    ordered = worse.assign(severity=worse["new_status"].map(SEVERITY)).sort_values(
        ["severity", "strength_change", "customer_id"], ascending=[False, True, True]
    )
    shown = ordered.head(max_rows)
    counts["worsened"] = Count("worsened customers shown", len(shown), len(ordered))
    return "<p>Worst new status first, then the largest fall in strength.</p>" + render_table(
        shown,
        [_CUSTOMER, _OLD_STATUS, _NEW_STATUS, _OLD_STRENGTH, _NEW_STRENGTH, _CHANGE],
        count=counts["worsened"],
        full_list=_FULL_LIST,
    )


def _drops(
    customers: pd.DataFrame, ties: pd.DataFrame, max_rows: int, counts: dict[str, Count]
) -> str:
    parts = [] if customers.empty else [_drop_chart(customers.head(_CHART_BARS))]
    columns = [_OLD_STRENGTH, _NEW_STRENGTH, _CHANGE, _OLD_STATUS, _NEW_STATUS]
    for heading, frame, noun, keys in (
        ("Customers", customers, "customer", [_CUSTOMER]),
        ("Ties", ties, "tie", [_CUSTOMER, _STAFF]),
    ):
        parts.append(f"<h3>{heading}</h3>")
        if frame.empty:
            parts.append(empty_note(f"No {noun}'s strength fell by more than the threshold."))
            continue
        shown = frame.head(max_rows)
        count = Count(f"{noun} strength drops shown", len(shown), len(frame))
        counts[f"{noun}_drops"] = count
        parts.append(render_table(shown, [*keys, *columns], count=count, full_list=_FULL_LIST))
    return "".join(parts)


def _drop_chart(drops: pd.DataFrame) -> str:
    """Bars as long as each customer's fall in strength, largest first."""
    names = drops["customer_name"] if "customer_name" in drops.columns else [pd.NA] * len(drops)
    labels = [
        str(cid) if is_missing(name) else f"{name} ({cid})"
        for cid, name in zip(drops["customer_id"], names, strict=True)
    ]
    value_labels = [
        f"−{-change:.2f} ({format_score(old)} → {format_score(new)})"
        for change, old, new in zip(
            drops["strength_change"], drops["old_strength"], drops["new_strength"], strict=True
        )
    ]
    svg = bar_chart(
        labels,
        (-drops["strength_change"]).astype(float).tolist(),
        title="Largest falls in customer strength",
        value_labels=value_labels,
        width=900.0,
    )
    return (
        f'<figure class="wide">{svg}<figcaption>The {len(drops):,} largest falls in customer '
        "strength between the two audits (bar length: the fall).</figcaption></figure>"
    )


def _tie_list(
    ties: pd.DataFrame, side: str, empty: str, intro: str, max_rows: int, counts: dict[str, Count]
) -> str:
    """List ties found in one audit only; ``side`` is "new" or "old", whose values are shown."""
    if ties.empty:
        return empty_note(empty)
    ordered = ties.sort_values(
        [f"{side}_strength", "customer_id", "staff_id"], ascending=[False, True, True]
    )
    shown = ordered.head(max_rows)
    which = "new" if side == "new" else "lost"
    counts[f"{which}_ties"] = Count(f"{which} ties shown", len(shown), len(ordered))
    suffix = "" if side == "new" else " then"
    return f"<p>{intro}</p>" + render_table(
        shown,
        [
            _CUSTOMER,
            _STAFF,
            Column(f"{side}_strength", f"Strength{suffix}", "score"),
            Column(f"{side}_status", f"Status{suffix}", "status"),
        ],
        count=counts[f"{which}_ties"],
        full_list=_FULL_LIST,
    )
