"""Selectors of the anonymize part (typed, keyword-only): sources, releases, form suggestions."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from ddgov.catalog.models import Dataset, Resource, ResourceVersion
from ddgov.catalog.selectors.datasets import NotFound, dataset_can_edit, datasets_visible
from ddgov.governance.anonymize.hierarchies import hierarchy_suggest
from ddgov.governance.anonymize.spec import AnonymizeError, HierarchySpec
from ddgov.governance.models import Release
from ddgov.identity.models import User
from ddgov.lake.storage import absolute

Viewer = User | AnonymousUser | None
_SCHEMA_TO_DUCK = {
    "integer": "BIGINT",
    "number": "DOUBLE",
    "date": "DATE",
    "datetime": "TIMESTAMP",
    "year": "INTEGER",
    "boolean": "BOOLEAN",
}


def release_source_path(*, source: str) -> Path:
    """A CSV/Parquet path as given, or the current version's Parquet of a resource UUID."""
    path = Path(source)
    if path.is_file():
        return path
    try:
        rid = uuid.UUID(source)
    except ValueError:
        raise AnonymizeError(
            f"No such file or resource: {source} / ไม่พบไฟล์หรือทรัพยากร: {source}", field="source"
        ) from None
    resource = (
        Resource.objects.filter(pk=rid, state=Resource.State.ACTIVE)
        .select_related("current_version")
        .first()
    )
    version = resource.current_version if resource is not None else None
    if version is None or not version.parquet_path:
        raise AnonymizeError(
            f"Resource {source} has no ingested version. / ทรัพยากร {source} ยังไม่มีฉบับที่นำเข้าสำเร็จ",
            field="source",
        )
    return absolute(version.parquet_path)


def release_can_request(*, user: Viewer, version: ResourceVersion) -> bool:
    """Whether ``user`` may release ``version``: a data steward (or admin) of its agency."""
    return dataset_can_edit(user=user, dataset=version.resource.dataset)


def release_get_for_viewer(*, viewer: Viewer, release_id: int) -> Release:
    """A release whose source the viewer may edit, or whose published dataset they may see."""
    release = (
        Release.objects.select_related(
            "source_version__resource__dataset__owner_org", "resource__dataset", "version"
        )
        .filter(pk=release_id)
        .first()
    )
    if release is None:
        raise NotFound(str(release_id))
    if release_can_request(user=viewer, version=release.source_version):
        return release
    published = release.resource is not None and release.version_id is not None
    if published and release.resource is not None:
        visible = datasets_visible(viewer=viewer, include_private=False)
        if visible.filter(pk=release.resource.dataset_id).exists():
            return release
    raise NotFound(str(release_id))


def releases_of_version(*, version: ResourceVersion) -> QuerySet[Release]:
    """The releases requested from one source version, newest first."""
    return Release.objects.filter(source_version=version).select_related("resource", "version")


def releases_of_dataset(*, dataset: Dataset) -> QuerySet[Release]:
    """Published releases whose public resource lives in ``dataset`` (its lineage)."""
    return Release.objects.filter(resource__dataset=dataset, version__isnull=False).select_related(
        "source_version__resource__dataset", "resource", "version"
    )


def release_columns(*, version: ResourceVersion) -> list[dict[str, Any]]:
    """The version's columns with their type and a suggested hierarchy (for the form)."""
    columns = []
    for field in (version.table_schema or {}).get("fields", []):
        name = str(field.get("name"))
        if name == "_id":
            continue
        kind = str(field.get("type") or "string")
        suggestion: HierarchySpec = hierarchy_suggest(
            name=name, duck_type=_SCHEMA_TO_DUCK.get(kind, "VARCHAR"), sample=[]
        )
        columns.append({"name": name, "type": kind, "hierarchy": suggestion.kind})
    return columns
