"""Inline SVG charts for report.html and compare.html: histogram, horizontal bars and lines.

Each chart is a pure function from numbers to SVG text: no JavaScript, no external resource, so
the page that embeds it works offline and prints. Labels pass through :func:`html.escape`;
colours are presentation attributes, so a chart looks the same wherever it is pasted; every bar
and line carries a ``<title>`` with its exact figure, shown on hover and read by screen readers.

The marks carry classes tests and style sheets can count on: ``bar`` (one ``<rect>`` per
histogram bin or bar), ``series`` (one ``<path>`` per line) and ``marker`` (reference lines).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

import numpy as np

__all__ = ["PALETTE", "Marker", "Series", "bar_chart", "histogram", "line_chart", "nice_ticks"]

#: Line colours: Okabe & Ito's colour-blind-safe palette ("Color Universal Design", 2008),
#: with grey in place of yellow, which is unreadable as a thin line on white.
PALETTE: tuple[str, ...] = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#000000",
    "#888888",
)
# Dash patterns cycle with a different period than the colours, so lines stay apart when
# printed in grey.
_DASHES: tuple[str, ...] = ("", "7 3", "2 3")

_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"
_FONT_SIZE = 12.0
_CHAR_WIDTH = 0.6 * _FONT_SIZE  # average advance of a sans-serif character
_INK = "#333333"
_GRID = "#e3e3e3"
_BAR = "#4a78b5"
_MARKER = "#b03a2e"


@dataclass(frozen=True)
class Marker:
    """A labelled reference line across a chart, such as a threshold.

    Parameters
    ----------
    value : float
        Where the line is, in data units (x for a histogram, y for a line chart).
    label : str
        Text written beside the line.
    """

    value: float
    label: str


@dataclass(frozen=True)
class Series:
    """One line of a line chart.

    Parameters
    ----------
    label : str
        The legend entry.
    values : sequence of float
        One value per x position; NaN leaves a gap.
    """

    label: str
    values: Sequence[float]


@dataclass(frozen=True)
class _Plot:
    """A plotting area inside an SVG canvas, mapping data ranges to pixels."""

    left: float
    top: float
    width: float
    height: float
    x_range: tuple[float, float]
    y_range: tuple[float, float]

    def x(self, value: float) -> float:
        low, high = self.x_range
        return self.left + (value - low) / (high - low) * self.width

    def y(self, value: float) -> float:
        low, high = self.y_range
        return self.top + self.height - (value - low) / (high - low) * self.height

    @property
    def bottom(self) -> float:
        return self.top + self.height

    @property
    def right(self) -> float:
        return self.left + self.width


def nice_ticks(
    low: float, high: float, max_ticks: int = 6, *, integer: bool = False
) -> list[float]:
    """Round tick positions covering ``[low, high]``: steps of 1, 2 or 5 times a power of ten.

    Parameters
    ----------
    low, high : float
        The range to cover; the ticks start at or below ``low`` and end at or above ``high``.
    max_ticks : int
        The most ticks to return.
    integer : bool
        Use whole-number steps only (for counts).

    Returns
    -------
    list of float

    Examples
    --------
    >>> nice_ticks(0, 1)
    [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    >>> nice_ticks(0, 37)
    [0.0, 10.0, 20.0, 30.0, 40.0]
    >>> nice_ticks(0, 2, integer=True)
    [0.0, 1.0, 2.0]
    """
    if not high > low:
        high = low + 1.0
    raw_step = (high - low) / max(max_ticks - 1, 1)
    power = 10.0 ** math.floor(math.log10(raw_step))
    step = next(m * power for m in (1.0, 2.0, 5.0, 10.0) if m * power >= raw_step * (1 - 1e-9))
    if integer:
        step = max(step, 1.0)
    start = math.floor(low / step + 1e-9)
    stop = math.ceil(high / step - 1e-9)
    return [round(k * step, 12) for k in range(start, stop + 1)]


def histogram(
    values: Sequence[float] | np.ndarray,
    *,
    title: str,
    x_label: str,
    noun: str,
    bins: int = 20,
    value_range: tuple[float, float] = (0.0, 1.0),
    markers: Sequence[Marker] = (),
    width: float = 640.0,
    height: float = 260.0,
) -> str:
    """Draw a histogram of ``values`` as an SVG element.

    Every bin is one ``<rect class="bar">`` (zero-height when empty), so the chart always has
    exactly ``bins`` bars; NaN values are left out, values outside ``value_range`` too.

    Parameters
    ----------
    values : sequence of float
        The values to count.
    title : str
        The chart's accessible name (its ``<title>``).
    x_label : str
        The x-axis caption.
    noun : str
        What is counted, plural ("customers"), used in each bar's hover text.
    bins : int
        Number of equal-width bins over ``value_range``.
    value_range : tuple of float
        The x range; the last bin includes its right edge.
    markers : sequence of Marker
        Vertical reference lines (thresholds).
    width, height : float
        Size of the drawing in SVG user units (it scales to the page width).

    Returns
    -------
    str
        An ``<svg>`` element.

    Examples
    --------
    >>> svg = histogram([0.1, 0.15, 0.9], title="Strength", x_label="strength",
    ...                 noun="customers", bins=10)
    >>> svg.count('<rect class="bar"')
    10
    >>> "0.10–0.20: 2 customers" in svg
    True
    """
    data = np.asarray(values, dtype=np.float64)
    counts, edges = np.histogram(data[~np.isnan(data)], bins=bins, range=value_range)
    y_ticks = nice_ticks(0.0, float(max(counts.max(initial=0), 1)), 5, integer=True)
    plot = _Plot(48.0, 22.0, width - 64.0, height - 66.0, value_range, (0.0, y_ticks[-1]))
    parts = [_open(title, width, height)]
    parts += _y_axis(plot, y_ticks, "{:g}")
    x_ticks = nice_ticks(*value_range, 11)
    parts += _x_axis(
        plot, [(t, f"{t:g}") for t in x_ticks if plot.x_range[0] <= t <= plot.x_range[1]]
    )
    parts.append(_text(plot.left + plot.width / 2, height - 6.0, x_label, anchor="middle"))
    gap = 1.0 if plot.width / bins > 4 else 0.0
    for count, low, high in zip(counts, edges[:-1], edges[1:], strict=True):
        x0, x1, top = plot.x(low), plot.x(high), plot.y(float(count))
        parts.append(
            f'<rect class="bar" x="{x0 + gap / 2:.1f}" y="{top:.1f}" '
            f'width="{x1 - x0 - gap:.1f}" height="{plot.bottom - top:.1f}" fill="{_BAR}">'
            f"<title>{low:.2f}–{high:.2f}: {int(count):,} {escape(noun)}</title></rect>"
        )
    for marker in markers:
        x = plot.x(marker.value)
        parts.append(_marker_line(x, plot.top, x, plot.bottom, marker.label))
        parts.append(_text(x + 3.0, plot.top - 6.0, marker.label, fill=_MARKER, size=11.0))
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    title: str,
    value_labels: Sequence[str],
    width: float = 640.0,
    row_height: float = 24.0,
) -> str:
    """Draw horizontal bars, one per label, longest bar = largest value.

    Parameters
    ----------
    labels : sequence of str
        The category names, drawn left of the bars, top to bottom in the order given.
    values : sequence of float
        The bar lengths (>= 0; NaN draws no bar).
    title : str
        The chart's accessible name.
    value_labels : sequence of str
        The text written after each bar (the caller formats the numbers).
    width : float
        Width in SVG user units.
    row_height : float
        Height of one bar's row.

    Returns
    -------
    str
        An ``<svg>`` element with one ``<rect class="bar">`` per label.

    Examples
    --------
    >>> svg = bar_chart(["phone", "email"], [0.6, 0.4], title="Share",
    ...                 value_labels=["60%", "40%"])
    >>> svg.count('<rect class="bar"'), "email: 40%" in svg
    (2, True)
    """
    if not len(labels) == len(values) == len(value_labels):
        raise ValueError("labels, values and value_labels must have the same length")
    numbers = np.nan_to_num(np.asarray(values, dtype=np.float64), nan=0.0)
    label_width = min(max((len(s) for s in labels), default=1) * _CHAR_WIDTH + 12.0, width * 0.4)
    value_width = max((len(s) for s in value_labels), default=1) * _CHAR_WIDTH + 10.0
    height = 8.0 + row_height * len(labels) + 8.0
    plot = _Plot(
        label_width,
        8.0,
        width - label_width - value_width,
        row_height * len(labels),
        (0.0, float(max(numbers.max(initial=0.0), 1e-12))),
        (0.0, 1.0),
    )
    parts = [_open(title, width, height)]
    parts.append(_line(plot.left, plot.top, plot.left, plot.bottom, _INK))
    rows = zip(labels, numbers, value_labels, strict=True)
    for row, (label, number, value_label) in enumerate(rows):
        top = plot.top + row * row_height
        middle = top + row_height / 2 + _FONT_SIZE * 0.35
        end = plot.x(max(float(number), 0.0))
        parts.append(_text(plot.left - 6.0, middle, _shorten(label, label_width), anchor="end"))
        parts.append(
            f'<rect class="bar" x="{plot.left:.1f}" y="{top + 4:.1f}" '
            f'width="{end - plot.left:.1f}" height="{row_height - 8:.1f}" fill="{_BAR}">'
            f"<title>{escape(label)}: {escape(value_label)}</title></rect>"
        )
        parts.append(_text(end + 4.0, middle, value_label))
    parts.append("</svg>")
    return "".join(parts)


def line_chart(
    x_labels: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    y_label: str,
    y_range: tuple[float, float] = (0.0, 1.0),
    markers: Sequence[Marker] = (),
    width: float = 640.0,
    height: float = 300.0,
) -> str:
    """Draw lines over shared x positions, with a legend below the plot.

    Each series is one ``<path class="series">``; a NaN starts a new segment, so a line begins
    where its data begins. Colours follow :data:`PALETTE`, with dash patterns on a different
    cycle so that lines stay distinguishable in grey print.

    Parameters
    ----------
    x_labels : sequence of str
        One label per x position, left to right (a subset is written on the axis).
    series : sequence of Series
        The lines, each with one value per x position.
    title : str
        The chart's accessible name.
    y_label : str
        The y-axis caption.
    y_range : tuple of float
        The y range.
    markers : sequence of Marker
        Horizontal reference lines (thresholds).
    width, height : float
        Size of the plot area's canvas in SVG user units; the legend adds rows below it.

    Returns
    -------
    str
        An ``<svg>`` element.

    Examples
    --------
    >>> svg = line_chart(["Jan", "Feb", "Mar"], [Series("c1", [0.8, 0.6, 0.4]),
    ...                  Series("c2", [float("nan"), 0.9, 0.5])], title="t", y_label="strength")
    >>> svg.count('<path class="series"')
    2
    """
    for line in series:
        if len(line.values) != len(x_labels):
            raise ValueError(
                f"series {line.label!r}: {len(line.values)} values, expected {len(x_labels)}"
            )
    columns = 2
    legend_rows = math.ceil(len(series) / columns)
    total_height = height + 18.0 * legend_rows + 4.0
    last = max(len(x_labels) - 1, 1)
    plot = _Plot(56.0, 16.0, width - 100.0, height - 58.0, (0.0, float(last)), y_range)
    parts = [_open(title, width, total_height)]
    parts += _y_axis(plot, nice_ticks(*y_range, 6), "{:g}")
    parts.append(
        _text(
            14.0,
            plot.top + plot.height / 2,
            y_label,
            anchor="middle",
            rotate=(14.0, plot.top + plot.height / 2),
        )
    )
    step = max(1, math.ceil(len(x_labels) / 6))
    shown = sorted({*range(len(x_labels) - 1, -1, -step)})
    parts += _x_axis(plot, [(float(i), x_labels[i]) for i in shown])
    for marker in markers:
        y = plot.y(marker.value)
        parts.append(_marker_line(plot.left, y, plot.right, y, marker.label))
        parts.append(
            _text(plot.right, y - 4.0, marker.label, anchor="end", fill=_MARKER, size=11.0)
        )
    legend_top = height - 8.0
    column_width = (width - plot.left) / columns
    for index, line in enumerate(series):
        colour, dash = PALETTE[index % len(PALETTE)], _DASHES[index % len(_DASHES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<path class="series" d="{_path(plot, line.values)}" fill="none" '
            f'stroke="{colour}" stroke-width="2"{dash_attr}>'
            f"<title>{escape(line.label)}</title></path>"
        )
        x = plot.left + (index % columns) * column_width
        y = legend_top + (index // columns) * 18.0
        parts.append(
            f'<line x1="{x:.1f}" y1="{y - 4:.1f}" x2="{x + 22:.1f}" y2="{y - 4:.1f}" '
            f'stroke="{colour}" stroke-width="2"{dash_attr}/>'
        )
        parts.append(_text(x + 28.0, y, _shorten(line.label, column_width - 34.0)))
    parts.append("</svg>")
    return "".join(parts)


def _open(title: str, width: float, height: float) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" '
        f'font-family="{_FONT}" font-size="{_FONT_SIZE:g}" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>"
    )


def _y_axis(plot: _Plot, ticks: Sequence[float], pattern: str) -> list[str]:
    parts = []
    for tick in ticks:
        y = plot.y(tick)
        parts.append(_line(plot.left, y, plot.right, y, _GRID))
        parts.append(_text(plot.left - 6.0, y + 4.0, pattern.format(tick), anchor="end"))
    parts.append(_line(plot.left, plot.top, plot.left, plot.bottom, _INK))
    return parts


def _x_axis(plot: _Plot, ticks: Sequence[tuple[float, str]]) -> list[str]:
    parts = [_line(plot.left, plot.bottom, plot.right, plot.bottom, _INK)]
    for value, label in ticks:
        x = plot.x(value)
        parts.append(_line(x, plot.bottom, x, plot.bottom + 4.0, _INK))
        parts.append(_text(x, plot.bottom + 16.0, label, anchor="middle"))
    return parts


def _path(plot: _Plot, values: Sequence[float]) -> str:
    commands = []
    pen_down = False
    for index, value in enumerate(values):
        if math.isnan(value):
            pen_down = False
            continue
        commands.append(f"{'L' if pen_down else 'M'}{plot.x(index):.1f},{plot.y(value):.1f}")
        pen_down = True
    return " ".join(commands)


def _line(x1: float, y1: float, x2: float, y2: float, stroke: str) -> str:
    return (
        f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
        f'stroke="{stroke}" stroke-width="1"/>'
    )


def _marker_line(x1: float, y1: float, x2: float, y2: float, label: str) -> str:
    return (
        f'<line class="marker" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
        f'stroke="{_MARKER}" stroke-width="1.5" stroke-dasharray="5 3">'
        f"<title>{escape(label)}</title></line>"
    )


def _text(
    x: float,
    y: float,
    content: str,
    *,
    anchor: str = "start",
    fill: str = _INK,
    size: float = _FONT_SIZE,
    rotate: tuple[float, float] | None = None,
) -> str:
    extra = f' font-size="{size:g}"' if size != _FONT_SIZE else ""
    if rotate is not None:
        extra += f' transform="rotate(-90 {rotate[0]:.1f} {rotate[1]:.1f})"'
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{fill}"{extra}>'
        f"{escape(content)}</text>"
    )


def _shorten(label: str, room: float) -> str:
    """Cut ``label`` with an ellipsis to fit ``room`` user units (full text stays in titles)."""
    fits = max(int(room / _CHAR_WIDTH), 4)
    return label if len(label) <= fits else label[: fits - 1] + "…"
