"""Line charts: one or more series over ``x`` (years, dates, numbers or ordered categories).

Series come either from several value columns (``y: [a, b]``, wide form) or from one value
column split by the values of a ``series`` column (long form, what ``GROUP BY year, crop``
returns). Numbers and dates on ``x`` get a proportional axis; anything else is spaced evenly
in the order the query returned it. A missing value breaks the line rather than bridging it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from ddgov.analytics.charts.bar import legend
from ddgov.analytics.charts.base import ChartDataError, ChartInput, RenderedChart
from ddgov.analytics.charts.numbers import (
    YEAR_RANGE,
    format_cell,
    format_compact,
    format_number,
    number_value,
)
from ddgov.analytics.charts.svg import (
    GRID,
    MUTED,
    SERIES_COLOURS,
    Scale,
    clip_text,
    esc,
    nice_ticks,
    num,
    svg_heading,
    svg_open,
    text,
    text_width,
)

FONT = 12.0
MAX_SERIES = 12
MAX_MARKERS = 60
RIGHT = 16.0


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value if not isinstance(value, dt.datetime) else value.date()
    if isinstance(value, str) and len(value) >= 10:
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _x_positions(
    chart: ChartInput, xs: list[Any]
) -> tuple[str, list[float], list[float], list[str]]:
    """Decide the x axis: ``(kind, positions per row, tick positions, tick labels)``."""
    numbers = [number_value(x) for x in xs]
    column_type = chart.column_type(chart.index(chart.options.get("x"))).upper()
    if (
        xs
        and all(n is not None for n in numbers)
        and not column_type.startswith(("VARCHAR", "TEXT"))
    ):
        values = [float(n) for n in numbers if n is not None]
        integer = all(v.is_integer() for v in values)
        years = integer and all(YEAR_RANGE[0] <= v <= YEAR_RANGE[1] for v in values)
        low, high, ticks = nice_ticks(min(values), max(values), target=6, integer=integer)
        if years:
            low, high = min(values), max(values)
            ticks = [t for t in ticks if low <= t <= high] or [low]
            labels = [format_number(t, group=False, thai_digits=chart.thai_digits) for t in ticks]
        else:
            labels = [
                format_compact(t, language=chart.language, thai_digits=chart.thai_digits)
                for t in ticks
            ]
        return "number", values, ticks, labels
    dates = [_as_date(x) for x in xs]
    if xs and all(d is not None for d in dates):
        ordinals = [float(d.toordinal()) for d in dates if d is not None]
        low, high = min(ordinals), max(ordinals)
        _lo, _hi, raw = nice_ticks(low, high, target=5, integer=True)
        ticks = [t for t in raw if low <= t <= high] or [low]
        labels = [format_cell(dt.date.fromordinal(int(t)), language=chart.language) for t in ticks]
        return "date", ordinals, ticks, labels
    order: list[str] = []
    for x in xs:
        key = "—" if x is None else str(x)
        if key not in order:
            order.append(key)
    positions = [float(order.index("—" if x is None else str(x))) for x in xs]
    return "category", positions, [float(i) for i in range(len(order))], order


def _series(chart: ChartInput) -> tuple[int, list[str], list[list[Any]], list[list[float | None]]]:
    """Return the x column, the series names, and per series the x values and y values."""
    x_index = chart.index(chart.options.get("x"))
    y_indexes = [chart.index(name) for name in chart.options.get("y") or []]
    if not y_indexes:
        raise ChartDataError(
            _("Choose at least one value column (y). / เลือกคอลัมน์ค่าอย่างน้อยหนึ่งคอลัมน์ (y)")
        )
    series_column = chart.options.get("series")
    if series_column:
        s_index = chart.index(series_column)
        names: list[str] = []
        xs: list[list[Any]] = []
        ys: list[list[float | None]] = []
        for row in chart.rows:
            name = "—" if row[s_index] is None else str(row[s_index])
            if name not in names:
                names.append(name)
                xs.append([])
                ys.append([])
            at = names.index(name)
            xs[at].append(row[x_index])
            ys[at].append(number_value(row[y_indexes[0]]))
        return x_index, names, xs, ys
    names = [chart.label(i) for i in y_indexes]
    all_x = [row[x_index] for row in chart.rows]
    return (
        x_index,
        names,
        [list(all_x) for _i in y_indexes],
        [[number_value(row[i]) for row in chart.rows] for i in y_indexes],
    )


def render_line(chart: ChartInput) -> RenderedChart:
    """Draw a line chart (see the module docstring)."""
    x_index, names, xs, ys = _series(chart)
    notes: list[str] = []
    if len(names) > MAX_SERIES:
        notes.append(
            _("Showing the first %(shown)s of %(total)s lines.")
            % {"shown": MAX_SERIES, "total": len(names)}
        )
        names, xs, ys = names[:MAX_SERIES], xs[:MAX_SERIES], ys[:MAX_SERIES]
    present = [v for values in ys for v in values if v is not None]
    if not present:
        raise ChartDataError(_("There are no numbers to draw. / ไม่มีตัวเลขให้วาด"))
    flat_x = [x for values in xs for x in values]
    axis = _x_positions(chart, flat_x)
    positions: list[list[float]] = []
    start = 0
    for values in xs:
        positions.append(axis[1][start : start + len(values)])
        start += len(values)
    y_low, y_high, y_ticks = nice_ticks(_y_floor(present), max(present))
    y_labels = [
        format_compact(t, language=chart.language, thai_digits=chart.thai_digits) for t in y_ticks
    ]
    left = 12 + max(text_width(t, FONT) for t in y_labels)
    key, key_height = legend(names, x=left, y=16, width=chart.width - left - RIGHT)
    frame = Frame(
        left=left, top=14 + key_height, bottom=chart.height - 30, right=chart.width - RIGHT
    )
    pad = 0.5 if axis[0] == "category" else 0.0
    x_scale = Scale((min(axis[1]) - pad, max(axis[1]) + pad), (left + 6, chart.width - RIGHT - 6))
    y_scale = Scale((y_low, y_high), (frame.bottom, frame.top))
    parts = [
        key,
        _axes(frame, x_scale, y_scale, (axis[2], axis[3]), (y_ticks, y_labels)),
    ]
    markers = sum(len(p) for p in positions) <= MAX_MARKERS * max(len(names), 1)
    for si, (name, pos, values, raw_x) in enumerate(zip(names, positions, ys, xs, strict=True)):
        points = sorted(zip(pos, values, raw_x, strict=True), key=lambda item: item[0])
        parts.append(
            _draw_series(
                chart, si, name, points, (x_scale, y_scale), x_index=x_index, markers=markers
            )
        )
    description = _(
        "%(kind)s of %(series)s over %(x)s, %(n)s points; from %(low)s to %(high)s."
    ) % {
        "kind": _("Line chart"),
        "series": ", ".join(names),
        "x": chart.label(x_index),
        "n": len(present),
        "low": format_number(min(present), decimals=chart.decimals, thai_digits=chart.thai_digits),
        "high": format_number(max(present), decimals=chart.decimals, thai_digits=chart.thai_digits),
    }
    svg = (
        svg_open(
            ident=chart.ident,
            width=chart.width,
            height=chart.height,
            css_class="chart-line",
            label="line",
        )
        + svg_heading(ident=chart.ident, title=chart.title, description=description)
        + "".join(parts)
        + "</svg>"
    )
    indexes = [x_index]
    if chart.options.get("series"):
        indexes.append(chart.index(chart.options["series"]))
    indexes.extend(chart.index(name) for name in chart.options.get("y") or [])
    return RenderedChart(kind="line", svg=svg, table=chart.table(indexes), notes=notes)


@dataclass(frozen=True)
class Frame:
    """The plotting area's edges."""

    left: float
    top: float
    bottom: float
    right: float


def _axes(
    frame: Frame,
    x_scale: Scale,
    y_scale: Scale,
    x_ticks: tuple[list[float], list[str]],
    y_ticks: tuple[list[float], list[str]],
) -> str:
    """Grid lines and tick labels; x labels thinned out until they fit side by side."""
    parts = ['<g class="chart-axis">']
    for tick, label in zip(*y_ticks, strict=True):
        y = y_scale(tick)
        parts.append(
            f'<line x1="{num(frame.left)}" x2="{num(frame.right)}" y1="{num(y)}" y2="{num(y)}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(text(frame.left - 6, y + 4, label, size=FONT, anchor="end", fill=MUTED))
    ticks, labels = x_ticks
    room = (frame.right - frame.left) / max(len(ticks), 1)
    every = 1
    while (
        every < len(ticks) and max(text_width(t, FONT) for t in labels[::every]) > room * every - 6
    ):
        every += 1
    for tick, label in list(zip(ticks, labels, strict=True))[::every]:
        x = x_scale(tick)
        parts.append(
            f'<line x1="{num(x)}" x2="{num(x)}" y1="{num(frame.bottom)}" '
            f'y2="{num(frame.bottom + 4)}" stroke="{MUTED}" stroke-width="1"/>'
        )
        shown = clip_text(label, FONT, room * every - 4)
        parts.append(text(x, frame.bottom + 18, shown, size=FONT, anchor="middle"))
    parts.append(
        f'<line x1="{num(frame.left)}" x2="{num(frame.right)}" y1="{num(frame.bottom)}" '
        f'y2="{num(frame.bottom)}" stroke="{MUTED}" stroke-width="1"/></g>'
    )
    return "".join(parts)


def _draw_series(
    chart: ChartInput,
    number: int,
    name: str,
    points: list[tuple[float, float | None, Any]],
    scales: tuple[Scale, Scale],
    *,
    x_index: int,
    markers: bool,
) -> str:
    """One series: its line (broken at gaps) and, when not too dense, a marker per point."""
    x_scale, y_scale = scales
    colour = SERIES_COLOURS[number % len(SERIES_COLOURS)]
    parts = [f'<g class="chart-series" data-series="{esc(name)}">']
    for segment in _segments(points):
        d = "M" + " L".join(f"{num(x_scale(p))} {num(y_scale(v))}" for p, v, _x in segment)
        parts.append(
            f'<path class="line" d="{d}" fill="none" stroke="{colour}" stroke-width="2.2" '
            f'stroke-linejoin="round" stroke-linecap="round"/>'
        )
    for p, v, x in points if markers else []:
        if v is None:
            continue
        shown_x = format_cell(
            x,
            column_type=chart.column_type(x_index),
            column_name=chart.column_name(x_index),
            language=chart.language,
            thai_digits=chart.thai_digits,
        )
        shown = format_number(v, decimals=chart.decimals, thai_digits=chart.thai_digits)
        parts.append(
            f'<circle class="point" cx="{num(x_scale(p))}" cy="{num(y_scale(v))}" r="3" '
            f'fill="{colour}" data-value="{v}"><title>{esc(name)} · {esc(shown_x)}: '
            f"{esc(shown)}</title></circle>"
        )
    parts.append("</g>")
    return "".join(parts)


def _y_floor(values: list[float]) -> float:
    """Start the value axis at zero unless that would flatten lines that all sit far above it."""
    low, high = min(values), max(values)
    return 0.0 if 0 <= low <= high * 0.5 else low


def _segments(
    points: Sequence[tuple[float, float | None, Any]],
) -> list[list[tuple[float, float, Any]]]:
    """Split a series where a value is missing."""
    out: list[list[tuple[float, float, Any]]] = [[]]
    for p, v, x in points:
        if v is None:
            if out[-1]:
                out.append([])
            continue
        out[-1].append((p, v, x))
    return [segment for segment in out if segment]
