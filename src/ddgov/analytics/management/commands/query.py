"""``ddgov query``: run one analytics query with a user's rights (a STABLE interface).

``ddgov query --user USERNAME --sql "SELECT …" [--engine duckdb|spark] [--format json|csv]
[--max-rows N]`` runs the SQL through the access layer exactly as the workbench would for that
user (visibility, masking, aggregate-only mode, audit with channel ``cli``) and prints:

* ``json`` (default): one line ``{"columns": ["name", …], "rows": [[…], …]}`` — UTF-8, not
  ASCII-escaped; decimals as JSON numbers with their exact digits, dates and times in ISO 8601,
  NULL as ``null``;
* ``csv``: a header row of column names, then one line per row (NULL as an empty field).

``--sql -`` reads the SQL from standard input. Errors print a bilingual message on stderr and
exit with status 1; bad arguments (an unknown user, an unknown engine or format) exit with 2.
Outside checks depend on this output: keep it stable.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import sys
import uuid
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ddgov.analytics.access.principal import principal_for_user
from ddgov.analytics.engine import engine_names
from ddgov.analytics.services.queries import QueryError, query_run
from ddgov.identity.selectors import user_by_username
from ddgov.lake.sandbox import SandboxLimits


def _decimal_text(value: Decimal) -> str:
    if not value.is_finite():
        return "null"
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def _plain(value: Any) -> Any:
    """A value JSON and CSV can carry (dates ISO, UUIDs and bytes as text)."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def json_text(value: Any) -> str:
    """``value`` as JSON, decimals as numbers with exactly their digits."""
    value = _plain(value)
    if isinstance(value, Decimal):
        return _decimal_text(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(json_text(v) for v in value) + "]"
    if isinstance(value, dict):
        items = (
            f"{json.dumps(str(k), ensure_ascii=False)}: {json_text(v)}" for k, v in value.items()
        )
        return "{" + ", ".join(items) + "}"
    if value is None or isinstance(value, bool | int | float | str):
        return json.dumps(value, ensure_ascii=False)
    return json.dumps(str(value), ensure_ascii=False)


def csv_value(value: Any) -> str:
    """``value`` as one CSV field (NULL empty; lists and structs as JSON)."""
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return _decimal_text(value)
    if isinstance(value, list | tuple | dict):
        return json_text(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class Command(BaseCommand):
    help = (
        "Run one analytics query with a user's rights and print JSON {columns, rows} or CSV."
        " Stable interface for outside checks."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--user", required=True, help="username whose rights the query runs with"
        )
        parser.add_argument(
            "--sql", required=True, help="the SQL (DuckDB dialect); '-' reads stdin"
        )
        parser.add_argument(
            "--engine", choices=engine_names(), default=None, help="engine (default: DDGOV_ENGINE)"
        )
        parser.add_argument("--format", choices=("json", "csv"), default="json")
        parser.add_argument(
            "--max-rows", type=int, default=None, help="row cap (default: DDGOV_SANDBOX_MAX_ROWS)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = user_by_username(username=options["user"])
        if user is None or not user.is_active:
            name = options["user"]
            raise CommandError(f'No active user "{name}" / ไม่พบผู้ใช้ "{name}" ที่ใช้งานอยู่', returncode=2)
        limits = SandboxLimits.from_settings()
        if options["max_rows"] is not None:
            if options["max_rows"] < 1:
                raise CommandError(
                    "--max-rows must be at least 1 / --max-rows ต้องมีค่าอย่างน้อย 1", returncode=2
                )
            limits = SandboxLimits(
                timeout_s=limits.timeout_s,
                memory_mb=limits.memory_mb,
                threads=limits.threads,
                max_rows=options["max_rows"],
                max_temp_mb=limits.max_temp_mb,
            )
        sql = sys.stdin.read() if options["sql"] == "-" else options["sql"]
        try:
            outcome = query_run(
                principal=principal_for_user(user=user),
                sql=sql,
                engine=options["engine"],
                limits=limits,
                channel="cli",
            )
        except QueryError as exc:
            where = ""
            if exc.position and "line" not in exc.message:
                line, column = exc.position
                where = f" [line {line}, column {column} / บรรทัด {line} คอลัมน์ {column}]"
            raise CommandError(f"{exc.message}{where}", returncode=1) from exc
        names = [c.name for c in outcome.columns]
        if options["format"] == "csv":
            writer = csv.writer(self.stdout, lineterminator="\n")
            writer.writerow(names)
            writer.writerows([csv_value(v) for v in row] for row in outcome.rows)
        else:
            rows = ", ".join(
                "[" + ", ".join(json_text(v) for v in row) + "]" for row in outcome.rows
            )
            columns = ", ".join(json.dumps(n, ensure_ascii=False) for n in names)
            self.stdout.write('{"columns": [' + columns + '], "rows": [' + rows + "]}")
        if outcome.truncated:
            self.stderr.write(
                f"Only the first {limits.max_rows} rows were returned"
                f" / แสดงเพียง {limits.max_rows} แถวแรก"
            )
