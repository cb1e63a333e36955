"""Reading job status."""

from __future__ import annotations

from ddgov.jobs.models import Job


def job_get(*, job_id: int) -> Job | None:
    """Return the job, or None."""
    return Job.objects.filter(pk=job_id).first()
