"""PDPA consent: give, withdraw, give again; the signed event chain; the citizen's view."""

from __future__ import annotations

import base64
import hashlib

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction

from ddgov.audit.models import AuditRecord
from ddgov.exchange.messagelog import keys
from ddgov.exchange.models import ConsentEvent, ConsentRecord, DataAgreement
from ddgov.exchange.selectors.consent import (
    agreement_get,
    agreements_for_citizen,
    consent_events_list,
    consent_record_for_citizen,
    consent_valid,
)
from ddgov.exchange.services.consent import (
    GENESIS,
    consent_event_hash,
    consent_events_verify,
    consent_give,
    consent_record_problem,
    consent_withdraw,
)
from ddgov.exchange.services.rights import agreement_publish
from ddgov.exchange.tests.factories import ExternalServiceFactory, PurposeFactory, SubsystemFactory
from ddgov.exchange.triggers import evidence_triggers_suspended
from ddgov.identity.tests.factories import CitizenUserFactory, PersonFactory, StaffUserFactory
from ddgov.identity.thaiid import thai_id_complete

pytestmark = pytest.mark.django_db

CITIZEN = thai_id_complete("110020000001")
OTHER_CITIZEN = thai_id_complete("110020000002")


@pytest.fixture
def service():
    return ExternalServiceFactory(
        subsystem__member__code="DOPA",
        subsystem__code="population",
        code="persons",
        personal_data=True,
        subject_param="citizen_id",
    )


@pytest.fixture
def consumer():
    return SubsystemFactory(member__code="DSDW", code="welfare", name_th="ระบบสวัสดิการ")


@pytest.fixture
def purpose():
    return PurposeFactory(code="welfare-eligibility", name_th="ตรวจสิทธิ", name_en="Eligibility")


@pytest.fixture
def agreement(service, consumer, purpose) -> DataAgreement:
    return agreement_publish(
        service=service,
        client=consumer,
        purpose=purpose,
        text_th="ยินยอมให้อ่านข้อมูลทะเบียนราษฎรเพื่อตรวจสิทธิสวัสดิการ",
        text_en="I allow my civil registration to be read to check welfare eligibility.",
    )


def events_of(record: ConsentRecord) -> list[ConsentEvent]:
    return list(ConsentEvent.objects.filter(record=record).order_by("seq"))


# --- give, withdraw, give again --------------------------------------------------------------------


def test_give_creates_a_record_and_a_signed_first_event(agreement):
    person = PersonFactory(citizen_id=CITIZEN)
    citizen = CitizenUserFactory(person=person)

    record = consent_give(agreement=agreement, citizen_id=CITIZEN, actor=citizen)

    assert record.state == ConsentRecord.State.GIVEN
    assert record.agreement_revision_hash == agreement.revision_hash
    (event,) = events_of(record)
    assert (event.seq, event.state, event.prev_hash, event.actor) == (1, "given", GENESIS, citizen)
    assert event.hash == consent_event_hash(event=event, record=record)
    assert keys.signature_valid(
        digest_hex=event.hash, signature=event.signature, key_id=event.key_id
    )
    audit = AuditRecord.objects.get(action="exchange.consent.given")
    assert audit.actor_id == citizen.pk
    assert audit.acting_for == f"person:{person.pk}"
    assert audit.agency_code == agreement.client.member.agency.code
    assert audit.target_id == str(record.pk)
    assert audit.detail["service"] == "TH/GOV/DOPA/population/persons"
    assert audit.detail["client"] == "TH/GOV/DSDW/welfare"
    assert audit.detail["purpose"] == "welfare-eligibility"
    assert consent_events_verify(record=record)


def test_withdraw_then_give_again_extends_the_chain(agreement):
    record = consent_give(agreement=agreement, citizen_id=CITIZEN, actor=None)
    assert consent_give(agreement=agreement, citizen_id=CITIZEN, actor=None).pk == record.pk
    assert len(events_of(record)) == 1  # already given: nothing new

    withdrawn = consent_withdraw(record=record, actor=None)
    assert withdrawn.state == ConsentRecord.State.WITHDRAWN
    consent_withdraw(record=record, actor=None)  # already withdrawn: nothing new
    regiven = consent_give(agreement=agreement, citizen_id=CITIZEN, actor=None)

    assert regiven.pk == record.pk
    assert regiven.state == ConsentRecord.State.GIVEN
    events = events_of(record)
    assert [(e.seq, e.state) for e in events] == [(1, "given"), (2, "withdrawn"), (3, "given")]
    assert events[1].prev_hash == events[0].hash
    assert events[2].prev_hash == events[1].hash
    assert consent_events_verify(record=regiven)
    assert AuditRecord.objects.filter(action="exchange.consent.given").count() == 2
    withdrawal = AuditRecord.objects.get(action="exchange.consent.withdrawn")
    assert withdrawal.acting_for == f"citizen:{CITIZEN}"  # no Person row for this ID


def test_withdrawal_is_seen_by_the_next_check(service, consumer, agreement):
    record = consent_give(agreement=agreement, citizen_id=CITIZEN, actor=None)
    check = {"service": service, "client": consumer, "citizen_id": CITIZEN}
    assert consent_valid(**check, purpose_code="welfare-eligibility")
    assert not consent_valid(**check, purpose_code="other-purpose")
    consent_withdraw(record=record, actor=None)
    assert not consent_valid(**check, purpose_code="welfare-eligibility")
    consent_give(agreement=agreement, citizen_id=CITIZEN, actor=None)
    assert consent_valid(**check, purpose_code="welfare-eligibility")


def test_consent_to_an_old_revision_does_not_count_for_the_new_one(
    service, consumer, purpose, agreement
):
    consent_give(agreement=agreement, citizen_id=CITIZEN, actor=None)
    newer = agreement_publish(service=service, client=consumer, purpose=purpose, text_th="ใหม่")

    assert not consent_valid(
        service=service, client=consumer, purpose_code=purpose.code, citizen_id=CITIZEN
    )
    with pytest.raises(ValidationError):  # the old version can no longer be consented to
        consent_give(agreement=agreement, citizen_id=OTHER_CITIZEN, actor=None)
    (view,) = agreements_for_citizen(citizen_id=CITIZEN)
    assert (view.agreement, view.record, view.given, view.outdated) == (newer, None, False, True)
    consent_give(agreement=newer, citizen_id=CITIZEN, actor=None)
    assert consent_valid(
        service=service, client=consumer, purpose_code=purpose.code, citizen_id=CITIZEN
    )


def test_a_record_naming_another_revision_hash_does_not_count(service, consumer, agreement):
    record = consent_give(agreement=agreement, citizen_id=CITIZEN, actor=None)
    ConsentRecord.objects.filter(pk=record.pk).update(agreement_revision_hash="f" * 64)
    assert not consent_valid(
        service=service, client=consumer, purpose_code="welfare-eligibility", citizen_id=CITIZEN
    )


# --- who may answer --------------------------------------------------------------------------------


def test_citizen_id_is_validated_and_normalised(agreement):
    wrong_check_digit = CITIZEN[:12] + str((int(CITIZEN[12]) + 1) % 10)
    with pytest.raises(ValidationError) as caught:
        consent_give(agreement=agreement, citizen_id=wrong_check_digit, actor=None)
    assert "check digit" in caught.value.messages[0]
    dashed = f"{CITIZEN[0]}-{CITIZEN[1:5]}-{CITIZEN[5:10]}-{CITIZEN[10:12]}-{CITIZEN[12]}"
    assert consent_give(agreement=agreement, citizen_id=dashed, actor=None).citizen_id == CITIZEN


def test_a_citizen_answers_only_for_themselves(agreement):
    citizen = CitizenUserFactory(person=PersonFactory(citizen_id=CITIZEN))
    with pytest.raises(PermissionDenied):
        consent_give(agreement=agreement, citizen_id=OTHER_CITIZEN, actor=citizen)
    assert not ConsentRecord.objects.exists()
    denied = AuditRecord.objects.get(action="exchange.consent.given")
    assert denied.outcome == AuditRecord.Outcome.DENIED
    other = consent_give(agreement=agreement, citizen_id=OTHER_CITIZEN, actor=StaffUserFactory())
    with pytest.raises(PermissionDenied):
        consent_withdraw(record=other, actor=citizen)
    other.refresh_from_db()
    assert other.state == ConsentRecord.State.GIVEN


# --- tamper evidence -------------------------------------------------------------------------------


def test_the_database_refuses_to_update_an_event(agreement):
    record = consent_give(agreement=agreement, citizen_id=CITIZEN, actor=None)
    with pytest.raises(DatabaseError), transaction.atomic():
        ConsentEvent.objects.filter(record=record).update(state="withdrawn")


def _tampered(record: ConsentRecord, **changes) -> str:
    with evidence_triggers_suspended(connection=connection):
        ConsentEvent.objects.filter(record=record, seq=1).update(**changes)
    return consent_record_problem(record=record)


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"state": "withdrawn"}, "does not match its hash"),
        ({"prev_hash": "1" * 64}, "prev_hash"),
        ({"signature": "AAAA"}, "signature"),
    ],
)
def test_tampering_with_an_event_is_detected(agreement, changes, reason):
    record = consent_give(agreement=agreement, citizen_id=CITIZEN, actor=None)
    consent_withdraw(record=record, actor=None)
    problem = _tampered(record, **changes)
    assert reason in problem
    assert not consent_events_verify(record=record)


def test_flipping_the_record_state_is_detected(agreement):
    record = consent_give(agreement=agreement, citizen_id=CITIZEN, actor=None)
    consent_withdraw(record=record, actor=None)
    ConsentRecord.objects.filter(pk=record.pk).update(state="given")
    record.refresh_from_db()
    assert "last event" in consent_record_problem(record=record)
    assert not consent_events_verify(record=record)


def test_removing_an_event_or_changing_the_terms_is_detected(agreement):
    record = consent_give(agreement=agreement, citizen_id=CITIZEN, actor=None)
    consent_withdraw(record=record, actor=None)
    consent_give(agreement=agreement, citizen_id=CITIZEN, actor=None)
    with evidence_triggers_suspended(connection=connection):  # as an attacker with DDL rights
        ConsentEvent.objects.filter(record=record, seq=2).delete()
    assert "missing" in consent_record_problem(record=record)

    second = consent_give(agreement=agreement, citizen_id=OTHER_CITIZEN, actor=None)
    assert consent_events_verify(record=second)
    DataAgreement.objects.filter(pk=agreement.pk).update(text_th="ข้อความที่ถูกแก้")
    second = ConsentRecord.objects.get(pk=second.pk)
    assert "terms" in consent_record_problem(record=second)


def test_an_event_re_signed_with_an_untrusted_key_is_detected(agreement):
    record = consent_give(agreement=agreement, citizen_id=CITIZEN, actor=None)
    event = events_of(record)[0]
    forger = Ed25519PrivateKey.generate()
    raw = forger.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    forged = base64.b64encode(forger.sign(bytes.fromhex(event.hash))).decode()
    problem = _tampered(record, signature=forged, key_id=hashlib.sha256(raw).hexdigest()[:16])
    assert "signature" in problem


# --- the citizen's view ----------------------------------------------------------------------------


def test_agreements_for_citizen_lists_current_personal_agreements_with_answers(
    service, consumer, purpose, agreement
):
    other = agreement_publish(
        service=service, client=consumer, purpose=PurposeFactory(code="statistics"), text_th="สถิติ"
    )
    hidden_service = ExternalServiceFactory(personal_data=True, is_active=False)
    agreement_publish(
        service=ExternalServiceFactory(personal_data=True),
        client=consumer,
        purpose=purpose,
        text_th="x",
    )
    DataAgreement.objects.create(
        service=hidden_service, client=consumer, purpose=purpose, text_th="x", revision_hash="x"
    )
    record = consent_give(agreement=agreement, citizen_id=CITIZEN, actor=None)

    views = agreements_for_citizen(citizen_id=CITIZEN)

    assert len(views) == 3
    assert hidden_service.pk not in {v.agreement.service_id for v in views}
    mine = next(v for v in views if v.agreement == agreement)
    assert (mine.record, mine.given, mine.outdated) == (record, True, False)
    assert mine.service_id == "TH/GOV/DOPA/population/persons"
    assert mine.client_id == "TH/GOV/DSDW/welfare"
    assert mine.consumer_system_th == "ระบบสวัสดิการ"
    assert mine.consumer_agency_th == consumer.member.agency.name_th
    assert mine.provider_agency_en == service.subsystem.member.agency.name_en
    assert (mine.purpose_code, mine.purpose_th, mine.lawful_basis, mine.version) == (
        "welfare-eligibility",
        "ตรวจสิทธิ",
        "consent",
        1,
    )
    unanswered = next(v for v in views if v.agreement == other)
    assert (unanswered.record, unanswered.given) == (None, False)
    assert agreements_for_citizen(citizen_id="123") == []


def test_citizen_record_lookups_are_scoped_to_the_citizen(agreement):
    record = consent_give(agreement=agreement, citizen_id=CITIZEN, actor=None)
    assert consent_record_for_citizen(citizen_id=CITIZEN, record_id=record.pk) == record
    assert consent_record_for_citizen(citizen_id=OTHER_CITIZEN, record_id=record.pk) is None
    assert consent_record_for_citizen(citizen_id="garbage", record_id=record.pk) is None
    assert [e.seq for e in consent_events_list(record=record)] == [1]
    assert agreement_get(agreement_id=agreement.pk) == agreement
    DataAgreement.objects.filter(pk=agreement.pk).update(is_active=False)
    assert agreement_get(agreement_id=agreement.pk) is None


def test_consent_revisions_cannot_be_deleted(agreement):
    record = consent_give(agreement=agreement, citizen_id=CITIZEN, actor=None)
    consent_withdraw(record=record, actor=None)
    with pytest.raises(DatabaseError), transaction.atomic():
        ConsentEvent.objects.filter(record=record).delete()
    assert ConsentEvent.objects.filter(record=record).count() == 2


def test_giving_again_repairs_a_record_flipped_without_a_revision(agreement):
    record = consent_give(agreement=agreement, citizen_id=CITIZEN, actor=None)
    consent_withdraw(record=record, actor=None)
    ConsentRecord.objects.filter(pk=record.pk).update(state=ConsentRecord.State.GIVEN)
    record = ConsentRecord.objects.get(pk=record.pk)
    consent_give(agreement=agreement, citizen_id=CITIZEN, actor=None)
    states = list(
        ConsentEvent.objects.filter(record=record).order_by("seq").values_list("state", flat=True)
    )
    assert states == ["given", "withdrawn", "given"]
    assert consent_events_verify(record=ConsentRecord.objects.get(pk=record.pk))
