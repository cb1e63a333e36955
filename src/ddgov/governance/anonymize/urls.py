"""URLs of the anonymize part (included by governance/urls.py under ``/governance/``)."""

from django.urls import URLPattern, URLResolver, path

from ddgov.governance.anonymize import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("resource/<uuid:resource_id>/release/", views.release_form, name="anonymize_release_form"),
    path("release/<int:release_id>/", views.release_page, name="anonymize_release"),
    path(
        "release/<int:release_id>/publish/",
        views.release_publish_view,
        name="anonymize_release_publish",
    ),
]
