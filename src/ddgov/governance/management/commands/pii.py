"""``ddgov pii …``: Thai PII detection from the command line (a stable interface).

``ddgov pii scan --text-file F [--format jsonl|text]`` prints, for each input line, one JSON line
``{"line": n, "findings": [{"type", "start", "end", "text", "score"}]}`` (``-`` reads stdin);
``ddgov pii scan --table FILE [--format json|text] [--sample-rows N] [--sheet NAME]`` reports per
column; ``ddgov pii evaluate [--testset PATH] [--split test|dev|all]`` prints precision and recall
per type on the labelled Thai test set.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ddgov.governance.pii.evaluate import SPLITS, TESTSET_PATH, TestsetError, pii_testset_evaluate
from ddgov.governance.pii.table import (
    DEFAULT_SAMPLE_ROWS,
    TableScanError,
    pii_table_format,
    pii_table_scan,
)
from ddgov.governance.pii.text import pii_lines_scan


class Command(BaseCommand):
    help = "Thai PII detection: 'scan --text-file F' or 'scan --table FILE', and 'evaluate' on the test set."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        scan = sub.add_parser(
            "scan", help="find PII in a text file (per line) or in the columns of a table"
        )
        source = scan.add_mutually_exclusive_group(required=True)
        source.add_argument(
            "--text-file", help="UTF-8 text file, one record per line; '-' reads stdin"
        )
        source.add_argument(
            "--table", type=Path, help="CSV (UTF-8/BOM/cp874), XLSX or Parquet file"
        )
        scan.add_argument(
            "--format",
            choices=("jsonl", "json", "text"),
            help="jsonl (text, default), json (table, default) or text",
        )
        scan.add_argument(
            "--sample-rows", type=int, default=DEFAULT_SAMPLE_ROWS, help="rows sampled from a table"
        )
        scan.add_argument("--sheet", help="XLSX sheet name (default: the first)")
        evaluate = sub.add_parser(
            "evaluate", help="precision/recall per PII type on the labelled Thai test set"
        )
        evaluate.add_argument("--testset", type=Path, default=TESTSET_PATH, help="JSONL test set")
        evaluate.add_argument(
            "--split",
            choices=SPLITS,
            default="test",
            help="held-out 'test' (default), 'dev' or 'all'",
        )
        evaluate.add_argument(
            "--source",
            default="",
            help="only records whose source starts with this (real, synthetic …)",
        )
        evaluate.add_argument("--format", choices=("text", "json"), default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "scan":
            if options["text_file"] is not None:
                self._scan_text(options["text_file"], options["format"] or "jsonl")
            else:
                self._scan_table(options)
        else:
            self._evaluate(options)

    def _open(self, name: str) -> TextIO:
        if name == "-":
            return io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig", newline=None)
        path = Path(name)
        if not path.is_file():
            raise CommandError(f"no such file: {name} / ไม่พบไฟล์: {name}")
        return path.open(encoding="utf-8-sig", newline=None)

    def _scan_text(self, name: str, fmt: str) -> None:
        if fmt == "json":
            raise CommandError(
                "--format json is for --table; use jsonl or text / ใช้ --format jsonl หรือ text กับไฟล์ข้อความ"
            )
        out = self.stdout
        with self._open(name) as fh:
            try:
                for number, findings in pii_lines_scan(lines=fh):
                    if fmt == "jsonl":
                        record = {"line": number, "findings": [f.as_dict() for f in findings]}
                        out.write(json.dumps(record, ensure_ascii=False))
                    else:
                        for f in findings:
                            out.write(
                                f"{number}:{f.start}-{f.end}\t{f.type}\t{f.score:.2f}\t{f.text}"
                            )
            except UnicodeDecodeError as exc:
                raise CommandError(
                    f"the file is not UTF-8 text: {exc} / ไฟล์ไม่ใช่ข้อความ UTF-8"
                ) from exc

    def _scan_table(self, options: dict[str, Any]) -> None:
        fmt = options["format"] or "json"
        if fmt == "jsonl":
            raise CommandError(
                "--format jsonl is for --text-file; use json or text / ใช้ --format json หรือ text กับตาราง"
            )
        try:
            report = pii_table_scan(
                path=options["table"], sample_rows=options["sample_rows"], sheet=options["sheet"]
            )
        except TableScanError as exc:
            raise CommandError(str(exc)) from exc
        if fmt == "json":
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(pii_table_format(report))

    def _evaluate(self, options: dict[str, Any]) -> None:
        try:
            result = pii_testset_evaluate(
                path=options["testset"], split=options["split"], source=options["source"]
            )
        except TestsetError as exc:
            raise CommandError(str(exc)) from exc
        if options["format"] == "json":
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(result.format())
