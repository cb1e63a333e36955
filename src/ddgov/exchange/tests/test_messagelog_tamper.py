"""Every kind of tampering with the message log makes verify fail at exactly that record.

The tests tamper as an attacker with write and DDL rights would: the no-update triggers are
dropped for the edit (see ``exchange.triggers``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.db import connection

from ddgov.exchange.messagelog import chain
from ddgov.exchange.messagelog.testing import log_entry
from ddgov.exchange.models import Checkpoint, MessageRecord, MessageSubject
from ddgov.exchange.selectors.tracker import data_access_count_for_citizen
from ddgov.exchange.services.messagelog import (
    checkpoint_create,
    messagelog_append,
    messagelog_verify,
)
from ddgov.exchange.triggers import evidence_triggers_suspended

pytestmark = pytest.mark.django_db


@pytest.fixture
def log():
    """Two streams of six records, a checkpoint over them, then two more records in "b"."""
    a = messagelog_append(entries=[log_entry() for _ in range(6)], stream="node/1-aaaaaa")
    b = messagelog_append(entries=[log_entry() for _ in range(6)], stream="node/2-bbbbbb")
    checkpoint_create()
    b += messagelog_append(entries=[log_entry(), log_entry()], stream="node/2-bbbbbb")
    checkpoint_create()
    assert messagelog_verify().ok
    return {"a": a, "b": b}


def tamper(queryset, **changes):
    with evidence_triggers_suspended(connection=connection):
        assert queryset.update(**changes) >= 1


def first_bad():
    report = messagelog_verify()
    assert not report.ok
    assert report.describe().startswith("TAMPERED: ")
    return report.first_bad


CHANGES = {
    "at": dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
    "request_id": "00000000-0000-4000-8000-000000000000",
    "client_id": "TH/GOV/OTHER/app",
    "service_id": "TH/GOV/OTHER/registry/persons",
    "method": "DELETE",
    "path": "/persons/3100200000099",
    "purpose": "marketing",
    "subjects": ["3100200000099"],
    "request_digest": "1" * 64,
    "response_digest": "2" * 64,
    "status": 500,
    "error": "Client.AccessDenied",
    "duration_ms": 999.0,
    "prev_hash": "3" * 64,
    "record_hash": "4" * 64,
    "signature": "AAAA",
    "key_id": "0123456789abcdef",
}


@pytest.mark.parametrize("field", sorted(CHANGES))
@pytest.mark.parametrize("which", ["a", "b"])
@pytest.mark.parametrize("index", [0, 3, -1])
def test_changing_any_field_of_any_record_is_found_at_that_record(log, field, which, index):
    record = log[which][index]
    tamper(MessageRecord.objects.filter(pk=record.pk), **{field: CHANGES[field]})
    bad = first_bad()
    assert (bad.kind, bad.stream, bad.seq, bad.pk) == (
        "record",
        record.stream,
        record.seq,
        record.pk,
    )
    assert f"stream={record.stream} seq={record.seq} id={record.pk}:" in bad.describe()


def test_subtle_change_of_duration_is_found(log):
    record = log["a"][2]
    tamper(MessageRecord.objects.filter(pk=record.pk), duration_ms=record.duration_ms + 0.001)
    assert first_bad().pk == record.pk


def test_resigned_record_with_an_untrusted_key_is_found(log):
    record = MessageRecord.objects.get(pk=log["a"][2].pk)
    record.status = 404
    digest = chain.record_hash_of(record)
    import base64

    forger = Ed25519PrivateKey.generate()
    signature = base64.b64encode(forger.sign(bytes.fromhex(digest))).decode()
    tamper(
        MessageRecord.objects.filter(pk=record.pk),
        status=404,
        record_hash=digest,
        signature=signature,
        key_id="feedfacefeedface",
    )
    bad = first_bad()
    assert (bad.stream, bad.seq, bad.pk) == (record.stream, 3, record.pk)
    assert "untrusted key" in bad.reason


def test_rehashed_record_without_a_new_signature_is_found(log):
    record = MessageRecord.objects.get(pk=log["b"][1].pk)
    record.purpose = "marketing"
    tamper(
        MessageRecord.objects.filter(pk=record.pk),
        purpose="marketing",
        record_hash=chain.record_hash_of(record),
    )
    bad = first_bad()
    assert (bad.seq, bad.pk) == (2, record.pk)
    assert "signature" in bad.reason


def test_deleted_middle_record_is_named(log):
    record = log["a"][3]
    MessageRecord.objects.filter(pk=record.pk).delete()
    bad = first_bad()
    assert (bad.stream, bad.seq, bad.pk) == (record.stream, 4, None)
    assert f"TAMPERED: record stream={record.stream} seq=4 id=-: missing" in bad.describe()


def test_deleted_first_record_is_named(log):
    record = log["b"][0]
    MessageRecord.objects.filter(pk=record.pk).delete()
    bad = first_bad()
    assert (bad.stream, bad.seq, bad.pk) == (record.stream, 1, None)


def test_deleted_tail_covered_by_a_checkpoint_is_named(log):
    stream = log["b"][0].stream
    MessageRecord.objects.filter(stream=stream, seq__gte=6).delete()
    bad = first_bad()
    assert (bad.stream, bad.seq, bad.pk) == (stream, 6, None)
    assert "checkpoint seq=2 vouches for records up to seq 8" in bad.reason


def test_deleted_last_record_is_named(log):
    record = log["b"][-1]
    MessageRecord.objects.filter(pk=record.pk).delete()
    bad = first_bad()
    assert (bad.stream, bad.seq, bad.pk) == (record.stream, 8, None)


def test_swapped_records_are_found_at_the_first(log):
    first, second = log["a"][1], log["a"][4]
    with evidence_triggers_suspended(connection=connection):
        MessageRecord.objects.filter(pk=first.pk).update(seq=1000)
        MessageRecord.objects.filter(pk=second.pk).update(seq=first.seq)
        MessageRecord.objects.filter(pk=first.pk).update(seq=second.seq)
    bad = first_bad()
    assert (bad.stream, bad.seq, bad.pk) == (first.stream, first.seq, second.pk)


def test_renumbered_record_leaves_a_gap(log):
    record = log["a"][2]
    tamper(MessageRecord.objects.filter(pk=record.pk), seq=77)
    bad = first_bad()
    assert (bad.stream, bad.seq) == (record.stream, 3)


def test_whole_stream_deleted_is_named(log):
    stream = log["a"][0].stream
    MessageRecord.objects.filter(stream=stream).delete()
    bad = first_bad()
    assert (bad.kind, bad.stream, bad.seq, bad.pk) == ("record", stream, 6, None)
    assert "has no records" in bad.reason


def test_record_moved_to_another_stream_is_found(log):
    record = log["b"][2]
    tamper(MessageRecord.objects.filter(pk=record.pk), stream="node/9-zzzzzz")
    bad = first_bad()
    assert (bad.stream, bad.seq) == (record.stream, 3)


def test_forged_extra_record_is_found(log):
    last = log["a"][-1]
    forged = MessageRecord.objects.get(pk=last.pk)
    forged.pk = None
    forged.seq = 7
    forged.request_id = "11111111-1111-4111-8111-111111111111"
    forged.prev_hash = last.record_hash
    forged.record_hash = chain.record_hash_of(forged)
    forged.save()
    bad = first_bad()
    assert (bad.stream, bad.seq, bad.pk) == (last.stream, 7, forged.pk)
    assert "signature" in bad.reason


CHECKPOINT_CHANGES = {
    "heads": {"node/1-aaaaaa": [5, "5" * 64]},
    "at": dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
    "prev_hash": "6" * 64,
    "hash": "7" * 64,
    "signature": "AAAA",
    "key_id": "0123456789abcdef",
}


@pytest.mark.parametrize("field", sorted(CHECKPOINT_CHANGES))
@pytest.mark.parametrize("seq", [1, 2])
def test_edited_checkpoint_is_named(log, field, seq):
    tamper(Checkpoint.objects.filter(seq=seq), **{field: CHECKPOINT_CHANGES[field]})
    bad = first_bad()
    assert (bad.kind, bad.seq) == ("checkpoint", seq)
    assert bad.describe().startswith(f"TAMPERED: checkpoint seq={seq} id=")


def test_malformed_checkpoint_heads_are_named(log):
    tamper(Checkpoint.objects.filter(seq=2), heads={"x": "nonsense"})
    bad = first_bad()
    assert (bad.kind, bad.seq) == ("checkpoint", 2)
    assert "malformed" in bad.reason


def test_deleted_middle_checkpoint_is_named(log):
    messagelog_append(entries=[log_entry()], stream="node/1-aaaaaa")
    checkpoint_create()
    Checkpoint.objects.filter(seq=2).delete()
    bad = first_bad()
    assert (bad.kind, bad.seq, bad.pk) == ("checkpoint", 2, None)


def test_unreadable_subjects_are_reported_not_crashing(log):
    record = log["a"][1]
    tamper(MessageRecord.objects.filter(pk=record.pk), subjects=12345)
    bad = first_bad()
    assert (bad.seq, bad.pk) == (2, record.pk)


def test_record_problems_are_reported_before_checkpoint_problems(log):
    tamper(Checkpoint.objects.filter(seq=1), key_id="0123456789abcdef")
    record = log["b"][4]
    tamper(MessageRecord.objects.filter(pk=record.pk), status=201)
    bad = first_bad()
    assert (bad.kind, bad.pk) == ("record", record.pk)


def test_streams_are_checked_in_name_order(log):
    later, earlier = log["b"][1], log["a"][4]
    tamper(MessageRecord.objects.filter(pk=later.pk), status=201)
    tamper(MessageRecord.objects.filter(pk=earlier.pk), status=201)
    assert first_bad().pk == earlier.pk


def test_hash_input_is_prev_then_content():
    record = messagelog_append(entries=[log_entry()], stream="s")[0]
    content = chain.record_content(
        stream="s", seq=1, values=MessageRecord.objects.filter(pk=record.pk).values()[0]
    )
    expected = hashlib.sha256(chain.GENESIS.encode() + chain.canonical(content)).hexdigest()
    assert record.record_hash == expected


def test_verify_command_says_ok_for_an_intact_log(log):
    out = io.StringIO()
    call_command("exchange", "verify", stdout=out)
    assert out.getvalue().startswith("OK: 14 records in 2 streams and 2 checkpoints verified")


def test_verify_command_exits_1_naming_the_tampered_record(log):
    record = log["b"][3]
    tamper(MessageRecord.objects.filter(pk=record.pk), status=201)
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("exchange", "verify", stdout=out)
    assert exit_info.value.code == 1
    line = out.getvalue().strip()
    assert line.startswith(f"TAMPERED: record stream={record.stream} seq=4 id={record.pk}: ")


def test_verify_command_names_a_tampered_checkpoint(log):
    tamper(Checkpoint.objects.filter(seq=1), at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("exchange", "verify", stdout=out)
    assert exit_info.value.code == 1
    assert out.getvalue().startswith("TAMPERED: checkpoint seq=1 id=")


# --- the citizens' index (review 6 #3) ---------------------------------------------------------

CITIZEN, NEIGHBOUR = "1100200000011", "3100200000099"
INDEXED_STREAM = "node/3-cccccc"


@pytest.fixture
def indexed():
    """Four records: one citizen, two citizens, nobody, a citizen and an over-long subject."""
    records = messagelog_append(
        entries=[
            log_entry(subjects=(CITIZEN,)),
            log_entry(subjects=(CITIZEN, NEIGHBOUR)),
            log_entry(subjects=()),
            log_entry(subjects=(CITIZEN, "x" * 20)),  # longer than an ID: not indexed
        ],
        stream=INDEXED_STREAM,
    )
    checkpoint_create()
    assert messagelog_verify().ok
    assert MessageSubject.objects.filter(record=records[3]).count() == 1
    return records


def index_bad(record):
    bad = first_bad()
    assert (bad.kind, bad.stream, bad.seq, bad.pk) == (
        "record",
        INDEXED_STREAM,
        record.seq,
        record.pk,
    )
    assert bad.describe() == (
        f"TAMPERED: record stream={INDEXED_STREAM} seq={record.seq} id={record.pk}:"
        " citizen index does not match the signed subjects"
    )


def test_deleting_index_rows_hides_a_call_from_the_citizen_and_is_named(indexed):
    """The reviewer's attack: plain DELETE on exchange_messagesubject (no trigger, no DDL)."""
    assert data_access_count_for_citizen(citizen_id=NEIGHBOUR) == 1
    MessageSubject.objects.filter(citizen_id=NEIGHBOUR).delete()
    assert data_access_count_for_citizen(citizen_id=NEIGHBOUR) == 0
    index_bad(indexed[1])


def test_an_index_row_added_to_a_record_is_named(indexed):
    MessageSubject.objects.create(record=indexed[2], citizen_id=NEIGHBOUR)
    index_bad(indexed[2])


def test_an_index_row_pointed_at_another_citizen_is_named(indexed):
    MessageSubject.objects.filter(record=indexed[0]).update(citizen_id=NEIGHBOUR)
    index_bad(indexed[0])


def test_a_duplicated_index_row_is_named(indexed):
    MessageSubject.objects.create(record=indexed[3], citizen_id=CITIZEN)
    index_bad(indexed[3])


def test_an_index_row_moved_to_another_record_is_named_at_the_first(indexed):
    MessageSubject.objects.filter(record=indexed[1], citizen_id=NEIGHBOUR).update(record=indexed[2])
    index_bad(indexed[1])


def test_the_index_is_checked_across_chunks(indexed, monkeypatch):
    from ddgov.exchange.messagelog import verify

    monkeypatch.setattr(verify, "CHUNK", 3)
    assert messagelog_verify().ok
    MessageSubject.objects.filter(record=indexed[3]).delete()
    index_bad(indexed[3])


def test_an_index_problem_comes_in_stream_order(indexed, log):
    later = log["b"][1]
    tamper(MessageRecord.objects.filter(pk=later.pk), status=201)
    MessageSubject.objects.filter(record=indexed[0]).delete()
    assert first_bad().stream == "node/2-bbbbbb"  # streams by name: node/2 before node/3


def test_a_record_retention_deletes_during_verification_is_not_an_index_problem(
    indexed, monkeypatch
):
    """Rows read before retention deleted them (with their index rows) are not tampering."""
    from ddgov.exchange.messagelog import verify

    original = verify._index_attach

    def prune_meanwhile(batch):
        if batch:
            MessageRecord.objects.filter(pk=batch[0]["pk"]).delete()
        return original(batch)

    monkeypatch.setattr(verify, "_index_attach", prune_meanwhile)
    assert messagelog_verify().ok
