"""The message log's chain, signatures, checkpoints and verification of an intact log."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest
from django.utils import timezone

from ddgov.exchange.messagelog import chain
from ddgov.exchange.messagelog.entry import EMPTY_DIGEST, body_digest
from ddgov.exchange.messagelog.keys import keys_reset, signature_valid
from ddgov.exchange.messagelog.testing import key_files_write, log_entry
from ddgov.exchange.models import Checkpoint, MessageRecord, MessageSubject
from ddgov.exchange.services.messagelog import (
    checkpoint_create,
    messagelog_append,
    messagelog_verify,
)

pytestmark = pytest.mark.django_db


def test_digest_of_empty_body():
    assert body_digest(b"") == EMPTY_DIGEST
    assert EMPTY_DIGEST.startswith("e3b0c442")


def test_append_chains_and_signs_records():
    records = messagelog_append(entries=[log_entry() for _ in range(3)], stream="node/1-abc123")
    assert [r.seq for r in records] == [1, 2, 3]
    assert records[0].prev_hash == chain.GENESIS
    assert records[1].prev_hash == records[0].record_hash
    assert records[2].prev_hash == records[1].record_hash
    for record in MessageRecord.objects.all():
        assert chain.record_hash_of(record) == record.record_hash
        assert signature_valid(
            digest_hex=record.record_hash, signature=record.signature, key_id=record.key_id
        )


def test_append_continues_an_existing_stream():
    messagelog_append(entries=[log_entry(), log_entry()], stream="s")
    more = messagelog_append(entries=[log_entry()], stream="s")
    assert more[0].seq == 3
    assert more[0].prev_hash == MessageRecord.objects.get(stream="s", seq=2).record_hash


def test_append_without_stream_uses_one_stream_per_process():
    first = messagelog_append(entries=[log_entry()])
    second = messagelog_append(entries=[log_entry()])
    assert first[0].stream == second[0].stream
    assert second[0].seq == first[0].seq + 1


def test_append_nothing_is_a_no_op():
    assert messagelog_append(entries=[]) == []
    assert not MessageRecord.objects.exists()


def test_append_refuses_an_overlong_stream_name():
    with pytest.raises(ValueError, match="stream name"):
        messagelog_append(entries=[log_entry()], stream="x" * 200)


def test_record_hash_is_sha256_over_prev_and_canonical_content():
    record = messagelog_append(entries=[log_entry(subjects=("1", "2"))], stream="s")[0]
    stored = MessageRecord.objects.get(pk=record.pk)
    content = {
        "stream": "s",
        "seq": 1,
        "at": stored.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "request_id": stored.request_id,
        "client_id": stored.client_id,
        "service_id": stored.service_id,
        "method": "GET",
        "path": stored.path,
        "purpose": stored.purpose,
        "subjects": ["1", "2"],
        "request_digest": stored.request_digest,
        "response_digest": stored.response_digest,
        "status": 200,
        "error": "",
        "duration_ms": 1.25,
    }
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    import hashlib

    expected = hashlib.sha256(chain.GENESIS.encode() + canonical.encode()).hexdigest()
    assert stored.record_hash == expected


def test_values_are_normalised_to_what_the_database_keeps():
    entry = log_entry(
        path="/x\x00y" + "z" * 600,
        purpose="p\udcff",
        method="get",
        subjects=("1100200000011", "1100200000011", " ", "x" * 40),
        status=99999,
        duration_ms=float("nan"),
    )
    naive = dt.datetime(2025, 1, 2, 3, 4, 5, 123456)  # noqa: DTZ001 - naive is taken as UTC
    entry = dataclasses.replace(entry, at=naive)
    record = messagelog_append(entries=[entry], stream="s")[0]
    stored = MessageRecord.objects.get(pk=record.pk)
    assert "\x00" not in stored.path
    assert len(stored.path) == 500
    assert stored.purpose == "p?"
    assert stored.method == "GET"
    assert stored.subjects == ["1100200000011", "x" * 32]
    assert stored.status == 32767
    assert stored.duration_ms == 0.0
    assert stored.at == dt.datetime(2025, 1, 2, 3, 4, 5, 123456, tzinfo=dt.UTC)
    assert chain.record_hash_of(stored) == stored.record_hash
    # Only citizen-ID-sized subjects go to the tracker's index.
    assert list(MessageSubject.objects.values_list("citizen_id", flat=True)) == ["1100200000011"]


def test_thai_text_hashes_the_same_after_a_round_trip():
    record = messagelog_append(entries=[log_entry(path="/ค้นหา/ชื่อ")], stream="s")[0]
    stored = MessageRecord.objects.get(pk=record.pk)
    assert chain.record_hash_of(stored) == stored.record_hash


def test_intact_log_verifies():
    messagelog_append(entries=[log_entry() for _ in range(5)], stream="a")
    messagelog_append(entries=[log_entry() for _ in range(3)], stream="b")
    checkpoint_create()
    messagelog_append(entries=[log_entry()], stream="a")
    report = messagelog_verify()
    assert report.ok
    assert report.records == 9
    assert report.streams == 2
    assert report.checkpoints == 1
    assert report.describe().startswith("OK: 9 records in 2 streams and 1 checkpoints verified")
    assert "latest checkpoint seq=1 hash=" in report.describe()


def test_empty_log_verifies():
    report = messagelog_verify()
    assert report.ok
    assert report.describe() == (
        "OK: 0 records in 0 streams and 0 checkpoints verified; 0 consent records verified"
    )


def test_checkpoint_signs_heads_of_every_stream_and_chains():
    a = messagelog_append(entries=[log_entry(), log_entry()], stream="a")
    b = messagelog_append(entries=[log_entry()], stream="b")
    first = checkpoint_create()
    assert first is not None
    assert first.seq == 1
    assert first.prev_hash == chain.GENESIS
    assert first.heads == {"a": [2, a[1].record_hash], "b": [1, b[0].record_hash]}
    assert signature_valid(digest_hex=first.hash, signature=first.signature, key_id=first.key_id)
    assert checkpoint_create() is None  # nothing moved
    messagelog_append(entries=[log_entry()], stream="b")
    second = checkpoint_create()
    assert second is not None
    assert second.seq == 2
    assert second.prev_hash == first.hash
    assert second.heads["b"][0] == 2
    assert checkpoint_create() is None


def test_no_checkpoint_for_an_empty_log():
    assert checkpoint_create() is None
    assert not Checkpoint.objects.exists()


def test_checkpoint_finds_new_streams_in_the_recent_window_and_all_on_full_scan():
    messagelog_append(entries=[log_entry()], stream="a")
    checkpoint_create()
    # A stream whose only record arrived long before (committed late) is outside the window.
    old = timezone.now() - dt.timedelta(days=3)
    messagelog_append(entries=[log_entry(at=old)], stream="late")
    messagelog_append(entries=[log_entry()], stream="fresh")
    second = checkpoint_create()
    assert second is not None
    assert set(second.heads) == {"a", "fresh"}
    third = checkpoint_create(full_scan=True)
    assert third is not None
    assert set(third.heads) == {"a", "fresh", "late"}
    assert messagelog_verify().ok


def test_records_signed_with_a_retired_key_verify_while_it_is_trusted(tmp_path, settings):
    old_private, old_public = key_files_write(tmp_path, "old")
    settings.DDGOV_EXCHANGE_SIGNING_KEY_FILE = old_private
    keys_reset()
    messagelog_append(entries=[log_entry(), log_entry()], stream="s")
    checkpoint_create()
    new_private, _new_public = key_files_write(tmp_path, "new")
    settings.DDGOV_EXCHANGE_SIGNING_KEY_FILE = new_private
    settings.DDGOV_EXCHANGE_TRUSTED_KEY_FILES = [str(old_public)]
    keys_reset()
    messagelog_append(entries=[log_entry()], stream="s")
    checkpoint_create()
    key_ids = set(MessageRecord.objects.values_list("key_id", flat=True))
    assert len(key_ids) == 2
    assert messagelog_verify().ok
    # Forget the retired key: its records no longer verify.
    settings.DDGOV_EXCHANGE_TRUSTED_KEY_FILES = []
    keys_reset()
    report = messagelog_verify()
    assert not report.ok
    assert report.first_bad is not None
    assert (report.first_bad.stream, report.first_bad.seq) == ("s", 1)
    assert "untrusted key" in report.first_bad.reason
