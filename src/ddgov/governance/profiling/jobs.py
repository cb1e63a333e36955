"""Background jobs of the profiling part (imported by governance/jobs.py)."""

from __future__ import annotations

from ddgov.governance.profiling.engine import Progress
from ddgov.governance.profiling.services import JOB_KIND, profile_run
from ddgov.jobs.registry import job_handler


@job_handler(JOB_KIND)
def profile_job(*, job_id: int, progress: Progress, version_id: int, force: bool = False) -> None:  # noqa: ARG001 - the registry passes job_id
    """Profile one ingested version (queued after every ingest, or by a steward with force)."""
    profile_run(version_id=version_id, force=force, progress=progress)
