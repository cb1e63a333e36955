"""URLs of the SQL workbench: the staff page and its JSON API (mounted under ``/analytics/``)."""

from django.urls import path

from ddgov.analytics.workbench import api, views

urlpatterns = [
    path("workbench/", views.workbench_page, name="workbench"),
    path("workbench/save/", views.workbench_save, name="workbench_save"),
    path(
        "workbench/queries/<uuid:query_id>/delete/",
        views.workbench_delete,
        name="workbench_delete",
    ),
    path("api/query", api.query_view, name="api_query"),
    path("api/queries", api.queries_view, name="api_queries"),
    path("api/queries/<uuid:query_id>", api.query_detail_view, name="api_query_detail"),
    path("api/export", api.export_view, name="api_export"),
    path("api/tables", api.tables_view, name="api_tables"),
]
