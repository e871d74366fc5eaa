"""The audit report: one self-contained, offline HTML page for the people who own the accounts.

:func:`report_page` turns an :class:`~graphdyn.audits.run.Audit` into ``report.html``: headline
figures, strength distributions, channel mix, falling trajectories, the at-risk, weakest-important
and single-threaded lists, staff exposure, and the parameters with a plain account of the method.
Every table fits a window 1,280 pixels wide: long names wrap, big numbers are short (``581k``),
and the column a table is sorted by comes right after the names.

The page loads nothing: charts are inline SVG (:mod:`graphdyn.views.charts`); the tables and
the number formats come from :mod:`graphdyn.views.document`, which escapes every value that
comes from the data; the page shell, with its inlined style sheet and script under a
Content-Security-Policy, from :mod:`graphdyn.views.page`. The page is the same for the same
audit, byte for byte.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from graphdyn.components import COMPONENTS
from graphdyn.config import Config
from graphdyn.data.names import display_names
from graphdyn.model.priority import needs_attention, priority_column
from graphdyn.views.charts import Marker, Series, bar_chart, histogram, line_chart
from graphdyn.views.document import (
    NOT_AVAILABLE,
    Column,
    Figure,
    empty_note,
    figure_cards,
    format_date,
    format_label,
    format_score,
    format_share,
    page_header,
    render_sections,
    render_table,
)
from graphdyn.views.page import Count, Page, document_page
from graphdyn.views.values import is_missing

if TYPE_CHECKING:
    from graphdyn.audits.run import Audit

__all__ = ["SECTIONS", "report_page"]

#: The report's sections, in page order: (anchor id, heading).
SECTIONS: tuple[tuple[str, str], ...] = (
    ("headline", "Headline figures"),
    ("distribution", "Strength distribution"),
    ("channels", "Channel mix"),
    ("trajectories", "Trajectories"),
    ("at-risk", "At-risk customers"),
    ("weakest-important", "Weakest important relationships"),
    ("single-threaded", "Single-threaded accounts"),
    ("staff", "Staff exposure"),
    ("method", "Parameters and method"),
)

_STATUS_ORDER = ("active", "cooling", "at_risk", "dormant", "new")
_FALLING_SHOWN = 8
_WEAKEST_SHOWN = 20
_HISTOGRAM_BINS = 20


def report_page(result: Audit, *, max_rows: int = 50) -> Page:
    """Return an audit's report: one self-contained HTML page.

    Parameters
    ----------
    result : Audit
        The audit to report.
    max_rows : int
        The most rows shown in each long table (at-risk customers, single-threaded accounts,
        staff); the page says how many were left out and where the full list is.

    Returns
    -------
    Page
        The page, the same for the same audit; its counts (``"at_risk"``,
        ``"weakest_important"``, ``"single_threaded"``, ``"staff"``) are the rows each long
        table shows of how many there are.

    Examples
    --------
    >>> import pandas as pd
    >>> from graphdyn.audits.run import audit
    >>> events = pd.DataFrame({
    ...     "interaction_id": ["i1", "i2"], "timestamp": ["2024-01-01", "2024-03-01"],
    ...     "customer_id": ["c1", "c1"], "staff_id": ["s1", "s1"], "channel": ["meeting", "phone"]})
    >>> page = report_page(audit(events, as_of="2024-03-31"))
    >>> page.html.startswith("<!DOCTYPE html>"), page.title
    (True, 'Relationship audit as of 2024-03-31')
    >>> str(page.counts["staff"])
    '1 of 1 staff shown'
    """
    if max_rows < 1:
        raise ValueError(f"max_rows must be at least 1 ({max_rows})")
    names = display_names(result.staff, "staff_id")
    counts: dict[str, Count] = {}
    sections = (
        _headline(result),
        _distribution(result),
        _channel_mix(result.channels),
        _trajectories(result),
        _at_risk(result, names, max_rows, counts),
        _weakest_important(result, names, counts),
        _single_threaded(result, names, max_rows, counts),
        _staff_exposure(result.staff, max_rows, counts),
        _method(result),
    )
    return document_page(
        f"Relationship audit as of {format_date(result.as_of)}",
        _header(result) + render_sections(SECTIONS, sections),
        counts=counts,
    )


_CUSTOMER = Column("customer_id", "Customer", "entity", name_key="name")
_SEGMENT = Column("segment", "Segment", "raw")
_TOP_CONTACT = Column("top_staff_id", "Top contact", "entity", name_key="top_staff_name")
_VALUE = Column(
    "value_raw", "Value (decayed)", "number", help="order value, each weighted by its decay"
)
_FULL_LIST = {
    "customers": "customers.csv in the audit folder holds every customer",
    "staff": "staff.csv in the audit folder holds every staff member",
}


# Sections -----------------------------------------------------------------------------------


def _header(result: Audit) -> str:
    config, summary = result.config, result.summary
    as_of = format_date(result.as_of)
    if result.as_of != result.as_of.normalize():
        as_of += result.as_of.strftime(" %H:%M UTC")
    parameters = (
        f"half-life {config.half_life_days:g} days · strong tie ≥ {config.strong_threshold:g} · "
        f"cold at liveness < {config.liveness_at_risk:g} after {config.overdue_at_risk:g} gaps · "
        f"trend over {config.trend_window_days:g} "
        f"days · {config.snapshots} monthly snapshot{'s' if config.snapshots != 1 else ''}"
    )
    meta = {
        "As of": as_of,
        "Data source": str(summary.get("source", NOT_AVAILABLE)),
        "Parameters": parameters,
        "graphdyn": str(summary.get("graphdyn_version", NOT_AVAILABLE)),
    }
    subheading = f"as of {format_date(result.as_of)}"
    return page_header("Relationship audit", subheading, meta, SECTIONS)


def _headline(result: Audit) -> str:
    summary = result.summary
    counts = summary["counts"]
    customer_status, tie_status = summary["customer_status"], summary["tie_status"]
    cards = figure_cards(
        [
            Figure("customers", f"{counts['customers']:,}", "customers"),
            Figure("ties", f"{counts['ties']:,}", "customer–staff ties"),
            Figure("staff", f"{counts['staff']:,}", "staff"),
            Figure("interactions", f"{counts['interactions']:,}", "interactions"),
            Figure(
                "mean-strength", format_score(summary["mean_customer_strength"]), "mean strength"
            ),
            Figure("at-risk", f"{customer_status['at_risk']:,}", "customers at risk", alert=True),
            Figure(
                "at-risk-share", format_share(summary["at_risk_share"]), "at-risk share", alert=True
            ),
            Figure(
                "single-threaded",
                f"{summary['single_threaded']:,}",
                "single-threaded accounts",
                alert=True,
            ),
        ]
    )
    n_customers = max(counts["customers"], 1)
    status_rows = pd.DataFrame(
        {
            "status": list(_STATUS_ORDER),
            "customers": [customer_status[s] for s in _STATUS_ORDER],
            "share": [customer_status[s] / n_customers for s in _STATUS_ORDER],
            "ties": [tie_status[s] for s in _STATUS_ORDER],
        }
    )
    status_table = render_table(
        status_rows,
        [
            Column("status", "Status", "status"),
            Column("customers", "Customers", "count"),
            Column("share", "Share of customers", "share"),
            Column("ties", "Ties", "count"),
        ],
    )
    trend = summary["customer_trend"]
    trend_text = ", ".join(f"{trend[t]:,} {t}" for t in ("strengthening", "stable", "weakening"))
    quality = summary["data_quality"]
    checks = (
        ("rejected-rows", "Rows rejected as invalid (quarantined)", quality["rejected_rows"]),
        (
            "excluded-after-as-of",
            "Interactions after the as-of date (excluded)",
            quality["excluded_after_as_of"],
        ),
        (
            "self-service",
            "Self-service interactions (no staff member)",
            counts["self_service_interactions"],
        ),
        (
            "without-interactions",
            "Customers without interactions",
            counts["customers_without_interactions"],
        ),
    )
    quality_list = "".join(
        f'<dt>{label}</dt><dd class="num" data-figure="{key}">{value:,}</dd>'
        for key, label, value in checks
    )
    return (
        f"{cards}<h3>Customers and ties by status</h3>{status_table}"
        f"<p>Trend over the last {result.config.trend_window_days:g} days: {trend_text}.</p>"
        f'<h3>Data quality</h3><dl class="meta">{quality_list}</dl>'
    )


def _distribution(result: Audit) -> str:
    config = result.config
    figures = []
    charts = (
        (result.customers, "customers", "strength", _strength_marker(config)),
        (result.ties, "ties", "strength", _strength_marker(config)),
        (result.customers, "customers", "liveness", _liveness_marker(config)),
    )
    for frame, noun, column, marker in charts:
        values = frame[column].to_numpy(dtype=np.float64)
        if len(values) == 0:
            missing = "No customer–staff ties: every interaction is self-service."
            figures.append(f"<figure>{empty_note(missing)}</figure>")
            continue
        chart = histogram(
            values,
            title=f"{column.capitalize()} of {len(values):,} {noun}",
            x_label=column,
            noun=noun,
            bins=_HISTOGRAM_BINS,
            markers=(marker,),
        )
        caption = (
            f"{noun.capitalize()}: median {np.median(values):.2f}; "
            f"{format_share(float(np.mean(values >= marker.value)))} at or above "
            f"{marker.value:g}."
            if column == "strength"
            else f"{noun.capitalize()}: median {np.median(values):.2f}; "
            f"{format_share(float(np.mean(values < marker.value)))} below {marker.value:g}."
        )
        figures.append(f"<figure>{chart}<figcaption>{caption}</figcaption></figure>")
    return f'<div class="charts">{"".join(figures)}</div>'


def _channel_mix(channels: pd.DataFrame) -> str:
    if channels.empty:
        return empty_note("No channels.")
    ordered = channels.sort_values(["share_of_intensity", "channel"], ascending=[False, True])
    labels = [format_label(str(c)) for c in ordered["channel"]]
    shares = ordered["share_of_intensity"].astype(float).tolist()
    interactions = ordered["interactions"].astype(float).tolist()
    share_chart = bar_chart(
        labels,
        shares,
        title="Share of intensity by channel",
        value_labels=[format_share(s) for s in shares],
    )
    count_chart = bar_chart(
        labels,
        interactions,
        title="Interactions by channel",
        value_labels=[f"{int(n):,}" for n in interactions],
    )
    table = render_table(
        ordered,
        [
            Column("channel", "Channel"),
            Column("richness", "Richness", "score", help="weight of one contact on this channel"),
            Column("interactions", "Interactions", "count"),
            Column("share_of_intensity", "Share of intensity", "share"),
            Column("customers_reached", "Customers reached", "count"),
            Column(
                "dependent_customers",
                "Dependent customers",
                "count",
                help="customers who get more than half of their intensity on this channel",
            ),
        ],
    )
    return (
        '<div class="charts">'
        f"<figure>{share_chart}<figcaption>Share of decayed, richness-weighted contact "
        "(intensity).</figcaption></figure>"
        f"<figure>{count_chart}<figcaption>Interactions up to the as-of date.</figcaption>"
        f"</figure></div>{table}"
    )


def _trajectories(result: Audit) -> str:
    history = result.customer_trajectories.iloc[:, ::-1]  # oldest snapshot first
    if history.shape[1] < 2:
        return empty_note("Only one snapshot was computed, so there is no trajectory to show.")
    falls = (
        pd.DataFrame(
            {"first": history.bfill(axis=1).iloc[:, 0], "last": history.ffill(axis=1).iloc[:, -1]}
        )
        .rename_axis("customer_id")
        .reset_index()
    )
    falls["change"] = falls["last"] - falls["first"]
    falls = falls.loc[falls["change"] < 0].sort_values(["change", "customer_id"])
    falls = falls.head(_FALLING_SHOWN).reset_index(drop=True)
    if falls.empty:
        return empty_note("No customer's strength fell over the snapshots.")
    customers = result.customers.set_index("customer_id")
    falls = falls.join(customers[["status"]], on="customer_id")
    if "name" in customers.columns:
        falls = falls.join(customers[["name"]], on="customer_id")
    labels = _series_labels(falls)
    series = [
        Series(label, history.loc[cid].to_numpy(dtype=np.float64).tolist())
        for label, cid in zip(labels, falls["customer_id"], strict=True)
    ]
    config = result.config
    chart = line_chart(
        [str(c) for c in history.columns],
        series,
        title="Strength of the customers whose strength fell most",
        y_label="strength",
        markers=(_strength_marker(config),),
        width=900.0,
        height=340.0,
    )
    table = render_table(
        falls,
        [
            _CUSTOMER,
            Column(
                "first",
                "Strength at first snapshot",
                "score",
                help="at the first monthly snapshot after the customer's first contact",
            ),
            Column("last", "Strength now", "score", help=f"on {format_date(result.as_of)}"),
            Column("change", "Change", "delta"),
            Column("status", "Status", "status"),
        ],
    )
    return (
        f'<figure class="wide">{chart}<figcaption>Monthly strength snapshots, '
        f"{escape(str(history.columns[0]))} to {escape(str(history.columns[-1]))}; a line "
        f"starts at the customer's first contact.</figcaption></figure>{table}"
    )


def _series_labels(falls: pd.DataFrame) -> list[str]:
    """Name (or id) per customer; a name shared by two shown customers gets its id added."""
    names = falls["name"] if "name" in falls.columns else pd.Series(pd.NA, index=falls.index)
    labels = [
        str(cid) if is_missing(name) else str(name)
        for name, cid in zip(names, falls["customer_id"], strict=True)
    ]
    return [
        f"{label} ({cid})" if labels.count(label) > 1 else label
        for label, cid in zip(labels, falls["customer_id"], strict=True)
    ]


def _at_risk(
    result: Audit, names: Mapping[str, str], max_rows: int, counts: dict[str, Count]
) -> str:
    customers = result.customers
    at_risk = needs_attention(customers)
    if at_risk.empty:
        return empty_note("No at-risk customers.")
    priority = priority_column(customers)
    shown = _with_staff_names(at_risk.head(max_rows), names)
    counts["at_risk"] = Count("at-risk customers shown", len(shown), len(at_risk))
    return (
        f"<p>Most {escape(format_label(priority))} first: {escape(_PRIORITY_TEXT[priority])}. "
        "Overdue is the silence so far in units of the customer's usual gap between "
        "contacts.</p>"
        + render_table(
            shown,
            [
                _CUSTOMER,
                _PRIORITY_COLUMNS[priority],
                _SEGMENT,
                Column("liveness", "Liveness", "score", help=_liveness_text(result.config)),
                Column("strength", "Strength", "score"),
                Column("days_since_last", "Days since last contact", "days"),
                Column("overdue", "Overdue", "ratio", help="days since last ÷ typical gap"),
                _TOP_CONTACT,
            ],
            count=counts["at_risk"],
            full_list=_FULL_LIST["customers"],
        )
    )


def _weakest_important(result: Audit, names: Mapping[str, str], counts: dict[str, Count]) -> str:
    important = result.weakest_important(len(result.customers))
    if important.empty:
        return empty_note("No customers.")
    shown = _with_staff_names(important.head(_WEAKEST_SHOWN), names)
    counts["weakest_important"] = Count("important customers shown", len(shown), len(important))
    components = [
        Column(c.name, c.label, "score", help=f"{c.meaning}; n/a: no data, left out of strength")
        for c in COMPONENTS
    ]
    return (
        "<p>The weakest relationships among the more valuable half of customers (by decayed "
        "order value, or by contact intensity where there are no values), weakest first. "
        "The components show what makes each one weak.</p>"
        + render_table(
            shown,
            [
                _CUSTOMER,
                Column("strength", "Strength", "score"),
                *components,
                Column("liveness", "Liveness", "score", help=_liveness_text(result.config)),
                Column("status", "Status", "status"),
                Column("last_contact", "Last contact", "date"),
                _VALUE,
                _TOP_CONTACT,
            ],
            count=counts["weakest_important"],
            full_list=_FULL_LIST["customers"],
        )
    )


def _single_threaded(
    result: Audit, names: Mapping[str, str], max_rows: int, counts: dict[str, Count]
) -> str:
    customers = result.customers
    single = customers.loc[customers["single_threaded"].astype(bool)]
    if single.empty:
        return empty_note("No single-threaded accounts.")
    tie_strength = result.ties.set_index(["customer_id", "staff_id"])["strength"]
    pairs = pd.MultiIndex.from_arrays([single["customer_id"], single["top_staff_id"]])
    single = single.assign(tie_strength=tie_strength.reindex(pairs).to_numpy())
    ordered = single.sort_values(
        ["value_raw", "tie_strength", "customer_id"],
        ascending=[False, True, True],
        na_position="last",
    )
    shown = _with_staff_names(ordered.head(max_rows), names)
    counts["single_threaded"] = Count("single-threaded accounts shown", len(shown), len(single))
    return (
        f"<p>Customers one staff member carries alone: at least "
        f"{result.config.single_thread_share:.0%} of the summed strength of their staff ties is "
        f"with that person, on at least {result.config.single_thread_min_days} contact days. "
        "If that person leaves, nobody else knows the account. Most valuable first.</p>"
        + render_table(
            shown,
            [
                _CUSTOMER,
                _VALUE,
                _SEGMENT,
                Column("top_staff_id", "Carried by", "entity", name_key="top_staff_name"),
                Column("tie_strength", "Tie strength", "score"),
                Column("strength", "Customer strength", "score"),
                Column("status", "Status", "status"),
            ],
            count=counts["single_threaded"],
            full_list=_FULL_LIST["customers"],
        )
    )


_STAFF = Column("staff_id", "Staff", "entity", name_key="name", detail_key="detail")
_STAFF_COLUMNS = (
    Column("value_at_stake", "Value at stake", "number"),
    Column(
        "departure_at_risk",
        "At risk if they leave",
        "count",
        help="customers who would become at risk without this person's interactions",
    ),
    Column("customers", "Customers", "count"),
    Column("portfolio_strength", "Portfolio strength", "number", help="sum of tie strengths"),
    Column("strong_ties", "Strong ties", "count"),
    Column(
        "single_threaded_customers",
        "Carries alone",
        "count",
        help="single-threaded customers this person carries",
    ),
    Column(
        "sole_strong_tie_customers",
        "Sole strong tie",
        "count",
        help="customers whose only strong tie is this person",
    ),
    Column("betweenness", "Betweenness", "number"),
    Column("pagerank", "PageRank", "number"),
    Column("constraint", "Constraint", "number", help="Burt's constraint: high = no brokerage"),
    Column("effective_size", "Effective size", "number"),
)


def _staff_exposure(staff: pd.DataFrame, max_rows: int, counts: dict[str, Count]) -> str:
    if staff.empty:
        return empty_note("No staff.")
    first = "value_at_stake" if "value_at_stake" in staff.columns else "sole_strong_tie_customers"
    ordered = staff.sort_values(
        [first, "portfolio_strength", "staff_id"],
        ascending=[False, False, True],
        na_position="last",
    )
    shown = ordered.head(max_rows)
    shown = shown.assign(detail=_staff_details(shown))
    counts["staff"] = Count("staff shown", len(shown), len(staff))
    # The column the table is sorted by comes right after the names.
    columns = sorted(_STAFF_COLUMNS, key=lambda column: column.key != first)
    table = render_table(
        shown, [_STAFF, *columns], count=counts["staff"], full_list=_FULL_LIST["staff"]
    )
    return f"<p>Sorted by {escape(format_label(first))}, then portfolio strength.</p>{table}"


def _method(result: Audit) -> str:
    config = result.config
    weights = pd.DataFrame(
        {
            "component": [c.label for c in COMPONENTS],
            "meaning": [c.meaning for c in COMPONENTS],
            "weight": [config.weights.get(c.name, 0.0) for c in COMPONENTS],
            "customers": [
                int(result.customers[c.name].notna().sum()) if c.name in result.customers else 0
                for c in COMPONENTS
            ],
        }
    )
    richness_of = config.channel_richness
    richness = pd.DataFrame({"channel": list(richness_of), "richness": list(richness_of.values())})
    parameters = pd.DataFrame(
        [
            {"parameter": key, "value": f"{value:.4g}" if isinstance(value, float) else str(value)}
            for key, value in config.to_dict().items()
            if not isinstance(value, Mapping)
        ]
    )
    priority = priority_column(result.customers)
    numbers = "".join(
        f"<dt>{escape(name)}</dt><dd>{escape(text)}</dd>"
        for name, text in (
            ("Strength", _STRENGTH_TEXT),
            ("Liveness", _sentence(_liveness_text(config))),
            (
                format_label(priority).capitalize(),
                _sentence(_PRIORITY_TEXT[priority], "; the at-risk list is sorted by it"),
            ),
        )
    )
    prose = f"""
<dl class="meta">{numbers}</dl>
<p>Every interaction counts less the older it is: its weight halves every
{config.half_life_days:g} days. The components of strength are listed below, with their
weights; one with no data is left out of the average, never counted as zero. Liveness comes
from the relationship's own rhythm: its typical gap between contact days, read from its recent
contact (an interval weighs half as much {config.half_life_days:g} days later), and how long
it has now been silent; relationships end at a small constant rate (half would have ended after
{config.lapse_half_life_days:g} days without any contact).</p>
<p>A tie is <strong>strong</strong> at {config.strong_threshold:g} or above. <em>Overdue</em> is
the silence so far divided by the typical gap. A relationship has <em>gone cold</em> when it is
more than {config.overdue_at_risk:g} gaps overdue and its liveness is below
{config.liveness_at_risk:g}. Status, first match wins: <em>new</em> (first contact under
{config.new_window_days:g} days and two usual gaps ago); <em>dormant</em> (no contact for
{config.dormant_days:g} days, or intensity below {config.dormant_intensity:g}); <em>at risk</em>
(gone cold, with a rhythm established on at least {config.at_risk_min_contact_days} contact
days); <em>cooling</em> (more than {config.overdue_cooling:g} gaps overdue, or weakening);
otherwise <em>active</em>. The trend compares strength now with
{config.trend_window_days:g} days earlier (±{config.trend_delta:g}).</p>
"""
    return (
        f'<div class="method">{prose}</div><div class="charts"><div>'
        "<h3>Components of strength</h3>"
        + render_table(
            weights,
            [
                Column("component", "Component"),
                Column("meaning", "What it measures", "raw"),
                Column("weight", "Weight", "score"),
                Column("customers", "Customers with data", "count"),
            ],
        )
        + "<h3>Channel richness</h3>"
        + render_table(
            richness, [Column("channel", "Channel"), Column("richness", "Richness", "score")]
        )
        + "</div><div><h3>All parameters</h3>"
        + render_table(
            parameters, [Column("parameter", "Parameter", "raw"), Column("value", "Value", "raw")]
        )
        + "</div></div>"
    )


_STRENGTH_TEXT = (
    "How strong the relationship is, from 0 to 1: the weighted average of its components, "
    "whether or not it is still going."
)


def _liveness_text(config: Config) -> str:
    return (
        "how likely the relationship is still going: the probability of hearing from it within "
        f"the next {config.liveness_horizon_days:g} days, given its silence and its own rhythm"
    )


_PRIORITY_TEXT = {
    "value_at_risk": "the decayed order value the vendor stands to lose, value × (1 − liveness)",
    "strength_at_risk": "the strength the vendor stands to lose, strength × (1 − liveness)",
}
_PRIORITY_COLUMNS = {
    "value_at_risk": Column(
        "value_at_risk", "Value at risk", "number", help=_PRIORITY_TEXT["value_at_risk"]
    ),
    "strength_at_risk": Column(
        "strength_at_risk", "Strength at risk", "score", help=_PRIORITY_TEXT["strength_at_risk"]
    ),
}


# Helpers ------------------------------------------------------------------------------------


def _sentence(text: str, tail: str = "") -> str:
    return text[0].upper() + text[1:] + tail + "."


def _strength_marker(config: Config) -> Marker:
    return Marker(config.strong_threshold, f"strong ≥ {config.strong_threshold:g}")


def _liveness_marker(config: Config) -> Marker:
    return Marker(config.liveness_at_risk, f"cold < {config.liveness_at_risk:g}")


def _staff_details(staff: pd.DataFrame) -> list[str]:
    """Role, team and the date a person left, as one line under each name (blank if none)."""
    details = []
    for row in staff.to_dict("records"):
        parts = [
            format_label(str(row["role"])) if not is_missing(row.get("role")) else "",
            "" if is_missing(row.get("team")) else str(row["team"]),
            "" if is_missing(row.get("left_at")) else f"left {format_date(row['left_at'])}",
        ]
        details.append(" · ".join(part for part in parts if part))
    return details


def _with_staff_names(frame: pd.DataFrame, names: Mapping[str, str]) -> pd.DataFrame:
    top = frame["top_staff_id"]
    return frame.assign(top_staff_name=top.map(lambda v: names.get(str(v), pd.NA)))
