"""Selectors of the profiling part: stored profiles, and what a profile page may show a viewer.

Visibility is the catalog's: whoever may see a resource's dataset (``resource_get_for_viewer``)
may see its versions' profiles; anyone else gets ``NotFound``, as if it did not exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from ddgov.catalog.models import Dataset, Resource, ResourceVersion
from ddgov.catalog.selectors.browse import resource_versions
from ddgov.catalog.selectors.datasets import (
    NotFound,
    Viewer,
    dataset_can_edit,
    resource_get_for_viewer,
)
from ddgov.governance.models import Profile

__all__ = ["NotFound", "ProfileView", "profile_get", "profile_version_find", "profile_view_get"]


def profile_get(*, version_id: int) -> Profile | None:
    """Return the stored profile of a version, or None if it has not been profiled (yet)."""
    return Profile.objects.filter(version_id=version_id).first()


@dataclass(frozen=True)
class ProfileView:
    """What the profile page and its JSON show: the resource, its versions, the chosen profile."""

    dataset: Dataset
    resource: Resource
    versions: list[ResourceVersion]
    version: ResourceVersion | None
    profile: Profile | None
    can_edit: bool


def profile_view_get(
    *, viewer: Viewer, resource_id: str, version_number: int | None = None
) -> ProfileView:
    """The profile of a resource's current version (or of ``version_number``) for ``viewer``.

    Raises ``NotFound`` when the viewer may not see the resource or the version does not exist
    or was never ingested.
    """
    resource = resource_get_for_viewer(viewer=viewer, resource_id=resource_id)
    versions = [
        v
        for v in resource_versions(resource=resource)
        if v.status == ResourceVersion.Status.SUCCEEDED
    ]
    if version_number is None:
        version = resource.current_version or (versions[0] if versions else None)
    else:
        version = next((v for v in versions if v.number == version_number), None)
        if version is None:
            raise NotFound(f"{resource_id} v{version_number}")
    profile = profile_get(version_id=version.pk) if version is not None else None
    return ProfileView(
        dataset=resource.dataset,
        resource=resource,
        versions=versions,
        version=version,
        profile=profile,
        can_edit=dataset_can_edit(user=viewer, dataset=resource.dataset),
    )


def profile_version_find(*, resource_id: str, number: int | None = None) -> ResourceVersion | None:
    """The resource's current version (or version ``number``) for trusted callers (commands).

    No visibility check: only operators with shell access call it. None if there is no such
    resource or version.
    """
    try:
        resource = Resource.objects.filter(pk=resource_id).first()
    except (ValueError, ValidationError):
        return None
    if resource is None:
        return None
    if number is None:
        return resource.current_version
    return resource.versions.filter(number=number).first()
