"""Bar charts: one category column (``x``) against one or more value columns (``y``).

Several value columns become grouped bars with a legend. Many categories or long labels (Thai
province names, crops) turn the chart on its side, so every label stays readable; the
``horizontal`` option forces either way. Negative values grow from a zero line.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from ddgov.analytics.charts.base import MAX_BARS, ChartDataError, ChartInput, RenderedChart
from ddgov.analytics.charts.numbers import format_compact, format_number, number_value
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
    value_domain,
)

FONT = 12.0
DEFAULT_LIMIT = 50
AUTO_HORIZONTAL = 10
ROW = 22.0
LABEL_MAX = 190.0


def legend(names: list[str], *, x: float, y: float, width: float) -> tuple[str, float]:
    """A row (wrapping) of colour keys; return the markup and the height it takes."""
    if len(names) < 2:
        return "", 0.0
    parts = ['<g class="chart-legend">']
    cx, cy = x, y
    for i, name in enumerate(names):
        label = clip_text(name, FONT, 180)
        step = 14 + text_width(label, FONT) + 18
        if cx + step > x + width and cx > x:
            cx, cy = x, cy + 18
        colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
        parts.append(
            f'<rect x="{num(cx)}" y="{num(cy - 10)}" width="10" height="10" fill="{colour}"/>'
        )
        parts.append(text(cx + 14, cy, label, size=FONT))
        cx += step
    parts.append("</g>")
    return "".join(parts), cy - y + 18


def render_bar(chart: ChartInput) -> RenderedChart:
    """Draw a bar chart (see the module docstring)."""
    x_index = chart.index(chart.options.get("x"))
    y_indexes = [chart.index(name) for name in chart.options.get("y") or []]
    if not y_indexes:
        raise ChartDataError(
            _("Choose at least one value column (y). / เลือกคอลัมน์ค่าอย่างน้อยหนึ่งคอลัมน์ (y)")
        )
    rows = list(chart.rows)
    notes: list[str] = []
    if chart.options.get("sort") in {"asc", "desc"}:
        rows.sort(
            key=lambda r: number_value(r[y_indexes[0]]) or 0.0,
            reverse=chart.options.get("sort") == "desc",
        )
    limit = chart.options.get("limit") or DEFAULT_LIMIT
    limit = min(int(limit), MAX_BARS)
    if len(rows) > limit:
        notes.append(
            _("Showing the first %(shown)s of %(total)s rows.")
            % {"shown": limit, "total": len(rows)}
        )
        rows = rows[:limit]
    categories = [str(r[x_index]) if r[x_index] is not None else "—" for r in rows]
    values = [[number_value(r[i]) for i in y_indexes] for r in rows]
    present = [v for group in values for v in group if v is not None]
    if not present:
        raise ChartDataError(
            _("There are no numbers to draw in %(columns)s. / ไม่มีตัวเลขให้วาดในคอลัมน์ %(columns)s")
            % {"columns": ", ".join(chart.column_name(i) for i in y_indexes)}
        )
    series = [chart.label(i) for i in y_indexes]
    widest = max((text_width(c, FONT) for c in categories), default=0.0)
    forced = chart.options.get("horizontal")
    horizontal = (
        bool(forced)
        if isinstance(forced, bool)
        else len(categories) > AUTO_HORIZONTAL
        or widest > (chart.width - 80) / max(len(categories), 1)
    )
    draw = _horizontal if horizontal else _vertical
    body, height = draw(chart, categories, values, series)
    top = max(present)
    best = categories[next(i for i, g in enumerate(values) if top in g)]
    description = _(
        "%(kind)s of %(values)s by %(category)s, %(n)s bars; highest: %(best)s (%(top)s)."
    ) % {
        "kind": _("Bar chart"),
        "values": ", ".join(series),
        "category": chart.label(x_index),
        "n": len(categories) * len(series),
        "best": best,
        "top": format_number(top, decimals=chart.decimals, thai_digits=chart.thai_digits),
    }
    svg = (
        svg_open(
            ident=chart.ident, width=chart.width, height=height, css_class="chart-bar", label="bar"
        )
        + svg_heading(ident=chart.ident, title=chart.title, description=description)
        + body
        + "</svg>"
    )
    return RenderedChart(kind="bar", svg=svg, table=chart.table([x_index, *y_indexes]), notes=notes)


def _bar_title(category: str, name: str, value: float | None, chart: ChartInput) -> str:
    shown = format_number(value, decimals=chart.decimals, thai_digits=chart.thai_digits)
    return f"<title>{esc(category)} · {esc(name)}: {esc(shown or '—')}</title>"


def _vertical(
    chart: ChartInput,
    categories: list[str],
    values: list[list[float | None]],
    series: list[str],
) -> tuple[str, float]:
    low, high = value_domain(v for g in values for v in g if v is not None)
    d0, d1, ticks = nice_ticks(low, high)
    tick_labels = [
        format_compact(t, language=chart.language, thai_digits=chart.thai_digits) for t in ticks
    ]
    left = 12 + max(text_width(t, FONT) for t in tick_labels)
    key, key_height = legend(series, x=left, y=16, width=chart.width - left - 10)
    top = 14 + key_height
    slot = (chart.width - left - 10) / len(categories)
    rotate = max(text_width(c, FONT) for c in categories) > slot - 4
    label_room = (
        min(LABEL_MAX, max(text_width(c, FONT) for c in categories)) * 0.72 + 10 if rotate else 20
    )
    bottom = chart.height - label_room - 8
    scale = Scale((d0, d1), (bottom, top))
    parts = [key, '<g class="chart-axis">']
    for tick, label in zip(ticks, tick_labels, strict=True):
        y = scale(tick)
        parts.append(
            f'<line x1="{num(left)}" x2="{num(chart.width - 10)}" y1="{num(y)}" y2="{num(y)}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(text(left - 6, y + 4, label, size=FONT, anchor="end", fill=MUTED))
    parts.append('</g><g class="chart-bars">')
    group = slot * 0.8
    bar = group / len(series)
    zero = scale(0.0)
    for ci, (category, group_values) in enumerate(zip(categories, values, strict=True)):
        x0 = left + ci * slot + (slot - group) / 2
        for si, value in enumerate(group_values):
            if value is None:
                continue
            y = scale(value)
            parts.append(
                f'<rect class="bar" x="{num(x0 + si * bar)}" y="{num(min(y, zero))}" '
                f'width="{num(max(bar - 1, 1))}" height="{num(max(abs(zero - y), 0.5))}" '
                f'fill="{SERIES_COLOURS[si % len(SERIES_COLOURS)]}" data-value="{value}">'
                f"{_bar_title(category, series[si], value, chart)}</rect>"
            )
        cx = left + ci * slot + slot / 2
        label = clip_text(category, FONT, LABEL_MAX if rotate else slot - 2)
        if rotate:
            parts.append(
                text(
                    cx,
                    bottom + 14,
                    label,
                    size=FONT,
                    anchor="end",
                    extra=f' transform="rotate(-40 {num(cx)} {num(bottom + 14)})"',
                )
            )
        else:
            parts.append(text(cx, bottom + 16, label, size=FONT, anchor="middle"))
    parts.append(
        f'</g><line x1="{num(left)}" x2="{num(chart.width - 10)}" y1="{num(zero)}" y2="{num(zero)}" '
        f'stroke="{MUTED}" stroke-width="1"/>'
    )
    return "".join(parts), chart.height


def _horizontal(
    chart: ChartInput,
    categories: list[str],
    values: list[list[float | None]],
    series: list[str],
) -> tuple[str, float]:
    low, high = value_domain(v for g in values for v in g if v is not None)
    d0, d1, ticks = nice_ticks(low, high, target=4)
    labels = [clip_text(c, FONT, LABEL_MAX) for c in categories]
    left = 12 + max(text_width(c, FONT) for c in labels)
    tick_labels = [
        format_compact(t, language=chart.language, thai_digits=chart.thai_digits) for t in ticks
    ]
    edge = text_width(tick_labels[-1], FONT) / 2 + 4
    right = max(64.0 if len(series) == 1 else 16.0, edge)
    key, key_height = legend(series, x=left, y=16, width=chart.width - left - right)
    top = 30 + key_height
    row = ROW if len(series) == 1 else max(ROW, 10.0 * len(series) + 6)
    height = top + row * len(categories) + 10
    scale = Scale((d0, d1), (left, chart.width - right))
    parts = [key, '<g class="chart-axis">']
    for tick, label in zip(ticks, tick_labels, strict=True):
        x = scale(tick)
        parts.append(
            f'<line x1="{num(x)}" x2="{num(x)}" y1="{num(top - 4)}" y2="{num(height - 10)}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(text(x, top - 10, label, size=FONT, anchor="middle", fill=MUTED))
    parts.append('</g><g class="chart-bars">')
    bar = (row - 6) / len(series)
    zero = scale(0.0)
    for ci, (label, group_values) in enumerate(zip(labels, values, strict=True)):
        y0 = top + ci * row + 3
        parts.append(text(left - 6, y0 + (row - 6) / 2 + 4, label, size=FONT, anchor="end"))
        for si, value in enumerate(group_values):
            if value is None:
                continue
            x = scale(value)
            parts.append(
                f'<rect class="bar" x="{num(min(x, zero))}" y="{num(y0 + si * bar)}" '
                f'width="{num(max(abs(x - zero), 0.5))}" height="{num(max(bar - 1, 1))}" '
                f'fill="{SERIES_COLOURS[si % len(SERIES_COLOURS)]}" data-value="{value}">'
                f"{_bar_title(categories[ci], series[si], value, chart)}</rect>"
            )
            if len(series) == 1:
                shown = format_compact(
                    value, language=chart.language, thai_digits=chart.thai_digits
                )
                anchor, dx = ("start", 4) if value >= 0 else ("end", -4)
                parts.append(
                    text(x + dx, y0 + bar / 2 + 4, shown, size=FONT - 1, anchor=anchor, fill=MUTED)
                )
    parts.append(
        f'</g><line x1="{num(zero)}" x2="{num(zero)}" y1="{num(top - 4)}" y2="{num(height - 10)}" '
        f'stroke="{MUTED}" stroke-width="1"/>'
    )
    return "".join(parts), height
