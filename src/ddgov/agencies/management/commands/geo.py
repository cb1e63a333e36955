"""``ddgov geo load``: load Thailand's provinces, districts and subdistricts from geothai."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ddgov.agencies.services import admin_areas_load


class Command(BaseCommand):
    help = "Administrative geography. 'load' adds every area geothai knows (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("load", help="load provinces, districts and subdistricts")

    def handle(self, *args: Any, **options: Any) -> None:
        added = admin_areas_load()
        self.stdout.write(f"{added} administrative areas added")
