"""``ddgov audit verify``: recompute the audit hash chain and name the first broken record."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ddgov.audit.services import audit_chain_verify


class Command(BaseCommand):
    help = "Audit trail tools. 'verify' exits 0 when the chain is intact, 1 naming the first bad record."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="recompute the hash chain")

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit_chain_verify()
        if result.ok:
            self.stdout.write(f"audit chain intact: {result.checked} records verified")
            return
        where = f"record #{result.first_bad_seq}"
        if result.first_bad_id is not None:
            where += f" (id {result.first_bad_id})"
        msg = f"audit chain broken at {where}: {result.reason}; {result.checked} records before it are intact"
        raise CommandError(msg, returncode=1)
