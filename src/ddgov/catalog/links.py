"""Absolute URLs of catalog objects, as published in DCAT, Data Packages and the API.

Builders take the site's base URL (scheme, host and script prefix, no trailing slash) instead of a
request, so graph and package builders stay plain functions. Paths follow CKAN's, which harvesters
and users already know: ``/dataset/<name>/``, ``/dataset/<name>/resource/<id>/``,
``/organization/<code>/``, ``/group/<name>/`` (web pages end with a slash, files do not).
"""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import get_script_prefix
from django.utils.text import slugify

from ddgov.agencies.models import Agency
from ddgov.catalog.models import Dataset, Group, Resource

RDF_FORMATS = ("ttl", "jsonld", "rdf")


def site_base(request: HttpRequest) -> str:
    """Return the absolute base URL of the site for ``request`` (no trailing slash)."""
    return request.build_absolute_uri(get_script_prefix()).rstrip("/")


def dataset_page_url(base: str, dataset: Dataset) -> str:
    """The dataset's web page (DCAT landing page)."""
    return f"{base}/dataset/{dataset.name}/"


def dataset_uri(base: str, dataset: Dataset) -> str:
    """The dataset's RDF identity: by id, so renaming a dataset keeps its URI."""
    return f"{base}/dataset/{dataset.pk}"


def dataset_rdf_url(base: str, dataset: Dataset, fmt: str) -> str:
    """The dataset's DCAT document in ``fmt`` (ttl, jsonld or rdf)."""
    return f"{base}/dataset/{dataset.name}.{fmt}"


def datapackage_url(base: str, dataset: Dataset) -> str:
    """The dataset's Frictionless ``datapackage.json``."""
    return f"{base}/dataset/{dataset.name}/datapackage.json"


def _resource_path(base: str, dataset: Dataset, resource: Resource) -> str:
    return f"{base}/dataset/{dataset.name}/resource/{resource.pk}"


def resource_page_url(base: str, dataset: Dataset, resource: Resource) -> str:
    """The resource's web page."""
    return f"{_resource_path(base, dataset, resource)}/"


def resource_uri(base: str, dataset: Dataset, resource: Resource) -> str:
    """The resource's RDF identity (by ids, like :func:`dataset_uri`)."""
    return f"{base}/dataset/{dataset.pk}/resource/{resource.pk}"


def resource_file_stem(resource: Resource) -> str:
    """An ASCII file-name stem for download URLs (the served file keeps the Thai name)."""
    return slugify(resource.name)[:80] or "data"


def resource_download_url(
    base: str, dataset: Dataset, resource: Resource, ext: str, version: int | None = None
) -> str:
    """The download of the resource's table as ``ext`` (parquet or csv); a version if given."""
    url = f"{_resource_path(base, dataset, resource)}/download/{resource_file_stem(resource)}.{ext}"
    return f"{url}?version={version}" if version is not None else url


def resource_original_url(
    base: str, dataset: Dataset, resource: Resource, version: int | None = None
) -> str:
    """The original upload of the resource's current (or given) version."""
    url = f"{_resource_path(base, dataset, resource)}/original"
    return f"{url}?version={version}" if version is not None else url


def organization_url(base: str, agency: Agency) -> str:
    """The organisation (agency) page; also its RDF identity."""
    return f"{base}/organization/{agency.code}/"


def group_url(base: str, group: Group) -> str:
    """The group (focus area) page; also its SKOS concept URI."""
    return f"{base}/group/{group.name}/"


def api_base_url(base: str) -> str:
    """The CKAN-compatible Action API endpoint."""
    return f"{base}/api/3/action/"
