"""``ddgov catalog_harvest URL --org CODE [--prefix P]``: harvest another CKAN into an agency.

The same work as ``ddgov catalog harvest``; :func:`add_harvest_arguments` and
:func:`handle_harvest` are what a ``catalog`` command's ``harvest`` subcommand reuses.
"""

from __future__ import annotations

import argparse
import json
import os
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, OutputWrapper

from ddgov.catalog.services.harvest import HarvestError, harvest_run
from ddgov.identity.selectors import user_by_username


def add_harvest_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the harvest options on ``parser``."""
    parser.add_argument("url", help="Base URL of the source CKAN, e.g. https://data.go.th")
    parser.add_argument(
        "--org", required=True, help="Code of the ddgov agency that receives the datasets"
    )
    parser.add_argument(
        "--prefix", default="", help="Prefix for local dataset names (avoids clashes)"
    )
    parser.add_argument(
        "--source-org", default="", help="Only datasets of this organization at the source"
    )
    parser.add_argument(
        "--include-private", action="store_true", help="Also private datasets (needs a key)"
    )
    parser.add_argument(
        "--api-key-env",
        default="",
        help="Name of an environment variable holding the source's API token",
    )
    parser.add_argument(
        "--user", default="", help="Act as this ddgov user (a data steward of --org)"
    )
    parser.add_argument("--json", action="store_true", help="Print the full report as JSON")


def handle_harvest(options: dict[str, Any], stdout: OutputWrapper) -> None:
    """Run the harvest the options describe and print its report."""
    actor = None
    if options.get("user"):
        actor = user_by_username(username=options["user"])
        if actor is None:
            raise CommandError(f"No such user / ไม่พบผู้ใช้: {options['user']}")
    api_key = os.environ.get(options["api_key_env"], "") if options.get("api_key_env") else ""
    try:
        report = harvest_run(
            actor=actor,
            source_url=options["url"],
            organization=options["org"],
            include_private=bool(options.get("include_private")),
            name_prefix=options.get("prefix") or "",
            api_key=api_key,
            source_organization=options.get("source_org") or "",
            progress=None,
        )
    except (HarvestError, PermissionDenied) as exc:
        raise CommandError(str(exc)) from exc
    if options.get("json"):
        stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        return
    stdout.write(f"{report.source_url} → {report.organization}: {report.summary()}")
    for failure in report.failed:
        stdout.write(f"  failed / ล้มเหลว {failure.remote}: {failure.reason}")
    for skipped in report.skipped:
        stdout.write(f"  skipped / ข้าม {skipped.remote}: {skipped.reason}")
    if report.error:
        stdout.write(f"  stopped early / หยุดก่อนจบ: {report.error}")


class Command(BaseCommand):
    help = "Harvest datasets from another CKAN's Action API into an agency (idempotent)."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        add_harvest_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        handle_harvest(options, self.stdout)
