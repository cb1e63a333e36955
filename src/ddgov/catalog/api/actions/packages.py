"""Package (dataset) actions: list, show, create, update, patch, delete.

Writes go through ``ddgov.catalog.services`` (rights, Thai GD-Catalog validation, audit); reads
through ``ddgov.catalog.selectors`` (what the caller may see). Search is in ``search.py``.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from ddgov.catalog import services
from ddgov.catalog.api.actions.registry import ActionContext, action
from ddgov.catalog.api.auth import caller_require_user
from ddgov.catalog.api.errors import ApiValidationError
from ddgov.catalog.api.params import as_bool, as_int, maybe_json, required
from ddgov.catalog.api.serializers import (
    package_clean,
    package_dict,
    package_dicts,
    resource_clean,
)
from ddgov.catalog.models import Dataset, Resource
from ddgov.catalog.selectors import (
    dataset_can_edit,
    dataset_get_for_viewer,
    datasets_visible,
    organization_get,
)
from ddgov.catalog.selectors.datasets import organization_can_create
from ddgov.identity.models import User

LIST_MAX = 1000


def _id(data: dict[str, Any]) -> str:
    return str(data.get("id") or data.get("name_or_id") or required(data, "id"))


def package_get(ctx: ActionContext, name_or_id: str) -> Dataset:
    """Return the dataset the caller may see (NotFound otherwise)."""
    return dataset_get_for_viewer(viewer=ctx.caller, name_or_id=name_or_id)


def _resources_payload(data: dict[str, Any]) -> list[dict[str, Any]] | None:
    if "resources" not in data:
        return None
    value = maybe_json(data["resources"])
    if value in (None, ""):
        return []
    if not isinstance(value, list) or not all(isinstance(r, dict) for r in value):
        raise ApiValidationError(
            {"resources": [_("Must be a list of resources. / ต้องเป็นรายการทรัพยากร")]}
        )
    return value


def _sync_resources(*, actor: User, dataset: Dataset, payload: list[dict[str, Any]]) -> None:
    """Make the dataset's resources match ``payload`` as CKAN's package_update does.

    Listed resources with a known id are updated, others are added (as links), and resources
    not listed are deleted. An upload's stored file is never replaced from here.
    """
    existing = {str(r.pk): r for r in dataset.resources.filter(state=Resource.State.ACTIVE)}
    kept: set[str] = set()
    for item in payload:
        clean = resource_clean(item)
        resource = existing.get(str(item.get("id") or ""))
        if resource is None:
            services.resource_create(actor=actor, dataset=dataset, data=clean)
            continue
        kept.add(str(resource.pk))
        if resource.url_type == "upload":
            clean.pop("url", None)
        services.resource_update(actor=actor, resource=resource, data=clean, partial=False)
    for rid, resource in existing.items():
        if rid not in kept:
            services.resource_delete(actor=actor, resource=resource)


def _check_resource_names(payload: list[dict[str, Any]] | None) -> None:
    if not payload:
        return
    errors = [
        {"name": [_("Missing value / กรุณากรอกข้อมูล")]}
        for r in payload
        if not str(r.get("name") or r.get("url") or "").strip()
    ]
    if errors:
        raise ApiValidationError({"resources": errors})


@action("package_list", side_effect_free=True)
def package_list(ctx: ActionContext, data: dict[str, Any]) -> list[str]:
    """Names of the datasets the caller may see (public active ones unless asked for more)."""
    limit = as_int(data, "limit", default=None, maximum=None)
    offset = as_int(data, "offset", default=0) or 0
    qs = datasets_visible(
        viewer=ctx.caller,
        include_private=as_bool(data, "include_private"),
        include_drafts=as_bool(data, "include_drafts"),
    ).order_by("name")
    names = qs.values_list("name", flat=True)
    if limit is not None:
        return list(names[offset : offset + limit])
    return list(names[offset:])


@action("current_package_list_with_resources", side_effect_free=True)
def current_package_list_with_resources(
    ctx: ActionContext, data: dict[str, Any]
) -> list[dict[str, Any]]:
    """Recently changed public datasets with their resources, newest first (harvesters use it)."""
    limit = as_int(data, "limit", default=LIST_MAX, maximum=LIST_MAX) or LIST_MAX
    offset = as_int(data, "offset", default=0) or 0
    qs = datasets_visible(viewer=ctx.caller, include_private=as_bool(data, "include_private"))
    return package_dicts(
        ctx.request, qs.order_by("-metadata_modified", "name")[offset : offset + limit]
    )


@action("package_show", side_effect_free=True)
def package_show(ctx: ActionContext, data: dict[str, Any]) -> dict[str, Any]:
    """A dataset by id or name, with Thai GD-Catalog fields, resources and ingest status."""
    return package_dict(ctx.request, package_get(ctx, _id(data)))


@action("package_create")
def package_create(ctx: ActionContext, data: dict[str, Any]) -> dict[str, Any]:
    """Create a dataset for an organisation the caller stewards (optionally with link resources)."""
    actor = caller_require_user(ctx.caller, action=ctx.name)
    clean = package_clean(data, creating=True)
    resources = _resources_payload(data)
    _check_resource_names(resources)
    org = organization_get(name_or_id=str(clean.get("owner_org") or ""))
    if not resources or (
        org is not None and not organization_can_create(user=actor, organization=org)
    ):
        # Refusals and validation errors are raised (and audited) by the service, outside any
        # transaction of ours so the audit record of a refusal is kept.
        dataset = services.dataset_create(actor=actor, data=clean)
    else:
        with transaction.atomic():
            dataset = services.dataset_create(actor=actor, data=clean)
            _sync_resources(actor=actor, dataset=dataset, payload=resources)
    return package_dict(ctx.request, package_get(ctx, str(dataset.pk)))


def _update(ctx: ActionContext, data: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    actor = caller_require_user(ctx.caller, action=ctx.name)
    dataset = dataset_get_for_viewer(viewer=actor, name_or_id=_id(data))
    clean = package_clean(data, creating=False)
    resources = _resources_payload(data)
    _check_resource_names(resources)
    if resources is None or not dataset_can_edit(user=actor, dataset=dataset):
        services.dataset_update(actor=actor, dataset=dataset, data=clean, partial=partial)
    else:
        with transaction.atomic():
            services.dataset_update(actor=actor, dataset=dataset, data=clean, partial=partial)
            _sync_resources(actor=actor, dataset=dataset, payload=resources)
    return package_dict(ctx.request, package_get(ctx, str(dataset.pk)))


@action("package_update")
def package_update(ctx: ActionContext, data: dict[str, Any]) -> dict[str, Any]:
    """Update a dataset: given fields replace stored ones (tags and extras as a whole).

    Unlike CKAN, fields left out keep their values rather than being cleared, so a forgotten
    ``private`` never publishes a dataset; ``tags`` (or ``tag_string``) must be given.
    """
    return _update(ctx, data, partial=False)


@action("package_patch")
def package_patch(ctx: ActionContext, data: dict[str, Any]) -> dict[str, Any]:
    """Change only the given fields of a dataset."""
    return _update(ctx, data, partial=True)


@action("package_delete")
def package_delete(ctx: ActionContext, data: dict[str, Any]) -> None:
    """Delete a dataset: it leaves the API and search; its files stay in the lake."""
    actor = caller_require_user(ctx.caller, action=ctx.name)
    dataset = dataset_get_for_viewer(viewer=actor, name_or_id=_id(data))
    services.dataset_delete(actor=actor, dataset=dataset)
