"""``ddgov catalog …``: catalog tasks from the command line.

``ddgov catalog ingest FILE [--out OUT.parquet] [--sheet NAME] [--types JSON]`` runs the ingestion
pipeline on a file (no database involved) and prints the inferred Table Schema as JSON;
``ddgov catalog harvest URL --org CODE [--prefix P]`` harvests another CKAN (see ``catalog_harvest``).
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ddgov.catalog.ingest import IngestError, ingest_file
from ddgov.catalog.management.commands.catalog_harvest import add_harvest_arguments, handle_harvest


class Command(BaseCommand):
    help = "Catalog tasks: 'ingest FILE' types a CSV/XLSX/JSON/Parquet file into Parquet and prints its schema."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        ingest = sub.add_parser(
            "ingest", help="run the ingestion pipeline on a file and print the inferred schema"
        )
        ingest.add_argument("file", type=Path, help="CSV, XLSX, JSON or Parquet file")
        ingest.add_argument(
            "--out", type=Path, help="write the typed Parquet table here (default: discard it)"
        )
        ingest.add_argument(
            "--sheet", help="XLSX sheet name or 1-based number (default: the first)"
        )
        ingest.add_argument(
            "--types",
            help='column corrections as JSON, e.g. \'{"amount": "number", "year": {"type": "year", "format": "be"}}\'',
        )
        ingest.add_argument("--progress", action="store_true", help="print progress to stderr")
        add_harvest_arguments(
            sub.add_parser("harvest", help="harvest another CKAN's datasets into an agency")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "ingest":
            self._ingest(options)
        elif options["action"] == "harvest":
            handle_harvest(options, self.stdout)

    def _ingest(self, options: dict[str, Any]) -> None:
        source: Path = options["file"]
        if not source.is_file():
            raise CommandError(f"no such file: {source}")
        try:
            overrides = json.loads(options["types"]) if options["types"] else None
        except json.JSONDecodeError as exc:
            raise CommandError(f"--types is not valid JSON: {exc}") from exc

        def report(fraction: float, message: str = "") -> None:
            sys.stderr.write(f"\r{fraction * 100:5.1f}% {message:<24}")
            sys.stderr.flush()

        progress = report if options["progress"] else None
        with tempfile.TemporaryDirectory(prefix="ddgov-ingest-") as work:
            target = options["out"] or Path(work) / "table.parquet"
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                result = ingest_file(
                    source=source,
                    filename=source.name,
                    target=target,
                    overrides=overrides,
                    progress=progress,
                    sheet=options["sheet"],
                )
            except IngestError as exc:
                raise CommandError(f"[{exc.code}] {exc.message}") from exc
            finally:
                if progress is not None:
                    sys.stderr.write("\n")
        self.stdout.write(json.dumps(result.table_schema, ensure_ascii=False, indent=2))
