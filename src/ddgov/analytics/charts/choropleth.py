"""A choropleth of Thailand: each province shaded by its value, in quantile classes.

Quantile classes put about as many provinces in each shade, so a few very large values (Bangkok,
Nakhon Ratchasima) do not wash every other province into one colour. The legend prints each
class's actual lowest and highest value. Provinces without a value are grey and named in the
legend as having no data; rows whose province cannot be matched are listed under the chart.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from ddgov.analytics.charts.base import ChartDataError, ChartInput, RenderedChart
from ddgov.analytics.charts.numbers import format_compact, format_number, number_value
from ddgov.analytics.charts.provinces import province_code, thailand_map
from ddgov.analytics.charts.svg import (
    INK,
    NO_DATA,
    SEQUENTIAL,
    clip_text,
    esc,
    num,
    svg_heading,
    svg_open,
    text,
)

FONT = 19.0  # the map is drawn about 400 px wide: 19 units is about 14 px there
LEGEND_X = 300.0  # the Gulf of Thailand, east of the southern provinces
LEGEND_Y = 650.0
LEGEND_WIDTH = 250.0
MAX_LISTED = 10


def quantile_classes(values: list[float], classes: int) -> list[tuple[float, float]]:
    """Split ``values`` into at most ``classes`` groups of about equal size; return (low, high)s.

    Equal values always share a class, so there may be fewer classes than asked.
    """
    ordered = sorted(values)
    n = len(ordered)
    groups: list[list[float]] = []
    start = 0
    for k in range(1, classes + 1):
        end = round(k * n / classes)
        while 0 < end < n and ordered[end] == ordered[end - 1]:
            end += 1  # keep equal values together
        if end > start:
            groups.append(ordered[start:end])
            start = end
    return [(g[0], g[-1]) for g in groups]


def class_of(value: float, classes: list[tuple[float, float]]) -> int:
    """The index of the class ``value`` falls in."""
    for i, (_low, high) in enumerate(classes):
        if value <= high:
            return i
    return len(classes) - 1


def palette(count: int) -> tuple[str, ...]:
    """``count`` sequential colours, light to dark."""
    if count >= 3:
        return SEQUENTIAL[min(count, 7)]
    return SEQUENTIAL[3][-count:] if count else ()


def render_choropleth(chart: ChartInput) -> RenderedChart:
    """Draw the map (see the module docstring)."""
    p_index = chart.index(chart.options.get("province"))
    v_index = chart.index(chart.options.get("value"))
    values: dict[str, float] = {}
    unmatched: list[str] = []
    duplicates: list[str] = []
    for row in chart.rows:
        code = province_code(row[p_index])
        value = number_value(row[v_index])
        if code is None:
            if row[p_index] not in (None, ""):
                unmatched.append(str(row[p_index]))
            continue
        if value is None:
            continue
        if code in values:
            duplicates.append(str(row[p_index]))
            continue
        values[code] = value
    if not values:
        raise ChartDataError(
            _(
                "No row names a province with a number to show (column %(province)s, value %(value)s). / "
                "ไม่มีแถวที่ระบุจังหวัดพร้อมตัวเลข (คอลัมน์ %(province)s ค่า %(value)s)"
            )
            % {"province": chart.column_name(p_index), "value": chart.column_name(v_index)}
        )
    notes = _notes(unmatched, duplicates)
    asked = chart.options.get("classes", 5)
    classes = quantile_classes(list(values.values()), asked if isinstance(asked, int) else 5)
    colours = palette(len(classes))
    thai_map = thailand_map()
    value_label = chart.label(v_index)
    parts: list[str] = ['<g class="provinces">']
    for province in thai_map.provinces:
        name = province.name(chart.language)
        value = values.get(province.code)
        if value is None:
            fill, shown, klass, extra = NO_DATA, _("no data"), "province no-data", ""
        else:
            fill = colours[class_of(value, classes)]
            shown = format_number(value, decimals=chart.decimals, thai_digits=chart.thai_digits)
            klass, extra = "province", f' data-value="{value}"'
        parts.append(
            f'<path class="{klass}" d="{province.path}" fill="{fill}" stroke="#ffffff" '
            f'stroke-width="0.7" stroke-linejoin="round" data-code="{province.code}" '
            f'data-name="{esc(name)}"{extra}><title>{esc(name)}: {esc(shown)}</title></path>'
        )
    parts.append("</g>")
    parts.append(_legend(chart, value_label, classes, colours, missing=len(values) < 77))
    top_code = max(values, key=lambda c: values[c])
    low_code = min(values, key=lambda c: values[c])
    by_code = thai_map.by_code()
    description = _(
        "Map of Thailand: %(value)s by province, %(n)s provinces with data; "
        "highest %(top)s (%(top_value)s), lowest %(low)s (%(low_value)s)."
    ) % {
        "value": value_label,
        "n": len(values),
        "top": by_code[top_code].name(chart.language),
        "top_value": format_number(
            values[top_code], decimals=chart.decimals, thai_digits=chart.thai_digits
        ),
        "low": by_code[low_code].name(chart.language),
        "low_value": format_number(
            values[low_code], decimals=chart.decimals, thai_digits=chart.thai_digits
        ),
    }
    svg = (
        svg_open(
            ident=chart.ident,
            width=thai_map.width,
            height=thai_map.height,
            css_class="chart-map",
            label="choropleth",
        )
        + svg_heading(ident=chart.ident, title=chart.title, description=description)
        + "".join(parts)
        + "</svg>"
    )
    return RenderedChart(
        kind="choropleth", svg=svg, table=chart.table([p_index, v_index], limit=100), notes=notes
    )


def _legend(
    chart: ChartInput,
    label: str,
    classes: list[tuple[float, float]],
    colours: tuple[str, ...],
    *,
    missing: bool,
) -> str:
    title = clip_text(label, FONT, LEGEND_WIDTH)
    parts = ['<g class="chart-legend">', text(LEGEND_X, LEGEND_Y, title, size=FONT, fill=INK)]
    y = LEGEND_Y + 12
    for (low, high), colour in zip(classes, colours, strict=True):
        low_text = format_compact(low, language=chart.language, thai_digits=chart.thai_digits)
        high_text = format_compact(high, language=chart.language, thai_digits=chart.thai_digits)
        shown = low_text if low_text == high_text else f"{low_text} – {high_text}"  # noqa: RUF001 - an en dash between numbers
        parts.append(
            f'<rect x="{num(LEGEND_X)}" y="{num(y)}" width="26" height="19" fill="{colour}" '
            f'stroke="#8a96a3" stroke-width="0.5"/>'
        )
        parts.append(text(LEGEND_X + 34, y + 15, shown, size=FONT - 2))
        y += 27
    if missing:
        parts.append(
            f'<rect x="{num(LEGEND_X)}" y="{num(y)}" width="26" height="19" fill="{NO_DATA}" '
            f'stroke="#8a96a3" stroke-width="0.5"/>'
        )
        parts.append(text(LEGEND_X + 34, y + 15, _("no data"), size=FONT - 2))
    parts.append("</g>")
    return "".join(parts)


def _notes(unmatched: list[str], duplicates: list[str]) -> list[str]:
    notes = []
    if unmatched:
        listed = ", ".join(dict.fromkeys(unmatched[:MAX_LISTED]))
        notes.append(
            _("%(n)s rows name no known province and are not on the map: %(names)s")
            % {"n": len(unmatched), "names": listed}
        )
    if duplicates:
        notes.append(
            _("%(n)s provinces appear in more than one row; the map shows the first: %(names)s")
            % {"n": len(duplicates), "names": ", ".join(dict.fromkeys(duplicates[:MAX_LISTED]))}
        )
    return notes
