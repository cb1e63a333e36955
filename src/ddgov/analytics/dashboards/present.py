"""What the dashboard pages show: each placed chart drawn from its snapshot, with its sources.

The pages (full, embedded) and the editor share :func:`chart_views`, so a chart looks the same
wherever it appears. Drawing never runs a query: it reads the stored snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from ddgov.analytics.charts import RenderedChart, chart_render
from ddgov.analytics.models import Chart, ChartSnapshot, Dashboard, DashboardItem
from ddgov.analytics.selectors.dashboards import PUBLIC_RUN_AS, chart_snapshot_of, dashboard_items

# SVG width per grid width: a chart drawn for the space it gets keeps its text readable.
DRAWING_WIDTHS = {12: 760, 8: 600, 6: 480, 4: 400, 3: 360}
# Phones get a narrow drawing of bar and line charts (the CSS shows one of the two).
NARROW_WIDTH = 360
NARROW_KINDS = frozenset({"bar", "line"})


@dataclass(frozen=True)
class ChartView:
    """One chart as a page shows it."""

    item: DashboardItem
    chart: Chart
    snapshot: ChartSnapshot | None
    rendered: RenderedChart
    sources: list[dict[str, Any]] = field(default_factory=list)
    narrow: str = ""

    @property
    def svg(self) -> SafeString:
        """The drawing as markup for the template."""
        return mark_safe(self.rendered.svg)  # every data value in it went through esc()

    @property
    def svg_narrow(self) -> SafeString:
        """The drawing for narrow screens ("" when the one drawing fits both)."""
        return mark_safe(self.narrow)  # every data value in it went through esc()

    @property
    def ident(self) -> str:
        """The chart's element id on the page."""
        return f"chart-{self.chart.pk.hex[:12]}"

    @property
    def error(self) -> str:
        """Why there is nothing to draw: the query's error, or the options' problem."""
        if self.snapshot is not None and self.snapshot.error:
            return self.snapshot.error
        return self.rendered.error


def dashboard_title(dashboard: Dashboard, language: str) -> str:
    """The dashboard's title in the reader's language (Thai when no English title is set)."""
    if not language.startswith("th") and dashboard.title_en:
        return dashboard.title_en
    return dashboard.title


def _sources(snapshot: ChartSnapshot | None) -> list[dict[str, Any]]:
    """The snapshot's sources, each with a link to its dataset page when it is open data."""
    out = []
    for source in snapshot.sources if snapshot else []:
        url = ""
        if source.get("open"):
            try:
                url = reverse("catalog:dataset", args=[source.get("dataset", "")])
            except NoReverseMatch:
                url = ""
        out.append({**source, "url": url})
    return out


def chart_views(*, dashboard: Dashboard, language: str) -> list[ChartView]:
    """Every chart on the dashboard, drawn from its snapshot, in the dashboard's order."""
    views = []
    for item in dashboard_items(dashboard=dashboard):
        chart = item.chart
        snapshot = chart_snapshot_of(chart)
        if snapshot is None:
            rendered = RenderedChart(
                kind=chart.kind,
                error=_("Not computed yet: the next refresh will draw it."),
            )
        elif snapshot.error:
            rendered = RenderedChart(kind=chart.kind)
        else:
            rendered = _draw(chart, snapshot, language, DRAWING_WIDTHS.get(item.width, 640))
        narrow = ""
        width = DRAWING_WIDTHS.get(item.width, 640)
        if rendered.svg and chart.kind in NARROW_KINDS and width > NARROW_WIDTH * 1.2:
            narrow = _draw(chart, snapshot, language, NARROW_WIDTH, suffix="-n").svg
        views.append(
            ChartView(
                item=item,
                chart=chart,
                snapshot=snapshot,
                rendered=rendered,
                sources=_sources(snapshot),
                narrow=narrow,
            )
        )
    return views


def _draw(
    chart: Chart, snapshot: ChartSnapshot | None, language: str, width: float, suffix: str = ""
) -> RenderedChart:
    return chart_render(
        kind=chart.kind,
        title=chart.title,
        options=chart.options or {},
        columns=snapshot.columns if snapshot else [],
        rows=snapshot.rows if snapshot else [],
        language=language,
        ident=f"chart-{chart.pk.hex[:12]}{suffix}",
        width=width,
    )


def public_problems(*, dashboard: Dashboard, views: list[ChartView]) -> list[str]:
    """Why a dashboard asked to be public is not shown publicly (for its editors)."""
    if not dashboard.public:
        return []
    problems = []
    if not views:
        problems.append(_("It has no charts yet."))
    for view in views:
        snapshot = view.snapshot
        if snapshot is None:
            problems.append(_("%(chart)s: not computed yet.") % {"chart": view.chart.title})
        elif snapshot.error:
            problems.append(_("%(chart)s: its query failed.") % {"chart": view.chart.title})
        elif snapshot.run_as != PUBLIC_RUN_AS:
            problems.append(
                _("%(chart)s: computed before the dashboard was made public; wait for the refresh.")
                % {"chart": view.chart.title}
            )
        elif not snapshot.all_sources_open:
            closed = ", ".join(
                f"{s.get('dataset')}.{s.get('resource')}"
                for s in snapshot.sources
                if not s.get("open")
            )
            problems.append(
                _("%(chart)s: reads data that is not open (%(sources)s).")
                % {"chart": view.chart.title, "sources": closed}
            )
    return problems
