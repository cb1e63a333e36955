"""Background jobs of the quality part (imported by governance/jobs.py)."""

from __future__ import annotations

from typing import Any

from ddgov.governance.quality.services import JOB_KIND, quality_run
from ddgov.jobs.registry import job_handler


@job_handler(JOB_KIND)
def quality_job(*, job_id: int, progress: Any, version_id: int) -> None:  # noqa: ARG001 - the registry passes job_id
    """Profile the version (idempotent) and run its quality rules; ``quality_run`` profiles first."""
    quality_run(version_id=version_id)
