"""URLs of the dashboards (mounted under ``/analytics/``): public pages and the staff editor."""

from django.urls import path

from ddgov.analytics.dashboards import public, staff

urlpatterns = [
    path("dashboards/", public.dashboard_list, name="dashboards"),
    path("dashboards/new/", staff.dashboard_new, name="dashboard_new"),
    path("d/<slug:slug>/", public.dashboard_page, name="dashboard"),
    path("d/<slug:slug>/embed/", public.dashboard_embed, name="dashboard_embed"),
    path("d/<slug:slug>/data.json", public.dashboard_json, name="dashboard_data"),
    path("d/<slug:slug>/edit/", staff.dashboard_edit, name="dashboard_edit"),
    path("d/<slug:slug>/refresh/", staff.dashboard_refresh_now, name="dashboard_refresh"),
    path("d/<slug:slug>/delete/", staff.dashboard_remove, name="dashboard_delete"),
    path("d/<slug:slug>/charts/new/", staff.dashboard_chart_new, name="dashboard_chart_new"),
    path("d/<slug:slug>/charts/place/", staff.dashboard_chart_place, name="dashboard_chart_place"),
    path(
        "d/<slug:slug>/charts/<uuid:chart_id>/",
        staff.dashboard_chart_edit,
        name="dashboard_chart_edit",
    ),
    path(
        "d/<slug:slug>/items/<int:item_id>/",
        staff.dashboard_item_action,
        name="dashboard_item",
    ),
]
