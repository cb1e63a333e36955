"""Setup and check steps of ``bench exchange-gateway``, run in a child with the bench's database.

``python -m bench._exchange_setup setup '<json>'`` migrates the throw-away database and
registers, through the exchange's own services (no hand-written SQL), what one benchmarked
call needs: a provider member and subsystem with an *external* service ``person`` pointing at
the bench's provider (``GET /persons/{citizen_id}``, personal data, the citizen ID as the
subject), a consumer member and subsystem, a purpose, an access grant on the public-task
lawful basis and an OAuth2 client for the consumer (the bench raises the deployment's rate
limit, ``DDGOV_EXCHANGE_RATE_PER_MINUTE``, so that it does not interfere). It prints one JSON
line: the client's id and secret, the identifiers and the paths to call (200 citizen IDs).

``python -m bench._exchange_setup verify '<json>'`` counts the message records the gateway
wrote (all, and those for the benchmarked service) and runs the log's full verification.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

PROVIDER_MEMBER = "DOPA"
PROVIDER_SUBSYSTEM = "registry"
SERVICE = "person"
CONSUMER_MEMBER = "DSDW"
CONSUMER_SUBSYSTEM = "welfare"
PURPOSE = "welfare-eligibility"
SUBJECTS = 200
OPENAPI: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Person lookup (bench provider)", "version": "1"},
    "paths": {
        "/persons/{citizen_id}": {
            "get": {
                "operationId": "getPerson",
                "parameters": [
                    {
                        "name": "citizen_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "pattern": "^[0-9]{13}$"},
                    }
                ],
                "responses": {"200": {"description": "The person"}},
            }
        }
    },
}


def setup(config: dict[str, Any]) -> dict[str, Any]:
    """Migrate, register provider, service, consumer, grant and client; return how to call."""
    from django.core.management import call_command  # noqa: PLC0415

    from ddgov.exchange.demo.agencies import demo_agency_ensure  # noqa: PLC0415
    from ddgov.exchange.ids import ClientId, ServiceId  # noqa: PLC0415
    from ddgov.exchange.messagelog.keys import signing_key  # noqa: PLC0415
    from ddgov.exchange.services.registry import (  # noqa: PLC0415
        member_register,
        service_register_external,
        subsystem_client_create,
        subsystem_register,
    )
    from ddgov.exchange.services.rights import grant_create, purpose_define  # noqa: PLC0415
    from ddgov.identity.thaiid import thai_id_complete  # noqa: PLC0415

    call_command("migrate", verbosity=0)
    # The signing key file is created on first use; make it now, so that several gateway
    # workers starting together do not each create (and overwrite) one.
    signing_key()
    provider = member_register(
        agency=demo_agency_ensure(code="dopa"),
        code=PROVIDER_MEMBER,
    )
    registry = subsystem_register(
        member=provider, code=PROVIDER_SUBSYSTEM, name_th="ทะเบียนราษฎร", name_en="Civil registry"
    )
    service = service_register_external(
        subsystem=registry,
        code=SERVICE,
        title_th="ข้อมูลบุคคลตามเลขประจำตัวประชาชน",
        title_en="Person by citizen ID",
        base_url=config["provider_url"],
        openapi=OPENAPI,
        personal_data=True,
        subject_param="citizen_id",
    )
    consumer_member = member_register(
        agency=demo_agency_ensure(code="dsdw"),
        code=CONSUMER_MEMBER,
    )
    consumer = subsystem_register(
        member=consumer_member,
        code=CONSUMER_SUBSYSTEM,
        name_th="ระบบสวัสดิการสังคม",
        name_en="Social welfare system",
    )
    purpose = purpose_define(
        code=PURPOSE, name_th="ตรวจสอบสิทธิสวัสดิการ", name_en="Welfare eligibility check"
    )
    grant_create(
        service=service,
        client=consumer,
        purposes=[purpose],
        lawful_basis="public_task",
    )  # the rate limit is the deployment's, raised by the bench (DDGOV_EXCHANGE_RATE_PER_MINUTE)
    created = subsystem_client_create(subsystem=consumer)
    service_id = ServiceId(member=PROVIDER_MEMBER, subsystem=PROVIDER_SUBSYSTEM, service=SERVICE)
    subjects = [thai_id_complete(f"11002{k:07d}") for k in range(SUBJECTS)]
    return {
        "client_id": created.client_id,
        "client_secret": created.client_secret,
        "client": str(ClientId(member=CONSUMER_MEMBER, subsystem=CONSUMER_SUBSYSTEM)),
        "service_id": str(service_id),
        "purpose": PURPOSE,
        "direct_paths": [f"/persons/{s}" for s in subjects],
        "gateway_paths": [f"/x/r1/{service_id}/persons/{s}" for s in subjects],
    }


def verify(config: dict[str, Any]) -> dict[str, Any]:
    """Count the gateway's message records and verify the whole log."""
    from ddgov.exchange.models import Checkpoint, MessageRecord  # noqa: PLC0415
    from ddgov.exchange.services.messagelog import messagelog_verify  # noqa: PLC0415

    report = messagelog_verify()
    records = MessageRecord.objects.filter(service_id=config["service_id"])
    return {
        "records": MessageRecord.objects.count(),
        "service_records": records.count(),
        "service_ok": records.filter(status=200).count(),
        "streams": MessageRecord.objects.values("stream").distinct().count(),
        "checkpoints": Checkpoint.objects.count(),
        "ok": bool(report.ok),
        "describe": report.describe(),
    }


def main() -> None:
    """``setup`` or ``verify`` with a JSON argument; print one JSON line."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ddgov.settings")
    import django  # noqa: PLC0415

    django.setup()
    step, config = sys.argv[1], json.loads(sys.argv[2] if len(sys.argv) > 2 else "{}")
    result = {"setup": setup, "verify": verify}[step](config)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
