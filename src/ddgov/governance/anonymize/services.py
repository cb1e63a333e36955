"""Anonymised releases: request, run and publish (typed, keyword-only).

A steward of the source's agency asks for a release of one personal-data version
(:func:`release_request`, which checks the spec's shape at once and queues the work); the
``governance.anonymize.run`` job runs the engine into the lake and stores the report on the
:class:`~ddgov.governance.models.Release` (:func:`release_run`); the steward reads the report
and publishes it (:func:`release_publish`): a public dataset ``<source>-open`` in the same
agency (created once, then reused), a resource per source resource, and the release file as
that resource's next version through the catalog's own upload service. The Release row points
at that version *before* its ingest runs — governance's PII guard lets such versions through.
:func:`release_create` does all three at once (scripts, tests). Every step is audited.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from ddgov.audit.services import audit_record_append
from ddgov.catalog.models import Dataset, Resource, ResourceVersion
from ddgov.catalog.services import dataset_create, resource_create
from ddgov.catalog.services.ingest import resource_version_create
from ddgov.governance.anonymize.engine import Progress, anonymize_run
from ddgov.governance.anonymize.spec import AnonymizeError, AnonymizeSpec, spec_from_dict
from ddgov.governance.models import Release
from ddgov.identity.models import Role, User
from ddgov.identity.services import agency_access_require
from ddgov.jobs.services import job_enqueue
from ddgov.lake.storage import absolute, atomic_target, lake_root, relative

log = logging.getLogger(__name__)
JOB_KIND = "governance.anonymize.run"
STATUS_QUEUED, STATUS_READY, STATUS_FAILED = "queued", "ready", "failed"


def release_output_path(*, release: Release) -> Path:
    """Where the engine writes a release before it is published (inside the lake)."""
    return lake_root() / "governance" / "releases" / f"{release.pk}.parquet"


def _require_steward(
    actor: User | AnonymousUser | None, version: ResourceVersion, action: str
) -> None:
    agency_access_require(
        actor=actor if actor is not None else AnonymousUser(),
        agency=version.resource.dataset.owner_org,
        at_least=Role.DATA_STEWARD,
        action=action,
    )


def _audit(release: Release, *, actor: User | None, action: str, detail: dict[str, Any]) -> None:
    dataset = release.source_version.resource.dataset
    audit_record_append(
        action=action,
        actor=actor,
        acting_for=f"agency:{dataset.owner_org.code}",
        agency_code=dataset.owner_org.code,
        target_type="governance_release",
        target_id=str(release.pk),
        after={"params": release.params, "status": release.report.get("status")},
        detail=detail,
    )


def _check_shape(*, version: ResourceVersion, spec: AnonymizeSpec) -> None:
    """What can be refused without reading the data: the version, column names, k vs rows."""
    if version.status != ResourceVersion.Status.SUCCEEDED or not version.parquet_path:
        raise AnonymizeError(
            "This version has not been ingested; only ingested versions can be released. / "
            "ฉบับนี้ยังนำเข้าไม่สำเร็จ จึงสร้างฉบับเผยแพร่ไม่ได้",
            field="source",
        )
    fields = [str(f.get("name")) for f in (version.table_schema or {}).get("fields", [])]
    named = [*spec.quasi, *spec.sensitive, *spec.drop, *spec.redact]
    unknown = sorted({c for c in named if fields and c not in fields})
    if unknown:
        raise AnonymizeError(
            f"Unknown column(s): {', '.join(unknown)} / ไม่มีคอลัมน์ {', '.join(unknown)} ในตาราง",
            field="quasi",
        )
    if not spec.quasi:
        raise AnonymizeError(
            "Name at least one quasi-identifier. / กรุณาระบุตัวระบุกึ่งตัวตนอย่างน้อยหนึ่งคอลัมน์",
            field="quasi",
        )
    rows = version.row_count or 0
    if spec.k < 1 or (rows and spec.k > rows):
        raise AnonymizeError(
            f"k must be between 1 and the number of rows ({rows}); got {spec.k}. / "
            f"ค่า k ต้องอยู่ระหว่าง 1 ถึงจำนวนแถว ({rows}) แต่ได้ {spec.k}",
            field="k",
        )


def release_request(
    *, actor: User | None, source_version: ResourceVersion, spec: AnonymizeSpec
) -> Release:
    """Record a release request and queue the engine run (only stewards of the source's agency)."""
    _require_steward(actor, source_version, "governance.release.request")
    _check_shape(version=source_version, spec=spec)
    with transaction.atomic():
        release = Release.objects.create(
            source_version=source_version,
            params=spec.as_dict(),
            report={"status": STATUS_QUEUED},
            created_by=actor if isinstance(actor, User) and actor.is_authenticated else None,
        )
        _audit(release, actor=actor, action="governance.release.request", detail={})
        job_enqueue(kind=JOB_KIND, payload={"release_id": release.pk})
    return release


def release_run(
    *, release_id: int, progress: Progress | None = None, engine: str | None = None
) -> Release:
    """Run the engine for a requested release; store the report, or the reason it failed.

    ``engine`` (``duckdb`` | ``spark``; ``None``: the setting ``DDGOV_ENGINE``) is where the
    passes over the source's rows run.
    """
    release = Release.objects.select_related("source_version__resource__dataset__owner_org").get(
        pk=release_id
    )
    if release.report.get("status") != STATUS_QUEUED:
        return release  # already run (a job and a direct call may both reach here)

    out = release_output_path(release=release)
    try:
        # Written to a temp file, kept in the object store too when the lake has one (durable),
        # then renamed into place: a failed run leaves no file behind.
        with atomic_target(out, durable=True) as tmp:
            result = anonymize_run(
                source=absolute(release.source_version.parquet_path),
                spec=spec_from_dict(release.params),
                out=tmp,
                progress=progress,
                engine=engine,
            )
    except AnonymizeError as exc:
        report: dict[str, Any] = {"status": STATUS_FAILED, "error": exc.message}
    else:
        report = {
            **result.report,
            "status": STATUS_READY,
            "output": relative(out),
        }
        report.pop("source", None)
    with transaction.atomic():
        release.report = report
        release.save(update_fields=["report"])
        _audit(
            release,
            actor=release.created_by,
            action="governance.release.run",
            detail={"status": report["status"], "rows_out": report.get("rows_out")},
        )
    return release


def _open_dataset(*, actor: User | None, source: Dataset) -> Dataset:
    """The public dataset that holds the source dataset's releases (created on first use)."""
    existing = (
        Dataset.objects.filter(
            owner_org=source.owner_org,
            extras__anonymised_release_of__dataset=str(source.pk),
        )
        .exclude(state=Dataset.State.DELETED)
        .first()
    )
    if existing is not None:
        return existing
    base = f"{source.name[:93]}-open"
    name, n = base, 1
    while Dataset.objects.filter(name=name).exists():
        n += 1
        name = f"{base[:96]}-{n}"
    data = {
        "name": name,
        "title": f"{source.title} (ข้อมูลนิรนาม / anonymised)"[:500],
        "notes": (source.notes or source.title)
        + "\n\nฉบับเผยแพร่ที่ผ่านการทำให้เป็นข้อมูลนิรนาม (k-anonymity, l-diversity) / "
        "Anonymised release (k-anonymity, l-diversity).",
        "owner_org": source.owner_org.code,
        "data_type": source.data_type or "record",
        "maintainer": source.maintainer,
        "maintainer_email": source.maintainer_email,
        "objective": source.objective or ["agency_mission"],
        "update_frequency_unit": source.update_frequency_unit or "no_update",
        "update_frequency_interval": source.update_frequency_interval,
        "geo_coverage": source.geo_coverage or "country",
        "data_source": source.data_source or source.owner_org.code,
        "data_format": "Parquet",
        "data_category": "public",
        "data_classification": "public",
        "license_id": source.license_id
        if source.license_id not in ("", "other-closed")
        else "cc-by",
        "private": False,
        "tags": sorted({*source.tags.values_list("name", flat=True), "ข้อมูลนิรนาม"}),
        "extras": {"anonymised_release_of": {"dataset": str(source.pk), "name": source.name}},
    }
    return dataset_create(actor=actor, data=data)


def _open_resource(*, actor: User | None, dataset: Dataset, source: Resource) -> Resource:
    existing = Resource.objects.filter(
        dataset=dataset,
        state=Resource.State.ACTIVE,
        extras__anonymised_release_of__resource=str(source.pk),
    ).first()
    if existing is not None:
        return existing
    return resource_create(
        actor=actor,
        dataset=dataset,
        data={
            "name": f"{source.name} (anonymised)"[:255],
            "description": "ข้อมูลนิรนามจาก / anonymised from: " + source.name,
            "format": "PARQUET",
            "anonymised_release_of": {
                "dataset": str(source.dataset_id),
                "resource": str(source.pk),
            },
        },
    )


def release_publish(*, actor: User | None, release: Release) -> Release:
    """Publish a ready release as the next version of a public resource, with its lineage."""
    source_version = release.source_version
    _require_steward(actor, source_version, "governance.release.publish")
    if release.version_id is not None:
        raise AnonymizeError("This release is already published. / ฉบับนี้เผยแพร่แล้ว", field="release")
    stored = release.report.get("output")
    ready = release.report.get("status") == STATUS_READY and bool(stored)
    out = absolute(str(stored)) if ready else None  # fetched back from the store if need be
    if out is None or not out.is_file():
        raise AnonymizeError(
            "This release is not ready to publish (see its report). / ฉบับนี้ยังไม่พร้อมเผยแพร่ (ดูรายงาน)",
            field="release",
        )
    source_resource = source_version.resource
    with transaction.atomic():
        dataset = _open_dataset(actor=actor, source=source_resource.dataset)
        resource = _open_resource(actor=actor, dataset=dataset, source=source_resource)
        version = resource_version_create(
            actor=actor,
            resource=resource,
            upload=out,
            filename=f"{source_resource.name[:80]}-anonymised.parquet",
        )
        # Before the queued ingest runs (after this commit): the Release marks the version.
        release.resource, release.version = resource, version
        release.save(update_fields=["resource", "version"])
        lineage = {
            "release": release.pk,
            "dataset": str(source_resource.dataset_id),
            "resource": str(source_resource.pk),
            "version": source_version.number,
        }
        resource.extras = {
            **resource.extras,
            "anonymised_release_of": {**lineage, "k": release.params.get("k")},
        }
        resource.save(update_fields=["extras"])
        _audit(
            release,
            actor=actor,
            action="governance.release.publish",
            detail={
                "public_dataset": str(dataset.pk),
                "public_resource": str(resource.pk),
                "public_version": version.number,
                **lineage,
            },
        )
        columns = [
            c for c, action in (release.report.get("columns") or {}).items() if action != "drop"
        ]
        _classify_release_columns(resource=resource, columns=columns, actor=actor)
    return release


def _classify_release_columns(
    *, resource: Resource, columns: list[str], actor: User | None
) -> None:
    """Mark the released columns public (the classification part's service, if installed)."""
    try:
        from ddgov.governance.classification.services import (  # noqa: PLC0415
            column_classes_set_release,
        )
    except ImportError:  # INTEGRATION POINT: classification part not present
        log.warning("classification services missing; release columns not classified")
        return
    column_classes_set_release(resource=resource, columns=columns, actor=actor)


def release_create(
    *,
    actor: User | None,
    source_version: ResourceVersion,
    spec: AnonymizeSpec,
    engine: str | None = None,
) -> Release:
    """Request, run and publish a release in one call (synchronously) on ``engine``; return it.

    Raises :class:`AnonymizeError` if the engine refuses the spec (nothing is published).
    """
    release = release_request(actor=actor, source_version=source_version, spec=spec)
    release.refresh_from_db()
    if release.report.get("status") == STATUS_QUEUED:
        release = release_run(release_id=release.pk, engine=engine)
    if release.report.get("status") != STATUS_READY:
        raise AnonymizeError(str(release.report.get("error") or "failed"), field="release")
    return release_publish(actor=actor, release=release)
