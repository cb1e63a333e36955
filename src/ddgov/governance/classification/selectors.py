"""Reads of the classification part: which columns of which resources hold non-public data.

A resource's classification is its :class:`ColumnClass` rows. Only the columns of the
resource's *current* version count (a column dropped by a later version no longer holds data);
a resource without an ingested version counts every row it has.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ddgov.catalog.models import Dataset, Resource, ResourceVersion
from ddgov.catalog.selectors.datasets import Viewer, dataset_can_edit
from ddgov.catalog.vocab import DataCategory
from ddgov.governance.models import ColumnClass, Release
from ddgov.identity.models import Role, User
from ddgov.identity.selectors import user_has_role

ROW_ID = "_id"  # the lake's own row number column, never data


def version_columns(*, version: ResourceVersion | None) -> list[str] | None:
    """The data columns of an ingested version in table order, or None if it has no schema."""
    if version is None:
        return None
    fields = (version.table_schema or {}).get("fields")
    if not isinstance(fields, list) or not fields:
        return None
    return [
        str(f.get("name"))
        for f in fields
        if isinstance(f, Mapping) and f.get("name") and f.get("name") != ROW_ID
    ]


def release_version_exists(*, version: ResourceVersion) -> bool:
    """Whether ``version`` is the version of an anonymised release (recorded by anonymisation)."""
    return Release.objects.filter(version=version).exists()


def resource_is_release(*, resource: Resource) -> bool:
    """Whether ``resource`` holds an anonymised release."""
    return Release.objects.filter(resource=resource).exists()


def resource_column_classes(*, resource: Resource) -> list[ColumnClass]:
    """The resource's column classifications, in the current version's column order."""
    rows = list(ColumnClass.objects.filter(resource=resource).select_related("updated_by"))
    columns = version_columns(version=resource.current_version)
    if columns is None:
        return sorted(rows, key=lambda c: c.column)
    order = {name: i for i, name in enumerate(columns)}
    return sorted(
        (c for c in rows if c.column in order), key=lambda c: order.get(c.column, len(order))
    )


def resource_restricted_columns(*, resource: Resource) -> list[ColumnClass]:
    """Columns of the resource whose category is not public (personal, security, secret)."""
    return [
        c for c in resource_column_classes(resource=resource) if c.category != DataCategory.PUBLIC
    ]


def resource_personal_columns(*, resource: Resource) -> list[ColumnClass]:
    """Columns of the resource classified as personal data (detected or set by a steward)."""
    return [
        c for c in resource_column_classes(resource=resource) if c.category == DataCategory.PERSONAL
    ]


def resource_is_personal(*, resource: Resource) -> bool:
    """Whether the resource holds personal data in any column of its current version."""
    return bool(resource_personal_columns(resource=resource))


def resource_needs_classifying(*, resource: Resource) -> bool:
    """Whether the resource has an ingested version none of whose columns is classified yet."""
    columns = version_columns(version=resource.current_version)
    if not columns:
        return False
    return not ColumnClass.objects.filter(resource=resource, column__in=columns).exists()


def dataset_active_resources(*, dataset: Dataset) -> list[Resource]:
    """The dataset's active resources with their current versions, in display order."""
    return list(
        dataset.resources.filter(state=Resource.State.ACTIVE)
        .select_related("current_version")
        .order_by("position", "created")
    )


def dataset_restricted_resources(*, dataset: Dataset) -> list[tuple[Resource, list[ColumnClass]]]:
    """Each active resource of the dataset that has non-public columns, with those columns."""
    found = []
    for resource in dataset_active_resources(dataset=dataset):
        columns = resource_restricted_columns(resource=resource)
        if columns:
            found.append((resource, columns))
    return found


def column_class_can_edit(*, user: Viewer, dataset: Dataset) -> bool:
    """Whether ``user`` may change column classifications: a data steward (or admin) of the agency."""
    return dataset_can_edit(user=user, dataset=dataset)


def column_class_can_declassify(*, user: Viewer, dataset: Dataset) -> bool:
    """Whether ``user`` may mark a personal column public: only an admin of the owning agency."""
    return isinstance(user, User) and user_has_role(
        user=user, agency=dataset.owner_org, at_least=Role.ADMIN
    )


@dataclass
class ResourceClassification:
    """What the classification page shows for one resource."""

    resource: Resource
    columns: list[ColumnClass]
    unclassified: list[str]
    restricted: list[ColumnClass]
    is_release: bool
    detected_at: Any = None
    extra: dict[str, Any] = field(default_factory=dict)


def dataset_classification(*, dataset: Dataset) -> list[ResourceClassification]:
    """Per active resource: its column classes, columns not classified yet, non-public columns."""
    result = []
    for resource in dataset_active_resources(dataset=dataset):
        columns = resource_column_classes(resource=resource)
        known = {c.column for c in columns}
        current = version_columns(version=resource.current_version) or []
        result.append(
            ResourceClassification(
                resource=resource,
                columns=columns,
                unclassified=[c for c in current if c not in known],
                restricted=[c for c in columns if c.category != DataCategory.PUBLIC],
                is_release=resource_is_release(resource=resource),
                detected_at=max((c.updated_at for c in columns), default=None),
            )
        )
    return result
