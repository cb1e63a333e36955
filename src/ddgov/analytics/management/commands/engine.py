"""``ddgov engine info [--format json|text] [--check]``: which analytics engine runs queries, and how.

Prints the configured default engine (``DDGOV_ENGINE``), the query limits (``DDGOV_SANDBOX_*``)
and each engine's settings and versions. Spark is described without starting a JVM unless
``--check`` is given, which starts it and runs ``SELECT 1`` (exit status 1 if that fails).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ddgov.analytics.engine import engine_get, engine_info
from ddgov.lake.sandbox import SandboxError


class Command(BaseCommand):
    help = "Analytics engines: 'info' prints the configured engine, its limits and versions."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        info = sub.add_parser("info", help="print the configured engine, limits and versions")
        info.add_argument("--format", choices=("json", "text"), default="text")
        info.add_argument(
            "--check", action="store_true", help="start Spark and run SELECT 1 (takes ~10 s)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        check: dict[str, Any] | None = None
        if options["check"]:
            check = self._check()
        info = engine_info()
        if check is not None:
            info["engines"]["spark"]["check"] = check
        if options["format"] == "json":
            self.stdout.write(json.dumps(info, ensure_ascii=False, indent=2))
        else:
            self._text(info)
        check = info["engines"]["spark"].get("check")
        if check is not None and not check.get("ok"):
            msg = f"Spark check failed: {check.get('error')} / ตรวจสอบ Spark ไม่ผ่าน"
            raise CommandError(msg)

    def _check(self) -> dict[str, Any]:
        spark = engine_get(name="spark")
        try:
            return dict(spark.check())  # type: ignore[attr-defined]
        except SandboxError as exc:
            return {"ok": False, "error": exc.message}
        except Exception as exc:  # noqa: BLE001 - any Spark failure is the answer here
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            return {"ok": False, "error": first}

    def _text(self, info: dict[str, Any]) -> None:
        self.stdout.write(f"default engine: {info['default']}")
        limits = info["limits"]
        self.stdout.write(
            "limits: "
            f"timeout {limits['timeout_s']:g} s, memory {limits['memory_mb']} MB, "
            f"threads {limits['threads']}, max rows {limits['max_rows']}, "
            f"spill {limits['max_temp_mb']} MB"
        )
        duck = info["engines"]["duckdb"]
        self.stdout.write(f"duckdb: version {duck['version']} (in-process)")
        spark = info["engines"]["spark"]
        self.stdout.write(
            f"spark: master {spark['master']}, driver memory {spark['driver_memory']}, "
            f"pyspark {spark['pyspark_version']}, java {spark['java'] or 'not found'}, "
            f"{'running' if spark['running'] else 'not started'}"
        )
        check = spark.get("check")
        if check is not None and check.get("ok"):
            self.stdout.write(
                f"spark check: ok (Spark {check['spark_version']}, started in "
                f"{check['startup_ms'] / 1000:.1f} s, SELECT 1 in {check['query_ms']:.0f} ms)"
            )
