"""Server-rendered charts for dashboards: bar, line, table and a choropleth of Thailand.

No JavaScript chart library and nothing from a CDN: each chart is an SVG string built here from
a stored query result, with a ``<title>``/``<desc>`` for screen readers and a data table as
its fallback. :func:`chart_render` is the one entry point; it never raises for bad options or
unfit data, it returns a :class:`RenderedChart` carrying the (bilingual) reason instead, so one
broken chart never breaks a dashboard page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _

from ddgov.analytics.charts.bar import render_bar
from ddgov.analytics.charts.base import (
    KINDS,
    MAX_TABLE_ROWS,
    ChartDataError,
    ChartInput,
    DataTable,
    Header,
    RenderedChart,
    options_clean,
)
from ddgov.analytics.charts.choropleth import render_choropleth
from ddgov.analytics.charts.line import render_line

__all__ = [
    "KINDS",
    "ChartDataError",
    "ChartInput",
    "DataTable",
    "Header",
    "RenderedChart",
    "chart_render",
    "options_clean",
]
TABLE_DEFAULT_ROWS = 100


def render_table(chart: ChartInput) -> RenderedChart:
    """A table chart: the chosen columns (all by default), the first ``limit`` rows."""
    wanted = chart.options.get("columns") or [c.get("name") for c in chart.columns]
    indexes = [chart.index(name) for name in wanted]
    limit = min(int(chart.options.get("limit") or TABLE_DEFAULT_ROWS), MAX_TABLE_ROWS)
    table = chart.table(indexes, limit=limit)
    notes = []
    if table.total > len(table.rows):
        notes.append(
            _("Showing the first %(shown)s of %(total)s rows.")
            % {"shown": len(table.rows), "total": table.total}
        )
    return RenderedChart(kind="table", table=table, notes=notes)


RENDERERS = {
    "bar": render_bar,
    "line": render_line,
    "table": render_table,
    "choropleth": render_choropleth,
}


def chart_render(
    *,
    kind: str,
    title: str,
    options: Mapping[str, Any],
    columns: Sequence[Mapping[str, str]],
    rows: Sequence[Sequence[Any]],
    language: str = "th",
    ident: str = "chart",
    width: float = 640.0,
) -> RenderedChart:
    """Draw one chart from a stored result; problems come back in ``RenderedChart.error``.

    ``width`` is the drawing's width in SVG units (bar and line charts; the map has its own
    box): the narrower the space a chart gets on a page, the narrower its drawing, so that
    its text keeps a readable size when the browser scales it to fit.
    """
    clean, problems = options_clean(kind=kind, options=options)
    if problems:
        return RenderedChart(kind=kind, error=" ".join(problems))
    chart = ChartInput(
        kind=kind,
        title=title,
        options=clean,
        columns=columns,
        rows=rows,
        language=language,
        ident=ident,
        width=width,
    )
    if not rows:
        return RenderedChart(
            kind=kind,
            table=chart.table(list(range(len(columns)))),
            error=_("The query returned no rows. / คำค้นไม่คืนแถวใดเลย"),
        )
    try:
        return RENDERERS[kind](chart)
    except ChartDataError as exc:
        return RenderedChart(kind=kind, error=str(exc))
