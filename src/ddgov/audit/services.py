"""Writing to the audit trail and proving it intact.

Every service that writes citizen or agency data calls :func:`audit_record_append` inside the
same transaction as the write, so a rolled-back write leaves no record and a committed write
always has one. Refused attempts (wrong password, another agency's page) are recorded on their
own, outside any transaction that might roll back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from ddgov.audit.models import AuditHead, AuditRecord

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

GENESIS = "0" * 64


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def audit_digest(*, data: Mapping[str, Any] | None) -> str:
    """Return the SHA-256 of a canonical JSON form of ``data`` ("" for no data)."""
    if data is None:
        return ""
    return hashlib.sha256(_canonical(data).encode()).hexdigest()


def audit_record_hash(*, record: AuditRecord) -> str:
    """Return the chain hash of ``record``: its content plus its predecessor's hash."""
    occurred = record.occurred_at.astimezone(dt.UTC).isoformat(timespec="microseconds")
    content = {
        "seq": record.seq,
        "occurred_at": occurred,
        "actor_id": record.actor_id,
        "actor_label": record.actor_label,
        "acting_for": record.acting_for,
        "agency_code": record.agency_code,
        "action": record.action,
        "target_type": record.target_type,
        "target_id": record.target_id,
        "outcome": record.outcome,
        "before_digest": record.before_digest,
        "after_digest": record.after_digest,
        "detail": record.detail,
        "prev_hash": record.prev_hash,
    }
    return hashlib.sha256(_canonical(content).encode()).hexdigest()


@dataclass(frozen=True)
class AuditEntry:
    """What a caller says about one event; the chain fields are filled in on append."""

    action: str
    actor: AbstractBaseUser | AnonymousUser | None = None
    acting_for: str = ""
    agency_code: str = ""
    target_type: str = ""
    target_id: str = ""
    outcome: str = AuditRecord.Outcome.OK
    before: Mapping[str, Any] | None = None
    after: Mapping[str, Any] | None = None
    detail: Mapping[str, Any] | None = None


def _build(entry: AuditEntry, *, seq: int, prev_hash: str, now: dt.datetime) -> AuditRecord:
    actor = entry.actor if entry.actor is not None and entry.actor.is_authenticated else None
    record = AuditRecord(
        seq=seq,
        occurred_at=now,
        actor_id=actor.pk if actor is not None else None,
        actor_label=actor.get_username() if actor is not None else "",
        acting_for=entry.acting_for,
        agency_code=entry.agency_code,
        action=entry.action,
        target_type=entry.target_type,
        target_id=str(entry.target_id),
        outcome=entry.outcome,
        before_digest=audit_digest(data=entry.before),
        after_digest=audit_digest(data=entry.after),
        detail=json.loads(_canonical(dict(entry.detail or {}))),
        prev_hash=prev_hash,
    )
    record.hash = audit_record_hash(record=record)
    return record


def _head_locked() -> AuditHead:
    """Lock the chain's tip; a wiped database (flush) starts a new chain from genesis."""
    head = AuditHead.objects.select_for_update().filter(pk=1).first()
    if head is not None:
        return head
    if AuditRecord.objects.exists():
        msg = "the audit chain's head row is missing while records exist; run 'ddgov audit verify'"
        raise RuntimeError(msg)
    AuditHead.objects.get_or_create(pk=1)
    return AuditHead.objects.select_for_update().get(pk=1)


def audit_records_append(*, entries: Iterable[AuditEntry]) -> list[AuditRecord]:
    """Append ``entries`` to the chain atomically, in order, and return the stored records."""
    with transaction.atomic():
        head = _head_locked()
        now = timezone.now()
        records: list[AuditRecord] = []
        seq, prev = head.seq, head.hash
        for entry in entries:
            seq += 1
            record = _build(entry, seq=seq, prev_hash=prev, now=now)
            prev = record.hash
            records.append(record)
        if not records:
            return records
        AuditRecord.objects.bulk_create(records, batch_size=1000)
        AuditHead.objects.filter(pk=1).update(seq=seq, hash=prev)
        return records


def audit_record_append(
    *,
    action: str,
    actor: AbstractBaseUser | AnonymousUser | None = None,
    acting_for: str = "",
    agency_code: str = "",
    target_type: str = "",
    target_id: str = "",
    outcome: str = AuditRecord.Outcome.OK,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    detail: Mapping[str, Any] | None = None,
) -> AuditRecord:
    """Append one event (who, acting for whom, what, outcome, before/after digests)."""
    entry = AuditEntry(
        action=action,
        actor=actor,
        acting_for=acting_for,
        agency_code=agency_code,
        target_type=target_type,
        target_id=target_id,
        outcome=outcome,
        before=before,
        after=after,
        detail=detail,
    )
    return audit_records_append(entries=[entry])[0]


@dataclass(frozen=True)
class AuditVerification:
    """The result of recomputing the chain."""

    ok: bool
    checked: int
    first_bad_seq: int | None = None
    first_bad_id: int | None = None
    reason: str = ""


def audit_chain_verify(*, chunk_size: int = 2000) -> AuditVerification:
    """Recompute every record's hash in order and report the first record that does not fit."""
    expected_prev, expected_seq, checked = GENESIS, 1, 0
    for record in AuditRecord.objects.order_by("seq").iterator(chunk_size=chunk_size):
        problem = ""
        if record.seq != expected_seq:
            problem = f"sequence gap: expected #{expected_seq}, found #{record.seq}"
        elif record.prev_hash != expected_prev:
            problem = "prev_hash does not match the previous record's hash"
        elif audit_record_hash(record=record) != record.hash:
            problem = "content does not match its hash (the record was altered)"
        if problem:
            return AuditVerification(False, checked, record.seq, record.pk, problem)
        checked += 1
        expected_prev, expected_seq = record.hash, record.seq + 1
    head = AuditHead.objects.filter(pk=1).first() or AuditHead()
    if head.seq != expected_seq - 1 or head.hash != expected_prev:
        return AuditVerification(
            False,
            checked,
            expected_seq,
            None,
            f"chain ends at #{expected_seq - 1} but the head says #{head.seq}: records were removed",
        )
    return AuditVerification(True, checked)
