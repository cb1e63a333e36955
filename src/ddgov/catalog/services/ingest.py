"""Uploads into the lake: immutable versions, background ingestion and the steward's corrections.

``resource_version_create`` keeps the upload byte for byte as the resource's next version and
queues its ingestion; ``resource_version_ingest`` (the ``catalog.ingest`` job) turns it into
typed Parquet and, only if that succeeds, makes it the resource's current version — a failed
ingest leaves the previous version current and says why; ``resource_version_reingest`` ingests
the same upload again with column types the steward corrected.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import tempfile
import time
import weakref
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from ddgov.audit.services import audit_record_append
from ddgov.catalog.hooks import run_after_ingest, version_refusal
from ddgov.catalog.ingest import FIELD_FORMATS, FIELD_TYPES, IngestError, ingest_file
from ddgov.catalog.ingest.errors import error_detail
from ddgov.catalog.ingest.pipeline import IngestResult
from ddgov.catalog.models import Resource, ResourceVersion
from ddgov.catalog.selectors.datasets import dataset_can_edit
from ddgov.catalog.services.datasets import CatalogValidationError, _deny
from ddgov.identity.models import User
from ddgov.jobs.services import job_enqueue
from ddgov.lake.storage import (
    absolute,
    atomic_target,
    discard,
    persist,
    raw_path,
    relative,
    table_path,
    tmp_dir,
)

log = logging.getLogger(__name__)
CHUNK = 1 << 20
JOB_KIND = "catalog.ingest"
Progress = Callable[[float, str], None]
PROGRESS_STEP = 0.02
PROGRESS_SECONDS = 1.0


def _chunks(upload: Any) -> Iterator[bytes]:
    """Yield the upload's bytes a megabyte at a time (Path, Django UploadedFile or file object)."""
    if isinstance(upload, (str, Path)):
        with Path(upload).open("rb") as fh:
            while chunk := fh.read(CHUNK):
                yield chunk
        return
    if hasattr(upload, "seek"):
        with contextlib.suppress(OSError, ValueError):
            upload.seek(0)
    if hasattr(upload, "chunks"):
        for chunk in upload.chunks(CHUNK):
            if chunk:
                yield chunk
        return
    while chunk := upload.read(CHUNK):
        yield chunk


def _empty_upload() -> CatalogValidationError:
    return CatalogValidationError(
        {
            "upload": [
                _(
                    "The file is empty (0 bytes); nothing was stored. / ไฟล์ว่างเปล่า (0 ไบต์) จึงไม่ได้จัดเก็บ"
                )
            ]
        }
    )


def _stream_to_lake(upload: Any) -> tuple[Path, str, int]:
    """Copy the upload into a lake work file; return (path, sha256, size). Refuse 0 bytes first."""
    chunks = _chunks(upload)
    first = next(chunks, b"")
    if not first:
        raise _empty_upload()
    digest = hashlib.sha256()
    size = 0
    fd, name = tempfile.mkstemp(dir=tmp_dir(), suffix=".upload")
    path = Path(name)
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in _prepend(first, chunks):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path, digest.hexdigest(), size


def _prepend(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    yield first
    yield from rest


class _CommitMarker:
    """Called on commit; if the transaction rolls back instead, it is dropped and removes the file."""

    def __init__(self, state: dict[str, bool]) -> None:
        self.state = state

    def __call__(self) -> None:
        self.state["committed"] = True


def _remove_unless_committed(path: Path, state: dict[str, bool]) -> None:
    if not state["committed"]:
        discard(path)
        for parent in (path.parent, path.parent.parent):
            try:
                parent.rmdir()
            except OSError:
                break


def _discard_on_rollback(path: Path) -> None:
    """Remove ``path`` if the current transaction rolls back (Django has no on_rollback hook).

    A callable registered with ``on_commit`` is dropped by a rollback; a finalizer on it then
    deletes the file unless the callable ran (the commit happened).
    """
    state = {"committed": False}
    marker = _CommitMarker(state)
    weakref.finalize(marker, _remove_unless_committed, path, state)
    transaction.on_commit(marker)


def _next_number(resource: Resource) -> int:
    Resource.objects.select_for_update().filter(pk=resource.pk).first()
    return (resource.versions.aggregate(n=Max("number"))["n"] or 0) + 1


def resource_version_create(
    *,
    actor: User | None,
    resource: Resource,
    upload: Any,
    filename: str,
    schema_overrides: Mapping[str, Any] | None = None,
) -> ResourceVersion:
    """Keep the upload as the resource's next version and queue its ingestion.

    Called inside the caller's transaction: if that rolls back, the stored file is removed too.
    A 0-byte upload is refused before anything is written. ``schema_overrides`` are column types
    the steward knows up front (as for :func:`resource_version_reingest`); unknown types or
    formats are refused before anything is written, a column the file lacks fails the ingest.
    """
    overrides: dict[str, dict[str, str]] = {}
    if schema_overrides:
        overrides, errors = _override_errors(
            {str(column): {} for column in schema_overrides}, schema_overrides
        )
        if errors:
            raise CatalogValidationError(errors)
    name = filename or str(getattr(upload, "name", "") or "") or "upload"
    work, sha256, size = _stream_to_lake(upload)
    try:
        with transaction.atomic():
            number = _next_number(resource)
            final = raw_path(
                dataset_id=resource.dataset_id,
                resource_id=resource.pk,
                version=number,
                filename=name,
            )
            final.parent.mkdir(parents=True, exist_ok=True)
            work.replace(final)
            _discard_on_rollback(final)
            persist(final)
            version = ResourceVersion.objects.create(
                resource=resource,
                number=number,
                status=ResourceVersion.Status.QUEUED,
                original_filename=Path(name.replace("\\", "/")).name[:255],
                original_path=relative(final),
                original_size=size,
                sha256=sha256,
                schema_overrides=overrides,
                created_by=actor if isinstance(actor, User) and actor.is_authenticated else None,
            )
            _audit_version(version, actor=actor, action="resource_version.create")
            job_enqueue(kind=JOB_KIND, payload={"version_id": version.pk})
    finally:
        work.unlink(missing_ok=True)
    return version


def _audit_version(
    version: ResourceVersion,
    *,
    actor: User | None,
    action: str,
    outcome: str = "ok",
    detail: Mapping[str, Any] | None = None,
) -> None:
    dataset = version.resource.dataset
    audit_record_append(
        action=action,
        actor=actor,
        acting_for=f"agency:{dataset.owner_org.code}",
        agency_code=dataset.owner_org.code,
        target_type="resource_version",
        target_id=f"{version.resource_id}:v{version.number}",
        outcome=outcome,
        after={
            "number": version.number,
            "status": version.status,
            "sha256": version.sha256,
            "original_filename": version.original_filename,
            "row_count": version.row_count,
            "schema_overrides": version.schema_overrides,
        },
        detail=detail,
    )


class _ProgressWriter:
    """Records progress on the version (and the job) at most every 2% or second."""

    def __init__(self, version_id: int, progress: Progress | None) -> None:
        self.version_id = version_id
        self.progress = progress
        self.last = 0.0
        self.when = 0.0

    def __call__(self, fraction: float, message: str = "") -> None:
        now = time.monotonic()
        if (
            fraction < 1.0
            and fraction - self.last < PROGRESS_STEP
            and now - self.when < PROGRESS_SECONDS
        ):
            return
        self.last, self.when = fraction, now
        ResourceVersion.objects.filter(pk=self.version_id).update(progress=round(fraction, 4))
        if self.progress is not None:
            self.progress(fraction, message)


def _fail(version: ResourceVersion, *, message: str, code: str) -> ResourceVersion:
    version.status = ResourceVersion.Status.FAILED
    version.message = message
    version.finished_at = timezone.now()
    version.parquet_path, version.parquet_size, version.row_count = "", 0, None
    version.table_schema = {"x_ddgov": {"error_code": code}}
    with transaction.atomic():
        version.save(
            update_fields=[
                "status",
                "message",
                "finished_at",
                "parquet_path",
                "parquet_size",
                "row_count",
                "table_schema",
            ]
        )
        _audit_version(
            version,
            actor=version.created_by,
            action="resource_version.ingest",
            outcome="failed",
            detail={"code": code},
        )
    return version


def _on_commit_ingested(version: ResourceVersion) -> None:
    """Once the ingest commits: reindex the dataset and run governance's after-ingest hooks."""
    dataset_id, version_id = version.resource.dataset_id, version.pk

    def reindex() -> None:
        from ddgov.catalog.services.search_index import dataset_index  # noqa: PLC0415

        dataset_index(dataset_id=dataset_id)

    transaction.on_commit(reindex)
    transaction.on_commit(lambda: run_after_ingest(version_id), robust=True)


def _ingest_checked(version: ResourceVersion, work: Path, reporter: Progress) -> IngestResult:
    """Write the version's typed table to ``work``, then let governance refuse it (hooks)."""
    result = ingest_file(
        source=absolute(version.original_path),
        filename=version.original_filename,
        target=work,
        overrides=version.schema_overrides or None,
        progress=reporter,
    )
    refusal = version_refusal(version, work)
    if refusal is not None:
        raise refusal
    return result


def resource_version_ingest(
    *, version_id: int, progress: Progress | None = None
) -> ResourceVersion:
    """Ingest one version into typed Parquet; on success it becomes the resource's current version.

    On failure the version is marked failed with a specific Thai/English reason, no Parquet is
    left behind and the resource keeps its previous current version.
    """
    version = ResourceVersion.objects.select_related("resource__dataset__owner_org").get(
        pk=version_id
    )
    if version.status == ResourceVersion.Status.SUCCEEDED:
        return version
    ResourceVersion.objects.filter(pk=version.pk).update(
        status=ResourceVersion.Status.RUNNING, started_at=timezone.now(), progress=0.0, message=""
    )
    resource = version.resource
    final = table_path(
        dataset_id=resource.dataset_id, resource_id=resource.pk, version=version.number
    )
    reporter = _ProgressWriter(version.pk, progress)
    try:
        with atomic_target(final, durable=True) as work:
            result = _ingest_checked(version, work, reporter)
    except IngestError as exc:
        return _fail(version, message=exc.message, code=exc.code)
    except Exception as exc:
        log.exception("ingest of version %s failed unexpectedly", version.pk)
        _fail(
            version,
            message=_(
                "The file could not be ingested (%(error)s). / "
                "นำเข้าไฟล์ไม่สำเร็จเพราะข้อผิดพลาดภายใน ได้บันทึกไว้แล้ว"
            )
            % {"error": error_detail(exc)},
            code="internal",
        )
        raise
    try:
        with transaction.atomic():
            version.status = ResourceVersion.Status.SUCCEEDED
            version.progress, version.message = 1.0, ""
            version.parquet_path = relative(final)
            version.parquet_size = result.parquet_size
            version.row_count = result.row_count
            version.table_schema = result.table_schema
            version.encoding = result.encoding
            version.source_format = result.source_format
            version.finished_at = timezone.now()
            version.save()
            locked = Resource.objects.select_for_update().get(pk=resource.pk)
            current = locked.current_version
            changed = []
            if current is None or current.number < version.number:
                locked.current_version = version
                changed.append("current_version")
            if not locked.format:
                locked.format = result.source_format
                changed.append("format")
            if changed:
                locked.save(update_fields=[*changed, "last_modified"])
            _audit_version(
                version,
                actor=version.created_by,
                action="resource_version.ingest",
                detail={
                    "rows": result.row_count,
                    "typed_from": result.typed_from,
                    "source_format": result.source_format,
                },
            )
            _on_commit_ingested(version)
    except Exception:
        discard(final)
        raise
    if progress is not None:
        progress(1.0, "done")
    return version


def _override_errors(
    fields: Mapping[str, Mapping[str, Any]], overrides: Mapping[str, Any]
) -> tuple[dict[str, dict[str, str]], dict[str, list[str]]]:
    clean: dict[str, dict[str, str]] = {}
    errors: dict[str, list[str]] = {}
    for name, spec in overrides.items():
        key = str(name)
        if key not in fields:
            errors.setdefault(key, []).append(
                _("The table has no column %(name)s. / ไม่มีคอลัมน์ %(name)s ในตาราง") % {"name": key}
            )
            continue
        entry = dict(spec) if isinstance(spec, Mapping) else {"type": spec}
        kind = str(entry.get("type") or "")
        if kind not in FIELD_TYPES:
            errors.setdefault(key, []).append(
                _(
                    "Unknown type %(type)s; use one of: %(types)s / ไม่รู้จักชนิด %(type)s ใช้ได้: %(types)s"
                )
                % {"type": kind or "''", "types": ", ".join(FIELD_TYPES)}
            )
            continue
        fmt = str(entry.get("format") or "default")
        if fmt not in FIELD_FORMATS[kind]:
            errors.setdefault(key, []).append(
                _(
                    "Unknown format %(format)s for %(type)s; use one of: %(formats)s / ไม่รู้จักรูปแบบ %(format)s"
                )
                % {"format": fmt, "type": kind, "formats": ", ".join(FIELD_FORMATS[kind])}
            )
            continue
        invalid = str(entry.get("invalid") or "fail")
        if invalid not in {"fail", "null"}:
            errors.setdefault(key, []).append(
                _("'invalid' must be 'fail' or 'null'. / ค่า invalid ต้องเป็น fail หรือ null")
            )
            continue
        extra = set(entry) - {"type", "format", "invalid"}
        if extra:
            errors.setdefault(key, []).append(
                _("Unknown setting(s): %(keys)s / ไม่รู้จักการตั้งค่า: %(keys)s")
                % {"keys": ", ".join(sorted(extra))}
            )
            continue
        clean[key] = {
            "type": kind,
            **({"format": fmt} if fmt != "default" else {}),
            **({"invalid": "null"} if invalid == "null" else {}),
        }
    return clean, errors


def resource_version_reingest(
    *, actor: User | None, version: ResourceVersion, schema_overrides: Mapping[str, Any]
) -> ResourceVersion:
    """Ingest the same upload again as the next version, with the steward's column types.

    ``schema_overrides`` maps column names to a type name or ``{"type", "format", "invalid"}``
    (``invalid: "null"`` empties the values that do not fit instead of failing). Unknown columns,
    types or formats are refused before anything is queued.
    """
    resource = version.resource
    dataset = resource.dataset
    if actor is not None and not dataset_can_edit(user=actor, dataset=dataset):
        _deny(actor, dataset.owner_org, "resource_version.reingest")
    fields = {
        str(f.get("name")): f
        for f in (version.table_schema or {}).get("fields", [])
        if isinstance(f, Mapping)
    }
    if not fields:
        raise CatalogValidationError(
            {
                "schema_overrides": [
                    _(
                        "This version has no inferred columns to correct (it was not ingested). / "
                        "ฉบับนี้ยังไม่มีคอลัมน์ให้แก้ไข (ยังนำเข้าไม่สำเร็จ)"
                    )
                ]
            }
        )
    clean, errors = _override_errors(fields, schema_overrides or {})
    if errors:
        raise CatalogValidationError(errors)
    if not clean:
        raise CatalogValidationError(
            {"schema_overrides": [_("No column type was given. / ไม่ได้ระบุชนิดของคอลัมน์ใด")]}
        )
    with transaction.atomic():
        number = _next_number(resource)
        new = ResourceVersion.objects.create(
            resource=resource,
            number=number,
            status=ResourceVersion.Status.QUEUED,
            original_filename=version.original_filename,
            original_path=version.original_path,
            original_size=version.original_size,
            sha256=version.sha256,
            schema_overrides=clean,
            created_by=actor if isinstance(actor, User) and actor.is_authenticated else None,
        )
        _audit_version(
            new,
            actor=actor,
            action="resource_version.reingest",
            detail={"from_version": version.number},
        )
        job_enqueue(kind=JOB_KIND, payload={"version_id": new.pk})
    return new
