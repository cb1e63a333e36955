"""Scheduled refresh: the periodic-task registry and ``ddgov worker`` calling it between jobs."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from ddgov.analytics.models import ChartSnapshot
from ddgov.analytics.services.dashboards import REFRESH_JOB
from ddgov.analytics.tests.factories import DashboardFactory, DashboardItemFactory
from ddgov.analytics.tests.test_dashboards_support import AREA_BY_PROVINCE_SQL, build_world
from ddgov.jobs import registry
from ddgov.jobs.models import Job
from ddgov.jobs.registry import PeriodicTask, periodic, periodic_due, periodic_reset


@pytest.fixture(autouse=True)
def _fresh_clock():
    """Each test starts as a new worker process: every periodic task is due."""
    periodic_reset()
    yield
    periodic_reset()


@pytest.fixture
def only(monkeypatch):
    """Replace the registered periodic tasks with the given ones for one test."""

    def install(*tasks: PeriodicTask) -> None:
        monkeypatch.setattr(registry, "_PERIODIC", {t.name: t for t in tasks})

    return install


def test_periodic_tasks_are_due_at_start_then_every_interval(only):
    calls = []
    only(
        PeriodicTask(name="a", every_seconds=60, func=lambda: calls.append("a")),
        PeriodicTask(name="b", every_seconds=10, func=lambda: calls.append("b")),
    )
    assert [t.name for t in periodic_due(now=1000.0)] == ["a", "b"]
    assert periodic_due(now=1005.0) == []
    assert [t.name for t in periodic_due(now=1010.0)] == ["b"]
    assert [t.name for t in periodic_due(now=1060.0)] == ["a", "b"]


def test_periodic_decorator_registers_and_refuses_a_bad_interval(monkeypatch):
    monkeypatch.setattr(registry, "_PERIODIC", {})

    @periodic("test.tick", every_seconds=5)
    def tick() -> None:
        return None

    assert registry.periodic_tasks()["test.tick"].func is tick
    with pytest.raises(ValueError, match="positive"):
        periodic("test.never", every_seconds=0)


def test_analytics_registers_the_dashboard_refresh_check():
    task = registry.periodic_tasks()["analytics.dashboards_refresh_due"]
    assert task.every_seconds == 60
    out = StringIO()
    call_command("worker", "--list-periodic", stdout=out)
    assert "analytics.dashboards_refresh_due" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_worker_refreshes_a_due_dashboard_then_drains_the_queue(settings):
    settings.DDGOV_JOBS_EAGER = False  # as in production: jobs wait for the worker
    world = build_world()
    dashboard = DashboardFactory(
        agency=world.agency,
        public=True,
        refresh_minutes=60,
        refreshed_at=timezone.now() - dt.timedelta(hours=2),
    )
    item = DashboardItemFactory(dashboard=dashboard, chart__query=world.query(AREA_BY_PROVINCE_SQL))
    out = StringIO()
    call_command("worker", "--once", stdout=out)
    assert "queued 1 dashboard refresh(es)" in out.getvalue()
    job = Job.objects.get(kind=REFRESH_JOB)
    assert job.status == Job.Status.SUCCEEDED
    snapshot = ChartSnapshot.objects.get(chart=item.chart)
    assert snapshot.run_as == "public"
    assert snapshot.error == ""
    dashboard.refresh_from_db()
    assert dashboard.refreshed_at > timezone.now() - dt.timedelta(minutes=1)
    # Refreshed now: the next worker start finds nothing due.
    periodic_reset()
    call_command("worker", "--once", stdout=StringIO())
    assert Job.objects.filter(kind=REFRESH_JOB).count() == 1


@pytest.mark.django_db(transaction=True)  # the worker closes connections between tasks
def test_a_failing_periodic_task_does_not_stop_the_worker(only):
    ran = []

    def fails() -> None:
        raise RuntimeError("boom")

    only(
        PeriodicTask(name="bad", every_seconds=60, func=fails),
        PeriodicTask(name="good", every_seconds=60, func=lambda: ran.append(1) or "did it"),
    )
    out, err = StringIO(), StringIO()
    call_command("worker", "--once", stdout=out, stderr=err)
    assert "periodic bad: failed" in err.getvalue()
    assert ran == [1]
    assert "periodic good: did it" in out.getvalue()


@pytest.mark.django_db(transaction=True)  # the worker closes connections between tasks
def test_no_periodic_leaves_them_alone(only):
    ran = []
    only(PeriodicTask(name="t", every_seconds=60, func=lambda: ran.append(1)))
    call_command("worker", "--once", "--no-periodic", stdout=StringIO())
    assert ran == []
    call_command("worker", "--once", stdout=StringIO())
    assert ran == [1]
