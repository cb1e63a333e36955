"""The complaints dashboard: volume, resolution time, SLA breaches, open/closed, satisfaction, map.

Staff see the complaints of the agencies they belong to (the 1111 centre's officers and platform
administrators: every complaint) and may narrow to one agency and to the last 30 or 90 days.
Charts are server-rendered SVG from the analytics chart helpers, each with a data table; the
map is the shipped outline of Thailand's provinces with complaint points drawn on it, the same
points :func:`map_data` returns as JSON (rounded, aggregated, no text or personal data).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ddgov.agencies.models import Agency
from ddgov.agencies.selectors import agency_get
from ddgov.analytics.charts import RenderedChart, chart_render
from ddgov.analytics.charts.provinces import thailand_map
from ddgov.complaints.models import CLOSED_STATES, State
from ddgov.complaints.routing.geo import project
from ddgov.complaints.selectors.complaints import category_label
from ddgov.complaints.selectors.dashboard import (
    MAP_POINTS_MAX,
    MAP_PRECISION,
    Breakdown,
    MapPoint,
    dashboard_breach_count,
    dashboard_breaches,
    dashboard_map_points,
    dashboard_open_closed,
    dashboard_resolution,
    dashboard_satisfaction,
    dashboard_volume,
)
from ddgov.complaints.views.staff import is_centre_or_admin, staff_user
from ddgov.identity.models import User
from ddgov.identity.selectors import user_agencies

WINDOWS = (30, 90)
AGENCY_CHOICES_MAX = 1000


@dataclass(frozen=True)
class Scope:
    """Whose complaints the dashboard counts, over which window."""

    agency_ids: list[int] | None
    agency: Agency | None
    offered: list[Agency]
    days: int
    since: dt.datetime


def _scope(request: HttpRequest, user: User) -> Scope:
    """Read ``agency`` and ``days`` from the query; 403 for an agency the user may not see."""
    everything = is_centre_or_admin(user)
    mine = user_agencies(user=user).order_by("kind", "code")
    offered = list(mine[:AGENCY_CHOICES_MAX])
    try:
        days = int(request.GET.get("days", WINDOWS[0]))
    except ValueError:
        days = WINDOWS[0]
    days = days if days in WINDOWS else WINDOWS[0]
    now = timezone.now()
    since = now - dt.timedelta(days=days)
    code = request.GET.get("agency", "")
    agency = None
    if code:
        agency = agency_get(code=code)
        if agency is None or not (everything or mine.filter(pk=agency.pk).exists()):
            raise PermissionDenied
        if all(a.pk != agency.pk for a in offered):
            offered = [agency, *offered]
        ids: list[int] | None = [agency.pk]
    else:
        ids = None if everything else list(mine.values_list("pk", flat=True))
    return Scope(agency_ids=ids, agency=agency, offered=offered, days=days, since=since)


def _duration(value: dt.timedelta | None) -> str:
    if value is None:
        return "—"
    hours = value.total_seconds() / 3600
    if hours < 48:
        return _("%(h).1f hours") % {"h": hours}
    return _("%(d).1f days") % {"d": hours / 24}


def _bar(ident: str, title: str, by: str, rows: list[Breakdown], language: str) -> RenderedChart:
    name = {
        "agency": pgettext("complaint", "Agency"),
        "district": _("District"),
        "category": _("Category"),
    }[by]
    return chart_render(
        kind="bar",
        title=title,
        options={
            "x": "name",
            "y": ["breaches"],
            "horizontal": True,
            "labels": {"name": name, "breaches": _("SLA breaches")},
        },
        columns=[{"name": "name", "type": "VARCHAR"}, {"name": "breaches", "type": "BIGINT"}],
        rows=[[r.label or _("Not known"), r.count] for r in rows],
        language=language,
        ident=ident,
        width=520,
    )


def _map_svg(points: list[MapPoint], language: str) -> SafeString:
    """Thailand's provinces with the points on them; every text escaped, no inline styles."""
    shape = thailand_map()
    title = _("Complaints on the map of Thailand")
    parts = [
        (
            f'<svg class="cs-map" viewBox="0 0 {shape.width} {shape.height}" role="img" '
            'aria-labelledby="cs-map-title" data-testid="map" xmlns="http://www.w3.org/2000/svg">'
        ),
        f'<title id="cs-map-title">{escape(title)}</title>',
        '<g class="cs-provinces">',
    ]
    parts.extend(
        f'<path class="cs-prov" d="{escape(p.path)}"><title>{escape(p.name(language))}</title></path>'
        for p in shape.provinces
    )
    parts.append('</g><g class="cs-points">')
    for point in points:
        n = point["n"]
        x, y = project(lat=point["lat"], lon=point["lon"])
        state = point["state"]
        closed = state in CLOSED_STATES
        label = f"{category_label(code=str(point['category'])) or '—'} · {State(state).label} · {n}"
        parts.append(
            f'<circle class="cs-pt {"cs-pt-closed" if closed else "cs-pt-open"}" '
            f'cx="{x:.1f}" cy="{y:.1f}" r="{2 + 1.5 * math.sqrt(n):.1f}" data-n="{n}">'
            f"<title>{escape(label)}</title></circle>"
        )
    parts.append("</g></svg>")
    return mark_safe("".join(parts))


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The dashboard page for the user's agencies (or one of them), last 30 or 90 days."""
    user = staff_user(request)
    scope = _scope(request, user)
    language = get_language() or "th"
    ids, since = scope.agency_ids, scope.since
    volume = dashboard_volume(agency_ids=ids, days=scope.days)
    volume_chart = chart_render(
        kind="line",
        title=_("Complaints filed per day"),
        options={"x": "day", "y": ["n"], "labels": {"day": _("Day"), "n": _("Complaints")}},
        columns=[{"name": "day", "type": "DATE"}, {"name": "n", "type": "BIGINT"}],
        rows=[[d.day, d.count] for d in volume],
        language=language,
        ident="cs-volume",
    )
    breaches = {
        by: dashboard_breaches(agency_ids=ids, since=since, by=by)
        for by in ("agency", "district", "category")
    }
    titles = {
        "agency": _("SLA breaches by agency"),
        "district": _("SLA breaches by district"),
        "category": _("SLA breaches by category"),
    }
    charts = [
        {
            "by": by,
            "title": titles[by],
            "column": {
                "agency": pgettext("complaint", "Agency"),
                "district": _("District"),
                "category": _("Category"),
            }[by],
            "rows": rows,
            "svg": mark_safe(_bar(f"cs-breach-{by}", titles[by], by, rows, language).svg)
            if rows
            else "",
        }
        for by, rows in breaches.items()
    ]
    points = dashboard_map_points(agency_ids=ids, since=since)
    resolution = dashboard_resolution(agency_ids=ids, since=since)
    context = {
        "scope": scope,
        "windows": WINDOWS,
        "total": sum(d.count for d in volume),
        "volume_chart": volume_chart,
        "volume_svg": mark_safe(volume_chart.svg),
        "resolution": resolution,
        "mean": _duration(resolution.mean),
        "median": _duration(resolution.median),
        "breach_total": dashboard_breach_count(agency_ids=ids, since=since),
        "breach_charts": charts,
        "open_closed": dashboard_open_closed(agency_ids=ids, since=since),
        "satisfaction": dashboard_satisfaction(agency_ids=ids, since=since),
        "map_svg": _map_svg(points, language),
        "map_points": sum(p["n"] for p in points),
        "map_max": MAP_POINTS_MAX,
    }
    return render(request, "complaints/staff/dashboard.html", context)


@login_required
@require_GET
def map_data(request: HttpRequest) -> JsonResponse:
    """The dashboard's map points as JSON: rounded, aggregated, no text or personal data."""
    user = staff_user(request)
    scope = _scope(request, user)
    points = dashboard_map_points(agency_ids=scope.agency_ids, since=scope.since)
    response = JsonResponse(
        {
            "days": scope.days,
            "agency": scope.agency.code if scope.agency else None,
            "limit": MAP_POINTS_MAX,
            "precision": MAP_PRECISION,
            "points": points,
        }
    )
    response["Cache-Control"] = "private, no-store"
    return response
