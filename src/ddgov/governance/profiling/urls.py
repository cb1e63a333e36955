"""URLs of the profiling part (included by governance/urls.py under ``/governance/``)."""

from django.urls import URLPattern, URLResolver, path

from ddgov.governance.profiling import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("resource/<uuid:resource_id>/profile/", views.profile_page, name="profile"),
    path("resource/<uuid:resource_id>/profile.json", views.profile_json, name="profile_json"),
    path(
        "resource/<uuid:resource_id>/profile/refresh/",
        views.profile_refresh,
        name="profile_refresh",
    ),
]
