r"""``ddgov exchange``: register members, subsystems and clients; check and maintain the message log.

Examples::

    ddgov exchange member add --agency dopa --code DOPA
    ddgov exchange subsystem add --member DOPA --code population --name-th "ทะเบียนราษฎร"
    ddgov exchange client create --member DOPA --subsystem population
    ddgov exchange client revoke --client-id <client id>
    ddgov exchange service list [--member DOPA]
    ddgov exchange verify          # exit 0 "OK: …", exit 1 "TAMPERED: …" (both on stdout)
    ddgov exchange checkpoint      # sign the heads of every message-log stream now
    ddgov exchange prune           # delete records older than the retention period

``client create`` prints exactly two lines, ``client_id: <id>`` and ``client_secret: <secret>``
(the secret is shown only this once). Errors go to stderr with exit status 1; bad arguments
exit with status 2.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ddgov.agencies.selectors import agency_get
from ddgov.exchange.ids import ClientId
from ddgov.exchange.selectors.registry import (
    member_get,
    service_identifier,
    services_for_agencies,
    subsystem_client_get,
    subsystem_get,
)
from ddgov.exchange.services.registry import (
    member_register,
    subsystem_client_create,
    subsystem_client_revoke,
    subsystem_register,
)


def _failed(exc: ValidationError) -> CommandError:
    return CommandError("; ".join(exc.messages))


class Command(BaseCommand):
    help = (
        "Government Data Exchange tools: members, subsystems, clients, services; "
        "verify, checkpoint and prune the signed message log."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        kinds = parser.add_subparsers(dest="resource", required=True)

        client = kinds.add_parser("client", help="OAuth2 clients of subsystems")
        client_actions = client.add_subparsers(dest="action", required=True)
        create = client_actions.add_parser(
            "create", help="issue a subsystem a client id and secret"
        )
        create.add_argument("--member", required=True, metavar="M", help="member code")
        create.add_argument("--subsystem", required=True, metavar="S", help="subsystem code")
        revoke = client_actions.add_parser("revoke", help="revoke one client of a subsystem")
        revoke.add_argument("--client-id", required=True, metavar="ID", help="its OAuth2 client id")

        member = kinds.add_parser("member", help="agencies on the exchange")
        member_actions = member.add_subparsers(dest="action", required=True)
        member_add = member_actions.add_parser("add", help="register an agency as a member")
        member_add.add_argument("--agency", required=True, metavar="CODE", help="agency code")
        member_add.add_argument("--code", required=True, metavar="M", help="member code")

        subsystem = kinds.add_parser("subsystem", help="applications of members")
        subsystem_actions = subsystem.add_subparsers(dest="action", required=True)
        subsystem_add = subsystem_actions.add_parser("add", help="register a subsystem")
        subsystem_add.add_argument("--member", required=True, metavar="M", help="member code")
        subsystem_add.add_argument("--code", required=True, metavar="S", help="subsystem code")
        subsystem_add.add_argument("--name-th", required=True, help="Thai name")
        subsystem_add.add_argument("--name-en", default="", help="English name")

        service = kinds.add_parser("service", help="registered services")
        service_actions = service.add_subparsers(dest="action", required=True)
        service_list = service_actions.add_parser("list", help="list services, one per line")
        service_list.add_argument("--member", metavar="M", help="only this member's services")

        kinds.add_parser("verify", help="check every message-log record and checkpoint")
        kinds.add_parser("checkpoint", help="write a signed checkpoint now")
        kinds.add_parser("prune", help="delete message-log records past the retention period")

    def handle(self, *args: Any, **options: Any) -> None:
        handlers = {
            ("client", "create"): self._client_create,
            ("client", "revoke"): self._client_revoke,
            ("member", "add"): self._member_add,
            ("subsystem", "add"): self._subsystem_add,
            ("service", "list"): self._service_list,
            ("verify", None): self._verify,
            ("checkpoint", None): self._checkpoint,
            ("prune", None): self._prune,
        }
        handlers[(options["resource"], options.get("action"))](options)

    # --- registry --------------------------------------------------------------------------

    def _client_create(self, options: dict[str, Any]) -> None:
        wanted = ClientId(member=options["member"], subsystem=options["subsystem"])
        subsystem = subsystem_get(client_id=wanted)
        if subsystem is None:
            msg = f"no active subsystem {wanted}"
            raise CommandError(msg)
        try:
            created = subsystem_client_create(subsystem=subsystem)
        except ValidationError as exc:
            raise _failed(exc) from exc
        self.stdout.write(f"client_id: {created.client_id}")
        self.stdout.write(f"client_secret: {created.client_secret}")
        self.stderr.write(
            f"Client of {wanted}. Store the secret now: it is shown only this once. / "
            "บันทึกรหัสลับไว้ทันที ระบบจะแสดงเพียงครั้งเดียว"
        )

    def _client_revoke(self, options: dict[str, Any]) -> None:
        client = subsystem_client_get(client_id=options["client_id"])
        if client is None:
            msg = f"no exchange client with id {options['client_id']!r}"
            raise CommandError(msg)
        subsystem_client_revoke(client=client)
        self.stdout.write(f"revoked: {client.application.client_id}")

    def _member_add(self, options: dict[str, Any]) -> None:
        agency = agency_get(code=options["agency"])
        if agency is None:
            msg = f"no agency with code {options['agency']!r}"
            raise CommandError(msg)
        try:
            member = member_register(agency=agency, code=options["code"])
        except ValidationError as exc:
            raise _failed(exc) from exc
        self.stdout.write(f"member: {member.code}")

    def _subsystem_add(self, options: dict[str, Any]) -> None:
        member = member_get(code=options["member"])
        if member is None:
            msg = f"no member with code {options['member']!r}"
            raise CommandError(msg)
        try:
            subsystem = subsystem_register(
                member=member,
                code=options["code"],
                name_th=options["name_th"],
                name_en=options["name_en"],
            )
        except ValidationError as exc:
            raise _failed(exc) from exc
        self.stdout.write(f"subsystem: {ClientId(member=member.code, subsystem=subsystem.code)}")

    def _service_list(self, options: dict[str, Any]) -> None:
        agency_ids = None
        if options.get("member"):
            member = member_get(code=options["member"])
            if member is None:
                msg = f"no member with code {options['member']!r}"
                raise CommandError(msg)
            agency_ids = [member.agency_id]
        for service in services_for_agencies(agency_ids=agency_ids):
            if agency_ids is not None and service.subsystem.member.agency_id not in agency_ids:
                continue  # granted to this member, not provided by it
            state = "active" if service.is_active else "inactive"
            personal = "personal" if service.personal_data else "-"
            title = service.title_th
            self.stdout.write(
                f"{service_identifier(service=service)}\t{service.kind}\t{state}\t{personal}\t{title}"
            )

    # --- message log (part B's services, imported when used) -------------------------------

    def _verify(self, options: dict[str, Any]) -> None:
        from ddgov.exchange.services.messagelog import messagelog_verify  # noqa: PLC0415

        report = messagelog_verify()
        self.stdout.write(report.describe())
        if not report.ok:
            self.stdout.flush()
            raise SystemExit(1)

    def _checkpoint(self, options: dict[str, Any]) -> None:
        from ddgov.exchange.services.messagelog import checkpoint_create  # noqa: PLC0415

        checkpoint = checkpoint_create()
        if checkpoint is None:
            self.stdout.write("no checkpoint needed: no new records")
        else:
            self.stdout.write(f"checkpoint: seq={checkpoint.seq} at={checkpoint.at.isoformat()}")

    def _prune(self, options: dict[str, Any]) -> None:
        from ddgov.exchange.services.messagelog import messagelog_prune  # noqa: PLC0415

        deleted = messagelog_prune()
        self.stdout.write(f"pruned: {deleted} records")
