"""Frictionless Data Package (``datapackage.json``) of a dataset.

Each ingested resource becomes a Tabular Data Resource whose ``path`` is its CSV download (the
format every Frictionless tool reads) and whose ``schema`` is the Table Schema of its current
version, less ddgov's internal ``_id`` row number (the CSV has no such column). The Parquet file
and the original upload are listed under the resource's ``ddgov`` property. Link resources are
plain Data Resources pointing at their URL; uploads not ingested yet are left out. ``bytes`` and
``hash`` are given when the served file's are known (the CSV's once it has been written).
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.text import slugify

from ddgov.catalog import links
from ddgov.catalog.dcat import FILE_TYPES, http_uri
from ddgov.catalog.models import Dataset, Resource
from ddgov.catalog.selectors.open_data import export_resources
from ddgov.catalog.services.downloads import ROW_ID, version_csv_known
from ddgov.catalog.vocab import LICENSES

NAME_RE = re.compile(r"^[-a-z0-9._/]+$")
LICENSE_NAME_RE = re.compile(r"^[-a-zA-Z0-9._]+$")
# ddgov licence id → Open Definition / SPDX identifier, which Frictionless asks for.
LICENSE_NAMES = {
    "cc-by": "CC-BY-4.0", "cc-by-sa": "CC-BY-SA-4.0", "cc-zero": "CC0-1.0", "cc-nc": "CC-BY-NC-4.0",
    "odc-by": "ODC-By-1.0", "odc-odbl": "ODbL-1.0", "odc-pddl": "PDDL-1.0",
}  # fmt: skip
THAI_GDC_FIELDS = (
    "data_type", "objective", "update_frequency_unit", "update_frequency_interval", "geo_coverage",
    "data_source", "data_format", "data_category", "data_classification", "accessible_condition",
    "data_support", "data_collect", "data_language", "high_value_dataset", "reference_data",
    "official_statistics", "maintainer", "maintainer_email",
)  # fmt: skip


def _license(license_id: str) -> dict[str, str]:
    title, url = LICENSES.get(license_id, (license_id, ""))
    name = LICENSE_NAMES.get(license_id, license_id)
    if not LICENSE_NAME_RE.match(name):
        name = slugify(name) or "other"
    entry = {"name": name, "title": title}
    if url:
        entry["path"] = url
    return entry


def _table_schema(raw: dict[str, Any]) -> dict[str, Any] | None:
    """The version's Table Schema without the internal row-number field, or None if it has no fields."""
    fields = [
        dict(f) for f in raw.get("fields", []) if isinstance(f, dict) and f.get("name") != ROW_ID
    ]
    if not fields:
        return None
    schema = {k: v for k, v in raw.items() if k not in {"fields", "primaryKey"}}
    schema["fields"] = fields
    key = raw.get("primaryKey")
    keys = [key] if isinstance(key, str) else list(key or [])
    if keys and ROW_ID not in keys:
        schema["primaryKey"] = key
    return schema


def _resource(base: str, dataset: Dataset, resource: Resource, name: str) -> dict[str, Any] | None:
    entry: dict[str, Any] = {"name": name, "title": resource.name}
    if resource.description:
        entry["description"] = resource.description
    version = resource.current_version
    if version is not None and version.parquet_path:
        entry.update(
            profile="tabular-data-resource",
            path=links.resource_download_url(base, dataset, resource, "csv"),
            format="csv",
            mediatype="text/csv",
        )
        known = version_csv_known(resource=resource, version=version)
        if known:
            entry["bytes"], entry["hash"] = known
        schema = _table_schema(version.table_schema or {})
        if schema is None:
            entry["profile"] = "data-resource"
        else:
            entry["schema"] = schema
        entry["ddgov"] = {
            "resource_id": str(resource.pk),
            "version": version.number,
            "rows": version.row_count,
            "parquet": {
                "path": links.resource_download_url(base, dataset, resource, "parquet"),
                "mediatype": FILE_TYPES["PARQUET"][1],
                "bytes": version.parquet_size or None,
            },
            "original": {
                "path": links.resource_original_url(base, dataset, resource),
                "filename": version.original_filename,
                "bytes": version.original_size or None,
                "hash": f"sha256:{version.sha256}" if version.sha256 else None,
            },
        }
        return entry
    if version is not None and version.original_path:
        fmt = (version.source_format or resource.format).upper()
        entry.update(
            profile="data-resource", path=links.resource_original_url(base, dataset, resource)
        )
        if version.original_size:
            entry["bytes"] = version.original_size
        if version.sha256:
            entry["hash"] = f"sha256:{version.sha256}"
    elif resource.url_type != "upload" and http_uri(resource.url) is not None:
        fmt = resource.format.upper()
        entry.update(profile="data-resource", path=str(http_uri(resource.url)))
    else:
        return None
    if fmt:
        entry["format"] = fmt.lower()
        media_type = FILE_TYPES.get(fmt, ("", ""))[1]
        if media_type:
            entry["mediatype"] = media_type
    entry["ddgov"] = {"resource_id": str(resource.pk)}
    return entry


def _resource_names(resources: list[Resource]) -> list[str]:
    """Unique Frictionless names (lowercase ASCII) for the resources, in order."""
    names: list[str] = []
    for index, resource in enumerate(resources, start=1):
        stem = slugify(resource.name) or f"resource-{index}"
        name, n = stem, 2
        while name in names:
            name, n = f"{stem}-{n}", n + 1
        names.append(name)
    return names


def dataset_datapackage(*, dataset: Dataset, base: str) -> dict[str, Any]:
    """Return the Data Package descriptor of ``dataset``; ``resources`` may be empty."""
    resources = export_resources(dataset)
    entries = [
        entry
        for resource, name in zip(resources, _resource_names(resources), strict=True)
        if (entry := _resource(base, dataset, resource, name)) is not None
    ]
    tabular = bool(entries) and all(e.get("profile") == "tabular-data-resource" for e in entries)
    package: dict[str, Any] = {
        "profile": "tabular-data-package" if tabular else "data-package",
        "name": dataset.name if NAME_RE.match(dataset.name) else slugify(dataset.name),
        "id": links.dataset_uri(base, dataset),
        "title": dataset.title,
        "description": dataset.notes,
        "homepage": links.dataset_page_url(base, dataset),
        "created": dataset.metadata_created.isoformat(),
        "keywords": [t.name for t in dataset.tags.all()],
        "contributors": [
            {
                "title": dataset.owner_org.name_th,
                "role": "publisher",
                "path": links.organization_url(base, dataset.owner_org),
                "organization": dataset.owner_org.name_en,
            }
        ],
        "resources": entries,
        "thai_gdc": {f: getattr(dataset, f) for f in THAI_GDC_FIELDS} | {"extras": dataset.extras},
    }
    if dataset.license_id:
        package["licenses"] = [_license(dataset.license_id)]
    if dataset.maintainer or dataset.maintainer_email:
        contact = {"title": dataset.maintainer or dataset.maintainer_email, "role": "maintainer"}
        if dataset.maintainer_email:
            contact["email"] = dataset.maintainer_email
        package["contributors"].append(contact)
    if dataset.data_source:
        package["sources"] = [{"title": dataset.data_source}]
    return package
