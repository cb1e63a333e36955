"""``ddgov worker``: run queued background jobs (uploads' ingestion, harvests, refreshes).

Between jobs the worker also calls the periodic tasks apps registered with
``ddgov.jobs.registry.periodic`` (the dashboards' scheduled refresh, for one) when they are due;
``--no-periodic`` leaves them to another worker. ``--once`` runs the due periodic tasks, drains
the queue and exits, which suits a cron entry.
"""

from __future__ import annotations

import logging
import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from ddgov.jobs.registry import handlers, periodic_due, periodic_tasks
from ddgov.jobs.services import job_run, jobs_requeue_stale

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Run background jobs until stopped (--once: run what is queued, then exit)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="drain the queue and exit")
        parser.add_argument("--poll", type=float, default=0.5, help="seconds between queue checks")
        parser.add_argument("--list", action="store_true", help="list the job kinds and exit")
        parser.add_argument(
            "--list-periodic", action="store_true", help="list the periodic tasks and exit"
        )
        parser.add_argument(
            "--no-periodic", action="store_true", help="do not run periodic tasks in this worker"
        )

    def run_periodic(self) -> None:
        """Call every periodic task that is due; a failing task is logged, never fatal."""
        for task in periodic_due():
            close_old_connections()
            try:
                result = task.func()
            except Exception:  # a scheduled task's failure must not stop the job queue
                log.exception("periodic task %s failed", task.name)
                self.stderr.write(f"periodic {task.name}: failed (see the log)")
            else:
                if result:
                    self.stdout.write(f"periodic {task.name}: {result}")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            for kind in sorted(handlers()):
                self.stdout.write(kind)
            return
        if options["list_periodic"]:
            for name, task in sorted(periodic_tasks().items()):
                self.stdout.write(f"{name}\tevery {task.every_seconds:g} s")
            return
        stopping = False

        def stop(_signum: int, _frame: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        requeued = jobs_requeue_stale()
        if requeued:
            self.stdout.write(f"requeued {requeued} stale job(s)")
        while not stopping:
            close_old_connections()
            if not options["no_periodic"]:
                self.run_periodic()
            job = job_run()
            if job is not None:
                self.stdout.write(f"{job.kind} #{job.pk}: {job.status} {job.message[:200]}")
                continue
            if options["once"]:
                return
            time.sleep(options["poll"])
