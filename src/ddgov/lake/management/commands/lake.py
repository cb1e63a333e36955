"""``ddgov lake status|push|prune``: the lake's object store from the command line."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ddgov.lake.backends import LakeStoreError
from ddgov.lake.selectors import lake_status
from ddgov.lake.services import LakeNotRemote, lake_cache_prune, lake_push


def _mb(size: int) -> str:
    return f"{size / 1e6:.1f} MB"


class Command(BaseCommand):
    help = (
        "Lake storage tools: 'status' (where the lake is, does the store answer), 'push' (upload "
        "a local lake to the object store), 'prune' (drop local copies the store holds)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        status = sub.add_parser("status", help="show the lake's folder and object store")
        status.add_argument("--no-check", action="store_true", help="do not contact the store")
        push = sub.add_parser("push", help="upload originals and tables the store lacks")
        push.add_argument("--dry-run", action="store_true", help="only count what would be sent")
        prune = sub.add_parser("prune", help="remove local copies unused for some days")
        prune.add_argument(
            "--older-than-days",
            type=float,
            default=30.0,
            help="keep files used more recently than this (default 30)",
        )
        prune.add_argument("--dry-run", action="store_true", help="only count what would go")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except (LakeNotRemote, LakeStoreError) as exc:
            raise CommandError(str(exc)) from exc

    def _status(self, options: dict[str, Any]) -> None:
        status = lake_status(check=not options["no_check"])
        self.stdout.write(f"local folder: {status.local_dir}")
        if not status.remote_url:
            self.stdout.write("object store: none (DDGOV_LAKE_URL is empty)")
            return
        endpoint = status.endpoint_url or "AWS S3"
        self.stdout.write(f"object store: {status.remote_url} at {endpoint}")
        if status.reachable is False:
            raise CommandError(status.problem)
        if status.reachable:
            self.stdout.write("object store answers: ok")

    def _push(self, options: dict[str, Any]) -> None:
        result = lake_push(dry_run=options["dry_run"])
        verb = "would upload" if options["dry_run"] else "uploaded"
        self.stdout.write(
            f"{verb} {result.uploaded} files ({_mb(result.uploaded_bytes)}); "
            f"{result.present} already in the store"
        )

    def _prune(self, options: dict[str, Any]) -> None:
        days = options["older_than_days"]
        if days < 0:
            msg = "--older-than-days must be 0 or more. / --older-than-days ต้องไม่ติดลบ"
            raise CommandError(msg)
        result = lake_cache_prune(older_than_days=days, dry_run=options["dry_run"])
        verb = "would remove" if options["dry_run"] else "removed"
        self.stdout.write(
            f"{verb} {result.removed} local copies ({_mb(result.freed_bytes)}); kept "
            f"{result.kept_recent} used recently and {result.kept_not_in_store} not in the store"
        )
