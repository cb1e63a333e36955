"""Background jobs of the analytics app: refreshing dashboards, on request and on schedule.

``analytics.dashboard_refresh`` (payload ``{"dashboard_id", "chart_ids"?}``) recomputes a
dashboard's chart snapshots in the worker. The periodic task ``analytics.dashboards_refresh_due``
runs in every ``ddgov worker`` once a minute and queues that job for each dashboard whose
refresh interval has passed.
"""

from __future__ import annotations

from typing import Any

from ddgov.analytics.models import Chart, Dashboard
from ddgov.analytics.services.dashboards import (
    REFRESH_JOB,
    dashboard_refresh,
    dashboards_refresh_due,
)
from ddgov.jobs.registry import job_handler, periodic

REFRESH_CHECK_SECONDS = 60


@job_handler(REFRESH_JOB)
def dashboard_refresh_job(
    *,
    job_id: int,  # noqa: ARG001 - the registry passes job_id
    progress: Any,
    dashboard_id: str,
    chart_ids: list[str] | None = None,
) -> None:
    """Refresh one dashboard (or some of its charts); a dashboard deleted meanwhile is skipped."""
    dashboard = Dashboard.objects.select_related("agency").filter(pk=dashboard_id).first()
    if dashboard is None:
        progress(1.0, "dashboard deleted")
        return
    charts = None if chart_ids is None else list(Chart.objects.filter(pk__in=chart_ids))
    progress(0.0, dashboard.slug)
    dashboard_refresh(dashboard=dashboard, charts=charts)


@periodic("analytics.dashboards_refresh_due", every_seconds=REFRESH_CHECK_SECONDS)
def dashboards_refresh_due_task() -> str:
    """Queue the dashboards due for a refresh; say how many (the worker prints it)."""
    count = dashboards_refresh_due()
    return f"queued {count} dashboard refresh(es)" if count else ""
