"""Periodic tasks and jobs of the 1111 centre: SLA sweep, notifications, the daily release.

``ddgov worker`` calls:

* ``complaints.sla`` every 15 minutes — reminders before an SLA falls due and escalation to
  the parent agency after (:func:`~ddgov.complaints.services.escalation.sla_sweep`);
* ``complaints.notify`` every minute — sends the pending notifications through their backends
  (:func:`~ddgov.complaints.services.notify.notifications_send`);
* ``complaints.release`` once a day — queues a ``complaints.release`` job for yesterday (Bangkok
  time) unless that day is already published or queued; the job publishes the day's complaints
  to the catalog (:func:`~ddgov.complaints.release.services.complaints_release`).

All three are idempotent, so several workers (or a worker restart, which makes every task due)
do no harm: the sweep and the sender lock rows, and the release check skips a published day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from ddgov.complaints.release.services import complaints_release, release_missing, release_yesterday
from ddgov.complaints.services.escalation import sla_sweep
from ddgov.complaints.services.notify import notifications_send
from ddgov.jobs.models import Job
from ddgov.jobs.registry import job_handler, periodic
from ddgov.jobs.services import job_enqueue

SLA_EVERY_SECONDS = 15 * 60
NOTIFY_EVERY_SECONDS = 60
RELEASE_EVERY_SECONDS = 24 * 60 * 60
RELEASE_JOB = "complaints.release"


@periodic("complaints.sla", every_seconds=SLA_EVERY_SECONDS)
def sla_task() -> str:
    """Remind and escalate complaints near or past their SLA; say how many."""
    counts = sla_sweep()
    if not any(counts.values()):
        return ""
    return f"SLA: {counts['reminded']} reminder(s), {counts['escalated']} escalation(s)"


@periodic("complaints.notify", every_seconds=NOTIFY_EVERY_SECONDS)
def notify_task() -> str:
    """Send pending notifications; say how many went out and how many failed."""
    counts = notifications_send()
    if not any(counts.values()):
        return ""
    return f"notifications: {counts.get('sent', 0)} sent, {counts.get('failed', 0)} failed"


@periodic("complaints.release", every_seconds=RELEASE_EVERY_SECONDS)
def release_task() -> str:
    """Queue yesterday's open-data release unless it is published or queued already."""
    day = release_yesterday()
    if not release_missing(day=day):
        return ""
    pending = Job.objects.filter(
        kind=RELEASE_JOB,
        status__in=(Job.Status.QUEUED, Job.Status.RUNNING),
        payload__date=day.isoformat(),
    )
    if pending.exists():
        return ""
    job_enqueue(kind=RELEASE_JOB, payload={"date": day.isoformat()})
    return f"queued the complaints release of {day.isoformat()}"


@job_handler(RELEASE_JOB)
def release_job(*, job_id: int, progress: Callable[..., Any], date: str) -> None:  # noqa: ARG001 - the registry passes job_id
    """Publish one day's complaints (``date``: YYYY-MM-DD) to the catalog."""
    progress(0.05, f"releasing {date}")
    result = complaints_release(day=dt.date.fromisoformat(date))
    progress(1.0, result.as_text())
