"""``ddgov profile RESOURCE_ID_OR_FILE [--format json|text]``: profile a resource's table or a file.

Given a resource id, profiles its current version (``--version N`` for another), stores the
profile like the background job does (``--force`` recomputes a stored one) and prints it. Given
a path, profiles the file without the database: Parquet directly, CSV/XLSX/JSON after the
catalog's ingestion pipeline has typed it into a temporary Parquet file.
"""

from __future__ import annotations

import json
import tempfile
import uuid
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ddgov.catalog.ingest import IngestError, ingest_file
from ddgov.governance.profiling.engine import ProfileError, table_profile
from ddgov.governance.profiling.report import profile_text
from ddgov.governance.profiling.selectors import profile_version_find
from ddgov.governance.profiling.services import profile_run


class Command(BaseCommand):
    help = "Profile a resource's table (by resource id) or a CSV/XLSX/JSON/Parquet file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("target", help="resource id (UUID) or path to a file")
        parser.add_argument("--format", choices=("json", "text"), default="json")
        parser.add_argument(
            "--number", type=int, help="version number (default: the version in use)"
        )
        parser.add_argument(
            "--force", action="store_true", help="recompute a profile that is already stored"
        )
        parser.add_argument("--sheet", help="XLSX sheet name or 1-based number (files only)")

    def handle(self, *args: Any, **options: Any) -> None:
        target: str = options["target"]
        path = Path(target)
        try:
            if path.is_file():
                data = self._file(path, options["sheet"])
            else:
                data = self._resource(target, options["number"], force=options["force"])
        except ProfileError as exc:
            raise CommandError(str(exc)) from exc
        if options["format"] == "json":
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(profile_text(data))

    def _file(self, path: Path, sheet: str | None) -> dict[str, Any]:
        if path.suffix.lower() == ".parquet":
            return table_profile(parquet=path)
        with tempfile.TemporaryDirectory(prefix="ddgov-profile-") as work:
            table = Path(work) / "table.parquet"
            try:
                result = ingest_file(
                    source=path,
                    filename=path.name,
                    target=table,
                    sheet=int(sheet) if sheet and sheet.isdigit() else sheet,
                )
            except IngestError as exc:
                raise CommandError(f"[{exc.code}] {exc.message}") from exc
            return table_profile(parquet=table, fields=result.table_schema.get("fields", []))

    def _resource(self, target: str, number: int | None, *, force: bool) -> dict[str, Any]:
        try:
            resource_id = str(uuid.UUID(target))
        except ValueError:
            msg = (
                f"{target!r} is neither a file nor a resource id (UUID). / "
                f"{target!r} ไม่ใช่ไฟล์และไม่ใช่รหัสทรัพยากร (UUID)"
            )
            raise CommandError(msg) from None
        version = profile_version_find(resource_id=resource_id, number=number)
        if version is None:
            msg = (
                f"No such resource or version: {target}"
                + (f" v{number}" if number else "")
                + f". / ไม่พบทรัพยากรหรือรุ่นนี้: {target}"
                + (f" รุ่นที่ {number}" if number else "")
            )
            raise CommandError(msg)
        return profile_run(version_id=version.pk, force=force).data
