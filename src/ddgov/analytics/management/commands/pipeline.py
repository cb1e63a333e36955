"""``ddgov pipeline list`` and ``ddgov pipeline run NAME --user USERNAME [--engine duckdb|spark]``.

``run`` computes a registered step with that user's rights and publishes its outputs as new
versions of the step's open dataset (see :mod:`ddgov.analytics.services.pipelines`). Errors
print a bilingual message on stderr and exit with status 1; bad arguments exit with 2.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ddgov.analytics.engine import engine_names
from ddgov.analytics.pipeline import PipelineError, pipeline_step_get, pipeline_steps
from ddgov.analytics.services.pipelines import pipeline_run
from ddgov.identity.selectors import user_by_username


class Command(BaseCommand):
    help = (
        "Pipeline steps: 'list' shows the registered steps; 'run NAME' computes and publishes one."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="print the registered steps, their inputs and outputs")
        run = sub.add_parser("run", help="run one step and publish its outputs")
        run.add_argument("name", help="the step, e.g. farmer.statistics")
        run.add_argument(
            "--user", required=True, help="username whose rights the step reads and publishes with"
        )
        run.add_argument(
            "--engine", choices=engine_names(), default=None, help="engine (default: DDGOV_ENGINE)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            self._list()
            return
        try:
            step = pipeline_step_get(name=options["name"])
        except PipelineError as exc:
            raise CommandError(exc.message, returncode=2) from exc
        user = user_by_username(username=options["user"])
        if user is None or not user.is_active:
            name = options["user"]
            raise CommandError(f'No active user "{name}" / ไม่พบผู้ใช้ "{name}" ที่ใช้งานอยู่', returncode=2)
        try:
            run = pipeline_run(step=step, actor=user, engine=options["engine"])
        except PipelineError as exc:
            raise CommandError(exc.message, returncode=1) from exc
        self.stdout.write(
            f"{run.step}: {len(run.outputs)} outputs published to {run.dataset.name}"
            f" on {run.engine} in {run.elapsed_ms / 1000:.1f} s"
        )
        for output in run.outputs:
            self.stdout.write(
                f"  {output.resource.name:<24} v{output.version.number:<3}"
                f" {output.rows:>9,} rows  computed in {output.compute_ms / 1000:.2f} s"
            )

    def _list(self) -> None:
        for step in pipeline_steps():
            self.stdout.write(f"{step.name}  {step.description}")
            inputs = ", ".join(step.inputs.values())
            self.stdout.write(f"  reads     {inputs}")
            for output in step.output.outputs:
                self.stdout.write(
                    f"  publishes {step.output.dataset}.{output.resource} ({step.output.agency})"
                )
