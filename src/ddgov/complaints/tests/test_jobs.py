"""Periodic tasks of the 1111 centre and the release job."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest

from ddgov.agencies.models import Agency
from ddgov.complaints import jobs
from ddgov.complaints.release.services import release_missing, release_yesterday
from ddgov.jobs.models import Job
from ddgov.jobs.registry import handler_for, periodic_tasks
from ddgov.jobs.services import job_run


def test_tasks_are_registered_with_their_intervals() -> None:
    tasks = periodic_tasks()
    assert tasks["complaints.sla"].every_seconds == 15 * 60
    assert tasks["complaints.notify"].every_seconds == 60
    assert tasks["complaints.release"].every_seconds == 24 * 60 * 60
    assert handler_for("complaints.release") is jobs.release_job


@pytest.mark.django_db
def test_sla_and_notify_tasks_call_their_services() -> None:
    with mock.patch.object(jobs, "sla_sweep", return_value={"reminded": 2, "escalated": 1}):
        assert jobs.sla_task() == "SLA: 2 reminder(s), 1 escalation(s)"
    with mock.patch.object(jobs, "sla_sweep", return_value={"reminded": 0, "escalated": 0}):
        assert jobs.sla_task() == ""
    with mock.patch.object(jobs, "notifications_send", return_value={"sent": 3, "failed": 0}):
        assert "3 sent" in jobs.notify_task()
    assert jobs.notify_task() == ""  # nothing pending


@pytest.mark.django_db
def test_release_task_publishes_yesterday_once(
    directory: dict[str, Agency], settings: object
) -> None:
    settings.DDGOV_JOBS_EAGER = False  # type: ignore[attr-defined]
    day = release_yesterday()
    assert "queued" in jobs.release_task()
    assert jobs.release_task() == ""  # already queued
    job = Job.objects.get(kind="complaints.release")
    assert job.payload == {"date": day.isoformat()}
    job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert not release_missing(day=day)
    assert jobs.release_task() == ""  # published: nothing more to do
    assert Job.objects.filter(kind="complaints.release").count() == 1


def test_yesterday_is_bangkok_time() -> None:
    late_utc = dt.datetime(2025, 5, 6, 18, 30, tzinfo=dt.UTC)  # 01:30 on 7 May in Bangkok
    assert release_yesterday(now=late_utc) == dt.date(2025, 5, 6)
