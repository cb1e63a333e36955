"""Resource actions: show, create, update, patch, delete.

An uploaded file (multipart field ``upload``) becomes a new immutable version that is
ingested into the lake in the background; its status shows in ``resource_show``.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from ddgov.catalog import services
from ddgov.catalog.api.actions.registry import ActionContext, action
from ddgov.catalog.api.auth import caller_require_user
from ddgov.catalog.api.params import as_int, required
from ddgov.catalog.api.serializers import resource_clean, resource_dict
from ddgov.catalog.models import Resource, ResourceVersion
from ddgov.catalog.selectors import dataset_get_for_viewer, resource_get_for_viewer
from ddgov.catalog.services.datasets import CatalogValidationError
from ddgov.catalog.services.ingest import resource_version_reingest


def _upload(ctx: ActionContext) -> tuple[UploadedFile | None, str]:
    upload = ctx.files.get("upload")
    if upload is None:
        return None, ""
    return upload, upload.name or ""


def _fresh(resource_id: Any) -> Resource:
    """Re-read a resource after a write (its ingest may already have run)."""
    return (
        Resource.objects.select_related("dataset__owner_org", "current_version")
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=ResourceVersion.objects.defer("table_schema", "schema_overrides").order_by(
                    "-number"
                ),
            )
        )
        .get(pk=resource_id)
    )


def _show(
    ctx: ActionContext, resource: Resource, *, include_versions: bool = False
) -> dict[str, Any]:
    fresh = _fresh(resource.pk)
    return resource_dict(
        ctx.request, dataset=fresh.dataset, resource=fresh, include_versions=include_versions
    )


@action("resource_show", side_effect_free=True)
def resource_show(ctx: ActionContext, data: dict[str, Any]) -> dict[str, Any]:
    """A resource with every version (each downloadable) and the latest ingest status."""
    resource = resource_get_for_viewer(viewer=ctx.caller, resource_id=str(required(data, "id")))
    return _show(ctx, resource, include_versions=True)


@action("resource_create")
def resource_create(ctx: ActionContext, data: dict[str, Any]) -> dict[str, Any]:
    """Add a resource: a multipart ``upload`` (ingested in the background) or a ``url`` link."""
    actor = caller_require_user(ctx.caller, action=ctx.name)
    dataset = dataset_get_for_viewer(viewer=actor, name_or_id=str(required(data, "package_id")))
    upload, filename = _upload(ctx)
    resource = services.resource_create(
        actor=actor, dataset=dataset, data=resource_clean(data), upload=upload, filename=filename
    )
    return _show(ctx, resource)


def _update(ctx: ActionContext, data: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    actor = caller_require_user(ctx.caller, action=ctx.name)
    resource = resource_get_for_viewer(viewer=actor, resource_id=str(required(data, "id")))
    upload, filename = _upload(ctx)
    clean = resource_clean(data)
    if resource.url_type == "upload" and upload is None and "url" in clean:
        url = str(clean["url"] or "")
        if not url or f"/resource/{resource.pk}/" in url:
            clean.pop("url")  # the client echoed our download link back
        else:
            clean["url_type"] = ""  # a new link replaces the upload
    services.resource_update(
        actor=actor,
        resource=resource,
        data=clean,
        partial=partial,
        upload=upload,
        filename=filename,
    )
    return _show(ctx, resource)


@action("resource_update")
def resource_update(ctx: ActionContext, data: dict[str, Any]) -> dict[str, Any]:
    """Replace a resource's metadata; a new ``upload`` becomes its next version."""
    return _update(ctx, data, partial=False)


@action("resource_patch")
def resource_patch(ctx: ActionContext, data: dict[str, Any]) -> dict[str, Any]:
    """Change only the given fields of a resource; a new ``upload`` becomes its next version."""
    return _update(ctx, data, partial=True)


@action("resource_delete")
def resource_delete(ctx: ActionContext, data: dict[str, Any]) -> None:
    """Delete a resource; its versions stay in the lake for the audit trail."""
    actor = caller_require_user(ctx.caller, action=ctx.name)
    resource = resource_get_for_viewer(viewer=actor, resource_id=str(required(data, "id")))
    services.resource_delete(actor=actor, resource=resource)


@action("resource_schema_update")
def resource_schema_update(ctx: ActionContext, data: dict[str, Any]) -> dict[str, Any]:
    """Correct column types (a ddgov action; the web page "Correct column types" in the API).

    ``fields`` maps column names to a Table Schema type, or to ``{"type", "format", "invalid"}``;
    ``version`` picks the version to re-read (default: the current one). The same upload is
    ingested again as the next version; until it succeeds the current version stays in use.
    Returns the resource with its versions, as ``resource_show`` does.
    """
    actor = caller_require_user(ctx.caller, action=ctx.name)
    resource = resource_get_for_viewer(viewer=actor, resource_id=str(required(data, "id")))
    fields = required(data, "fields")
    if not isinstance(fields, dict):
        raise CatalogValidationError(
            {
                "fields": [
                    _(
                        'Must be a JSON object of column: type, e.g. {"ปี": "integer"}. / '
                        'ต้องเป็นออบเจกต์ JSON ของ คอลัมน์: ชนิด เช่น {"ปี": "integer"}'
                    )
                ]
            }
        )
    number = as_int(data, "version", minimum=1)
    version = (
        resource.versions.filter(status=ResourceVersion.Status.SUCCEEDED, number=number).first()
        if number is not None
        else resource.current_version
    )
    if version is None:
        raise CatalogValidationError(
            {
                "version": [
                    _("There is no ingested version to correct. / ไม่มีฉบับที่นำเข้าสำเร็จให้แก้ไขชนิดคอลัมน์")
                ]
            }
        )
    resource_version_reingest(actor=actor, version=version, schema_overrides=fields)
    return _show(ctx, resource, include_versions=True)
