"""Retention: old records go only up to a checkpointed head, and the rest still verifies."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ddgov.audit.models import AuditRecord
from ddgov.exchange import jobs
from ddgov.exchange.messagelog.testing import log_entry
from ddgov.exchange.models import Checkpoint, MessageRecord, MessageSubject
from ddgov.exchange.services.messagelog import (
    checkpoint_create,
    messagelog_append,
    messagelog_prune,
    messagelog_verify,
)
from ddgov.jobs.registry import periodic_tasks

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def _retention(settings):
    settings.DDGOV_EXCHANGE_LOG_RETENTION_DAYS = 365


def append(stream, count, *, at, subject="1100200000011"):
    return messagelog_append(
        entries=[log_entry(at=at, subjects=(subject,)) for _ in range(count)], stream=stream
    )


@pytest.fixture
def history():
    """Stream "a": 10 records 400 days old, a checkpoint then, 5 recent records.

    Stream "b": 4 records 400 days old and nothing since. Stream "c": only recent records.
    """
    now = timezone.now()
    old = now - 400 * DAY
    append("a", 10, at=old)
    append("b", 4, at=old)
    checkpoint_create(now=old + dt.timedelta(minutes=1))
    append("a", 5, at=now)
    append("c", 3, at=now)
    checkpoint_create()
    return now


def test_prune_deletes_old_records_up_to_a_checkpoint_and_still_verifies(history):
    assert messagelog_prune(now=history) == 14
    assert list(MessageRecord.objects.filter(stream="a").values_list("seq", flat=True)) == [
        11,
        12,
        13,
        14,
        15,
    ]
    assert not MessageRecord.objects.filter(stream="b").exists()
    assert MessageRecord.objects.filter(stream="c").count() == 3
    assert MessageSubject.objects.count() == 8  # subject rows went with their records
    report = messagelog_verify()
    assert report.ok, report.describe()
    assert report.records == 8
    # A new checkpoint without the stream that went entirely.
    latest = Checkpoint.objects.order_by("-seq").first()
    assert set(latest.heads) == {"a", "c"}
    audit = AuditRecord.objects.filter(action="exchange.messagelog.prune").get()
    assert audit.detail["records"] == 14


def test_prune_is_idempotent(history):
    messagelog_prune(now=history)
    assert messagelog_prune(now=history) == 0
    assert messagelog_verify().ok


def test_prune_keeps_records_younger_than_the_retention(history, settings):
    settings.DDGOV_EXCHANGE_LOG_RETENTION_DAYS = 500
    assert messagelog_prune(now=history) == 0
    assert MessageRecord.objects.count() == 22


def test_prune_never_deletes_a_record_newer_than_the_cutoff():
    now = timezone.now()
    # Arrival times are not strictly monotonic in a stream: seq 3 arrived recently.
    messagelog_append(
        entries=[
            log_entry(at=now - 400 * DAY),
            log_entry(at=now - 400 * DAY),
            log_entry(at=now - DAY),
            log_entry(at=now - 400 * DAY),
        ],
        stream="a",
    )
    checkpoint_create(now=now - 300 * DAY)
    assert messagelog_prune(now=now) == 0  # the only head covering 1-2 is seq 4
    assert MessageRecord.objects.count() == 4


def test_prune_only_goes_up_to_a_checkpointed_head():
    now = timezone.now()
    append("a", 10, at=now - 400 * DAY)
    append("a", 5, at=now)
    checkpoint_create()  # one checkpoint, whose head is a recent record
    assert messagelog_prune(now=now) == 0
    assert messagelog_verify().ok


def test_prune_takes_a_checkpoint_first():
    now = timezone.now()
    append("old", 3, at=now - 400 * DAY)
    assert not Checkpoint.objects.exists()
    assert messagelog_prune(now=now) == 3
    assert messagelog_verify().ok


def test_prune_drops_checkpoints_nothing_needs():
    now = timezone.now()
    for day in range(5):
        moment = now - (400 - day) * DAY
        append("a", 2, at=moment)
        checkpoint_create(now=moment + dt.timedelta(minutes=1))
    append("a", 2, at=now)
    checkpoint_create()
    assert Checkpoint.objects.count() == 6
    assert messagelog_prune(now=now) == 10
    # Checkpoint 5 vouches for where stream "a" now starts; 6 is the newest.
    assert list(Checkpoint.objects.values_list("seq", flat=True)) == [5, 6]
    report = messagelog_verify()
    assert report.ok, report.describe()
    assert report.checkpoints == 2


def test_voucher_checkpoint_survives_later_prunes(history):
    now = history
    messagelog_prune(now=now)
    # A year later stream "a" is still busy; "c" too. Prune again with old checkpoints around.
    later = now + 30 * DAY
    messagelog_prune(now=later)
    assert messagelog_verify().ok
    assert MessageRecord.objects.filter(stream="a").order_by("seq").first().seq == 11


def test_tampering_after_a_prune_is_still_found(history):
    messagelog_prune(now=history)
    first = MessageRecord.objects.filter(stream="a").order_by("seq").first()
    first.delete()
    report = messagelog_verify()
    assert not report.ok
    assert (report.first_bad.stream, report.first_bad.seq) == ("a", 11)


def test_deleting_old_records_without_a_prune_is_found():
    now = timezone.now()
    append("a", 6, at=now - 400 * DAY)
    checkpoint_create()
    MessageRecord.objects.filter(stream="a", seq__lte=2).delete()
    report = messagelog_verify()
    assert not report.ok
    assert (report.first_bad.stream, report.first_bad.seq) == ("a", 1)


def test_periodic_tasks_are_registered(settings):
    tasks = periodic_tasks()
    assert tasks["exchange.checkpoint"].every_seconds == settings.DDGOV_EXCHANGE_CHECKPOINT_SECONDS
    assert tasks["exchange.prune"].every_seconds == 24 * 60 * 60


def test_periodic_checkpoint_and_prune_tasks_run():
    assert jobs.checkpoint_task() == ""
    append("a", 2, at=timezone.now() - 400 * DAY)
    assert jobs.checkpoint_task() == "message log checkpoint #1"
    assert jobs.checkpoint_task() == ""
    assert jobs.prune_task() == "pruned 2 message record(s)"
    assert jobs.prune_task() == ""
