"""Open-standard URLs (stable interfaces): DCAT-AP, Data Packages and downloads.

``/catalog.ttl|.jsonld|.rdf``, ``/dataset/<name>.ttl|.jsonld|.rdf``,
``/dataset/<name>/datapackage.json``, ``/dataset/<name>/resource/<id>/download/<file>`` and
``/dataset/<name>/resource/<id>/original``. ``<name>`` may also be the dataset's id.
"""

from django.urls import re_path

from ddgov.catalog.views import open_data

NAME = r"(?P<name>[-\w]+)"
RESOURCE = r"(?P<resource_id>[0-9a-fA-F-]{32,36})"
FORMAT = r"(?P<fmt>ttl|jsonld|rdf)"

urlpatterns = [
    re_path(rf"^catalog\.{FORMAT}$", open_data.catalog_rdf, name="catalog_dcat"),
    re_path(rf"^dataset/{NAME}\.{FORMAT}$", open_data.dataset_rdf, name="dataset_dcat"),
    re_path(
        rf"^dataset/{NAME}/datapackage\.json$",
        open_data.dataset_datapackage_json,
        name="dataset_datapackage",
    ),
    re_path(
        rf"^dataset/{NAME}/resource/{RESOURCE}/download/(?P<filename>[^/]+)$",
        open_data.resource_download,
        name="resource_download",
    ),
    re_path(
        rf"^dataset/{NAME}/resource/{RESOURCE}/original$",
        open_data.resource_original,
        name="resource_original",
    ),
]
