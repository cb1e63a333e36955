"""Services of the profiling part: profile a resource version and keep the result.

``profile_run`` is what the after-ingest job, the ``ddgov profile`` command and a steward's
"profile again" button call. The statistics themselves come from ``engine.table_profile`` (one
DuckDB pass over the version's Parquet); this layer finds the version, stores the ``Profile``
and audits it in the same transaction.
"""

from __future__ import annotations

import time

from django.db import transaction
from django.utils.translation import gettext as _

from ddgov.audit.services import audit_record_append
from ddgov.catalog.models import ResourceVersion
from ddgov.governance.models import Profile
from ddgov.governance.profiling.engine import ProfileError, Progress, table_profile
from ddgov.identity.models import Role, User
from ddgov.identity.services import agency_access_require
from ddgov.jobs.models import Job
from ddgov.jobs.services import job_enqueue
from ddgov.lake.storage import absolute

JOB_KIND = "governance.profile"
AUDIT_ACTION = "governance.profile"

__all__ = ["JOB_KIND", "ProfileError", "profile_enqueue", "profile_request", "profile_run"]


def _version(version_id: int) -> ResourceVersion:
    version = (
        ResourceVersion.objects.select_related("resource__dataset__owner_org")
        .filter(pk=version_id)
        .first()
    )
    if version is None:
        msg = _("No such resource version: %(id)s. / ไม่พบรุ่นของทรัพยากร: %(id)s") % {"id": version_id}
        raise ProfileError(msg)
    if version.status != ResourceVersion.Status.SUCCEEDED or not version.parquet_path:
        msg = _(
            "Version %(n)s has no ingested table to profile (status: %(status)s). / "
            "รุ่นที่ %(n)s ยังไม่มีตารางที่นำเข้าสำเร็จให้สำรวจ (สถานะ: %(status)s)"
        ) % {"n": version.number, "status": version.status}
        raise ProfileError(msg)
    return version


def profile_run(
    *, version_id: int, force: bool = False, progress: Progress | None = None
) -> Profile:
    """Profile one ingested version and store it; return the stored profile unless ``force``.

    Idempotent: a version already profiled is not read again. Audited as ``governance.profile``
    (on the version, for its agency) in the transaction that stores the profile. Raises
    ``ProfileError`` (Thai/English) for a missing or not-yet-ingested version.
    """
    existing = Profile.objects.filter(version_id=version_id).first()
    if existing is not None and not force:
        return existing
    version = _version(version_id)
    fields = (version.table_schema or {}).get("fields") or []
    started = time.perf_counter()
    data = table_profile(parquet=absolute(version.parquet_path), fields=fields, progress=progress)
    duration_ms = int((time.perf_counter() - started) * 1000)
    agency = version.resource.dataset.owner_org
    with transaction.atomic():
        profile, created = Profile.objects.update_or_create(
            version=version,
            defaults={"row_count": data["row_count"], "data": data, "duration_ms": duration_ms},
        )
        audit_record_append(
            action=AUDIT_ACTION,
            acting_for=f"agency:{agency.code}",
            agency_code=agency.code,
            target_type="resource_version",
            target_id=f"{version.resource_id}:v{version.number}",
            after={
                "row_count": data["row_count"],
                "columns": [c["name"] for c in data["columns"]],
            },
            detail={"duration_ms": duration_ms, "replaced": not created},
        )
    return profile


def profile_enqueue(*, version_id: int) -> Job:
    """Queue the background job that profiles a version (after the current transaction)."""
    return job_enqueue(kind=JOB_KIND, payload={"version_id": version_id})


def profile_request(*, actor: User, version_id: int) -> Job:
    """A data steward of the version's agency asks for a fresh profile; refusals are audited.

    Raises ``AccessDenied`` (audited) for anyone else, ``ProfileError`` if nothing can be
    profiled yet.
    """
    version = _version(version_id)
    agency_access_require(
        actor=actor,
        agency=version.resource.dataset.owner_org,
        at_least=Role.DATA_STEWARD,
        action=AUDIT_ACTION,
    )
    return job_enqueue(kind=JOB_KIND, payload={"version_id": version.pk, "force": True})
