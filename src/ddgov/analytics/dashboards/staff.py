"""The staff dashboard editor: create, edit, add and arrange charts, refresh, delete.

Views parse input, ask the selectors and services, and render; who may change a dashboard is
decided by the services (officer or above of its agency, refusals audited).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ddgov.analytics.dashboards.forms import ChartForm, DashboardForm
from ddgov.analytics.dashboards.present import chart_views, dashboard_title, public_problems
from ddgov.analytics.dashboards.public import current_language, dashboard_or_404
from ddgov.analytics.models import Chart, Dashboard, DashboardItem, SavedQuery
from ddgov.analytics.selectors.dashboards import (
    dashboard_charts_available,
    dashboard_queries_available,
    dashboards_editable_agencies,
)
from ddgov.analytics.services.dashboards import (
    DashboardError,
    chart_update,
    dashboard_chart_add,
    dashboard_create,
    dashboard_delete,
    dashboard_item_add,
    dashboard_item_move,
    dashboard_item_remove,
    dashboard_item_resize,
    dashboard_query_columns,
    dashboard_refresh_request,
    dashboard_update,
)
from ddgov.analytics.services.queries import QueryError
from ddgov.identity.models import Role, User
from ddgov.identity.services import agency_access_require


# Other sites may frame the embeddable view; everything else keeps the site-wide policy.
def _user(request: HttpRequest) -> User:
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


def _editable(request: HttpRequest, slug: str) -> tuple[User, Dashboard]:
    """The dashboard, if the signed-in user may edit it (refusals audited, then 403)."""
    dashboard = dashboard_or_404(request, slug)
    user = _user(request)
    agency_access_require(
        actor=user,
        agency=dashboard.agency,
        at_least=Role.OFFICER,
        action="analytics.dashboard.edit",
    )
    return user, dashboard


def _problems(exc: DashboardError) -> list[str]:
    return [m for messages_ in exc.field_errors.values() for m in messages_]


@login_required
@require_http_methods(["GET", "POST"])
def dashboard_new(request: HttpRequest) -> HttpResponse:
    """Create a dashboard in one of the agencies where the user is an officer or above."""
    user = _user(request)
    agencies = dashboards_editable_agencies(user=user)
    if not agencies.exists():
        raise PermissionDenied(
            _(
                "Only officers of an agency can create dashboards. / "
                "เฉพาะเจ้าหน้าที่ระดับ officer ขึ้นไปของหน่วยงานเท่านั้นที่สร้างแดชบอร์ดได้"
            )
        )
    form = DashboardForm(request.POST or None, agencies=agencies)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            dashboard = dashboard_create(
                actor=user,
                agency=data["agency"],
                slug=data["slug"],
                title=data["title"],
                title_en=data["title_en"],
                description=data["description"],
                public=data["public"],
                refresh_minutes=data["refresh_minutes"],
            )
        except DashboardError as exc:
            errors = _problems(exc)
        else:
            messages.success(request, _("Dashboard created. Now add charts to it."))
            return redirect("analytics:dashboard_edit", slug=dashboard.slug)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "analytics/dashboards/form.html",
        {"form": form, "errors": errors, "dashboard": None},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def dashboard_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """The editor: settings, the charts in order (move, resize, remove), adding charts."""
    user, dashboard = _editable(request, slug)
    initial = {
        "slug": dashboard.slug,
        "title": dashboard.title,
        "title_en": dashboard.title_en,
        "description": dashboard.description,
        "public": dashboard.public,
        "refresh_minutes": dashboard.refresh_minutes,
    }
    form = DashboardForm(request.POST or None, initial=initial)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            dashboard = dashboard_update(actor=user, dashboard=dashboard, **form.cleaned_data)
        except DashboardError as exc:
            errors = _problems(exc)
        else:
            messages.success(request, _("Dashboard saved."))
            return redirect("analytics:dashboard_edit", slug=dashboard.slug)
    views = chart_views(dashboard=dashboard, language=current_language())
    return render(
        request,
        "analytics/dashboards/edit.html",
        {
            "dashboard": dashboard,
            "title": dashboard_title(dashboard, current_language()),
            "form": form,
            "errors": errors,
            "charts": views,
            "problems": public_problems(dashboard=dashboard, views=views),
            "queries": dashboard_queries_available(user=user, dashboard=dashboard),
            "reusable": dashboard_charts_available(dashboard=dashboard),
            "widths": ChartForm.base_fields["width"].choices,  # type: ignore[attr-defined]
        },
        status=400 if request.method == "POST" else 200,
    )


def _chart_columns(dashboard: Dashboard, query: Any) -> tuple[list[dict[str, str]], str]:
    """The query's columns for the dashboard's audience, or the reason they are unknown."""
    if query is None:
        return [], ""
    try:
        return dashboard_query_columns(dashboard=dashboard, query=query), ""
    except QueryError as exc:
        return [], exc.message


@login_required
@require_http_methods(["GET", "POST"])
def dashboard_chart_new(request: HttpRequest, slug: str) -> HttpResponse:
    """Make a chart from a saved query (pick its type and columns) and place it."""
    user, dashboard = _editable(request, slug)
    queries = dashboard_queries_available(user=user, dashboard=dashboard)
    query_id = request.POST.get("query") or request.GET.get("query")
    query = queries.filter(pk=_uuid(query_id)).first() if query_id else None
    columns, column_error = _chart_columns(dashboard, query)
    initial = {"query": query.pk if query else None, "title": query.title if query else ""}
    submitted = request.method == "POST" and "save" in request.POST
    form = ChartForm(
        request.POST if submitted else None, queries=queries, columns=columns, initial=initial
    )
    errors: list[str] = []
    if submitted and form.is_valid():
        data = form.cleaned_data
        try:
            dashboard_chart_add(
                actor=user,
                dashboard=dashboard,
                query=data["query"],
                title=data["title"],
                kind=data["kind"],
                options=form.options(),
                width=data["width"],
            )
        except DashboardError as exc:
            errors = _problems(exc)
        else:
            messages.success(request, _("Chart added; it is drawn once its query has run."))
            return redirect("analytics:dashboard_edit", slug=dashboard.slug)
    return render(
        request,
        "analytics/dashboards/chart_form.html",
        {
            "dashboard": dashboard,
            "form": form,
            "query": query,
            "queries": queries,
            "columns": columns,
            "column_error": column_error,
            "errors": errors,
            "chart": None,
        },
        status=400 if submitted else 200,
    )


def _uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


@login_required
@require_http_methods(["GET", "POST"])
def dashboard_chart_edit(request: HttpRequest, slug: str, chart_id: uuid.UUID) -> HttpResponse:
    """Change a chart on the dashboard: its title, type and columns."""
    user, dashboard = _editable(request, slug)
    item = dashboard.items.select_related("chart__query").filter(chart_id=chart_id).first()
    if item is None:
        raise Http404(str(chart_id))
    chart: Chart = item.chart
    visible = dashboard_queries_available(user=user, dashboard=dashboard).filter(pk=chart.query_id)
    # The form shows the chart's query even when it is someone else's unshared query (the
    # chart is already on the dashboard); its SQL is shown only to those who may see it.
    columns, column_error = _chart_columns(dashboard, chart.query)
    submitted = request.method == "POST"
    form = ChartForm(
        request.POST if submitted else None,
        queries=SavedQuery.objects.filter(pk=chart.query_id),
        columns=columns,
        initial=ChartForm.initial_from(chart),
        placing=False,
    )
    errors: list[str] = []
    if submitted and form.is_valid():
        data = form.cleaned_data
        try:
            chart_update(
                actor=user,
                chart=chart,
                title=data["title"],
                kind=data["kind"],
                options=form.options(),
            )
        except DashboardError as exc:
            errors = _problems(exc)
        else:
            messages.success(request, _("Chart saved."))
            return redirect("analytics:dashboard_edit", slug=dashboard.slug)
    return render(
        request,
        "analytics/dashboards/chart_form.html",
        {
            "dashboard": dashboard,
            "form": form,
            "query": chart.query if visible.exists() else None,
            "queries": visible,
            "columns": columns,
            "column_error": column_error,
            "errors": errors,
            "chart": chart,
        },
        status=400 if submitted else 200,
    )


@login_required
@require_POST
def dashboard_chart_place(request: HttpRequest, slug: str) -> HttpResponse:
    """Put an existing chart of the agency on the dashboard."""
    user, dashboard = _editable(request, slug)
    chart = (
        dashboard_charts_available(dashboard=dashboard)
        .filter(pk=_uuid(request.POST.get("chart")))
        .first()
    )
    if chart is None:
        raise Http404("chart")
    try:
        dashboard_item_add(
            actor=user, dashboard=dashboard, chart=chart, width=_int(request.POST.get("width"), 6)
        )
    except DashboardError as exc:
        messages.error(request, " ".join(_problems(exc)))
    else:
        messages.success(request, _("Chart added; it is drawn once its query has run."))
    return redirect("analytics:dashboard_edit", slug=dashboard.slug)


def _int(value: str | None, default: int) -> int:
    try:
        return int(str(value))
    except ValueError:
        return default


@login_required
@require_POST
def dashboard_item_action(request: HttpRequest, slug: str, item_id: int) -> HttpResponse:
    """Move a chart up or down, change its width, or take it off the dashboard."""
    user, dashboard = _editable(request, slug)
    item: DashboardItem | None = dashboard.items.filter(pk=item_id).first()
    if item is None:
        raise Http404(str(item_id))
    action = request.POST.get("action", "")
    try:
        if action == "up":
            dashboard_item_move(actor=user, item=item, position=max(item.position - 1, 0))
        elif action == "down":
            dashboard_item_move(actor=user, item=item, position=item.position + 1)
        elif action == "width":
            dashboard_item_resize(actor=user, item=item, width=_int(request.POST.get("width"), 0))
        elif action == "remove":
            dashboard_item_remove(actor=user, item=item)
            messages.success(request, _("Chart taken off the dashboard."))
        else:
            return HttpResponse(status=400)
    except DashboardError as exc:
        messages.error(request, " ".join(_problems(exc)))
    return redirect(reverse("analytics:dashboard_edit", kwargs={"slug": dashboard.slug}) + "#items")


@login_required
@require_POST
def dashboard_refresh_now(request: HttpRequest, slug: str) -> HttpResponse:
    """Queue the dashboard's refresh (the worker runs it)."""
    user, dashboard = _editable(request, slug)
    job = dashboard_refresh_request(actor=user, dashboard=dashboard)
    if job is None:
        messages.info(request, _("A refresh is already queued."))
    else:
        messages.success(request, _("Refresh queued; the charts update when it has run."))
    target = request.POST.get("next") == "edit"
    return redirect(
        "analytics:dashboard_edit" if target else "analytics:dashboard", slug=dashboard.slug
    )


@login_required
@require_POST
def dashboard_remove(request: HttpRequest, slug: str) -> HttpResponse:
    """Delete the dashboard (its charts and saved queries stay)."""
    user, dashboard = _editable(request, slug)
    dashboard_delete(actor=user, dashboard=dashboard)
    messages.success(request, _("Dashboard deleted."))
    return redirect("analytics:dashboards")
