"""Reading dashboards: which ones a viewer may see, and whether one is really public.

A dashboard is *public* — listed for everyone, readable without signing in, embeddable — only
when its owner asked for it (``public``) AND every chart on it has a snapshot computed for the
public whose sources are all open data. Until the first refresh, or while any chart reads a
private or restricted source (or failed), it stays visible to its agency's staff only. Staff of
the agency (any role) and platform admins see all of its dashboards; anyone else is told that a
non-public dashboard does not exist (:class:`~ddgov.catalog.selectors.datasets.NotFound`).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from ddgov.agencies.models import Agency
from ddgov.analytics.models import Chart, ChartSnapshot, Dashboard, DashboardItem, SavedQuery
from ddgov.analytics.selectors.saved import saved_queries_for_user
from ddgov.catalog.selectors.datasets import NotFound, Viewer
from ddgov.identity.models import Role, User
from ddgov.identity.selectors import user_agencies, user_has_role

PUBLIC_RUN_AS = "public"

__all__ = [
    "NotFound",
    "dashboard_can_edit",
    "dashboard_charts_available",
    "dashboard_data",
    "dashboard_get_for_viewer",
    "dashboard_is_public",
    "dashboard_items",
    "dashboard_queries_available",
    "dashboards_editable_agencies",
    "dashboards_visible",
]


def _public_filter() -> Q:
    """Dashboards that are public in fact: asked to be, with charts, all of them open."""
    items = DashboardItem.objects.filter(dashboard=OuterRef("pk"))
    not_open = items.filter(
        Q(chart__snapshot__isnull=True)
        | Q(chart__snapshot__all_sources_open=False)
        | ~Q(chart__snapshot__run_as=PUBLIC_RUN_AS)
        | ~Q(chart__snapshot__error="")
    )
    return Q(public=True) & Q(Exists(items)) & ~Q(Exists(not_open))


def _staff_agency_ids(viewer: Viewer) -> list[int] | None:
    """Agencies whose dashboards the viewer sees regardless of public; None: every agency."""
    if not isinstance(viewer, User) or not viewer.is_authenticated:
        return []
    if viewer.is_platform_admin:
        return None
    return list(user_agencies(user=viewer).values_list("pk", flat=True))


def dashboards_visible(*, viewer: Viewer) -> QuerySet[Dashboard]:
    """Return the dashboards ``viewer`` may open: the public ones and their agencies' own."""
    agencies = _staff_agency_ids(viewer)
    qs = Dashboard.objects.select_related("agency", "owner")
    if agencies is None:
        return qs
    return qs.filter(_public_filter() | Q(agency_id__in=agencies))


def dashboards_public() -> QuerySet[Dashboard]:
    """Return the dashboards everyone may see (the same rule as :func:`dashboard_is_public`)."""
    return Dashboard.objects.filter(_public_filter()).select_related("agency")


def dashboard_get_for_viewer(*, viewer: Viewer, slug: str) -> Dashboard:
    """Return the dashboard at ``slug`` if ``viewer`` may see it, else raise NotFound."""
    dashboard = dashboards_visible(viewer=viewer).filter(slug=slug).first()
    if dashboard is None:
        raise NotFound(slug)
    return dashboard


def dashboard_is_public(*, dashboard: Dashboard) -> bool:
    """Whether everyone may see (and embed) the dashboard; see the module docstring."""
    return Dashboard.objects.filter(pk=dashboard.pk).filter(_public_filter()).exists()


def dashboard_can_edit(*, user: Viewer, dashboard: Dashboard) -> bool:
    """Whether ``user`` may change ``dashboard``: an officer or above of its agency."""
    return (
        isinstance(user, User)
        and user.is_authenticated
        and user_has_role(user=user, agency=dashboard.agency, at_least=Role.OFFICER)
    )


def dashboards_editable_agencies(*, user: Viewer) -> QuerySet[Agency]:
    """Return the agencies in which ``user`` may create dashboards (officer or above)."""
    if not isinstance(user, User) or not user.is_authenticated:
        return Agency.objects.none()
    if user.is_platform_admin:
        return Agency.objects.filter(is_active=True).order_by("code")
    ranks = [Role.OFFICER, Role.DATA_STEWARD, Role.ADMIN]
    return Agency.objects.filter(
        memberships__user=user, memberships__role__in=ranks, is_active=True
    ).order_by("code")


def dashboard_items(*, dashboard: Dashboard) -> list[DashboardItem]:
    """Return the dashboard's placements in order, each with its chart, query and snapshot."""
    return list(
        dashboard.items.select_related("chart__query", "chart__snapshot").order_by("position", "id")
    )


def chart_snapshot_of(chart: Chart) -> ChartSnapshot | None:
    """The chart's stored result, or None before its first refresh."""
    try:
        return chart.snapshot
    except ChartSnapshot.DoesNotExist:
        return None


def dashboard_queries_available(*, user: Viewer, dashboard: Dashboard) -> QuerySet[SavedQuery]:
    """Saved queries ``user`` may chart on ``dashboard``: visible to them, of its agency."""
    return saved_queries_for_user(user=user).filter(agency=dashboard.agency)


def dashboard_charts_available(*, dashboard: Dashboard) -> QuerySet[Chart]:
    """Charts of the dashboard's agency not on it yet (a chart may sit on several dashboards)."""
    return (
        Chart.objects.filter(query__agency=dashboard.agency)
        .exclude(placements__dashboard=dashboard)
        .select_related("query")
        .order_by("title")
    )


def dashboard_data(*, dashboard: Dashboard) -> dict[str, Any]:
    """The dashboard and every chart's stored result as JSON (``/analytics/d/<slug>/data.json``)."""
    charts = []
    for item in dashboard_items(dashboard=dashboard):
        chart = item.chart
        snapshot = chart_snapshot_of(chart)
        charts.append(
            {
                "id": str(chart.pk),
                "title": chart.title,
                "kind": chart.kind,
                "options": chart.options,
                "position": item.position,
                "width": item.width,
                "columns": snapshot.columns if snapshot else [],
                "rows": snapshot.rows if snapshot else [],
                "truncated": snapshot.truncated if snapshot else False,
                "sources": snapshot.sources if snapshot else [],
                "all_sources_open": snapshot.all_sources_open if snapshot else False,
                "engine": snapshot.engine if snapshot else "",
                "error": snapshot.error if snapshot else "",
                "refreshed_at": snapshot.refreshed_at.isoformat()
                if snapshot and snapshot.refreshed_at
                else None,
            }
        )
    return {
        "slug": dashboard.slug,
        "agency": dashboard.agency.code,
        "title": dashboard.title,
        "title_en": dashboard.title_en,
        "description": dashboard.description,
        "public": dashboard_is_public(dashboard=dashboard),
        "refresh_minutes": dashboard.refresh_minutes,
        "refreshed_at": dashboard.refreshed_at.isoformat() if dashboard.refreshed_at else None,
        "charts": charts,
    }
