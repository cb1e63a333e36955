"""Enqueue and run background jobs.

``job_enqueue`` stores a job; ``ddgov worker`` claims queued jobs one at a time and runs their
handler. With ``DDGOV_JOBS_EAGER`` (tests, one-off scripts) a job runs in-process right after the
enqueuing transaction commits. A handler reports progress through the callable it is given; a
handler that raises marks the job failed with the exception's message, which the UI shows.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ddgov.jobs.models import Job
from ddgov.jobs.registry import handler_for

log = logging.getLogger(__name__)
ProgressCallback = Callable[[float, str], None]


def job_enqueue(*, kind: str, payload: dict[str, Any]) -> Job:
    """Queue a job of ``kind``; it starts after the current transaction commits."""
    handler_for(kind)  # fail fast on a typo, before anything is stored
    job = Job.objects.create(kind=kind, payload=payload)
    if getattr(settings, "DDGOV_JOBS_EAGER", False):
        transaction.on_commit(lambda: job_run(job_id=job.pk))
    return job


def job_progress(*, job_id: int, progress: float, message: str = "") -> None:
    """Record how far a running job is (0..1) so pages and the API can show it."""
    Job.objects.filter(pk=job_id).update(progress=max(0.0, min(1.0, progress)), message=message)


def _claim(job_id: int | None) -> Job | None:
    worker = f"{socket.gethostname()}:{os.getpid()}"
    with transaction.atomic():
        qs = Job.objects.filter(status=Job.Status.QUEUED)
        if job_id is not None:
            qs = qs.filter(pk=job_id)
        job = qs.select_for_update(skip_locked=True).order_by("created_at", "id").first()
        if job is None:
            return None
        job.status, job.started_at, job.worker = Job.Status.RUNNING, timezone.now(), worker
        job.attempts += 1
        job.save(update_fields=["status", "started_at", "worker", "attempts"])
        return job


def job_run(*, job_id: int | None = None) -> Job | None:
    """Claim one queued job (a given one, or the oldest) and run it; return it, or None."""
    job = _claim(job_id)
    if job is None:
        return None

    def progress(fraction: float, message: str = "") -> None:
        job_progress(job_id=job.pk, progress=fraction, message=message)

    try:
        handler_for(job.kind)(job_id=job.pk, progress=progress, **job.payload)
    except Exception as exc:  # every failure must land on the job, not kill the worker
        log.exception("job %s failed", job.pk)
        Job.objects.filter(pk=job.pk).update(
            status=Job.Status.FAILED,
            message=str(exc) or type(exc).__name__,
            finished_at=timezone.now(),
        )
    else:
        Job.objects.filter(pk=job.pk).update(
            status=Job.Status.SUCCEEDED, progress=1.0, finished_at=timezone.now()
        )
    job.refresh_from_db()
    return job


def jobs_requeue_stale(*, older_than_seconds: int = 3600) -> int:
    """Put back jobs left running by a worker that died (on worker start)."""
    cutoff = timezone.now() - dt.timedelta(seconds=older_than_seconds)
    return Job.objects.filter(status=Job.Status.RUNNING, started_at__lt=cutoff).update(
        status=Job.Status.QUEUED
    )
