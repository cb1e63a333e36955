r"""``ddgov oidc client create``: register an agency system that signs people in through One ID.

Example::

    ddgov oidc client create --name "DOPA e-Service" --grant authorization-code \
        --redirect-uri https://eservice.dopa.go.th/oidc/callback --agency dopa --skip-consent
    ddgov oidc client create --name "Nightly sync" --grant client-credentials

The plain client secret is printed once; only its hash is stored.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ddgov.agencies.selectors import agency_get
from ddgov.identity.oidc_clients import OidcGrant, oidc_client_create


class Command(BaseCommand):
    help = "One ID (OpenID Connect) tools. 'client create' registers a relying party."

    def add_arguments(self, parser: CommandParser) -> None:
        resources = parser.add_subparsers(dest="resource", required=True)
        client = resources.add_parser("client", help="relying parties (agency systems)")
        actions = client.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="register a confidential client")
        create.add_argument("--name", required=True, help="the system's name, shown on consent")
        create.add_argument(
            "--grant",
            required=True,
            choices=[grant.value for grant in OidcGrant],
            help="authorization-code for people signing in; client-credentials for machines",
        )
        create.add_argument(
            "--redirect-uri",
            dest="redirect_uris",
            action="append",
            default=[],
            metavar="URI",
            help="where the code is sent back (repeat for several); authorization-code only",
        )
        create.add_argument(
            "--skip-consent",
            dest="skip_authorization",
            action="store_true",
            help="do not ask users to consent (trusted government systems only)",
        )
        create.add_argument("--agency", metavar="CODE", help="code of the agency that runs it")

    def handle(self, *args: Any, **options: Any) -> None:
        if (options["resource"], options["action"]) == ("client", "create"):
            self._client_create(options)

    def _client_create(self, options: dict[str, Any]) -> None:
        agency = None
        if options.get("agency"):
            agency = agency_get(code=options["agency"])
            if agency is None:
                msg = f"no agency with code {options['agency']!r}"
                raise CommandError(msg)
        try:
            created = oidc_client_create(
                name=options["name"],
                grant=options["grant"],
                redirect_uris=options["redirect_uris"],
                skip_authorization=options["skip_authorization"],
                agency=agency,
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(f"client_id: {created.client_id}")
        self.stdout.write(f"client_secret: {created.client_secret}")
        self.stderr.write(
            "Store the secret now: it is shown only this once. / "
            "บันทึกรหัสลับไว้ทันที ระบบจะแสดงเพียงครั้งเดียว"
        )
