import io

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from ddgov.audit.models import AuditHead, AuditRecord
from ddgov.audit.services import (
    GENESIS,
    AuditEntry,
    audit_chain_verify,
    audit_digest,
    audit_record_append,
    audit_record_hash,
    audit_records_append,
)

pytestmark = pytest.mark.django_db


def _append(n: int) -> list[AuditRecord]:
    return audit_records_append(
        entries=[
            AuditEntry(action="test.write", target_type="thing", target_id=str(i), after={"i": i})
            for i in range(n)
        ]
    )


def _tamper(sql: str, params: list[object]) -> None:
    """Change stored rows as an attacker with DDL rights would: around the append-only triggers."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditrecord DISABLE TRIGGER USER")
            cursor.execute(sql, params)
            cursor.execute("ALTER TABLE audit_auditrecord ENABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER audit_record_no_update")
            cursor.execute("DROP TRIGGER audit_record_no_delete")
            cursor.execute(sql, params)


def test_records_chain_from_genesis():
    first, second, third = _append(3)
    assert first.prev_hash == GENESIS
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert [r.seq for r in (first, second, third)] == [1, 2, 3]
    head = AuditHead.objects.get(pk=1)
    assert (head.seq, head.hash) == (3, third.hash)


def test_stored_records_recompute_to_their_hash():
    _append(5)
    for record in AuditRecord.objects.all():
        assert audit_record_hash(record=record) == record.hash


def test_digest_covers_content_not_copy():
    record = audit_record_append(action="person.update", before={"name": "ก"}, after={"name": "ข"})
    assert record.before_digest == audit_digest(data={"name": "ก"})
    assert record.after_digest != record.before_digest
    assert "ข" not in str(AuditRecord.objects.values().get(pk=record.pk))


def test_verify_passes_on_an_intact_chain():
    _append(10)
    assert audit_chain_verify() == audit_chain_verify()
    result = audit_chain_verify()
    assert result.ok
    assert result.checked == 10


def test_verify_names_the_altered_record():
    records = _append(6)
    _tamper("UPDATE audit_auditrecord SET target_id = %s WHERE seq = %s", ["999", 4])
    result = audit_chain_verify()
    assert not result.ok
    assert result.first_bad_seq == 4
    assert result.first_bad_id == records[3].pk
    assert result.checked == 3
    assert "altered" in result.reason


def test_verify_catches_a_rehashed_record_by_the_broken_link():
    _append(5)
    record = AuditRecord.objects.get(seq=2)
    record.action = "forged"
    forged_hash = audit_record_hash(record=record)
    _tamper(
        "UPDATE audit_auditrecord SET action = %s, hash = %s WHERE seq = 2", ["forged", forged_hash]
    )
    result = audit_chain_verify()
    assert not result.ok
    assert result.first_bad_seq == 3
    assert "prev_hash" in result.reason


def test_verify_catches_a_deleted_record():
    _append(5)
    _tamper("DELETE FROM audit_auditrecord WHERE seq = %s", [3])
    result = audit_chain_verify()
    assert not result.ok
    assert result.first_bad_seq == 4
    assert "gap" in result.reason


def test_verify_catches_deleted_newest_records():
    _append(5)
    _tamper("DELETE FROM audit_auditrecord WHERE seq >= %s", [4])
    result = audit_chain_verify()
    assert not result.ok
    assert "removed" in result.reason


def test_database_refuses_updates_and_deletes():
    _append(1)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditRecord.objects.filter(seq=1).update(action="changed")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditRecord.objects.filter(seq=1).delete()
    assert AuditRecord.objects.get(seq=1).action == "test.write"


def _append_then_fail() -> None:
    with transaction.atomic():
        audit_record_append(action="doomed")
        raise RuntimeError


def test_a_rolled_back_write_leaves_no_record_and_no_gap():
    _append(2)
    with pytest.raises(RuntimeError):
        _append_then_fail()
    _append(1)
    assert list(AuditRecord.objects.values_list("seq", flat=True)) == [1, 2, 3]
    assert audit_chain_verify().ok


def test_command_reports_intact_and_broken():
    _append(3)
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    assert "intact: 3 records" in out.getvalue()
    _tamper("UPDATE audit_auditrecord SET outcome = %s WHERE seq = %s", ["denied", 2])
    with pytest.raises(CommandError, match=r"record #2") as info:
        call_command("audit", "verify")
    assert info.value.returncode == 1
