"""``ddgov bench [NAME-OR-GROUP ...]``: run the benchmarks under the checkout's ``bench/``.

The same as ``make bench`` / ``python -m bench``: ``ddgov bench catalog`` runs every catalog
benchmark, ``ddgov bench catalog-search`` one of them, ``ddgov bench --list`` names them all.
Benchmarks ship with the source checkout, not with an installed package.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

import ddgov

CHECKOUT = Path(ddgov.__file__).resolve().parents[2]


class Command(BaseCommand):
    """Run benchmarks in a child Python so each starts from a clean process."""

    help = "Run benchmarks (bench/): e.g. `ddgov bench catalog`. Not part of the test suite."

    def add_arguments(self, parser: CommandParser) -> None:
        """Benchmark or group names, or --list."""
        parser.add_argument("names", nargs="*", help="benchmarks or groups (catalog, governance)")
        parser.add_argument("--list", action="store_true", help="list the benchmarks and stop")

    def handle(self, *args: Any, **options: Any) -> None:
        """Run ``python -m bench`` from the checkout and fail with its exit status."""
        del args
        if not (CHECKOUT / "bench" / "__main__.py").exists():
            msg = (
                "Benchmarks ship with the source checkout (bench/ not found). / "
                "ชุดวัดประสิทธิภาพอยู่ในซอร์สโค้ดเท่านั้น (ไม่พบโฟลเดอร์ bench/)"
            )
            raise CommandError(msg)
        if options["list"]:
            code = "from bench.__main__ import benches; print('\\n'.join(benches()))"
            command = [sys.executable, "-c", code]
        else:
            command = [sys.executable, "-m", "bench", *options["names"]]
        result = subprocess.run(command, cwd=CHECKOUT, check=False)  # noqa: S603 - our own module
        if result.returncode:
            msg = f"benchmark run failed (exit {result.returncode}) / การวัดประสิทธิภาพล้มเหลว"
            raise CommandError(msg, returncode=result.returncode)
