"""Harvesting datasets from another CKAN (data.go.th, an agency catalog, another ddgov) by its API.

``harvest_run`` reads the remote catalog with the real ``ckanapi.RemoteCKAN`` (``package_search``
pages, or ``package_list`` + ``package_show`` when search is unavailable), maps CKAN and
ckanext-thai_gdc fields — thai_gdc stores Thai labels such as ``ข้อมูลสถิติ`` where ddgov stores
codes — and writes through :func:`dataset_create` / :func:`dataset_update`, so every harvested
dataset passes the same Thai GD-Catalog validation and audit as one typed in by a steward.

A harvested dataset remembers where it came from in ``Dataset.harvest_source``
(``"<source url>#<remote id>"``): harvesting again updates it instead of making a copy, and skips
it when the remote ``metadata_modified`` has not changed. Each dataset is written in its own
transaction with its resources (kept as links to the remote files), so a failure leaves nothing
half-written and does not stop the others; the report says what was created, updated, left
unchanged or skipped, and why each failure failed.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlsplit

import ckanapi
import requests
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from ddgov.agencies.models import Agency
from ddgov.audit.services import audit_record_append
from ddgov.catalog.models import Dataset, Group, Resource
from ddgov.catalog.selectors.datasets import organization_get
from ddgov.catalog.services.datasets import (
    EXTRA_FIELDS,
    CatalogValidationError,
    dataset_create,
    dataset_update,
    resource_create,
    resource_delete,
    resource_update,
)
from ddgov.catalog.vocab import (
    CHOICE_CLASSES,
    INTERNAL_USE_LABEL,
    THAI_LABELS,
    Classification,
    DataCategory,
    DataType,
    GeoCoverage,
    Objective,
    UpdateFrequency,
    bool_parse,
    choice_code,
    language_code,
    license_code,
)
from ddgov.identity.models import Role, User
from ddgov.identity.services import agency_access_require
from ddgov.jobs.models import Job
from ddgov.jobs.services import job_enqueue

log = logging.getLogger(__name__)
HARVEST_JOB_KIND = "catalog.harvest"
Progress = Callable[[float, str], None]
PAGE_ROWS = 100
TIMEOUT_SECONDS = 60
PREFIX_RE = re.compile(r"^[a-z0-9_\-]{0,40}$")

# ckanext-thai_gdc stores Thai labels; ddgov stores codes (the mapping lives in vocab.py).
THAI_VALUES = THAI_LABELS
# thai_gdc's geospatial form names two latitudes "…_longitude".
ALIASES = {
    "north_bound_longitude": "north_bound_latitude",
    "south_bound_longitude": "south_bound_latitude",
}
# CKAN bookkeeping that is not metadata.
IGNORED = {
    "id", "name", "title", "notes", "owner_org", "organization", "groups", "tags", "tag_string", "resources",
    "extras", "state", "private", "type", "metadata_created", "metadata_modified", "num_tags",
    "num_resources", "creator_user_id", "revision_id", "relationships_as_object", "relationships_as_subject",
    "license_title", "license_url", "isopen", "tracking_summary", "harvest_source", "url_type",
}  # fmt: skip
# Remote fields read into other ddgov fields (so not copied into extras as well).
HANDLED = {
    "author",
    "author_email",
    "data_format",
    "data_language",
    "update_frequency_interval",
    "allow_harvest",
}
TEXT_LIMITS = {
    "title": 500, "maintainer": 255, "maintainer_email": 254, "data_source": 500, "data_format": 100,
    "license_id": 50, "data_support": 255, "data_collect": 255, "url": 500,
}  # fmt: skip


class HarvestError(Exception):
    """The source could not be harvested at all (bad address, unreachable, not a CKAN API)."""


@dataclass
class HarvestFailure:
    """A remote dataset that was not harvested, and why (Thai and English)."""

    remote: str
    reason: str


@dataclass
class HarvestReport:
    """What one harvest did."""

    source_url: str
    organization: str
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[HarvestFailure] = field(default_factory=list)
    failed: list[HarvestFailure] = field(default_factory=list)
    error: str = ""

    @property
    def seen(self) -> int:
        """How many remote datasets were looked at."""
        return (
            len(self.created)
            + len(self.updated)
            + len(self.unchanged)
            + len(self.skipped)
            + len(self.failed)
        )

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data (for the job record and the API)."""
        return asdict(self)

    def summary(self) -> str:
        """One line for people: counts in English and Thai."""
        c, u, n, s, f = (len(self.created), len(self.updated), len(self.unchanged), len(self.skipped),
                         len(self.failed))  # fmt: skip
        return (
            f"created {c}, updated {u}, unchanged {n}, skipped {s}, failed {f} / "
            f"สร้างใหม่ {c} ปรับปรุง {u} ไม่เปลี่ยนแปลง {n} ข้าม {s} ล้มเหลว {f}"
        )


class _Skip(Exception):  # noqa: N818 - control flow inside this module
    """A remote dataset deliberately not harvested."""


# --- reading the remote catalog ---------------------------------------------------------


def _call(remote: ckanapi.RemoteCKAN, action: str, **data: Any) -> Any:
    return remote.call_action(action, data, requests_kwargs={"timeout": TIMEOUT_SECONDS})


def _source_error(source_url: str, exc: Exception) -> HarvestError:
    return HarvestError(
        _("Cannot read the CKAN API at %(url)s: %(error)s / อ่าน CKAN API ที่ %(url)s ไม่ได้: %(error)s")
        % {"url": source_url, "error": (str(exc) or type(exc).__name__)[:300]}
    )


REMOTE_ERRORS = (
    ckanapi.CKANAPIError,
    ckanapi.ServerIncompatibleError,
    requests.RequestException,
    ValueError,
)


def _remote_packages(
    remote: ckanapi.RemoteCKAN, *, include_private: bool, rows: int, source_organization: str
) -> Iterator[tuple[dict[str, Any], int]]:
    """Yield (package, total) for every remote dataset, by search pages or by list + show."""
    query: dict[str, Any] = {
        "q": "*:*",
        "rows": rows,
        "sort": "name asc",
        "include_private": include_private,
    }
    if source_organization:
        query["fq"] = f'organization:"{source_organization}"'
    try:
        first = _call(remote, "package_search", start=0, **query)
    except ckanapi.CKANAPIError:  # no (working) search there: list the names and show each
        first = None
    if isinstance(first, dict) and isinstance(first.get("results"), list):
        total, start, page = int(first.get("count") or 0), 0, first
        while page["results"]:
            for package in page["results"]:
                yield package, total
            start += len(page["results"])
            if start >= total:
                return
            page = _call(remote, "package_search", start=start, **query)
        return
    names = _call(remote, "package_list")
    for name in names:
        yield _call(remote, "package_show", id=name), len(names)


# --- mapping CKAN / thai_gdc fields -----------------------------------------------------


def _flat(package: Mapping[str, Any]) -> dict[str, Any]:
    """The package's fields with classic CKAN ``extras`` ([{key, value}]) merged in."""
    flat = dict(package)
    for extra in package.get("extras") or []:
        if isinstance(extra, Mapping) and extra.get("key") and extra["key"] not in flat:
            flat[str(extra["key"])] = extra.get("value")
    for old, new in ALIASES.items():
        if old in flat and new not in flat:
            flat[new] = flat.pop(old)
    return flat


def _as_list(value: Any) -> list[str]:
    """A thai_gdc multiple choice, which CKAN returns as a list, a JSON list or ``{a,b}``."""
    if value in (None, ""):
        return []
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    text = str(value).strip()
    if text.startswith("["):
        try:
            return _as_list(json.loads(text))
        except ValueError:
            pass
    text = text.removeprefix("{").removesuffix("}")
    return [part.strip().strip('"') for part in text.split(",") if part.strip().strip('"')]


def _choice(field_name: str, value: Any) -> tuple[str, str]:
    """Map one coded value: returns (code, unmapped original or "")."""
    raw = str(value or "").strip()
    if not raw:
        return "", ""
    mapped = choice_code(field_name, raw)
    if mapped is not None:
        return mapped, ""
    choices: Any = CHOICE_CLASSES[field_name]
    return ("other", raw) if "other" in choices.values else ("", raw)


def _bool(value: Any) -> bool:
    return bool_parse(value) is True


def _date(value: Any) -> dt.date | None:
    """A date from ISO text; Buddhist-era years (2400 and later) become A.D."""
    match = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})", str(value or "").strip())
    if not match:
        return None
    year, month, day = (int(g) for g in match.groups())
    if year >= 2400:
        year -= 543
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _license(value: Any) -> str:
    """The ddgov licence id; an unknown licence becomes ``notspecified`` (kept in extras)."""
    return license_code(value) or "notspecified"


def _fit(text: Any, limit: int) -> str:
    return str(text or "").strip()[:limit]


def _base_fields(
    flat: Mapping[str, Any],
    *,
    organization: Agency,
    source_key: str,
    name: str,
    group_names: set[str],
) -> dict[str, Any]:
    """Identity, free text and relations; maintainer and source fall back to the remote publisher."""
    remote_org = flat.get("organization") if isinstance(flat.get("organization"), Mapping) else {}
    remote_org_title = str((remote_org or {}).get("title") or "").strip()
    url = str(flat.get("url") or "")
    tags: list[Any] = [
        t.get("name") if isinstance(t, Mapping) else t for t in flat.get("tags") or []
    ]
    tags = tags or str(flat.get("tag_string") or "").split(",")
    remote_groups = {str(g.get("name")) for g in flat.get("groups") or [] if isinstance(g, Mapping)}
    return {
        "name": name,
        "title": _fit(flat.get("title") or flat.get("name"), TEXT_LIMITS["title"]),
        "notes": str(flat.get("notes") or "").strip(),
        "owner_org": organization.code,
        "private": _bool(flat.get("private")),
        "state": Dataset.State.ACTIVE,
        "harvest_source": source_key,
        "maintainer": flat.get("maintainer") or flat.get("author") or remote_org_title,
        "maintainer_email": flat.get("maintainer_email") or flat.get("author_email") or "",
        "data_source": flat.get("data_source") or remote_org_title or flat.get("author") or "",
        "license_id": _license(flat.get("license_id")),
        "url": url if url.startswith(("http://", "https://")) else "",
        "tags": sorted({str(t).strip()[:100] for t in tags if str(t or "").strip()}),
        "groups": sorted(remote_groups & group_names),
    }


def _coded_fields(
    flat: Mapping[str, Any], data: dict[str, Any], extras: dict[str, Any]
) -> list[str]:
    """Map thai_gdc's coded fields into ``data``; return the fields given a default."""
    for field_name in (
        "data_type",
        "update_frequency_unit",
        "geo_coverage",
        "data_category",
        "data_classification",
    ):
        code, unmapped = _choice(field_name, flat.get(field_name))
        if unmapped:
            extras[f"{field_name}_other"] = unmapped
        if code:
            data[field_name] = code
    internal_use = str(flat.get("data_category") or "").strip() == INTERNAL_USE_LABEL
    if (
        internal_use
        and data.get("data_classification", Classification.PUBLIC) == Classification.PUBLIC
    ):
        data["data_classification"] = Classification.INTERNAL
    objectives = [_choice("objective", o) for o in _as_list(flat.get("objective"))]
    data["objective"] = sorted({code for code, _raw in objectives if code})
    if any(raw for _code, raw in objectives):
        extras["objective_other"] = [raw for _code, raw in objectives if raw]
    defaults = []
    fallbacks = {"data_type": DataType.OTHER, "update_frequency_unit": UpdateFrequency.OTHER,
                 "geo_coverage": GeoCoverage.OTHER}  # fmt: skip
    for field_name, fallback in fallbacks.items():
        if field_name not in data and not flat.get(field_name):
            data[field_name] = fallback
            defaults.append(field_name)
    if not data["objective"] and not flat.get("objective"):
        data["objective"] = [Objective.OTHER]
        defaults.append("objective")
    if "data_category" not in data and not flat.get("data_category") and not data["private"]:
        # Published openly by its publisher, with no category: public data by that act.
        data["data_category"] = DataCategory.PUBLIC
        defaults.append("data_category")
    return defaults


def _optional_fields(flat: Mapping[str, Any], data: dict[str, Any]) -> None:
    """Formats, interval, languages, dates, flags and the statistical / geospatial extras."""
    resource_formats = {
        str(r.get("format") or "").strip().upper() for r in flat.get("resources") or []
    }
    formats = _as_list(flat.get("data_format")) or sorted(f for f in resource_formats if f)
    data["data_format"] = ", ".join(formats) or "อื่นๆ"
    interval = str(flat.get("update_frequency_interval") or "").strip()
    data["update_frequency_interval"] = int(interval) if interval.isdigit() else None
    languages = _as_list(flat.get("data_language"))
    data["data_language"] = list(dict.fromkeys(c for v in languages if (c := language_code(v))))
    texts = ("accessible_condition", "data_support", "data_collect")
    data.update({k: str(flat[k]).strip() for k in texts if flat.get(k)})
    data.update({k: _date(flat.get(k)) for k in ("created_date", "last_updated_date")})
    data.update(
        {
            k: _bool(flat.get(k))
            for k in ("high_value_dataset", "reference_data", "official_statistics")
        }
    )
    data["allow_harvest"] = _bool(flat.get("allow_harvest", True))
    data.update(
        {k: _fit(data[k], limit) for k, limit in TEXT_LIMITS.items() if k in data and k != "title"}
    )
    data.update({k: flat[k] for k in EXTRA_FIELDS if flat.get(k) not in (None, "", [])})


def package_to_data(
    package: Mapping[str, Any],
    *,
    organization: Agency,
    source_key: str,
    name: str,
    group_names: set[str],
) -> dict[str, Any]:
    """Return ``dataset_create`` data for a remote CKAN / thai_gdc package dict.

    Coded fields given as thai_gdc's Thai labels become ddgov codes (unknown ones become
    ``other``, the original kept in ``extras["<field>_other"]``); coded fields a plain CKAN lacks
    get a default listed in ``extras["harvest_defaults"]``; other remote fields land in ``extras``.
    """
    flat = _flat(package)
    data = _base_fields(
        flat, organization=organization, source_key=source_key, name=name, group_names=group_names
    )
    extras: dict[str, Any] = {"harvest_metadata_modified": str(flat.get("metadata_modified") or "")}
    defaults = _coded_fields(flat, data, extras)
    _optional_fields(flat, data)
    known = IGNORED | set(data) | set(THAI_VALUES) | HANDLED
    extras.update(
        {
            k: v
            for k, v in flat.items()
            if k not in known and isinstance(v, str | int | float | bool) and v != ""
        }
    )
    if defaults:
        extras["harvest_defaults"] = defaults
    extras["harvest_remote_name"] = str(flat.get("name") or "")
    unknown_languages = [v for v in _as_list(flat.get("data_language")) if not language_code(v)]
    if unknown_languages:
        extras["data_language_other"] = unknown_languages
    remote_license = str(flat.get("license_id") or "").strip()
    if remote_license and license_code(remote_license) is None:
        extras["license_other"] = remote_license
    data["extras"] = extras
    return data


# --- writing ------------------------------------------------------------------------------


def _resource_data(remote: Mapping[str, Any], position: int) -> dict[str, Any] | None:
    url = str(remote.get("url") or "").strip()
    if not url.startswith(("http://", "https://")) or len(url) > 1000:
        return None
    name = (
        str(remote.get("name") or "").strip()
        or url.rstrip("/").rsplit("/", 1)[-1]
        or f"resource {position}"
    )
    return {
        "name": name[:255],
        "description": str(remote.get("description") or ""),
        "format": str(remote.get("format") or "").strip().lstrip(".").upper()[:50],
        "url": url,
        "harvest_id": str(remote.get("id") or url),
    }


def _sync_resources(
    *, actor: User | None, dataset: Dataset, remote: list[Mapping[str, Any]]
) -> None:
    """Make the dataset's harvested link resources match the remote ones (local additions stay)."""
    local = {
        str(r.extras.get("harvest_id")): r
        for r in dataset.resources.filter(state=Resource.State.ACTIVE)
        if r.extras.get("harvest_id")
    }
    seen: set[str] = set()
    for position, item in enumerate(remote, start=1):
        data = _resource_data(item, position)
        if data is None:
            continue
        seen.add(data["harvest_id"])
        existing = local.get(data["harvest_id"])
        if existing is None:
            resource_create(actor=actor, dataset=dataset, data=data)
        elif any(getattr(existing, k) != data[k] for k in ("name", "description", "format", "url")):
            resource_update(actor=actor, resource=existing, data=data)
    for harvest_id, resource in local.items():
        if harvest_id not in seen:
            resource_delete(actor=actor, resource=resource)


def _reason(exc: Exception) -> str:
    if isinstance(exc, CatalogValidationError):
        return "; ".join(f"{f}: {' '.join(m)}" for f, m in exc.field_errors.items())
    return str(exc) or type(exc).__name__


def _harvest_one(
    package: Mapping[str, Any],
    *,
    actor: User | None,
    organization: Agency,
    source: str,
    name_prefix: str,
    include_private: bool,
    source_organization: str,
    group_names: set[str],
) -> tuple[str, str]:
    """Harvest one remote package; return (outcome, local name) or raise _Skip / an error."""
    remote_name = str(package.get("name") or "")
    remote_id = str(package.get("id") or remote_name)
    remote_org = (
        package.get("organization") if isinstance(package.get("organization"), Mapping) else {}
    )
    if source_organization and (remote_org or {}).get("name") != source_organization:
        raise _Skip(_("not of the chosen source organization / ไม่ใช่ชุดข้อมูลของหน่วยงานต้นทางที่เลือก"))
    if package.get("state", "active") != "active":
        raise _Skip(_("not active on the source / ชุดข้อมูลต้นทางไม่อยู่ในสถานะเผยแพร่"))
    if _bool(package.get("private")) and not include_private:
        raise _Skip(_("private on the source / ชุดข้อมูลต้นทางเป็นแบบส่วนตัว"))
    key = f"{source}#{remote_id}"
    name = f"{name_prefix}{remote_name}".lower()
    data = package_to_data(
        package, organization=organization, source_key=key, name=name, group_names=group_names
    )
    local = Dataset.objects.filter(harvest_source=key).first()
    if local is not None and local.state == Dataset.State.DELETED:
        raise _Skip(_("deleted in ddgov; not brought back / ถูกลบใน ddgov แล้ว จึงไม่นำกลับมา"))
    if local is not None and local.owner_org_id != organization.pk:
        raise _Skip(
            _("already harvested into %(org)s / นำเข้าไว้ในหน่วยงาน %(org)s แล้ว")
            % {"org": local.owner_org.code}
        )
    others = Dataset.objects.filter(name=name)
    taken = (others.exclude(pk=local.pk) if local is not None else others).exists()
    if local is None and taken:
        raise CatalogValidationError({"name": [_(
            "%(name)s is already used by a dataset not harvested from this source; harvest with a name prefix. / "
            "ชื่อ %(name)s ถูกใช้โดยชุดข้อมูลที่ไม่ได้มาจากแหล่งนี้ ให้กำหนดคำนำหน้าชื่อ (prefix)"
        ) % {"name": name}]})  # fmt: skip
    if local is not None:
        if (
            local.extras.get("harvest_metadata_modified")
            == data["extras"]["harvest_metadata_modified"]
            != ""
        ):
            return "unchanged", local.name
        if taken or local.name == name:
            data.pop("name")
    with transaction.atomic():
        if local is None:
            dataset = dataset_create(actor=actor, data=data)
            outcome = "created"
        else:
            dataset = dataset_update(actor=actor, dataset=local, data=data)
            outcome = "updated"
        _sync_resources(actor=actor, dataset=dataset, remote=list(package.get("resources") or []))
    return outcome, dataset.name


def _harvest_target(
    *, actor: User | None, source_url: str, organization: Agency | str, name_prefix: str
) -> tuple[str, Agency]:
    """Check a harvest's inputs and the actor's right; return (source URL, receiving agency)."""
    source = source_url.strip().rstrip("/")
    parts = urlsplit(source)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise HarvestError(
            _("The source must be an http(s) URL. / แหล่งข้อมูลต้องเป็น URL แบบ http หรือ https")
        )
    if not PREFIX_RE.match(name_prefix):
        raise HarvestError(
            _(
                "The name prefix may only hold lowercase letters, digits, - and _ (at most 40). / "
                "คำนำหน้าชื่อใช้ได้เฉพาะอักษรอังกฤษตัวเล็ก ตัวเลข - และ _ ไม่เกิน 40 ตัว"
            )
        )
    agency = (
        organization
        if isinstance(organization, Agency)
        else organization_get(name_or_id=organization)
    )
    if agency is None:
        raise HarvestError(
            _("No such organization: %(org)s / ไม่พบหน่วยงาน %(org)s") % {"org": organization}
        )
    if actor is not None:
        agency_access_require(
            actor=actor, agency=agency, at_least=Role.DATA_STEWARD, action="catalog.harvest"
        )
    return source, agency


def harvest_run(
    *,
    actor: User | None,
    source_url: str,
    organization: Agency | str,
    include_private: bool = False,
    name_prefix: str = "",
    api_key: str = "",
    source_organization: str = "",
    progress: Progress | None = None,
    rows: int = PAGE_ROWS,
) -> HarvestReport:
    """Harvest every dataset of the CKAN at ``source_url`` into ``organization``.

    ``actor`` must be a data steward of the organisation (``None`` is the system, e.g. the
    command line). ``api_key`` is sent to the source, needed there for ``include_private``;
    ``source_organization`` (a remote organisation name) limits the harvest to its datasets.
    Raises HarvestError when the source cannot be read at all, AccessDenied when the actor may
    not write; anything else is reported per dataset in the returned report.
    """
    source, agency = _harvest_target(
        actor=actor, source_url=source_url, organization=organization, name_prefix=name_prefix
    )
    report = HarvestReport(source_url=source, organization=agency.code)
    group_names = set(Group.objects.values_list("name", flat=True))
    remote = ckanapi.RemoteCKAN(source, apikey=api_key or None, user_agent="ddgov-harvest/1.0")
    packages = _remote_packages(
        remote, include_private=include_private, rows=rows, source_organization=source_organization
    )
    try:
        for package, total in packages:
            label = str(package.get("name") or package.get("id") or "?")
            try:
                outcome, local_name = _harvest_one(
                    package, actor=actor, organization=agency, source=source, name_prefix=name_prefix,
                    include_private=include_private, source_organization=source_organization,
                    group_names=group_names,
                )  # fmt: skip
                getattr(report, outcome).append(local_name)
            except _Skip as skip:
                report.skipped.append(HarvestFailure(label, str(skip)))
            except (
                CatalogValidationError,
                PermissionDenied,
                DatabaseError,
                ValueError,
                TypeError,
            ) as exc:
                report.failed.append(HarvestFailure(label, _reason(exc)))
            if progress is not None:
                progress(report.seen / max(total, 1), f"{report.seen}/{total}")
    except REMOTE_ERRORS as exc:
        if report.seen == 0:
            raise _source_error(source, exc) from exc
        report.error = str(_source_error(source, exc))
    finally:
        remote.close()
    audit_record_append(
        action="catalog.harvest",
        actor=actor,
        acting_for=f"agency:{agency.code}",
        agency_code=agency.code,
        target_type="harvest_source",
        target_id=source[:100],
        outcome="ok" if not report.error else "failed",
        detail={
            "source": source, "created": len(report.created), "updated": len(report.updated),
            "unchanged": len(report.unchanged), "skipped": len(report.skipped), "failed": len(report.failed),
        },
    )  # fmt: skip
    log.info("harvest %s → %s: %s", source, agency.code, report.summary())
    return report


def harvest_enqueue(
    *,
    actor: User | None,
    source_url: str,
    organization: Agency | str,
    include_private: bool = False,
    name_prefix: str = "",
    source_organization: str = "",
) -> Job:
    """Queue a harvest as a background job (after checking inputs and rights now, not later).

    The job's progress and its final message (the report's summary) are on the ``Job`` row. A
    source token is not stored in the queue, so private datasets need :func:`harvest_run`.
    """
    source, agency = _harvest_target(
        actor=actor, source_url=source_url, organization=organization, name_prefix=name_prefix
    )
    return job_enqueue(
        kind=HARVEST_JOB_KIND,
        payload={
            "source_url": source,
            "organization": agency.code,
            "include_private": include_private,
            "name_prefix": name_prefix,
            "source_organization": source_organization,
            "actor_id": actor.pk if actor is not None else None,
        },
    )


def harvest_job(*, job_id: int, progress: Progress, **payload: Any) -> None:  # noqa: ARG001 - runner's call
    """Job handler (kind ``catalog.harvest``): run a harvest queued by a steward or the command."""
    actor_id = payload.get("actor_id")
    actor = User.objects.filter(pk=int(actor_id)).first() if actor_id else None
    report = harvest_run(
        actor=actor,
        source_url=str(payload["source_url"]),
        organization=str(payload["organization"]),
        include_private=bool(payload.get("include_private")),
        name_prefix=str(payload.get("name_prefix") or ""),
        source_organization=str(payload.get("source_organization") or ""),
        progress=progress,
    )
    lines = [report.summary(), *(f"{f.remote}: {f.reason}" for f in report.failed[:50])]
    if report.error:
        lines.append(report.error)
    progress(1.0, "\n".join(lines))
