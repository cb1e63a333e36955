"""``ddgov token create USERNAME``: print a new API token for that user (shown once)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ddgov.identity.selectors import user_by_username
from ddgov.identity.services import api_token_create


class Command(BaseCommand):
    help = "API tokens. 'create USERNAME' prints a new token on its own line."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a token for a user")
        create.add_argument("username")
        create.add_argument("--name", default="api", help="a label for the token")

    def handle(self, *args: Any, **options: Any) -> None:
        user = user_by_username(username=options["username"])
        if user is None:
            msg = f"no user named {options['username']!r} / ไม่พบผู้ใช้ชื่อนี้"
            raise CommandError(msg)
        try:
            token = api_token_create(actor=None, user=user, name=options["name"])
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(token)
