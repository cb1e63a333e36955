"""URLs of the dashboards (mounted under ``/analytics/``): public pages and the staff editor."""

from django.urls import path

from ddgov.analytics.dashboards import views

urlpatterns = [
    path("dashboards/", views.dashboard_list, name="dashboards"),
    path("dashboards/new/", views.dashboard_new, name="dashboard_new"),
    path("d/<slug:slug>/", views.dashboard_page, name="dashboard"),
    path("d/<slug:slug>/embed/", views.dashboard_embed, name="dashboard_embed"),
    path("d/<slug:slug>/data.json", views.dashboard_json, name="dashboard_data"),
    path("d/<slug:slug>/edit/", views.dashboard_edit, name="dashboard_edit"),
    path("d/<slug:slug>/refresh/", views.dashboard_refresh_now, name="dashboard_refresh"),
    path("d/<slug:slug>/delete/", views.dashboard_remove, name="dashboard_delete"),
    path("d/<slug:slug>/charts/new/", views.dashboard_chart_new, name="dashboard_chart_new"),
    path("d/<slug:slug>/charts/place/", views.dashboard_chart_place, name="dashboard_chart_place"),
    path(
        "d/<slug:slug>/charts/<uuid:chart_id>/",
        views.dashboard_chart_edit,
        name="dashboard_chart_edit",
    ),
    path(
        "d/<slug:slug>/items/<int:item_id>/",
        views.dashboard_item_action,
        name="dashboard_item",
    ),
]
