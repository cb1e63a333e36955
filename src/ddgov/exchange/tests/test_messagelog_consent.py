"""``messagelog_verify`` also proves the consent evidence the gateway relies on (review 6 #2).

Every consent record's signed event chain is walked after the message records and checkpoints,
in pk order, and the first bad one is reported as ``TAMPERED: consent record id=<pk>: …``.
The attacks are the ones a database writer could make: flip a withdrawn record back to
``given`` (no trigger stops that), drop the trailing withdrawal event (DELETE is allowed on
events), and, with DDL rights, rewrite an event.
"""

from __future__ import annotations

import base64
import hashlib
import io

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.db import connection

from ddgov.exchange.messagelog.testing import log_entry
from ddgov.exchange.models import (
    Checkpoint,
    ConsentEvent,
    ConsentRecord,
    DataAgreement,
    MessageRecord,
    MessageSubject,
)
from ddgov.exchange.services.consent import consent_give, consent_withdraw
from ddgov.exchange.services.messagelog import (
    checkpoint_create,
    messagelog_append,
    messagelog_verify,
)
from ddgov.exchange.services.rights import agreement_publish
from ddgov.exchange.tests.factories import (
    ConsentFactory,
    ExternalServiceFactory,
    PurposeFactory,
    SubsystemFactory,
)
from ddgov.exchange.triggers import evidence_triggers_suspended
from ddgov.identity.thaiid import thai_id_complete

pytestmark = pytest.mark.django_db

CITIZENS = [thai_id_complete(f"11002000000{n}") for n in range(1, 5)]


@pytest.fixture
def agreement() -> DataAgreement:
    service = ExternalServiceFactory(
        subsystem__member__code="RD",
        subsystem__code="tax",
        code="income",
        personal_data=True,
        subject_param="citizen_id",
    )
    return agreement_publish(
        service=service,
        client=SubsystemFactory(member__code="DSDW", code="welfare"),
        purpose=PurposeFactory(code="welfare-eligibility"),
        text_th="ยินยอมให้ตรวจสอบเงินได้เพื่อพิจารณาสวัสดิการ",
        text_en="I allow my income to be checked for welfare.",
    )


@pytest.fixture
def consents(agreement) -> list[ConsentRecord]:
    """Four citizens: given; given then withdrawn; given, withdrawn, given; given."""
    records = [consent_give(agreement=agreement, citizen_id=c, actor=None) for c in CITIZENS]
    consent_withdraw(record=records[1], actor=None)
    consent_withdraw(record=records[2], actor=None)
    consent_give(agreement=agreement, citizen_id=CITIZENS[2], actor=None)
    messagelog_append(entries=[log_entry() for _ in range(3)], stream="node/1-aaaaaa")
    checkpoint_create()
    report = messagelog_verify()
    assert report.ok, report.describe()
    return records


def consent_bad(pk: int):
    report = messagelog_verify()
    assert not report.ok
    bad = report.first_bad
    assert (bad.kind, bad.pk, bad.stream, bad.seq) == ("consent", pk, "", 0)
    assert report.describe() == f"TAMPERED: consent record id={pk}: {bad.reason}"
    return bad


def test_intact_consents_are_counted(consents):
    report = messagelog_verify()
    assert report.consents == 4
    assert report.describe().startswith(
        "OK: 3 records in 1 streams and 1 checkpoints verified; 4 consent records verified"
    )


def test_review_attack_flipping_a_withdrawn_record_to_given_is_named(consents):
    """The reviewer's ``UPDATE exchange_consentrecord SET state='given'`` needs no DDL rights."""
    withdrawn = consents[1]
    ConsentRecord.objects.filter(pk=withdrawn.pk).update(state="given")
    bad = consent_bad(withdrawn.pk)
    assert "differs from the last event" in bad.reason


def test_dropping_the_trailing_withdrawal_is_named(consents):
    """DELETE is allowed on events; the audit trail still knows the withdrawal happened."""
    withdrawn = consents[1]
    with evidence_triggers_suspended(connection=connection):  # as an attacker with DDL rights
        ConsentEvent.objects.filter(record=withdrawn, seq=2).delete()
    ConsentRecord.objects.filter(pk=withdrawn.pk).update(state="given")
    bad = consent_bad(withdrawn.pk)
    assert bad.reason == (
        "missing: the audit trail records event seq=2 but the event chain ends at seq=1"
    )


def test_a_missing_middle_event_is_named(consents):
    regiven = consents[2]
    with evidence_triggers_suspended(connection=connection):  # as an attacker with DDL rights
        ConsentEvent.objects.filter(record=regiven, seq=2).delete()
    bad = consent_bad(regiven.pk)
    assert "event seq=3" in bad.reason
    assert "missing" in bad.reason


def test_a_deleted_record_is_named(consents):
    gone = consents[1]
    with evidence_triggers_suspended(connection=connection):  # as an attacker with DDL rights
        ConsentEvent.objects.filter(record=gone).delete()
    ConsentRecord.objects.filter(pk=gone.pk).delete()
    bad = consent_bad(gone.pk)
    assert "the record is gone" in bad.reason


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"state": "given"}, "content does not match its hash"),
        ({"prev_hash": "1" * 64}, "prev_hash does not match"),
        ({"signature": "AAAA"}, "signature is not valid"),
        ({"hash": "2" * 64}, "does not match"),
    ],
)
def test_a_rewritten_event_is_named_as_an_attacker_with_ddl_rights(consents, changes, reason):
    withdrawn = consents[1]
    with evidence_triggers_suspended(connection=connection):
        ConsentEvent.objects.filter(record=withdrawn, seq=2).update(**changes)
    bad = consent_bad(withdrawn.pk)
    assert bad.reason.startswith("event seq=")
    assert reason in bad.reason


def test_a_withdrawal_re_signed_with_an_untrusted_key_is_named(consents):
    withdrawn = consents[1]
    event = ConsentEvent.objects.get(record=withdrawn, seq=2)
    forger = Ed25519PrivateKey.generate()
    raw = forger.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    with evidence_triggers_suspended(connection=connection):
        ConsentEvent.objects.filter(pk=event.pk).update(
            signature=base64.b64encode(forger.sign(bytes.fromhex(event.hash))).decode(),
            key_id=hashlib.sha256(raw).hexdigest()[:16],
        )
    assert "signature" in consent_bad(withdrawn.pk).reason


def test_changed_agreement_terms_are_named_at_the_first_record(consents, agreement):
    DataAgreement.objects.filter(pk=agreement.pk).update(text_th="ข้อความที่ถูกแก้")
    bad = consent_bad(min(r.pk for r in consents))
    assert "terms" in bad.reason


def test_a_record_without_events_is_named(consents, agreement):
    bare = ConsentFactory(agreement=agreement, citizen_id=thai_id_complete("310020000009"))
    assert "no events" in consent_bad(bare.pk).reason


def test_consent_records_are_checked_in_pk_order(consents):
    ConsentRecord.objects.filter(pk=consents[3].pk).update(state="withdrawn")
    ConsentRecord.objects.filter(pk=consents[1].pk).update(state="given")
    consent_bad(consents[1].pk)


def test_message_records_are_reported_before_consents(consents):
    ConsentRecord.objects.filter(pk=consents[1].pk).update(state="given")
    record = MessageRecord.objects.order_by("seq").first()
    MessageSubject.objects.filter(record=record).delete()
    bad = messagelog_verify().first_bad
    assert (bad.kind, bad.pk) == ("record", record.pk)


def test_checkpoints_are_reported_before_consents(consents):
    ConsentRecord.objects.filter(pk=consents[1].pk).update(state="given")
    with evidence_triggers_suspended(connection=connection):
        Checkpoint.objects.update(key_id="0123456789abcdef")
    bad = messagelog_verify().first_bad
    assert (bad.kind, bad.seq) == ("checkpoint", 1)


def test_verify_command_names_the_tampered_consent_record(consents):
    ConsentRecord.objects.filter(pk=consents[1].pk).update(state="given")
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("exchange", "verify", stdout=out)
    assert exit_info.value.code == 1
    assert out.getvalue().startswith(f"TAMPERED: consent record id={consents[1].pk}: ")


def test_verify_command_counts_consent_records(consents):
    out = io.StringIO()
    call_command("exchange", "verify", stdout=out)
    assert "; 4 consent records verified" in out.getvalue()


def test_many_consent_records_verify_in_reasonable_time(agreement):
    records = [
        consent_give(agreement=agreement, citizen_id=thai_id_complete(f"3{n:011d}"), actor=None)
        for n in range(1, 201)
    ]
    for record in records[::3]:
        consent_withdraw(record=record, actor=None)
    report = messagelog_verify()
    assert report.ok, report.describe()
    assert report.consents == 200


def test_a_citizen_answering_during_verification_is_not_tampering(consents, monkeypatch):
    """The record's state is read with its chunk, its events later: read it again first."""
    from ddgov.exchange.services import consent as consent_services
    from ddgov.exchange.services import messagelog as messagelog_services

    answered = []

    def withdraw_meanwhile(*, record):
        if record.pk == consents[3].pk and not answered:
            answered.append(consent_withdraw(record=record, actor=None))
        return consent_services.consent_record_problem(record=record)

    monkeypatch.setattr(messagelog_services, "consent_record_problem", withdraw_meanwhile)
    report = messagelog_verify()
    assert answered
    assert report.ok, report.describe()
    assert report.consents == 4
