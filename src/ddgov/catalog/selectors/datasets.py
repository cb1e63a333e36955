"""Who may see and change which datasets.

Open data (active and not private) is visible to everyone. Private and draft datasets are
visible only to staff of the owning agency (any role) and platform admins; changing a dataset
needs the data-steward role or higher there. Deleted datasets are visible to no one.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q, QuerySet

from ddgov.agencies.models import Agency
from ddgov.agencies.selectors import agency_get
from ddgov.catalog.models import Dataset, Group, Resource
from ddgov.identity.models import Role, User
from ddgov.identity.selectors import user_agencies, user_has_role
from ddgov.lake.storage import absolute

Viewer = User | AnonymousUser | None


class NotFound(ObjectDoesNotExist):
    """The object does not exist, or the viewer may not know that it does."""


def _member_agency_ids(viewer: Viewer) -> list[int] | None:
    """Agency ids whose non-public datasets the viewer may see; None means all (platform admin)."""
    if not isinstance(viewer, User) or not viewer.is_authenticated:
        return []
    if viewer.is_platform_admin:
        return None
    return list(user_agencies(user=viewer).values_list("pk", flat=True))


def datasets_visible(
    *, viewer: Viewer, include_private: bool = True, include_drafts: bool = False
) -> QuerySet[Dataset]:
    """Return the datasets ``viewer`` may see (never deleted ones)."""
    qs = Dataset.objects.exclude(state=Dataset.State.DELETED)
    open_data = Q(state=Dataset.State.ACTIVE, private=False)
    agencies = _member_agency_ids(viewer)
    states = [Dataset.State.ACTIVE, *([Dataset.State.DRAFT] if include_drafts else [])]
    if not include_private:
        own = Q(pk__in=[])
    elif agencies is None:
        own = Q(state__in=states)
    else:
        own = Q(owner_org_id__in=agencies, state__in=states)
    return qs.filter(open_data | own).select_related("owner_org")


def _lookup(name_or_id: str) -> Q:
    try:
        return Q(pk=uuid.UUID(str(name_or_id)))
    except ValueError:
        return Q(name=name_or_id)


def dataset_get_for_viewer(
    *, viewer: Viewer, name_or_id: str, include_drafts: bool = True
) -> Dataset:
    """Return the dataset by name or id, or raise NotFound (also when the viewer may not see it)."""
    dataset = (
        datasets_visible(viewer=viewer, include_private=True, include_drafts=include_drafts)
        .filter(_lookup(name_or_id))
        .prefetch_related("tags", "groups")
        .first()
    )
    if dataset is None:
        raise NotFound(name_or_id)
    return dataset


def dataset_can_edit(*, user: Viewer, dataset: Dataset) -> bool:
    """Whether ``user`` may change ``dataset``: a data steward or admin of its agency."""
    return isinstance(user, User) and user_has_role(
        user=user, agency=dataset.owner_org, at_least=Role.DATA_STEWARD
    )


def organization_can_create(*, user: Viewer, organization: Agency) -> bool:
    """Whether ``user`` may create datasets for ``organization``."""
    return isinstance(user, User) and user_has_role(
        user=user, agency=organization, at_least=Role.DATA_STEWARD
    )


def resource_get_for_viewer(*, viewer: Viewer, resource_id: str) -> Resource:
    """Return an active resource of a dataset the viewer may see, or raise NotFound."""
    try:
        rid = uuid.UUID(str(resource_id))
    except ValueError as exc:
        raise NotFound(resource_id) from exc
    resource = (
        Resource.objects.filter(pk=rid, state=Resource.State.ACTIVE)
        .select_related("dataset__owner_org", "current_version")
        .first()
    )
    if resource is None:
        raise NotFound(resource_id)
    visible = (
        datasets_visible(viewer=viewer, include_drafts=True).filter(pk=resource.dataset_id).exists()
    )
    if not visible:
        raise NotFound(resource_id)
    return resource


def resource_table_path(*, resource: Resource) -> Path | None:
    """Return the Parquet file of the resource's current version, or None if it has none."""
    version = resource.current_version
    if version is None or not version.parquet_path:
        return None
    return absolute(version.parquet_path)


def organization_get(*, name_or_id: str) -> Agency | None:
    """Return the agency by code (CKAN organisation name) or numeric id."""
    agency = agency_get(code=str(name_or_id))
    if agency is None and str(name_or_id).isdigit():
        agency = Agency.objects.filter(pk=int(name_or_id)).first()
    return agency


def group_get(*, name_or_id: str) -> Group | None:
    """Return the group (focus area) by name or id."""
    return Group.objects.filter(_lookup(name_or_id)).first()


def groups_list() -> QuerySet[Group]:
    """Return every group."""
    return Group.objects.all()
