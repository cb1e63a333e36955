"""``ddgov worker``: run queued background jobs (uploads' ingestion, harvests, refreshes)."""

from __future__ import annotations

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from ddgov.jobs.registry import handlers
from ddgov.jobs.services import job_run, jobs_requeue_stale


class Command(BaseCommand):
    help = "Run background jobs until stopped (--once: run what is queued, then exit)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="drain the queue and exit")
        parser.add_argument("--poll", type=float, default=0.5, help="seconds between queue checks")
        parser.add_argument("--list", action="store_true", help="list the job kinds and exit")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            for kind in sorted(handlers()):
                self.stdout.write(kind)
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
            job = job_run()
            if job is not None:
                self.stdout.write(f"{job.kind} #{job.pk}: {job.status} {job.message[:200]}")
                continue
            if options["once"]:
                return
            time.sleep(options["poll"])
