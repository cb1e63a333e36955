"""Background jobs of the anonymize part (imported by governance/jobs.py)."""

from __future__ import annotations

from ddgov.governance.anonymize.engine import Progress
from ddgov.governance.anonymize.services import JOB_KIND, STATUS_FAILED, release_run
from ddgov.jobs.registry import job_handler


class ReleaseFailedError(Exception):
    """Marks the job failed with the release's reason (the release itself holds it too)."""


@job_handler(JOB_KIND)
def release_run_job(*, job_id: int, progress: Progress, release_id: int) -> None:  # noqa: ARG001 - the registry passes job_id
    """Run the engine for one requested release."""
    release = release_run(release_id=release_id, progress=progress)
    if release.report.get("status") == STATUS_FAILED:
        raise ReleaseFailedError(str(release.report.get("error")))
