"""Catalog URLs: the CKAN Action API, open-standard exports and downloads, and the web pages."""

from django.urls import include, path

urlpatterns = [
    path("api/", include("ddgov.catalog.api.urls")),
    path("", include("ddgov.catalog.views.open_urls")),
    path("", include("ddgov.catalog.views.urls")),
]
