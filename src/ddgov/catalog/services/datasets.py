"""Creating, changing and deleting datasets and resources, with Thai GD-Catalog validation.

Callers (the CKAN API, the steward's forms, harvesting) pass *clean* field dictionaries: model
field names, ``owner_org`` as an agency code, ``tags`` as a list of names, ``groups`` as a list
of group names. Validation errors are raised as :class:`CatalogValidationError` with one list of
Thai/English messages per field, the shape CKAN clients expect.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ddgov.agencies.models import Agency
from ddgov.audit.services import audit_record_append
from ddgov.catalog.hooks import publish_refusals
from ddgov.catalog.models import Dataset, Group, Resource, Tag
from ddgov.catalog.selectors.datasets import (
    dataset_can_edit,
    organization_can_create,
    organization_get,
)
from ddgov.catalog.services.dataset_fields import (
    TRANSLATED_FIELDS,
    dataset_fields_clean,
)
from ddgov.catalog.vocab import REQUIRED_FIELDS, Classification, DataCategory
from ddgov.identity.models import User

NAME_RE = re.compile(r"^[a-z0-9_\-]{2,100}$")
LIST_FIELDS = {"objective", "data_language"}
# Optional statistical / geospatial fields of thai_gdc and the English title and description,
# kept in ``extras`` and shown flat by the API.
EXTRA_FIELDS = set(TRANSLATED_FIELDS) | {
    "data_release_calendar", "first_year_of_data", "last_year_of_data", "disaggregate",
    "unit_of_measure", "unit_of_multiplier", "calculation_method", "standard",
    "geographic_data_set", "equivalent_scale", "west_bound_longitude", "east_bound_longitude",
    "north_bound_latitude", "south_bound_latitude", "positional_accuracy", "reference_period",
    "data_release_date",
}  # fmt: skip
MODEL_FIELDS = {
    f.name
    for f in Dataset._meta.concrete_fields
    if f.name not in {"id", "metadata_created", "metadata_modified"}
} - {"owner_org", "creator", "extras"}


class CatalogValidationError(ValidationError):
    """Field-by-field validation errors, rendered by the API as CKAN's ``Validation Error``."""

    def __init__(self, errors: Mapping[str, list[str]]) -> None:
        """Keep ``errors`` as ``{field: [message, …]}``."""
        super().__init__({k: list(v) for k, v in errors.items()})
        self.field_errors = {k: [str(m) for m in v] for k, v in errors.items()}


def _missing() -> str:
    return _("Missing value / กรุณากรอกข้อมูล")


def dataset_snapshot(dataset: Dataset) -> dict[str, Any]:
    """Return the audited content of a dataset (for before/after digests)."""
    data = {f: getattr(dataset, f) for f in sorted(MODEL_FIELDS)}
    data["owner_org"] = dataset.owner_org.code if dataset.owner_org_id else None
    data["extras"] = dataset.extras
    if dataset.pk and not dataset._state.adding:
        data["tags"] = sorted(dataset.tags.values_list("name", flat=True))
        data["groups"] = sorted(dataset.groups.values_list("name", flat=True))
    return data


def _check_values(data: Mapping[str, Any], errors: dict[str, list[str]]) -> None:
    name = data.get("name")
    if name is not None and not NAME_RE.match(str(name)):
        errors.setdefault("name", []).append(
            _(
                "Use 2-100 lowercase letters, digits, - or _. / "
                "ชื่อต้องเป็นอักษรอังกฤษตัวเล็ก ตัวเลข - หรือ _ ยาว 2-100 ตัว"
            )
        )


def _check_classification(dataset: Dataset, errors: dict[str, list[str]]) -> None:
    """Personal, security and secret data, and any classified data, can never be open data."""
    if dataset.private or dataset.state != Dataset.State.ACTIVE:
        return
    for reason in publish_refusals(dataset):
        errors.setdefault("private", []).append(reason)
    if "data_category" in errors or not dataset.data_category:
        return  # the category itself is missing or wrong: that error says it all
    if (
        dataset.data_category != DataCategory.PUBLIC
        or dataset.data_classification != Classification.PUBLIC
    ):
        errors.setdefault("private", []).append(
            _(
                "A dataset whose category is not public cannot be published as open data; "
                "publish an anonymised release instead. / ชุดข้อมูลที่ไม่ใช่ข้อมูลสาธารณะเผยแพร่เป็นข้อมูลเปิดไม่ได้ "
                "ให้เผยแพร่ฉบับที่ผ่านการทำให้เป็นข้อมูลนิรนามแทน"
            )
        )


def _apply(
    dataset: Dataset, data: Mapping[str, Any], *, partial: bool, errors: dict[str, list[str]]
) -> None:
    for field in MODEL_FIELDS:
        if field in data:
            value = data[field]
            if field in LIST_FIELDS:
                value = [
                    v for v in (value if isinstance(value, list) else str(value).split(",")) if v
                ]
            elif field == "update_frequency_interval":
                value = int(value) if value not in (None, "") else None
            elif value is None:
                value = None if Dataset._meta.get_field(field).null else ""
            setattr(dataset, field, value)
    extras = dict(dataset.extras if partial else {})
    extras.update({k: v for k, v in data.items() if k in EXTRA_FIELDS})
    extras.update(data.get("extras") or {})
    dataset.extras = extras
    if "owner_org" in data:
        org = organization_get(name_or_id=str(data["owner_org"] or ""))
        if org is None:
            errors.setdefault("owner_org", []).append(
                _("Organization does not exist / ไม่พบหน่วยงาน")
            )
        else:
            dataset.owner_org = org


def _required(dataset: Dataset, data: Mapping[str, Any], errors: dict[str, list[str]]) -> None:
    for field in ("title", *REQUIRED_FIELDS):
        if field == "tag_string":
            if not data.get("tags"):
                errors.setdefault("tag_string", []).append(_missing())
            continue
        if field == "notes" or field in LIST_FIELDS:
            value = getattr(dataset, field)
            if not value:
                errors.setdefault(field, []).append(_missing())
            continue
        if getattr(dataset, field) in (None, ""):
            errors.setdefault(field, []).append(_missing())
    if not dataset.owner_org_id and "owner_org" not in errors:
        errors.setdefault("owner_org", []).append(_missing())


def _set_relations(dataset: Dataset, data: Mapping[str, Any], errors: dict[str, list[str]]) -> None:
    if "tags" in data:
        names = sorted({str(t).strip() for t in data["tags"] if str(t).strip()})
        too_long = [n for n in names if len(n) > 100]
        if too_long:
            errors.setdefault("tags", []).append(_("Tag too long / คำสำคัญยาวเกินไป"))
            return
        for name in names:
            Tag.objects.get_or_create(name=name)
        dataset.tags.set(Tag.objects.filter(name__in=names))
    if "groups" in data:
        names = [str(g) for g in data["groups"]]
        groups = list(Group.objects.filter(name__in=names))
        unknown = sorted(set(names) - {g.name for g in groups})
        if unknown:
            errors.setdefault("groups", []).append(
                _("Group does not exist: %(names)s / ไม่พบกลุ่ม: %(names)s")
                % {"names": ", ".join(unknown)}
            )
            return
        dataset.groups.set(groups)


def _after_write(dataset: Dataset) -> None:
    from ddgov.catalog.services.search_index import dataset_index  # noqa: PLC0415

    # robust: a committed write must not turn into an error because indexing failed; the
    # index catches up on the next write or with `ddgov search reindex`.
    transaction.on_commit(lambda: dataset_index(dataset_id=dataset.pk), robust=True)


def _deny(actor: User | None, org: Agency | None, action: str) -> None:
    audit_record_append(
        action=action,
        actor=actor,
        agency_code=org.code if org else "",
        target_type="agency",
        target_id=org.code if org else "",
        outcome="denied",
    )
    raise PermissionDenied(
        _("You may not change datasets of this organization. / คุณไม่มีสิทธิ์แก้ไขชุดข้อมูลของหน่วยงานนี้")
    )


def _name_taken() -> str:
    return _("That URL is already in use. / ชื่อนี้ถูกใช้แล้ว")


def _save_audited(
    *,
    dataset: Dataset,
    data: Mapping[str, Any],
    actor: User | None,
    action: str,
    before: dict[str, Any] | None,
) -> None:
    """Save a validated dataset with its tags and groups and its audit record, all or nothing."""
    errors: dict[str, list[str]] = {}
    try:
        with transaction.atomic():
            dataset.save()
            _set_relations(dataset, data, errors)
            if errors:
                raise CatalogValidationError(errors)
            audit_record_append(
                action=action,
                actor=actor,
                acting_for=f"agency:{dataset.owner_org.code}",
                agency_code=dataset.owner_org.code,
                target_type="dataset",
                target_id=str(dataset.pk),
                before=before,
                after=dataset_snapshot(dataset),
            )
            _after_write(dataset)
    except IntegrityError as exc:  # a concurrent write took the name between check and save
        raise CatalogValidationError({"name": [_name_taken()]}) from exc


def dataset_create(*, actor: User | None, data: Mapping[str, Any]) -> Dataset:
    """Create a dataset after checking rights, required thai_gdc fields and classification."""
    errors: dict[str, list[str]] = {}
    data = dataset_fields_clean(data=data, errors=errors)
    _check_values(data, errors)
    dataset = Dataset(creator=actor if actor and actor.is_authenticated else None)
    _apply(dataset, data, partial=False, errors=errors)
    org = dataset.owner_org if dataset.owner_org_id else None
    if (
        org is not None
        and actor is not None
        and not organization_can_create(user=actor, organization=org)
    ):
        _deny(actor, org, "dataset.create")
    _required(dataset, data, errors)
    if data.get("name") and Dataset.objects.filter(name=data["name"]).exists():
        errors.setdefault("name", []).append(_name_taken())
    _check_classification(dataset, errors)
    if errors:
        raise CatalogValidationError(errors)
    _save_audited(dataset=dataset, data=data, actor=actor, action="dataset.create", before=None)
    return dataset


def dataset_update(
    *, actor: User | None, dataset: Dataset, data: Mapping[str, Any], partial: bool = False
) -> Dataset:
    """Change a dataset; ``partial`` keeps fields not given (CKAN ``package_patch``)."""
    if actor is not None and not dataset_can_edit(user=actor, dataset=dataset):
        _deny(actor, dataset.owner_org, "dataset.update")
    before = dataset_snapshot(dataset)
    errors: dict[str, list[str]] = {}
    data = dataset_fields_clean(data=data, errors=errors)
    _check_values(data, errors)
    if (
        "name" in data
        and data["name"] != dataset.name
        and Dataset.objects.filter(name=data["name"]).exists()
    ):
        errors.setdefault("name", []).append(_name_taken())
    old_org = dataset.owner_org
    _apply(dataset, data, partial=partial, errors=errors)
    if (
        dataset.owner_org_id != old_org.pk
        and actor is not None
        and not organization_can_create(user=actor, organization=dataset.owner_org)
    ):
        dataset.owner_org = old_org
        _deny(actor, old_org, "dataset.update")
    if not partial:
        _required(dataset, data, errors)
    _check_classification(dataset, errors)
    if errors:
        dataset.refresh_from_db()
        raise CatalogValidationError(errors)
    _save_audited(dataset=dataset, data=data, actor=actor, action="dataset.update", before=before)
    return dataset


def dataset_delete(*, actor: User | None, dataset: Dataset) -> None:
    """Mark a dataset deleted (CKAN semantics: it disappears from search and the API)."""
    if actor is not None and not dataset_can_edit(user=actor, dataset=dataset):
        _deny(actor, dataset.owner_org, "dataset.delete")
    with transaction.atomic():
        before = dataset_snapshot(dataset)
        dataset.state = Dataset.State.DELETED
        dataset.save(update_fields=["state", "metadata_modified"])
        audit_record_append(
            action="dataset.delete",
            actor=actor,
            agency_code=dataset.owner_org.code,
            target_type="dataset",
            target_id=str(dataset.pk),
            before=before,
        )
        _after_write(dataset)


RESOURCE_FIELDS = {"name", "description", "format", "url", "url_type", "position"}


def resource_snapshot(resource: Resource) -> dict[str, Any]:
    """Return the audited content of a resource."""
    data = {f: getattr(resource, f) for f in sorted(RESOURCE_FIELDS)}
    data["extras"] = resource.extras
    data["current_version"] = resource.current_version_id
    return data


def resource_create(
    *,
    actor: User | None,
    dataset: Dataset,
    data: Mapping[str, Any],
    upload: Any | None = None,
    filename: str = "",
    schema_overrides: Mapping[str, Any] | None = None,
) -> Resource:
    """Add a resource; an uploaded file becomes version 1 and is ingested in the background.

    ``schema_overrides`` gives column types for the upload's ingest (see
    ``resource_version_create``), so a steward who knows them needs no second ingest.
    """
    if actor is not None and not dataset_can_edit(user=actor, dataset=dataset):
        _deny(actor, dataset.owner_org, "resource.create")
    name = str(data.get("name") or filename or "").strip()
    if not name:
        raise CatalogValidationError({"name": [_missing()]})
    with transaction.atomic():
        resource = Resource(
            dataset=dataset,
            name=name,
            description=str(data.get("description") or ""),
            format=str(data.get("format") or "").upper(),
            url=str(data.get("url") or "") if upload is None else "",
            url_type="upload" if upload is not None else "",
            position=dataset.resources.count(),
            extras={
                k: v
                for k, v in data.items()
                if k not in RESOURCE_FIELDS | {"package_id", "upload", "id"}
            },
        )
        resource.save()
        audit_record_append(
            action="resource.create",
            actor=actor,
            agency_code=dataset.owner_org.code,
            target_type="resource",
            target_id=str(resource.pk),
            after=resource_snapshot(resource),
        )
        if upload is not None:
            from ddgov.catalog.services.ingest import resource_version_create  # noqa: PLC0415

            resource_version_create(
                actor=actor,
                resource=resource,
                upload=upload,
                filename=filename or name,
                schema_overrides=schema_overrides,
            )
        _after_write(dataset)
    return resource


def resource_update(
    *,
    actor: User | None,
    resource: Resource,
    data: Mapping[str, Any],
    partial: bool = False,
    upload: Any | None = None,
    filename: str = "",
) -> Resource:
    """Change a resource's metadata; a new upload becomes its next version."""
    dataset = resource.dataset
    if actor is not None and not dataset_can_edit(user=actor, dataset=dataset):
        _deny(actor, dataset.owner_org, "resource.update")
    before = resource_snapshot(resource)
    with transaction.atomic():
        for field in RESOURCE_FIELDS - {"position"}:
            if field in data:
                setattr(resource, field, str(data[field] or ""))
            elif not partial and field in {"description", "url"} and upload is None:
                setattr(resource, field, "")
        resource.format = resource.format.upper()
        extra = {
            k: v
            for k, v in data.items()
            if k not in RESOURCE_FIELDS | {"package_id", "upload", "id"}
        }
        resource.extras = {**resource.extras, **extra} if partial else extra
        if upload is not None:
            resource.url_type, resource.url = "upload", ""
        resource.save()
        audit_record_append(
            action="resource.update",
            actor=actor,
            agency_code=dataset.owner_org.code,
            target_type="resource",
            target_id=str(resource.pk),
            before=before,
            after=resource_snapshot(resource),
        )
        if upload is not None:
            from ddgov.catalog.services.ingest import resource_version_create  # noqa: PLC0415

            resource_version_create(
                actor=actor, resource=resource, upload=upload, filename=filename or resource.name
            )
        _after_write(dataset)
    return resource


def resource_delete(*, actor: User | None, resource: Resource) -> None:
    """Mark a resource deleted; its versions stay in the lake for the audit trail."""
    dataset = resource.dataset
    if actor is not None and not dataset_can_edit(user=actor, dataset=dataset):
        _deny(actor, dataset.owner_org, "resource.delete")
    with transaction.atomic():
        resource.state = Resource.State.DELETED
        resource.save(update_fields=["state", "last_modified"])
        audit_record_append(
            action="resource.delete",
            actor=actor,
            agency_code=dataset.owner_org.code,
            target_type="resource",
            target_id=str(resource.pk),
            before=resource_snapshot(resource),
        )
        _after_write(dataset)
