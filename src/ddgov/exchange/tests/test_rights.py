"""Access rights: purposes, grants and data agreement versions."""

from __future__ import annotations

import hashlib
import json

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from ddgov.audit.models import AuditRecord
from ddgov.exchange.models import AccessGrant, DataAgreement, LawfulBasis, Purpose
from ddgov.exchange.services.rights import (
    agreement_publish,
    agreement_revision_hash,
    agreement_terms,
    grant_create,
    grant_revoke,
    purpose_define,
)
from ddgov.exchange.tests.factories import ExternalServiceFactory, PurposeFactory, SubsystemFactory
from ddgov.identity.tests.factories import StaffUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def personal_service():
    return ExternalServiceFactory(
        subsystem__member__code="DOPA",
        subsystem__code="population",
        code="persons",
        personal_data=True,
        subject_param="citizen_id",
    )


# --- purposes ------------------------------------------------------------------------------------


def test_purpose_define_creates_updates_and_is_idempotent():
    purpose = purpose_define(
        code="welfare-eligibility", name_th="ตรวจสอบสิทธิสวัสดิการ", name_en="Welfare eligibility"
    )
    assert Purpose.objects.get(code="welfare-eligibility") == purpose
    again = purpose_define(
        code="welfare-eligibility", name_th="ตรวจสอบสิทธิสวัสดิการ", name_en="Welfare eligibility"
    )
    assert again.pk == purpose.pk
    assert AuditRecord.objects.filter(action="exchange.purpose.define").count() == 1
    changed = purpose_define(
        code="welfare-eligibility", name_th="ตรวจสิทธิ", name_en="Eligibility", description="d"
    )
    assert (changed.name_th, changed.description) == ("ตรวจสิทธิ", "d")
    assert AuditRecord.objects.filter(action="exchange.purpose.define").count() == 2


@pytest.mark.parametrize(
    ("code", "name_th", "name_en"),
    [("bad code", "ก", "a"), ("", "ก", "a"), ("-x", "ก", "a"), ("ok", "", "a"), ("ok", "ก", " ")],
)
def test_purpose_define_validation(code, name_th, name_en):
    with pytest.raises(ValidationError) as caught:
        purpose_define(code=code, name_th=name_th, name_en=name_en)
    assert " / " in caught.value.messages[0]
    assert not Purpose.objects.exists()


# --- grants --------------------------------------------------------------------------------------


def test_grant_create_records_purposes_basis_granter_and_audit(personal_service):
    consumer = SubsystemFactory(member__code="DSDW", code="welfare")
    purposes = [PurposeFactory(code="welfare-eligibility"), PurposeFactory(code="audit")]
    actor = StaffUserFactory()

    grant = grant_create(
        service=personal_service,
        client=consumer,
        purposes=purposes,
        lawful_basis=LawfulBasis.PUBLIC_TASK,
        rate_per_minute=120,
        actor=actor,
    )

    assert sorted(grant.purposes.values_list("code", flat=True)) == [
        "audit",
        "welfare-eligibility",
    ]
    assert (grant.lawful_basis, grant.rate_per_minute, grant.granted_by) == (
        "public_task",
        120,
        actor,
    )
    record = AuditRecord.objects.get(action="exchange.grant.create")
    assert record.agency_code == personal_service.subsystem.member.agency.code
    assert record.actor_id == actor.pk


def test_personal_data_grant_needs_a_lawful_basis(personal_service):
    with pytest.raises(ValidationError) as caught:
        grant_create(
            service=personal_service, client=SubsystemFactory(), purposes=[PurposeFactory()]
        )
    message = caught.value.message_dict["lawful_basis"][0]
    assert "lawful basis" in message
    assert "ฐานทางกฎหมาย" in message
    with pytest.raises(ValidationError) as caught:
        grant_create(
            service=personal_service,
            client=SubsystemFactory(),
            purposes=[PurposeFactory()],
            lawful_basis="because",
        )
    assert "lawful_basis" in caught.value.message_dict


def test_non_personal_grant_needs_no_basis_but_a_purpose():
    service = ExternalServiceFactory()
    consumer = SubsystemFactory()
    with pytest.raises(ValidationError) as caught:
        grant_create(service=service, client=consumer, purposes=[])
    assert "purposes" in caught.value.message_dict
    grant = grant_create(service=service, client=consumer, purposes=[PurposeFactory()])
    assert grant.lawful_basis == ""


def test_consent_grant_without_an_agreement_is_accepted(personal_service):
    grant = grant_create(
        service=personal_service,
        client=SubsystemFactory(),
        purposes=[PurposeFactory()],
        lawful_basis=LawfulBasis.CONSENT,
    )
    assert grant.lawful_basis == "consent"
    assert not DataAgreement.objects.exists()


@pytest.mark.parametrize("rate", [0, -1, 1_000_001])
def test_rate_bounds(rate):
    with pytest.raises(ValidationError) as caught:
        grant_create(
            service=ExternalServiceFactory(),
            client=SubsystemFactory(),
            purposes=[PurposeFactory()],
            rate_per_minute=rate,
        )
    assert "rate_per_minute" in caught.value.message_dict


def test_one_active_grant_per_pair_and_revoke_allows_a_new_one():
    service, consumer = ExternalServiceFactory(), SubsystemFactory()
    first = grant_create(service=service, client=consumer, purposes=[PurposeFactory()])
    with pytest.raises(ValidationError) as caught:
        grant_create(service=service, client=consumer, purposes=[PurposeFactory()])
    assert "revoke" in caught.value.messages[0]

    grant_revoke(grant=first, actor=None)
    first.refresh_from_db()
    assert first.revoked_at is not None
    assert AuditRecord.objects.filter(action="exchange.grant.revoke").count() == 1
    grant_revoke(grant=first)  # revoking twice changes nothing
    assert AuditRecord.objects.filter(action="exchange.grant.revoke").count() == 1

    second = grant_create(service=service, client=consumer, purposes=[PurposeFactory()])
    assert AccessGrant.objects.filter(revoked_at__isnull=True).get() == second


def test_database_also_refuses_two_active_grants():
    service, consumer = ExternalServiceFactory(), SubsystemFactory()
    AccessGrant.objects.create(service=service, client=consumer)
    with pytest.raises(IntegrityError):
        AccessGrant.objects.create(service=service, client=consumer)


def test_grants_need_active_service_and_client():
    with pytest.raises(ValidationError) as caught:
        grant_create(
            service=ExternalServiceFactory(is_active=False),
            client=SubsystemFactory(),
            purposes=[PurposeFactory()],
        )
    assert "service" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        grant_create(
            service=ExternalServiceFactory(),
            client=SubsystemFactory(member__is_active=False),
            purposes=[PurposeFactory()],
        )
    assert "client" in caught.value.message_dict


# --- data agreements -----------------------------------------------------------------------------


def test_agreement_versions_replace_each_other(personal_service):
    consumer = SubsystemFactory(member__code="DSDW", code="welfare")
    purpose = PurposeFactory(code="welfare-eligibility")
    other_purpose = PurposeFactory(code="statistics")

    first = agreement_publish(
        service=personal_service,
        client=consumer,
        purpose=purpose,
        text_th="ยินยอมให้กรมพัฒนาสังคมฯ อ่านข้อมูลทะเบียนราษฎรเพื่อตรวจสิทธิ",
        text_en="I allow DSDW to read my civil registration to check eligibility.",
        dpia_url="https://dsdw.go.th/dpia/welfare",
    )
    second = agreement_publish(
        service=personal_service, client=consumer, purpose=purpose, text_th="ข้อความใหม่"
    )
    separate = agreement_publish(
        service=personal_service, client=consumer, purpose=other_purpose, text_th="สถิติ"
    )

    first.refresh_from_db()
    assert (first.version, first.is_active) == (1, False)
    assert (second.version, second.is_active) == (2, True)
    assert (separate.version, separate.is_active) == (1, True)
    assert first.revision_hash != second.revision_hash
    terms = agreement_terms(agreement=first)
    assert terms == {
        "service": "TH/GOV/DOPA/population/persons",
        "client": "TH/GOV/DSDW/welfare",
        "purpose": "welfare-eligibility",
        "lawful_basis": "consent",
        "version": 1,
        "text_th": "ยินยอมให้กรมพัฒนาสังคมฯ อ่านข้อมูลทะเบียนราษฎรเพื่อตรวจสิทธิ",
        "text_en": "I allow DSDW to read my civil registration to check eligibility.",
        "dpia_url": "https://dsdw.go.th/dpia/welfare",
    }
    canonical = json.dumps(terms, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert first.revision_hash == hashlib.sha256(canonical.encode()).hexdigest()
    assert agreement_revision_hash(agreement=first) == first.revision_hash
    assert AuditRecord.objects.filter(action="exchange.agreement.publish").count() == 3


def test_same_text_republished_still_gets_a_new_revision(personal_service):
    consumer, purpose = SubsystemFactory(), PurposeFactory()
    first = agreement_publish(
        service=personal_service, client=consumer, purpose=purpose, text_th="ก"
    )
    second = agreement_publish(
        service=personal_service, client=consumer, purpose=purpose, text_th="ก"
    )
    assert first.revision_hash != second.revision_hash  # the version is part of the terms


def test_agreement_validation(personal_service):
    consumer, purpose = SubsystemFactory(), PurposeFactory()
    with pytest.raises(ValidationError) as caught:
        agreement_publish(
            service=ExternalServiceFactory(personal_data=False),
            client=consumer,
            purpose=purpose,
            text_th="ก",
        )
    assert "service" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        agreement_publish(service=personal_service, client=consumer, purpose=purpose, text_th=" ")
    assert "text_th" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        agreement_publish(
            service=personal_service,
            client=consumer,
            purpose=purpose,
            text_th="ก",
            dpia_url="not a url",
        )
    assert "dpia_url" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        agreement_publish(
            service=personal_service,
            client=consumer,
            purpose=purpose,
            text_th="ก",
            lawful_basis="nope",
        )
    assert "lawful_basis" in caught.value.message_dict
    assert not DataAgreement.objects.exists()


@pytest.mark.django_db
def test_grant_with_purpose_codes_instead_of_records_is_a_clear_error() -> None:
    service = ExternalServiceFactory()
    with pytest.raises(ValidationError) as excinfo:
        grant_create(service=service, client=SubsystemFactory(), purposes=["welfare"])  # type: ignore[list-item]
    assert "purposes" in excinfo.value.message_dict
