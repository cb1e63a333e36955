"""Complaint URLs; the project mounts them with ``path("", include("ddgov.complaints.urls"))``.

Stable (README "Stable interfaces"): ``/api/v1/complaints/classify``, ``/open311/v2/…``,
``/complaints/new/``, ``/complaints/t/<code>/`` (the public tracking page).
"""

from django.urls import path, re_path

from ddgov.complaints import api
from ddgov.complaints.open311 import views as open311
from ddgov.complaints.views import callcentre, citizen, dashboard, importing, staff

app_name = "complaints"

FMT = r"(?:\.(?P<fmt>json|xml))?"

urlpatterns = [
    path("api/v1/complaints/classify", api.classify, name="api-classify"),
    # Open311 GeoReport v2 (formats .json/.xml; no suffix means JSON).
    re_path(rf"^open311/v2/discovery{FMT}$", open311.discovery, name="open311-discovery"),
    re_path(rf"^open311/v2/services{FMT}$", open311.services, name="open311-services"),
    re_path(
        rf"^open311/v2/services/(?P<code>[A-Za-z0-9_-]+){FMT}$",
        open311.service_definition,
        name="open311-service",
    ),
    re_path(rf"^open311/v2/requests{FMT}$", open311.requests, name="open311-requests"),
    re_path(
        rf"^open311/v2/requests/(?P<request_id>[A-Za-z0-9-]+){FMT}$",
        open311.request_detail,
        name="open311-request",
    ),
    re_path(
        rf"^open311/v2/tokens/(?P<token>[A-Za-z0-9-]+){FMT}$", open311.token, name="open311-token"
    ),
    re_path(r"^open311/v2/(?P<path>.*)$", open311.unknown, name="open311-unknown"),
    # Citizens: file, screen for duplicates, track (no sign-in), follow, reopen, rate.
    path("complaints/", citizen.home, name="home"),
    path("complaints/new/", citizen.new, name="new"),
    path("complaints/screen/", citizen.screen, name="screen"),
    path("complaints/track/", citizen.track_lookup, name="track_lookup"),
    path("complaints/t/<str:code>/", citizen.track, name="track"),
    path("complaints/t/<str:code>/follow/", citizen.follow, name="follow"),
    path("complaints/t/<str:code>/reopen/", citizen.reopen, name="reopen"),
    path("complaints/t/<str:code>/rate/", citizen.rate, name="rate"),
    path("complaints/photos/<int:pk>/", citizen.photo, name="photo"),
    path("complaints/mine/", citizen.mine, name="mine"),
    # Staff: agency queues, one complaint and its actions, call centre, dashboards, import.
    path("complaints/staff/", staff.queue, name="staff_queue"),
    path("complaints/staff/bulk/", staff.bulk, name="staff_bulk"),
    path("complaints/staff/c/<str:code>/", staff.detail, name="staff_detail"),
    path("complaints/staff/c/<str:code>/transition/", staff.transition, name="staff_transition"),
    path("complaints/staff/c/<str:code>/forward/", staff.forward, name="staff_forward"),
    path("complaints/staff/c/<str:code>/assign/", staff.assign, name="staff_assign"),
    path("complaints/staff/c/<str:code>/note/", staff.note, name="staff_note"),
    path("complaints/staff/c/<str:code>/merge/", staff.merge, name="staff_merge"),
    path("complaints/staff/c/<str:code>/category/", staff.category, name="staff_category"),
    path("complaints/staff/call/", callcentre.call, name="staff_call"),
    path("complaints/staff/dashboard/", dashboard.dashboard, name="staff_dashboard"),
    path("complaints/staff/dashboard/map.json", dashboard.map_data, name="staff_dashboard_map"),
    path("complaints/staff/import/", importing.upload, name="staff_import"),
]
