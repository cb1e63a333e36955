"""``ddgov quality …``: data quality checks from the command line.

``ddgov quality run DATASET`` runs the dataset's rules (or the inferred defaults) on the current
version of each of its resources and prints the scores; ``ddgov quality infer DATASET`` prints
the default rules as YAML; ``ddgov quality check FILE.parquet --rules RULES.yaml [--format
json|text]`` runs a rule file on any Parquet file without the database (for pipelines).
``--engine duckdb|spark`` on ``run`` and ``check`` picks the analytics engine (default: the
configured ``DDGOV_ENGINE``; checking the rules themselves always reads the footer in DuckDB).
Bad rules exit with status 2 and list every problem in English and Thai.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ddgov.catalog.models import Dataset
from ddgov.governance.quality.engine import (
    Context,
    QualityEngineError,
    connection,
    quality_engine_name,
    quality_execute,
    quality_scores,
    results_json,
    table_describe,
    table_problems,
)
from ddgov.governance.quality.rules import RuleError, rules_from_source
from ddgov.governance.quality.selectors import quality_resources, ruleset_source
from ddgov.governance.quality.services import QualityError, quality_run


class Command(BaseCommand):
    help = "Data quality checks: 'run DATASET', 'infer DATASET' or 'check FILE --rules RULES'."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("run", help="check the current version of each resource of a dataset")
        run.add_argument("dataset", help="dataset name")
        run.add_argument("--engine", help="duckdb or spark (default: DDGOV_ENGINE)")
        infer = sub.add_parser(
            "infer", help="print the dataset's rules (declared or inferred) as YAML"
        )
        infer.add_argument("dataset", help="dataset name")
        check = sub.add_parser("check", help="run a rule file on a Parquet file")
        check.add_argument("file", type=Path, help="Parquet file")
        check.add_argument("--rules", type=Path, required=True, help="rules in YAML or JSON")
        check.add_argument("--format", choices=("json", "text"), default="text")
        check.add_argument("--engine", help="duckdb or spark (default: DDGOV_ENGINE)")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            engine = quality_engine_name(options.get("engine"))
        except QualityEngineError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        if action == "check":
            self._check(options["file"], options["rules"], options["format"], engine)
            return
        dataset = Dataset.objects.filter(name=options["dataset"]).first()
        if dataset is None:
            msg = f"No dataset {options['dataset']!r}. / ไม่พบชุดข้อมูล {options['dataset']!r}"
            raise CommandError(msg)
        if action == "infer":
            self.stdout.write(ruleset_source(dataset=dataset)[0])
            return
        for resource in quality_resources(dataset=dataset):
            try:
                run = quality_run(version_id=resource.current_version_id or 0, engine=engine)
            except QualityError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(
                f"{resource.name}: {run.overall} {json.dumps(run.scores, ensure_ascii=False)}"
            )

    def _check(self, path: Path, rules_path: Path, fmt: str, engine: str) -> None:
        if not path.is_file():
            msg = f"No file {path}. / ไม่พบไฟล์ {path}"
            raise CommandError(msg)
        try:
            rules = rules_from_source(rules_path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            msg = f"Cannot read the rules: {exc} / อ่านไฟล์กฎไม่ได้"
            raise CommandError(msg) from exc
        except RuleError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        context = Context(now=dt.datetime.now(dt.UTC))
        with connection() as con:
            table = table_describe(con, path)
            problems = table_problems(con, rules, table, context)
            if problems:
                raise CommandError(
                    "\n".join(p for found in problems.values() for p in found), returncode=2
                )
            try:
                results = results_json(quality_execute(con, rules, table, context, engine=engine))
            except QualityEngineError as exc:
                raise CommandError(str(exc)) from exc
        scores, overall = quality_scores(results)
        if fmt == "json":
            self.stdout.write(
                json.dumps(
                    {"engine": engine, "overall": overall, "scores": scores, "results": results},
                    ensure_ascii=False,
                )
            )
            return
        for r in results:
            mark = "ok  " if r["passed"] else "FAIL"
            self.stdout.write(
                f"{mark} {r['id']:30s} {r['dimension']:13s} {100 * r['share']:7.2f}%  failed {r['failed']}"
            )
        self.stdout.write(f"overall {overall} {json.dumps(scores)} ({engine})")
