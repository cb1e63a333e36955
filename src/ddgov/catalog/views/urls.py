"""The catalog's web pages (CKAN's page addresses, so links from data.go.th habits still work).

Downloads, DCAT and ``datapackage.json`` are served by ``open_urls``; the Action API by ``api``.
"""

from django.urls import path

from ddgov.catalog.views import public, steward

app_name = "catalog"

urlpatterns = [
    path("dataset/", public.dataset_search_page, name="search"),
    path("dataset/new/", steward.dataset_new, name="dataset_new"),
    path("dataset/<slug:name>/", public.dataset_page, name="dataset"),
    path("dataset/<slug:name>/edit/", steward.dataset_edit, name="dataset_edit"),
    path("dataset/<slug:name>/resource/new/", steward.resource_new, name="resource_new"),
    path("dataset/<slug:name>/resource/<uuid:resource_id>/", public.resource_page, name="resource"),
    path(
        "dataset/<slug:name>/resource/<uuid:resource_id>/status.json",
        public.resource_status,
        name="resource_status",
    ),
    path(
        "dataset/<slug:name>/resource/<uuid:resource_id>/upload/",
        steward.resource_upload,
        name="resource_upload",
    ),
    path(
        "dataset/<slug:name>/resource/<uuid:resource_id>/schema/",
        steward.resource_schema,
        name="resource_schema",
    ),
    path("organization/", public.organization_list_page, name="organizations"),
    path("organization/<slug:code>/", public.organization_page, name="organization"),
    path("group/", public.group_list_page, name="groups"),
    path("group/<slug:name>/", public.group_page, name="group"),
]
