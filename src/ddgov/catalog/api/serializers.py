"""ddgov objects as CKAN dictionaries, and CKAN payloads as clean data for the catalog services.

Output follows CKAN 2.10 with ckanext-thai_gdc (scheming puts the Thai GD-Catalog fields at the
top level of a package) so harvesters and ``ckanapi`` read it unchanged. ddgov adds a few keys
of its own to resources: the current version number and the ingest status of the latest upload.

Input accepts what CKAN clients send: ``tags`` as ``[{"name": …}]`` or ``tag_string`` "a,b",
``groups`` as ``[{"name": …}]``, ``owner_org`` as an agency code or id, ``extras`` as
``[{"key": …, "value": …}]``, and any of these JSON-encoded inside multipart form fields.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from ddgov.agencies.models import Agency
from ddgov.catalog.api.errors import ApiValidationError
from ddgov.catalog.api.params import maybe_json
from ddgov.catalog.links import resource_download_url, resource_original_url, site_base
from ddgov.catalog.models import Dataset, Group, Resource, ResourceVersion, Tag
from ddgov.catalog.selectors.datasets import group_get
from ddgov.catalog.services.dataset_fields import BOOL_FIELDS
from ddgov.catalog.services.datasets import EXTRA_FIELDS, LIST_FIELDS, MODEL_FIELDS
from ddgov.catalog.vocab import LICENSES, OPEN_LICENSES

DATE_FIELDS = {"created_date", "last_updated_date"}
PACKAGE_STATES = {Dataset.State.ACTIVE.value, Dataset.State.DRAFT.value}
_BE_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def ckan_time(value: dt.datetime | None) -> str | None:
    """Return a timestamp the way CKAN does: naive UTC, ISO 8601 with microseconds."""
    if value is None:
        return None
    if timezone.is_aware(value):
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value.isoformat()


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


# --- output ----------------------------------------------------------------------------------


BATCH = 500


def _batches(ids: list[Any]) -> Iterable[list[Any]]:
    for start in range(0, len(ids), BATCH):
        yield ids[start : start + BATCH]


def _load_relations(datasets: list[Dataset]) -> None:
    """Attach tags, groups, active resources and their versions to many datasets at once.

    One query per relation (per 500 datasets), grouped in Python: Django's prefetch builds a
    manager and a queryset per object, which dominates a 1,000-row ``package_search`` page.
    Tags and groups a selector already prefetched are reused.
    """
    tags: dict[Any, list[Tag]] = defaultdict(list)
    groups: dict[Any, list[Group]] = defaultdict(list)
    missing = []
    for dataset in datasets:
        cached_tags, cached_groups = _prefetched(dataset, "tags"), _prefetched(dataset, "groups")
        if cached_tags is None or cached_groups is None:
            missing.append(dataset.pk)
        else:
            tags[dataset.pk], groups[dataset.pk] = cached_tags, cached_groups
    for batch in _batches(missing):
        for tag_link in Dataset.tags.through.objects.filter(dataset_id__in=batch).select_related(
            "tag"
        ):
            tags[tag_link.dataset_id].append(tag_link.tag)
        for group_link in Dataset.groups.through.objects.filter(
            dataset_id__in=batch
        ).select_related("group"):
            groups[group_link.dataset_id].append(group_link.group)
    by_dataset = _resources_by_dataset([d.pk for d in datasets])
    for dataset in datasets:
        dataset.api_tags = sorted(tags[dataset.pk], key=lambda t: t.name)  # type: ignore[attr-defined]
        dataset.api_groups = sorted(groups[dataset.pk], key=lambda g: g.name)  # type: ignore[attr-defined]
        dataset.api_resources = by_dataset[dataset.pk]  # type: ignore[attr-defined]


def _resources_by_dataset(ids: list[Any]) -> dict[Any, list[Resource]]:
    """Active resources of the datasets, in order, each with its versions newest first."""
    resources: list[Resource] = []
    for batch in _batches(ids):
        resources += (
            Resource.objects.filter(dataset_id__in=batch, state=Resource.State.ACTIVE)
            .select_related("current_version")
            .defer("current_version__table_schema", "current_version__schema_overrides")
            .order_by("position", "created")
        )
    versions: dict[Any, list[ResourceVersion]] = defaultdict(list)
    for batch in _batches([r.pk for r in resources]):
        for version in (
            ResourceVersion.objects.filter(resource_id__in=batch)
            .defer("table_schema", "schema_overrides")
            .order_by("-number")
        ):
            versions[version.resource_id].append(version)
    by_dataset: dict[Any, list[Resource]] = defaultdict(list)
    for resource in resources:
        resource.api_versions = versions[resource.pk]  # type: ignore[attr-defined]
        by_dataset[resource.dataset_id].append(resource)
    return by_dataset


def organization_dict(agency: Agency, *, package_count: int | None = None) -> dict[str, Any]:
    """Return an agency as a CKAN organisation (name = agency code, title = Thai name)."""
    data: dict[str, Any] = {
        "id": str(agency.pk),
        "name": agency.code,
        "title": agency.name_th,
        "display_name": agency.name_th,
        "title_en": agency.name_en,
        "abbreviation": agency.abbreviation,
        "description": "",
        "image_url": "",
        "image_display_url": "",
        "created": ckan_time(agency.created_at),
        "is_organization": True,
        "approval_status": "approved",
        "state": "active" if agency.is_active else "deleted",
        "type": "organization",
        "agency_kind": agency.kind,
        "extras": [{"key": "title_en", "value": agency.name_en}],
    }
    if package_count is not None:
        data["package_count"] = package_count
    return data


def group_dict(group: Group, *, package_count: int | None = None) -> dict[str, Any]:
    """Return a focus area as a CKAN group (title in Thai, ``title_en`` in English)."""
    data: dict[str, Any] = {
        "id": str(group.pk),
        "name": group.name,
        "title": group.title_th,
        "display_name": group.title_th,
        "title_en": group.title_en,
        "description": group.description,
        "image_url": "",
        "image_display_url": "",
        "created": ckan_time(group.created_at),
        "is_organization": False,
        "approval_status": "approved",
        "state": "active",
        "type": "group",
    }
    if package_count is not None:
        data["package_count"] = package_count
    return data


def tag_dict(tag: Tag) -> dict[str, Any]:
    """Return a keyword as CKAN does inside a package."""
    return {
        "id": str(tag.pk),
        "name": tag.name,
        "display_name": tag.name,
        "state": "active",
        "vocabulary_id": None,
    }


def _prefetched(obj: Any, name: str) -> list[Any] | None:
    """Return a prefetched relation without building a manager and queryset (1000-row pages)."""
    cache = getattr(obj, "_prefetched_objects_cache", None)
    if cache and name in cache:
        return list(cache[name])
    return None


def _versions(resource: Resource) -> list[ResourceVersion]:
    loaded = getattr(resource, "api_versions", None)
    if loaded is not None:
        return list(loaded)
    cached = _prefetched(resource, "versions")
    if cached is not None:
        return cached
    return list(resource.versions.defer("table_schema", "schema_overrides").order_by("-number"))


TABLE_EXTS = ("csv", "parquet")


def download_urls(
    request: HttpRequest, *, dataset: Dataset, resource: Resource, version: ResourceVersion
) -> dict[str, str]:
    """Return a version's downloads: the original upload and, once ingested, CSV and Parquet."""
    base = site_base(request)
    pinned = None if version.pk == resource.current_version_id else version.number
    urls = {"original": resource_original_url(base, dataset, resource, version=version.number)}
    if version.status == ResourceVersion.Status.SUCCEEDED and version.parquet_path:
        for ext in TABLE_EXTS:
            urls[ext] = resource_download_url(base, dataset, resource, ext, version=pinned)
    return urls


def download_url(
    request: HttpRequest, *, dataset: Dataset, resource: Resource, version: ResourceVersion
) -> str:
    """Return the resource's CKAN ``url``.

    CSV and Parquet uploads, once ingested, download as ``…/download/<name>.<ext>``; anything
    else (and anything not yet ingested) as the original upload, byte for byte.
    """
    urls = download_urls(request, dataset=dataset, resource=resource, version=version)
    ext = (version.source_format or "").lower()
    return urls.get(ext) or urls["original"]


def _ready_downloads(
    request: HttpRequest, *, dataset: Dataset, resource: Resource, version: ResourceVersion
) -> dict[str, str]:
    """Return a version's download links once it is ingested, else none.

    A queued, running or failed upload is served to its stewards only, so the API does not
    advertise it.
    """
    if version.status != ResourceVersion.Status.SUCCEEDED:
        return {}
    return download_urls(request, dataset=dataset, resource=resource, version=version)


def version_dict(
    request: HttpRequest, *, dataset: Dataset, resource: Resource, version: ResourceVersion
) -> dict[str, Any]:
    """Return one immutable upload of a resource, with its ingest status."""
    return {
        "number": version.number,
        "status": version.status,
        "progress": version.progress,
        "message": version.message,
        "original_filename": version.original_filename,
        "size": version.original_size,
        "hash": version.sha256,
        "source_format": version.source_format,
        "encoding": version.encoding,
        "row_count": version.row_count,
        "created": ckan_time(version.created_at),
        "finished": ckan_time(version.finished_at),
        "download_urls": _ready_downloads(
            request, dataset=dataset, resource=resource, version=version
        ),
    }


def resource_dict(
    request: HttpRequest, *, dataset: Dataset, resource: Resource, include_versions: bool = False
) -> dict[str, Any]:
    """Return a resource as CKAN does, plus ddgov's version and ingest status."""
    versions = _versions(resource)
    latest = versions[0] if versions else None
    current = resource.current_version
    if current is not None and current.status != ResourceVersion.Status.SUCCEEDED:
        current = None
    shown = current or latest
    url, downloads = resource.url, {}
    if resource.url_type == "upload" and shown is not None:
        url = download_url(request, dataset=dataset, resource=resource, version=shown)
        downloads = _ready_downloads(request, dataset=dataset, resource=resource, version=shown)
    data: dict[str, Any] = {
        **{k: v for k, v in resource.extras.items() if isinstance(k, str)},
        "id": str(resource.pk),
        "package_id": str(dataset.pk),
        "name": resource.name,
        "description": resource.description,
        "format": resource.format,
        "url": url,
        "url_type": resource.url_type or None,
        "download_urls": downloads,
        "mimetype": None,
        "size": shown.original_size if shown else None,
        "hash": shown.sha256 if shown else "",
        "created": ckan_time(resource.created),
        "last_modified": ckan_time(resource.last_modified),
        "metadata_modified": ckan_time(resource.last_modified),
        "position": resource.position,
        "state": resource.state,
        "datastore_active": bool(current and current.parquet_path),
        # ddgov: every upload is an immutable version; the API shows the latest one's ingest.
        "version": current.number if current else None,
        "latest_version": latest.number if latest else None,
        "ingest_status": latest.status if latest else None,
        "ingest_progress": latest.progress if latest else None,
        "ingest_message": latest.message if latest else "",
        "row_count": current.row_count if current else None,
    }
    if include_versions:
        data["versions"] = [
            version_dict(request, dataset=dataset, resource=resource, version=v) for v in versions
        ]
    return data


def package_dicts(request: HttpRequest, datasets: Iterable[Dataset]) -> list[dict[str, Any]]:
    """Return many datasets as CKAN package dicts (relations loaded in a few queries)."""
    loaded = list(datasets)
    _load_relations(loaded)
    organizations: dict[int, dict[str, Any]] = {}
    out = []
    for dataset in loaded:
        if dataset.owner_org_id not in organizations:
            organizations[dataset.owner_org_id] = organization_dict(dataset.owner_org)
        out.append(
            _package(request, dataset, organization=dict(organizations[dataset.owner_org_id]))
        )
    return out


def package_dict(request: HttpRequest, dataset: Dataset) -> dict[str, Any]:
    """Return a dataset as CKAN's ``package_show`` with the Thai GD-Catalog fields flat."""
    return package_dicts(request, [dataset])[0]


def _package(
    request: HttpRequest, dataset: Dataset, *, organization: dict[str, Any]
) -> dict[str, Any]:
    license_title, license_url = LICENSES.get(dataset.license_id, (dataset.license_id, ""))
    tags: list[Tag] = dataset.api_tags  # type: ignore[attr-defined]
    groups: list[Group] = dataset.api_groups  # type: ignore[attr-defined]
    resources = [
        resource_dict(request, dataset=dataset, resource=r)
        for r in dataset.api_resources  # type: ignore[attr-defined]
    ]
    extras = dict(dataset.extras or {})
    data: dict[str, Any] = {
        "id": str(dataset.pk),
        "name": dataset.name,
        "title": dataset.title,
        "notes": dataset.notes,
        "url": dataset.url,
        "type": "dataset",
        "state": dataset.state,
        "private": dataset.private,
        "author": "",
        "author_email": "",
        "maintainer": dataset.maintainer,
        "maintainer_email": dataset.maintainer_email,
        "license_id": dataset.license_id,
        "license_title": license_title,
        "license_url": license_url,
        "isopen": dataset.license_id in OPEN_LICENSES,
        "version": None,
        "owner_org": str(dataset.owner_org_id),
        "organization": organization,
        "creator_user_id": str(dataset.creator_id) if dataset.creator_id else None,
        "metadata_created": ckan_time(dataset.metadata_created),
        "metadata_modified": ckan_time(dataset.metadata_modified),
        "tags": [tag_dict(t) for t in tags],
        "num_tags": len(tags),
        "groups": [group_dict(g) for g in groups],
        "resources": resources,
        "num_resources": len(resources),
        "relationships_as_object": [],
        "relationships_as_subject": [],
        "harvest_source": dataset.harvest_source,
        # Thai GD-Catalog (ckanext-thai_gdc) fields, flat as scheming shows them.
        "data_type": dataset.data_type,
        "objective": list(dataset.objective or []),
        "update_frequency_unit": dataset.update_frequency_unit,
        "update_frequency_interval": dataset.update_frequency_interval,
        "geo_coverage": dataset.geo_coverage,
        "data_source": dataset.data_source,
        "data_format": dataset.data_format,
        "data_category": dataset.data_category,
        "data_classification": dataset.data_classification,
        "accessible_condition": dataset.accessible_condition,
        "data_support": dataset.data_support,
        "data_collect": dataset.data_collect,
        "data_language": list(dataset.data_language or []),
        "created_date": _date(dataset.created_date),
        "last_updated_date": _date(dataset.last_updated_date),
        "high_value_dataset": dataset.high_value_dataset,
        "reference_data": dataset.reference_data,
        "official_statistics": dataset.official_statistics,
        "allow_harvest": dataset.allow_harvest,
    }
    for key in sorted(EXTRA_FIELDS):
        if key in extras:
            data[key] = extras.pop(key)
    data["extras"] = [{"key": k, "value": v} for k, v in sorted(extras.items())]
    return data


# --- input -----------------------------------------------------------------------------------


def _names(value: Any, *, field: str) -> list[str]:
    """Names from ``[{"name": …}]``, ``["a", "b"]`` or "a,b"."""
    value = maybe_json(value)
    if value in (None, ""):
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if not isinstance(value, list):
        raise ApiValidationError({field: [_("Must be a list. / ต้องเป็นรายการ")]})
    names: list[str] = []
    for item in value:
        name = (item.get("name") or item.get("id") or "") if isinstance(item, Mapping) else item
        if str(name).strip():
            names.append(str(name).strip())
    return names


def _group_names(value: Any) -> list[str]:
    names = []
    for name_or_id in _names(value, field="groups"):
        group = group_get(name_or_id=name_or_id)
        names.append(group.name if group else name_or_id)
    return names


def _extras(value: Any) -> dict[str, Any]:
    """CKAN extras ``[{"key", "value"}]`` (or a plain object) as a dict."""
    value = maybe_json(value)
    if value in (None, ""):
        return {}
    if isinstance(value, Mapping):
        return dict(value)
    if not isinstance(value, list):
        raise ApiValidationError(
            {"extras": [_("Must be a list of key/value pairs. / ต้องเป็นรายการคู่ key/value")]}
        )
    out: dict[str, Any] = {}
    for item in value:
        if not isinstance(item, Mapping) or "key" not in item:
            raise ApiValidationError(
                {
                    "extras": [
                        _("Each extra needs a key and a value. / แต่ละรายการต้องมี key และ value")
                    ]
                }
            )
        if item.get("deleted"):
            continue
        out[str(item["key"])] = item.get("value")
    return out


def _parse_date(field: str, value: Any) -> dt.date | None:
    """ISO dates; a Buddhist-era year (> 2400) is converted to the Common Era."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()[:10]
    match = _BE_DATE.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
        if year > 2400:
            year -= 543
        try:
            return dt.date(year, month, day)
        except ValueError:
            pass
    raise ApiValidationError({field: [_("Use a date like 2024-01-31. / ใช้วันที่รูปแบบ 2024-01-31")]})


def _check_interval(clean: dict[str, Any], errors: dict[str, list[str]]) -> None:
    value = clean["update_frequency_interval"]
    if value in (None, ""):
        clean["update_frequency_interval"] = None
        return
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = -1
    if number < 0:
        errors.setdefault("update_frequency_interval", []).append(
            _("Must be a whole number. / ต้องเป็นจำนวนเต็ม")
        )
    else:
        clean["update_frequency_interval"] = number


def _check_types(clean: dict[str, Any], errors: dict[str, list[str]]) -> None:
    if "update_frequency_interval" in clean:
        _check_interval(clean, errors)
    for field in DATE_FIELDS & clean.keys():
        try:
            clean[field] = _parse_date(field, clean[field])
        except ApiValidationError as exc:
            errors.update(exc.fields)
    email = clean.get("maintainer_email")
    if email:
        try:
            validate_email(str(email))
        except DjangoValidationError:
            errors.setdefault("maintainer_email", []).append(
                _("Enter a valid email address. / กรุณากรอกอีเมลให้ถูกต้อง")
            )
    if "state" in clean:
        if clean["state"] in (None, ""):
            del clean["state"]
        elif clean["state"] not in PACKAGE_STATES:
            errors.setdefault("state", []).append(
                _("State must be active or draft. / สถานะต้องเป็น active หรือ draft")
            )


def _lift_extras(payload: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Return the payload with thai_gdc fields sent as extras moved to the top, and the rest."""
    extras = _extras(payload.get("extras")) if "extras" in payload else None
    source: dict[str, Any] = dict(payload)
    if extras is not None:
        for key in list(extras):
            if (key in MODEL_FIELDS or key in EXTRA_FIELDS) and key not in source:
                source[key] = extras.pop(key)
    return source, extras


def _fields(source: Mapping[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for key in (MODEL_FIELDS | EXTRA_FIELDS) - {"harvest_source"}:
        if key not in source:
            continue
        value = source[key]
        if key in LIST_FIELDS:
            value = maybe_json(value)
            value = [] if value is None else value
        elif key in BOOL_FIELDS and value is None:
            continue
        clean[key] = value
    return clean


def _tags(source: Mapping[str, Any]) -> list[str]:
    tags = _names(source.get("tags"), field="tags") if "tags" in source else []
    if not tags and "tag_string" in source:
        tags = _names(source.get("tag_string"), field="tag_string")
    return tags


def package_clean(payload: Mapping[str, Any], *, creating: bool) -> dict[str, Any]:
    """Turn a CKAN package payload into the clean dict ``dataset_create/update`` take.

    Keys CKAN computes (``id``, ``organization``, ``num_tags`` …) are ignored, as CKAN does.
    Thai GD-Catalog fields a harvester sent as extras are lifted to the top level.
    """
    source, extras = _lift_extras(payload)
    clean = _fields(source)
    if "owner_org" in source:
        clean["owner_org"] = source["owner_org"]
    if "tags" in source or "tag_string" in source:
        clean["tags"] = _tags(source)
    if "groups" in source:
        clean["groups"] = _group_names(source["groups"])
    if extras is not None:
        clean["extras"] = extras
    errors: dict[str, list[str]] = {}
    _check_types(clean, errors)
    if creating and not str(source.get("name") or "").strip():
        errors.setdefault("name", []).append(_("Missing value / กรุณากรอกข้อมูล"))
    if errors:
        raise ApiValidationError(errors)
    return clean


RESOURCE_IGNORED = {
    "id", "package_id", "upload", "created", "last_modified", "metadata_modified", "datastore_active",
    "version", "latest_version", "ingest_status", "ingest_progress", "ingest_message", "row_count",
    "versions", "size", "hash", "mimetype", "state", "clear_upload", "url_type", "tracking_summary",
}  # fmt: skip


def resource_clean(payload: Mapping[str, Any]) -> dict[str, Any]:
    """Turn a CKAN resource payload into the dict ``resource_create/update`` take."""
    clean = {k: maybe_json(v) for k, v in payload.items() if k not in RESOURCE_IGNORED}
    if "position" in clean:
        clean.pop("position")
    for key in ("name", "description", "format", "url"):
        if key in clean and clean[key] is None:
            clean[key] = ""
    return clean


def names_of(objects: Iterable[Any]) -> list[str]:
    """Return the ``name`` of each object (CKAN's list actions)."""
    return [o.name for o in objects]
