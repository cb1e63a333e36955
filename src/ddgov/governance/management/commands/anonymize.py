"""``ddgov anonymize RESOURCE_OR_FILE …``: an anonymised release from the command line (stable).

``ddgov anonymize SOURCE --quasi a,b,c --sensitive d --k 5 --l 2 --out OUT.parquet
--report REPORT.json`` reads SOURCE (a CSV or Parquet file, or a catalog resource UUID: its
current version), generalises the quasi-identifiers until every class has at least k rows and
l distinct sensitive values (suppressing at most ``--max-suppression`` of the rows), drops
direct identifiers, redacts PII in free text, and writes OUT (Parquet, or CSV by its suffix)
and the JSON report, both atomically. Bad input exits 1 with an English / Thai message and
writes nothing. Options: ``--t``, ``--max-suppression``, ``--hierarchy col=kind[:params]``
(repeatable), ``--drop``, ``--redact``, ``--keep-identifiers``, ``--threads``, ``--engine``
(``duckdb`` | ``spark``; default: the setting ``DDGOV_ENGINE``).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ddgov.governance.anonymize.engine import anonymize_run
from ddgov.governance.anonymize.selectors import release_source_path
from ddgov.governance.anonymize.spec import (
    DEFAULT_MAX_SUPPRESSION,
    AnonymizeError,
    AnonymizeSpec,
    column_list,
    hierarchy_parse,
)


class Command(BaseCommand):
    help = (
        "Anonymised release of a CSV/Parquet file or catalog resource: k-anonymity, l-diversity "
        "(t-closeness) by generalisation and suppression, with a JSON risk report."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", help="CSV or Parquet file, or a catalog resource UUID")
        parser.add_argument("--quasi", required=True, help="quasi-identifier columns, a,b,c")
        parser.add_argument("--sensitive", default="", help="sensitive column(s), d[,e]")
        parser.add_argument("--k", type=int, default=5, help="k of k-anonymity (default 5)")
        parser.add_argument("--l", type=int, default=None, help="distinct l-diversity")
        parser.add_argument("--t", type=float, default=None, help="t-closeness (equal distance)")
        parser.add_argument(
            "--max-suppression",
            type=float,
            default=DEFAULT_MAX_SUPPRESSION,
            help="largest share of rows that may be suppressed (default 0.05)",
        )
        parser.add_argument(
            "--hierarchy",
            action="append",
            default=[],
            help="col=kind[:params]; kinds: age, numeric, date, geo, prefix, tree:FILE.csv, star",
        )
        parser.add_argument("--drop", default="", help="columns to leave out, a,b")
        parser.add_argument("--redact", default="", help="free-text columns to redact PII in")
        parser.add_argument(
            "--keep-identifiers",
            action="store_true",
            help="do not drop columns detected as direct identifiers",
        )
        parser.add_argument("--threads", type=int, default=None, help="DuckDB threads")
        parser.add_argument(
            "--engine",
            default=None,
            help="duckdb or spark: where the passes over the rows run (default: DDGOV_ENGINE)",
        )
        parser.add_argument("--out", required=True, type=Path, help="output .parquet or .csv")
        parser.add_argument("--report", type=Path, default=None, help="report JSON file")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            source = release_source_path(source=str(options["source"]))
            hierarchies = dict(hierarchy_parse(h) for h in options["hierarchy"])
            spec = AnonymizeSpec(
                quasi=column_list(options["quasi"]),
                sensitive=column_list(options["sensitive"]),
                k=options["k"],
                l=options["l"],
                t=options["t"],
                max_suppression=options["max_suppression"],
                hierarchies=hierarchies,
                drop=column_list(options["drop"]),
                redact=column_list(options["redact"]),
                keep_identifiers=options["keep_identifiers"],
            )
            out: Path = options["out"]
            _check_out(out)
            result = anonymize_run(
                source=source,
                spec=spec,
                out=out,
                threads=options["threads"],
                engine=options["engine"],
            )
        except AnonymizeError as exc:
            raise CommandError(exc.message) from exc
        if options["report"] is not None:
            _write_json(options["report"], result.report)
        report = result.report
        self.stdout.write(
            f"wrote {out}: {report['rows_out']} of {report['rows_in']} rows, "
            f"k={report['k']['achieved']} l={report['l']['achieved']}, "
            f"suppressed {report['suppressed_rows']}, "
            f"information loss {report['information_loss']['overall']:.3f}"
        )


def _check_out(out: Path) -> None:
    if out.suffix.lower() not in {".parquet", ".csv"}:
        raise AnonymizeError(
            f"--out must end in .parquet or .csv, got {out.name}. / "
            f"--out ต้องลงท้ายด้วย .parquet หรือ .csv แต่ได้ {out.name}"
        )


def _write_json(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".report-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=2)
        Path(tmp).replace(path)
    finally:
        Path(tmp).unlink(missing_ok=True)
