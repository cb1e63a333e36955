"""CKAN Action API v3 URLs, mounted under ``/api/``: both ``3/action/<name>`` and ``action/<name>``.

A trailing slash is accepted too, so no client is ever redirected (``ckanapi`` does not follow
redirects on POST).
"""

from django.urls import re_path

from ddgov.catalog.api.views import action_view, api_version_view

app_name = "catalog_api"

urlpatterns = [
    re_path(r"^3/action/(?P<name>[A-Za-z0-9_.]+)/?$", action_view, name="action"),
    re_path(r"^action/(?P<name>[A-Za-z0-9_.]+)/?$", action_view, name="action_unversioned"),
    re_path(r"^3/?$", api_version_view, name="version"),
]
