"""A dataset-backed service called through the gateway over HTTP (answered by the analytics engine)."""

from __future__ import annotations

from typing import Any

import pytest

from ddgov.agencies.tests.factories import DepartmentFactory
from ddgov.exchange import errors
from ddgov.exchange.models import LawfulBasis, MessageRecord
from ddgov.exchange.services.consent import consent_give
from ddgov.exchange.services.rights import agreement_publish, grant_create
from ddgov.exchange.tests.factories import MemberFactory, PurposeFactory, SubsystemFactory
from ddgov.exchange.tests.test_dataset import FARMER, NOBODY, classified_resource, register
from ddgov.exchange.tests.test_gateway import assert_refused

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def farmers(issue_token: Any) -> dict[str, Any]:
    agency = DepartmentFactory(code="oae", name_th="สำนักงานเศรษฐกิจการเกษตร", name_en="OAE")
    provider = SubsystemFactory(member=MemberFactory(agency=agency, code="OAE"), code="farmers")
    service = register(provider, classified_resource(agency))
    consumer = SubsystemFactory(code="welfare")
    purpose = PurposeFactory(code="farm-aid")
    grant = grant_create(
        service=service, client=consumer, purposes=[purpose], lawful_basis=LawfulBasis.PUBLIC_TASK
    )
    return {
        "service": service,
        "consumer": consumer,
        "purpose": purpose,
        "grant": grant,
        "token": issue_token(consumer),
    }


def lookup(base: str, world: dict[str, Any], key: str, exchange_call: Any) -> Any:
    return exchange_call(
        base,
        "TH/GOV/OAE/farmers/farmer-by-id",
        f"/records/{key}",
        world["token"],
        world["consumer"],
        world["purpose"].code,
    )


def test_dataset_service_through_the_gateway(
    exchange_server: str, farmers: dict[str, Any], exchange_call: Any, log_flush: Any
) -> None:
    reply = lookup(exchange_server, farmers, FARMER, exchange_call)
    assert reply.status == 200, reply.body
    assert reply.header("X-Road-Error") is None
    assert reply.header("Content-Type").startswith("application/json")
    body = reply.json()
    assert body["count"] == 1
    assert body["rows"][0]["citizen_id"] == FARMER
    assert "secret_note" not in body["rows"][0]
    # No matching row: the service's own 404 passes through, not an exchange error.
    missing = lookup(exchange_server, farmers, NOBODY, exchange_call)
    assert missing.status == 404
    assert missing.header("X-Road-Error") is None
    log_flush()
    record = MessageRecord.objects.get(request_id=reply.header("X-Road-Request-Id"))
    assert record.service_id == "TH/GOV/OAE/farmers/farmer-by-id"
    assert record.path == f"/records/{FARMER}"
    assert record.subjects == [FARMER]
    assert record.status == 200


def test_dataset_service_with_consent(
    exchange_server: str, farmers: dict[str, Any], exchange_call: Any
) -> None:
    from django.utils import timezone

    farmers["grant"].revoked_at = timezone.now()
    farmers["grant"].save()
    grant_create(
        service=farmers["service"],
        client=farmers["consumer"],
        purposes=[farmers["purpose"]],
        lawful_basis=LawfulBasis.CONSENT,
    )
    agreement = agreement_publish(
        service=farmers["service"],
        client=farmers["consumer"],
        purpose=farmers["purpose"],
        text_th="ยินยอมให้ตรวจสอบข้อมูลเกษตรกรเพื่อรับความช่วยเหลือ",
    )
    assert_refused(
        lookup(exchange_server, farmers, FARMER, exchange_call), 403, errors.CONSENT_REQUIRED
    )
    consent_give(agreement=agreement, citizen_id=FARMER, actor=None)
    assert lookup(exchange_server, farmers, FARMER, exchange_call).status == 200
