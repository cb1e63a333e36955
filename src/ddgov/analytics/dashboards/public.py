"""Public dashboard pages: the list, a dashboard, its embeddable view and its JSON data.

Who may see a dashboard is decided by ``dashboard_get_for_viewer`` (a dashboard the viewer may
not see is a 404, so its existence is not revealed). The embeddable view answers only for
dashboards that are public in fact (``dashboard_is_public``) and is the only page other sites
may frame. The staff editor is in ``staff.py``.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET

from ddgov.analytics.dashboards.present import chart_views, dashboard_title, public_problems
from ddgov.analytics.models import Dashboard
from ddgov.analytics.selectors.dashboards import (
    NotFound,
    dashboard_can_edit,
    dashboard_data,
    dashboard_get_for_viewer,
    dashboard_is_public,
    dashboards_editable_agencies,
    dashboards_public,
    dashboards_visible,
)

# Other sites may frame the embeddable view; everything else keeps the site-wide policy.
EMBED_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'none'; "
    "font-src 'self'; connect-src 'none'; frame-ancestors *; base-uri 'self'; form-action 'none'"
)


def current_language() -> str:
    """The active language code (Thai unless the visitor chose English)."""
    return translation.get_language() or "th"


def dashboard_or_404(request: HttpRequest, slug: str) -> Dashboard:
    """The dashboard the visitor may see, or 404 (its existence is not revealed)."""
    try:
        return dashboard_get_for_viewer(viewer=request.user, slug=slug)
    except NotFound as exc:
        raise Http404(slug) from exc


@require_GET
def dashboard_list(request: HttpRequest) -> HttpResponse:
    """``/analytics/dashboards/``: public dashboards for everyone, the agency's own for staff."""
    public = list(dashboards_public().order_by("title"))
    public_ids = {d.pk for d in public}
    own = [
        d
        for d in dashboards_visible(viewer=request.user).order_by("title")
        if d.pk not in public_ids
    ]
    language = current_language()
    return render(
        request,
        "analytics/dashboards/list.html",
        {
            "public": [(d, dashboard_title(d, language)) for d in public],
            "own": [(d, dashboard_title(d, language)) for d in own],
            "can_create": dashboards_editable_agencies(user=request.user).exists(),
        },
    )


@require_GET
def dashboard_page(request: HttpRequest, slug: str) -> HttpResponse:
    """``/analytics/d/<slug>/``: the dashboard (404 to anyone who may not see it)."""
    dashboard = dashboard_or_404(request, slug)
    views = chart_views(dashboard=dashboard, language=current_language())
    is_public = dashboard_is_public(dashboard=dashboard)
    can_edit = dashboard_can_edit(user=request.user, dashboard=dashboard)
    title = dashboard_title(dashboard, current_language())
    embed_url = request.build_absolute_uri(
        reverse("analytics:dashboard_embed", kwargs={"slug": dashboard.slug})
    )
    return render(
        request,
        "analytics/dashboards/dashboard.html",
        {
            "dashboard": dashboard,
            "title": title,
            "charts": views,
            "is_public": is_public,
            "can_edit": can_edit,
            "problems": public_problems(dashboard=dashboard, views=views) if can_edit else [],
            "embed_code": (
                f'<iframe src="{embed_url}" title="{escape(title)}" width="100%" height="900" '
                'loading="lazy"></iframe>'
            ),
        },
    )


@xframe_options_exempt
@require_GET
def dashboard_embed(request: HttpRequest, slug: str) -> HttpResponse:
    """The dashboard alone, for other sites' frames; only for dashboards public in fact."""
    dashboard = Dashboard.objects.select_related("agency").filter(slug=slug).first()
    if dashboard is None or not dashboard_is_public(dashboard=dashboard):
        raise Http404(slug)
    response = render(
        request,
        "analytics/dashboards/embed.html",
        {
            "dashboard": dashboard,
            "title": dashboard_title(dashboard, current_language()),
            "charts": chart_views(dashboard=dashboard, language=current_language()),
        },
    )
    response.headers["Content-Security-Policy"] = EMBED_CSP
    return response


@require_GET
def dashboard_json(request: HttpRequest, slug: str) -> JsonResponse:
    """The dashboard's charts and stored results as JSON (same visibility as the page)."""
    dashboard = dashboard_or_404(request, slug)
    data = dashboard_data(dashboard=dashboard)
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    if data["public"]:
        response.headers["Access-Control-Allow-Origin"] = "*"
    return response
