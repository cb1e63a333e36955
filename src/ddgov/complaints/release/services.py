"""The daily open-data release of complaints to the catalog.

:func:`complaints_release` writes the complaints *filed* on one day (Bangkok time) as a Parquet
file and publishes it through the catalog's services as a resource of the open dataset
``complaints-1111``, owned by the 1111 centre's agency (``centre_agency_code()``). Each day is
its own resource (``complaints-YYYY-MM-DD``); releasing a day again uploads the file as the
next *version* of that day's resource (the state of each complaint may have moved on), never a
second resource, and an identical file is not uploaded again. The version is ingested at once,
so governance's checks run on it like on any upload: if they found personal data left in a
column, the release fails with their reason and the previous version stays current.

What is published, one row per complaint (see :data:`COLUMNS`): the tracking code, category
code and Thai label, the text with names, phone numbers, e-mails, citizen IDs, bank accounts
and plates replaced (:mod:`.redact`), district and province codes, coordinates rounded to three
decimals (about 110 m), our state and the Open311 status, the lead agency's code, when it was
filed and closed (Bangkok time), hours to resolution and the citizen's rating. Never published:
the reporter, contact name/phone/e-mail, the street address, photos, internal notes, the
intake key or Open311 token. Anonymous complaints are included like every other, since no row
carries identity anyway.

The rows stream from the database in chunks (``QuerySet.iterator``) into a Parquet writer, so
a busy day does not load every complaint into memory.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zoneinfo
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq
from django.conf import settings
from django.db import transaction

from ddgov.agencies.selectors import agency_get
from ddgov.catalog.models import Dataset, Resource, ResourceVersion
from ddgov.catalog.services.datasets import dataset_create, resource_create
from ddgov.catalog.services.ingest import resource_version_create
from ddgov.complaints.classify.taxonomy import taxonomy_load
from ddgov.complaints.models import CLOSED_STATES, Complaint, State
from ddgov.complaints.release.redact import text_redact
from ddgov.complaints.services.workflow import centre_agency_code
from ddgov.lake.storage import scratch_dir

if TYPE_CHECKING:
    from ddgov.identity.models import User

DATASET_NAME = "complaints-1111"
CHUNK = 2000
COORD_DECIMALS = 3

# (column, Arrow type, catalog type for the ingest, description) — the published table.
COLUMNS: tuple[tuple[str, pa.DataType, str, str], ...] = (
    ("tracking_code", pa.string(), "string", "รหัสติดตามเรื่อง / tracking code"),
    ("category", pa.string(), "string", "รหัสหมวดหมู่ / category code"),
    ("category_th", pa.string(), "string", "ชื่อหมวดหมู่ / category (Thai)"),
    ("text_redacted", pa.string(), "string", "ข้อความร้องเรียนที่ลบข้อมูลส่วนบุคคลแล้ว"),
    ("district_code", pa.string(), "string", "รหัสอำเภอ/เขต (DOPA)"),
    ("province_code", pa.string(), "string", "รหัสจังหวัด (DOPA)"),
    ("lat", pa.float64(), "number", "ละติจูด ปัดเศษ 3 ตำแหน่ง"),
    ("lon", pa.float64(), "number", "ลองจิจูด ปัดเศษ 3 ตำแหน่ง"),
    ("state", pa.string(), "string", "สถานะ / state"),
    ("status", pa.string(), "string", "Open311 status (open/closed)"),
    ("agency_code", pa.string(), "string", "รหัสหน่วยงานที่รับผิดชอบหลัก"),
    ("created_at", pa.string(), "datetime", "วันเวลาที่แจ้ง (เวลาประเทศไทย)"),
    ("closed_at", pa.string(), "datetime", "วันเวลาที่ปิดเรื่อง (เวลาประเทศไทย)"),
    ("resolution_hours", pa.float64(), "number", "ชั่วโมงจนแก้ไขเสร็จ"),
    ("rating", pa.int64(), "integer", "คะแนนความพึงพอใจ 1-5"),
)
SCHEMA = pa.schema([(name, kind) for name, kind, _type, _about in COLUMNS])
SCHEMA_OVERRIDES = {name: kind for name, _arrow, kind, _about in COLUMNS}
NEVER_PUBLISHED = (
    "reporter",
    "contact_name",
    "contact_phone",
    "contact_email",
    "address",
    "photos",
    "intake_key",
    "open311_token",
)


class ReleaseError(Exception):
    """The release could not be published; ``message`` is bilingual."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class ReleaseResult:
    """One day's release: the resource, its version, rows, redactions and whether it changed."""

    day: dt.date
    dataset: Dataset
    resource: Resource
    version: ResourceVersion
    rows: int
    changed: bool
    redactions: dict[str, int] = field(default_factory=dict)

    def as_text(self) -> str:
        """One line for the command and the worker's log."""
        removed = ", ".join(f"{k} {v}" for k, v in sorted(self.redactions.items())) or "none"
        what = f"version {self.version.number}" if self.changed else "unchanged"
        return (
            f"{self.day.isoformat()}: {self.rows} complaint(s) → {self.dataset.name}/"
            f"{self.resource.name} ({what}); PII removed from text: {removed}"
        )


def _zone() -> dt.tzinfo:
    return zoneinfo.ZoneInfo(getattr(settings, "TIME_ZONE", "Asia/Bangkok") or "Asia/Bangkok")


def release_day_bounds(*, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The start and end (exclusive) of ``day`` in Bangkok time."""
    start = dt.datetime(day.year, day.month, day.day, tzinfo=_zone())
    return start, start + dt.timedelta(days=1)


def release_yesterday(*, now: dt.datetime | None = None) -> dt.date:
    """The day before ``now`` in Bangkok time: what the daily job releases."""
    moment = now or dt.datetime.now(tz=_zone())
    return moment.astimezone(_zone()).date() - dt.timedelta(days=1)


def resource_name(*, day: dt.date) -> str:
    """The resource holding one day's complaints."""
    return f"complaints-{day.isoformat()}"


def _metadata(agency_code: str, agency_th: str) -> dict[str, Any]:
    return {
        "name": DATASET_NAME,
        "title": "เรื่องร้องเรียนศูนย์บริการประชาชน 1111 รายวัน",
        "title_en": "1111 complaint centre: complaints by day",
        "notes": (
            "เรื่องร้องเรียนที่ประชาชนแจ้งผ่านศูนย์บริการประชาชน 1111 ทุกช่องทาง แยกไฟล์ตามวันที่แจ้ง "
            "พร้อมหมวดหมู่ พื้นที่ (อำเภอ/จังหวัด และพิกัดปัดเศษราว 100 เมตร) สถานะ หน่วยงานที่รับผิดชอบ "
            "และระยะเวลาแก้ไข ข้อความร้องเรียนได้ลบชื่อ เบอร์โทรศัพท์ อีเมล เลขประจำตัวประชาชน "
            "เลขบัญชี และทะเบียนรถออกแล้ว ไม่มีข้อมูลผู้แจ้ง ช่องทางติดต่อ ที่อยู่ หรือรูปภาพ "
            "(Complaints filed with the 1111 centre, one file per day, personal data removed.)"
        ),
        "owner_org": agency_code,
        "data_type": "record",
        "maintainer": f"ผู้ดูแลข้อมูล {agency_th}",
        "maintainer_email": f"data@{agency_code}.example.go.th",
        "tags": ["เรื่องร้องเรียน", "1111", "Open311", "บริการประชาชน"],
        "groups": [],
        "objective": ["agency_mission", "public_service"],
        "update_frequency_unit": "daily",
        "update_frequency_interval": 1,
        "geo_coverage": "country",
        "data_source": "ระบบรับเรื่องร้องเรียนศูนย์บริการประชาชน 1111",
        "data_format": "Parquet",
        "data_category": "public",
        "data_classification": "public",
        "license_id": "Open-D",
        "data_language": ["th"],
        "private": False,
        "accessible_condition": "เปิดเผยได้โดยไม่มีเงื่อนไข",
    }


def release_dataset(*, actor: User | None = None) -> Dataset:
    """The open dataset of the releases, created for the centre's agency the first time."""
    dataset = Dataset.objects.filter(name=DATASET_NAME).first()
    if dataset is not None:
        return dataset
    agency = agency_get(code=centre_agency_code())
    if agency is None:
        msg = (
            f'The 1111 centre agency "{centre_agency_code()}" does not exist, so there is no '
            f'owner for the release / ไม่พบหน่วยงานศูนย์ 1111 "{centre_agency_code()}" '
            "จึงไม่มีเจ้าของชุดข้อมูลที่จะเผยแพร่"
        )
        raise ReleaseError(msg)
    return dataset_create(actor=actor, data=_metadata(agency.code, agency.name_th))


def _local(value: dt.datetime | None) -> str | None:
    return value.astimezone(_zone()).strftime("%Y-%m-%d %H:%M:%S") if value else None


def _row(values: dict[str, Any], labels: dict[str, str], counts: Counter[str]) -> dict[str, Any]:
    redacted = text_redact(text=values["text"])
    counts.update(redacted.counts)
    created, closed = values["created_at"], values["closed_at"]
    state = values["state"]
    hours = None
    if state == State.RESOLVED and closed is not None and created is not None:
        hours = round(max((closed - created).total_seconds(), 0.0) / 3600.0, 1)
    lat, lon = values["lat"], values["lon"]
    return {
        "tracking_code": values["tracking_code"],
        "category": values["category"] or None,
        "category_th": labels.get(values["category"]) if values["category"] else None,
        "text_redacted": redacted.text,
        "district_code": values["district_code"] or None,
        "province_code": values["province_code"] or None,
        "lat": round(lat, COORD_DECIMALS) if lat is not None else None,
        "lon": round(lon, COORD_DECIMALS) if lon is not None else None,
        "state": state,
        "status": "closed" if state in CLOSED_STATES else "open",
        "agency_code": values["agency__code"] or None,
        "created_at": _local(created),
        "closed_at": _local(closed),
        "resolution_hours": hours,
        "rating": values["rating"],
    }


def _rows(day: dt.date) -> Iterator[dict[str, Any]]:
    """The day's complaints as database values, oldest first, a chunk at a time."""
    start, end = release_day_bounds(day=day)
    fields = (
        "tracking_code",
        "category",
        "text",
        "district_code",
        "province_code",
        "lat",
        "lon",
        "state",
        "agency__code",
        "created_at",
        "closed_at",
        "rating",
    )
    yield from (
        Complaint.objects.filter(created_at__gte=start, created_at__lt=end)
        .order_by("created_at", "id")
        .values(*fields)
        .iterator(chunk_size=CHUNK)
    )


def release_write(*, day: dt.date, target: Path) -> tuple[int, dict[str, int]]:
    """Write ``day``'s release table to ``target`` (Parquet); return rows and redaction counts."""
    labels = {c.code: c.label_th for c in taxonomy_load().categories}
    counts: Counter[str] = Counter()
    written = 0
    batch: list[dict[str, Any]] = []
    with pq.ParquetWriter(target, SCHEMA, compression="snappy") as writer:
        for values in _rows(day):
            batch.append(_row(values, labels, counts))
            if len(batch) >= CHUNK:
                writer.write_table(pa.Table.from_pylist(batch, schema=SCHEMA))
                written += len(batch)
                batch = []
        if batch or not written:
            writer.write_table(pa.Table.from_pylist(batch, schema=SCHEMA))
            written += len(batch)
    return written, dict(counts)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _ingest_now(version: ResourceVersion) -> ResourceVersion:
    from ddgov.analytics.services.pipelines import version_ingest_now  # noqa: PLC0415

    return version_ingest_now(version=version)


def complaints_release(*, day: dt.date, actor: User | None = None) -> ReleaseResult:
    """Publish the complaints filed on ``day`` as that day's resource (a new version on rerun).

    ``actor`` None is the system (the daily job); a user must be allowed to edit the dataset.
    Raises :class:`ReleaseError` when the centre agency is missing or the catalog (governance)
    refuses the file.
    """
    dataset = release_dataset(actor=actor)
    name = resource_name(day=day)
    filename = f"{name}.parquet"
    with scratch_dir() as folder:
        path = Path(folder) / filename
        rows, counts = release_write(day=day, target=path)
        sha = _sha256(path)
        with transaction.atomic():
            resource = dataset.resources.filter(name=name, state=Resource.State.ACTIVE).first()
            current = resource.current_version if resource is not None else None
            if resource is not None and current is not None and current.sha256 == sha:
                return ReleaseResult(day, dataset, resource, current, rows, False, counts)
            if resource is None:
                resource = resource_create(
                    actor=actor,
                    dataset=dataset,
                    data={
                        "name": name,
                        "description": f"เรื่องร้องเรียนที่แจ้งวันที่ {day.isoformat()} (เวลาประเทศไทย)",
                        "format": "PARQUET",
                    },
                    upload=path,
                    filename=filename,
                    schema_overrides=SCHEMA_OVERRIDES,
                )
                version = resource.versions.order_by("-number").first()
            else:
                version = resource_version_create(
                    actor=actor,
                    resource=resource,
                    upload=path,
                    filename=filename,
                    schema_overrides=SCHEMA_OVERRIDES,
                )
    if version is None:  # resource_create always adds one with an upload
        msg = f"no version was created for {name}"
        raise RuntimeError(msg)
    version = _ingest_now(version)
    if version.status != ResourceVersion.Status.SUCCEEDED:
        msg = (
            f"The release of {day.isoformat()} was not published: {version.message} / "
            f"ไม่ได้เผยแพร่ข้อมูลวันที่ {day.isoformat()}"
        )
        raise ReleaseError(msg)
    resource.refresh_from_db()
    return ReleaseResult(day, dataset, resource, version, rows, True, counts)


def complaints_release_range(
    *, start: dt.date, end: dt.date, actor: User | None = None
) -> list[ReleaseResult]:
    """Release every day from ``start`` to ``end`` inclusive, one resource per day."""
    if end < start:
        msg = "The end date is before the start date / วันที่สิ้นสุดอยู่ก่อนวันที่เริ่มต้น"
        raise ReleaseError(msg)
    results = []
    day = start
    while day <= end:
        results.append(complaints_release(day=day, actor=actor))
        day += dt.timedelta(days=1)
    return results


def release_missing(*, day: dt.date) -> bool:
    """Whether ``day`` has no published release yet (the daily job's catch-up check)."""
    dataset = Dataset.objects.filter(name=DATASET_NAME).first()
    if dataset is None:
        return True
    return not dataset.resources.filter(
        name=resource_name(day=day),
        state=Resource.State.ACTIVE,
        current_version__isnull=False,
    ).exists()
