"""``ddgov open311 key …``: API keys for applications that file complaints through Open311.

Examples::

    ddgov open311 key create --name "Traffy Fondue"   # prints only the key, one line
    ddgov open311 key list                             # prefix, state, last use, name
    ddgov open311 key revoke 3f9a1c0b                  # by the key's first 8 characters

``key create`` writes exactly one line to stdout, the API key (64 hexadecimal characters),
which is shown only this once: only its SHA-256 digest is stored. Notes for people go to stderr.
Errors (unknown or ambiguous prefix, bad name) exit with status 1; bad arguments with status 2.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ddgov.complaints.models import Open311Client
from ddgov.complaints.services.open311_keys import (
    open311_client_create,
    open311_client_list,
    open311_client_revoke,
    open311_clients_by_prefix,
)


def _when(client: Open311Client) -> str:
    return client.last_used_at.isoformat(timespec="seconds") if client.last_used_at else "-"


class Command(BaseCommand):
    help = "Open311 GeoReport v2 API keys: create (shown once), list, revoke."

    def add_arguments(self, parser: CommandParser) -> None:
        kinds = parser.add_subparsers(dest="resource", required=True)
        key = kinds.add_parser("key", help="API keys of Open311 client applications")
        actions = key.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="issue a key; prints only the key")
        create.add_argument("--name", required=True, help="who the key is for (shown in lists)")
        actions.add_parser("list", help="list keys: prefix, state, last used, name")
        revoke = actions.add_parser("revoke", help="revoke a key by its first 8 characters")
        revoke.add_argument("prefix", metavar="PREFIX", help="the key's prefix (see 'key list')")

    def handle(self, *args: Any, **options: Any) -> None:
        handlers = {
            ("key", "create"): self._create,
            ("key", "list"): self._list,
            ("key", "revoke"): self._revoke,
        }
        handlers[(options["resource"], options["action"])](options)

    def _create(self, options: dict[str, Any]) -> None:
        try:
            client, api_key = open311_client_create(name=options["name"])
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(api_key)
        self.stderr.write(
            f"Open311 key {client.key_prefix}… for {client.name!r}. Store it now: it is shown "
            "only this once. / บันทึกคีย์ไว้ทันที ระบบจะแสดงเพียงครั้งเดียว"
        )

    def _list(self, options: dict[str, Any]) -> None:
        clients = open311_client_list()
        if not clients:
            self.stderr.write("No Open311 keys yet. / ยังไม่มีคีย์ Open311")
            return
        for client in clients:
            state = "revoked" if client.revoked_at else "active"
            self.stdout.write(f"{client.key_prefix}\t{state}\t{_when(client)}\t{client.name}")

    def _revoke(self, options: dict[str, Any]) -> None:
        prefix = options["prefix"]
        matches = open311_clients_by_prefix(prefix=prefix)
        if not matches:
            msg = (
                f"No Open311 key starts with {prefix!r} (give at least 4 of its first 8 "
                f"characters; see 'ddgov open311 key list'). / ไม่พบคีย์ที่ขึ้นต้นด้วย {prefix!r}"
            )
            raise CommandError(msg)
        if len(matches) > 1:
            names = ", ".join(f"{c.key_prefix} ({c.name})" for c in matches)
            msg = (
                f"{prefix!r} matches {len(matches)} keys: {names}; give more characters. / "
                f"คีย์ที่ขึ้นต้นด้วย {prefix!r} มีมากกว่าหนึ่งคีย์ กรุณาระบุให้ยาวขึ้น"
            )
            raise CommandError(msg)
        client = open311_client_revoke(client=matches[0])
        self.stdout.write(f"revoked: {client.key_prefix} ({client.name})")
