"""Reads behind the open-standard exports (DCAT, Data Package) and the downloads.

Every function decides visibility through :func:`datasets_visible` / ``resource_get_for_viewer``,
so an export never shows more than the catalog pages and the API would. Exports fetch a page of
datasets with a fixed number of queries (tags, groups, resources and their current versions are
prefetched), however many datasets or resources there are.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Max, Prefetch, QuerySet

from ddgov.catalog.models import Dataset, Resource, ResourceVersion
from ddgov.catalog.selectors.datasets import (
    NotFound,
    Viewer,
    dataset_get_for_viewer,
    datasets_visible,
)


@dataclass(frozen=True)
class ExportPage:
    """One page of the catalog export: its datasets and where it sits in the whole."""

    datasets: list[Dataset]
    page: int
    page_size: int
    total: int
    modified: dt.datetime | None

    @property
    def last_page(self) -> int:
        """The number of the last page (1 for an empty catalog)."""
        return max(1, -(-self.total // self.page_size))


def _with_export_relations(qs: QuerySet[Dataset]) -> QuerySet[Dataset]:
    active = (
        Resource.objects.filter(state=Resource.State.ACTIVE)
        .select_related("current_version")
        .order_by("position", "created")
    )
    return qs.select_related("owner_org").prefetch_related(
        "tags", "groups", Prefetch("resources", queryset=active, to_attr="active_resources")
    )


def datasets_export_page(*, viewer: Viewer, page: int, page_size: int) -> ExportPage:
    """Return page ``page`` (1-based) of the published datasets ``viewer`` may see.

    Drafts are left out: the catalog lists what is published (open data, and private datasets
    for members of their agency). Raises :class:`NotFound` for a page past the end.
    """
    visible = datasets_visible(viewer=viewer, include_private=True, include_drafts=False)
    summary = visible.order_by().aggregate(modified=Max("metadata_modified"))
    total = visible.count()
    if page < 1 or page > max(1, -(-total // page_size)):
        raise NotFound(f"page {page}")
    start = (page - 1) * page_size
    datasets = list(_with_export_relations(visible.order_by("name"))[start : start + page_size])
    return ExportPage(
        datasets=datasets, page=page, page_size=page_size, total=total, modified=summary["modified"]
    )


def dataset_get_for_export(*, viewer: Viewer, name_or_id: str) -> Dataset:
    """Return one dataset the viewer may see (drafts for its members), with its export relations."""
    dataset = dataset_get_for_viewer(viewer=viewer, name_or_id=name_or_id, include_drafts=True)
    return _with_export_relations(Dataset.objects.filter(pk=dataset.pk)).get()


def export_resources(dataset: Dataset) -> list[Resource]:
    """Return the active resources of a dataset loaded by this module (or query them)."""
    prefetched = getattr(dataset, "active_resources", None)
    if prefetched is not None:
        return list(prefetched)
    return list(
        dataset.resources.filter(state=Resource.State.ACTIVE)
        .select_related("current_version")
        .order_by("position", "created")
    )


def resource_version_for_download(
    *, resource: Resource, number: int | None, include_unready: bool = False
) -> ResourceVersion:
    """Return version ``number`` of ``resource`` (its current version when None), or raise NotFound.

    Every ingested version stays downloadable: versions are immutable. A version that is queued,
    running or failed is served only with ``include_unready`` (the dataset's stewards): its
    upload has not passed the ingest and governance checks — a file refused for holding personal
    data must never be readable from an open dataset. Whether it has a table or only an original
    is for the caller to check.
    """
    if number is None:
        if resource.current_version is None:
            raise NotFound(f"{resource.pk} has no ready version")
        return resource.current_version
    version = ResourceVersion.objects.filter(resource=resource, number=number).first()
    if version is None:
        raise NotFound(f"{resource.pk} v{number}")
    if version.status != ResourceVersion.Status.SUCCEEDED and not include_unready:
        raise NotFound(f"{resource.pk} v{number} is not ready")
    return version
