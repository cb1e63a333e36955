"""Background jobs of the catalog (discovered by ``ddgov.jobs``): ingesting uploads, harvesting."""

from __future__ import annotations

from ddgov.catalog.models import ResourceVersion
from ddgov.catalog.services.harvest import HARVEST_JOB_KIND, harvest_job
from ddgov.catalog.services.ingest import JOB_KIND, Progress, resource_version_ingest
from ddgov.jobs.registry import job_handler

job_handler(HARVEST_JOB_KIND)(harvest_job)


class IngestFailedError(Exception):
    """Marks the job failed with the version's reason (the version itself is already updated)."""


@job_handler(JOB_KIND)
def ingest_job(*, job_id: int, progress: Progress, version_id: int) -> None:  # noqa: ARG001 - the registry passes job_id
    """Ingest one uploaded version into the lake; fail the job with the reason if it fails."""
    version = resource_version_ingest(version_id=version_id, progress=progress)
    if version.status == ResourceVersion.Status.FAILED:
        raise IngestFailedError(version.message)
