"""URLs of the analytics app: the staff workbench and the dashboards (public and staff)."""

from django.urls import include, path

app_name = "analytics"

urlpatterns = [
    path("", include("ddgov.analytics.workbench.urls")),
    path("", include("ddgov.analytics.dashboards.urls")),
]
