"""A citizen's consent to a data agreement: give, withdraw, and prove the history intact.

One :class:`~ddgov.exchange.models.ConsentRecord` per (agreement version, citizen) holds the
current answer; every change appends a :class:`~ddgov.exchange.models.ConsentEvent` whose hash
covers the record's identity, the new state, who acted and when, and the previous event's hash
(a chain per record), signed with the exchange's Ed25519 key
(:mod:`ddgov.exchange.messagelog.keys`). The database refuses UPDATE on events (see
``exchange.triggers``), and :func:`consent_events_verify` recomputes the chain and checks the
signatures, so a consent cannot be forged or back-dated unnoticed by whoever writes the database.

The gateway reads the record on every call, so a withdrawal takes effect on the next request.
Consent belongs to one agreement version: publishing new terms needs new consent.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ddgov.audit.models import AuditRecord
from ddgov.audit.services import audit_record_append
from ddgov.exchange.messagelog.chain import GENESIS, canonical
from ddgov.exchange.messagelog.keys import sign, signature_valid
from ddgov.exchange.models import ConsentEvent, ConsentRecord, DataAgreement
from ddgov.exchange.selectors.registry import service_identifier, subsystem_identifier
from ddgov.exchange.services.rights import agreement_revision_hash
from ddgov.identity.models import Person, User
from ddgov.identity.thaiid import thai_id_normalize, validate_citizen_id

"""The ``prev_hash`` of a record's first event."""

ACTION_GIVEN = "exchange.consent.given"
ACTION_WITHDRAWN = "exchange.consent.withdrawn"


def consent_event_hash(*, event: ConsentEvent, record: ConsentRecord) -> str:
    """SHA-256 (hex) over the canonical JSON of the event and the record it belongs to."""
    content = {
        "record": record.pk,
        "agreement": record.agreement_id,
        "revision_hash": record.agreement_revision_hash,
        "citizen_id": record.citizen_id,
        "seq": event.seq,
        "state": event.state,
        "actor": event.actor_id,
        "at": event.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "prev_hash": event.prev_hash,
    }
    return hashlib.sha256(canonical(content)).hexdigest()


def _citizen_id_clean(citizen_id: str) -> str:
    normalized = thai_id_normalize(citizen_id)
    validate_citizen_id(normalized)
    return normalized


def _acting_for(citizen_id: str) -> str:
    person_pk = Person.objects.filter(citizen_id=citizen_id).values_list("pk", flat=True).first()
    return f"person:{person_pk}" if person_pk is not None else f"citizen:{citizen_id}"


def _audit_detail(record: ConsentRecord, agreement: DataAgreement, seq: int) -> dict[str, Any]:
    service, client = agreement.service, agreement.client
    return {
        "agreement": agreement.pk,
        "version": agreement.version,
        "revision_hash": record.agreement_revision_hash,
        "service": str(service_identifier(service=service)),
        "client": str(subsystem_identifier(subsystem=client)),
        "purpose": agreement.purpose.code,
        "seq": seq,
    }


def _check_actor(*, actor: User | None, citizen_id: str, action: str) -> None:
    """A citizen may answer only for themselves (staff and the console are checked by views)."""
    if actor is None or not actor.is_authenticated or not actor.is_citizen:
        return
    person = actor.person if actor.person_id is not None else None
    if person is not None and person.citizen_id == citizen_id:
        return
    audit_record_append(
        action=action,
        actor=actor,
        acting_for=_acting_for(citizen_id),
        target_type="exchange_consent",
        outcome=AuditRecord.Outcome.DENIED,
    )
    raise PermissionDenied(
        _(
            "You may answer consent requests only for yourself. / "
            "ตอบคำขอความยินยอมได้เฉพาะของตนเองเท่านั้น"
        )
    )


def _event_append(*, record: ConsentRecord, state: str, actor: User | None) -> ConsentEvent:
    """Append the record's next signed event (the caller holds the record's row lock)."""
    last = ConsentEvent.objects.filter(record=record).order_by("-seq").first()
    event = ConsentEvent(
        record=record,
        seq=(last.seq + 1) if last is not None else 1,
        state=state,
        actor=actor if actor is not None and actor.is_authenticated else None,
        at=timezone.now(),
        prev_hash=last.hash if last is not None else GENESIS,
    )
    event.hash = consent_event_hash(event=event, record=record)
    event.signature, event.key_id = sign(event.hash)
    event.save()
    return event


def _audit(*, action: str, record: ConsentRecord, event: ConsentEvent, actor: User | None) -> None:
    agreement = record.agreement
    consumer = agreement.client.member.agency
    audit_record_append(
        action=action,
        actor=actor,
        acting_for=_acting_for(record.citizen_id),
        agency_code=consumer.code,
        target_type="exchange_consent",
        target_id=str(record.pk),
        after={"state": record.state, "event_hash": event.hash},
        detail=_audit_detail(record, agreement, event.seq),
    )


def consent_give(*, agreement: DataAgreement, citizen_id: str, actor: User | None) -> ConsentRecord:
    """Record that the citizen consents to this agreement version (again, after a withdrawal).

    Giving consent that is already given changes nothing. Raises ValidationError for a
    malformed citizen ID or an agreement that has been replaced, PermissionDenied when a
    citizen answers for someone else.
    """
    normalized = _citizen_id_clean(citizen_id)
    _check_actor(actor=actor, citizen_id=normalized, action=ACTION_GIVEN)
    with transaction.atomic():
        if not DataAgreement.objects.filter(pk=agreement.pk, is_active=True).exists():
            raise ValidationError(
                _(
                    "This agreement has been replaced by a newer version. / ข้อตกลงนี้ถูกแทนที่ด้วยฉบับใหม่แล้ว"
                ),
                code="inactive",
            )
        record, created = ConsentRecord.objects.get_or_create(
            agreement=agreement,
            citizen_id=normalized,
            defaults={
                "agreement_revision_hash": agreement.revision_hash,
                "state": ConsentRecord.State.GIVEN,
            },
        )
        if not created:
            record = ConsentRecord.objects.select_for_update().get(pk=record.pk)
            if (
                record.state == ConsentRecord.State.GIVEN
                and _latest_state(record) == ConsentRecord.State.GIVEN
            ):
                return record
            record.state = ConsentRecord.State.GIVEN
            record.save(update_fields=["state", "updated_at"])
        event = _event_append(record=record, state=ConsentRecord.State.GIVEN, actor=actor)
        _audit(action=ACTION_GIVEN, record=record, event=event, actor=actor)
    return record


def _latest_state(record: ConsentRecord) -> str:
    """The state of the record's latest signed revision: the truth when the row was tampered."""
    state = (
        ConsentEvent.objects.filter(record=record).order_by("-seq").values_list("state", flat=True)
    ).first()
    return str(state or "")


def consent_withdraw(*, record: ConsentRecord, actor: User | None) -> ConsentRecord:
    """Withdraw the citizen's consent; the gateway refuses the consumer's next call.

    Withdrawing consent that is already withdrawn changes nothing.
    """
    _check_actor(actor=actor, citizen_id=record.citizen_id, action=ACTION_WITHDRAWN)
    with transaction.atomic():
        locked = ConsentRecord.objects.select_for_update().get(pk=record.pk)
        if (
            locked.state == ConsentRecord.State.WITHDRAWN
            and _latest_state(locked) == ConsentRecord.State.WITHDRAWN
        ):
            return locked
        locked.state = ConsentRecord.State.WITHDRAWN
        locked.save(update_fields=["state", "updated_at"])
        event = _event_append(record=locked, state=ConsentRecord.State.WITHDRAWN, actor=actor)
        _audit(action=ACTION_WITHDRAWN, record=locked, event=event, actor=actor)
    return locked


def _chain_problem(record: ConsentRecord, events: list[ConsentEvent]) -> str:
    """The first event that does not fit the chain ("" when all do)."""
    prev = GENESIS
    for expected, event in enumerate(events, start=1):
        problem = ""
        if event.seq != expected:
            problem = f"expected seq={expected} (an event is missing)"
        elif event.prev_hash != prev:
            problem = "prev_hash does not match the previous event"
        elif consent_event_hash(event=event, record=record) != event.hash:
            problem = "content does not match its hash"
        elif not signature_valid(
            digest_hex=event.hash, signature=event.signature, key_id=event.key_id
        ):
            problem = "signature is not valid"
        if problem:
            return f"event seq={event.seq} id={event.pk}: {problem}"
        prev = event.hash
    return ""


def consent_record_problem(*, record: ConsentRecord) -> str:
    """Why the record's history does not hold up ("" when it does).

    Checked: events numbered 1..n, each linked to the previous hash, each hash recomputed
    from the record and the event, each signature by a trusted key; the last event's state
    is the record's state; the record's revision hash is its agreement's, and the agreement's
    terms still hash to it.
    """
    events = list(ConsentEvent.objects.filter(record=record).order_by("seq"))
    agreement = record.agreement
    problem = "no events" if not events else _chain_problem(record, events)
    if not problem and events[-1].state != record.state:
        problem = f"record state {record.state!r} differs from the last event's"
    if not problem and record.agreement_revision_hash != agreement.revision_hash:
        problem = "record's revision hash differs from its agreement's"
    if not problem and agreement_revision_hash(agreement=agreement) != agreement.revision_hash:
        problem = "agreement terms do not match its revision hash"
    return problem


def consent_events_verify(*, record: ConsentRecord) -> bool:
    """Whether the record's signed event chain is intact (see :func:`consent_record_problem`)."""
    return not consent_record_problem(record=record)
