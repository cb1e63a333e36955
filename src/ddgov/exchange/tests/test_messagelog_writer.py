"""The gateway's log writer: a daemon thread with its own connection, batches, retries."""

from __future__ import annotations

import re
import threading
import time

import pytest
from django.db import OperationalError, connection, transaction

from ddgov.exchange.messagelog import writer as writer_module
from ddgov.exchange.messagelog.testing import log_entry
from ddgov.exchange.messagelog.writer import LogWriter, log_writer, stream_name
from ddgov.exchange.models import MessageRecord, MessageSubject
from ddgov.exchange.services.messagelog import (
    checkpoint_create,
    messagelog_append,
    messagelog_verify,
)

# The writer commits on its own connection, so the test's data must be really committed.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def writers():
    made: list[LogWriter] = []

    def make(**kwargs):
        w = LogWriter(**kwargs)
        made.append(w)
        return w

    yield make
    for w in made:
        w.close(timeout=5)


def test_stream_name_is_node_pid_and_random_suffix(settings):
    settings.DDGOV_EXCHANGE_NODE = "gw-1"
    name = stream_name()
    assert re.fullmatch(r"gw-1/\d+-[0-9a-f]{6}", name)
    assert name != stream_name()
    settings.DDGOV_EXCHANGE_NODE = ""
    assert re.fullmatch(r".+/\d+-[0-9a-f]{6}", stream_name())


def test_submit_then_flush_commits_a_verifiable_chain(writers):
    w = writers()
    for _ in range(25):
        w.submit(log_entry())
    w.flush(timeout=10)
    assert w.pending() == 0
    seqs = list(MessageRecord.objects.filter(stream=w.stream).values_list("seq", flat=True))
    assert seqs == list(range(1, 26))
    assert MessageSubject.objects.count() == 25
    checkpoint_create()
    assert messagelog_verify().ok


def test_submits_from_many_threads_are_all_written_in_batches(writers, monkeypatch):
    w = writers()
    batches: list[int] = []
    real = writer_module.records_insert

    def counting(*, chained):
        batches.append(len(chained))
        return real(chained=chained)

    monkeypatch.setattr(writer_module, "records_insert", counting)

    def producer():
        for _ in range(300):
            w.submit(log_entry())

    threads = [threading.Thread(target=producer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    w.flush(timeout=30)
    assert MessageRecord.objects.filter(stream=w.stream).count() == 1200
    assert sum(batches) == 1200
    assert max(batches) > 1  # entries queued while a batch was written go in one transaction
    assert max(batches) <= writer_module.BATCH_MAX
    assert messagelog_verify().ok


def test_transient_database_errors_are_retried_without_losing_entries(writers, monkeypatch):
    monkeypatch.setattr(writer_module, "FAILING_GRACE_SECONDS", 0.05)
    w = writers()
    failures = {"left": 6}
    real = writer_module.records_insert

    def flaky(*, chained):
        if failures["left"] > 0:
            failures["left"] -= 1
            raise OperationalError("database is locked")
        return real(chained=chained)

    monkeypatch.setattr(writer_module, "records_insert", flaky)
    for _ in range(10):
        w.submit(log_entry())
    deadline = time.monotonic() + 5
    seen_unhealthy = False
    while time.monotonic() < deadline and failures["left"] > 0:
        seen_unhealthy = seen_unhealthy or not w.healthy()
        time.sleep(0.01)
    w.flush(timeout=10)
    assert seen_unhealthy
    assert w.healthy()
    assert "database is locked" in w.last_error
    assert list(
        MessageRecord.objects.filter(stream=w.stream).values_list("seq", flat=True)
    ) == list(range(1, 11))
    assert messagelog_verify().ok


def test_an_entry_the_database_rejects_is_dropped_alone(writers):
    w = writers()
    duplicate = "00000000-0000-4000-8000-000000000001"
    w.submit(log_entry(request_id=duplicate))
    w.flush()
    w.submit(log_entry())
    w.submit(log_entry(request_id=duplicate))  # unique request_id: refused by the database
    w.submit(log_entry())
    w.flush()
    assert w.dropped == 1
    assert list(MessageRecord.objects.filter(stream=w.stream).values_list("seq", flat=True)) == [
        1,
        2,
        3,
    ]
    assert messagelog_verify().ok


def _writer_held(monkeypatch, w):
    """Make ``w``'s thread take one entry and hold it until the returned gate is set.

    Waiting until the thread is inside the insert (rather than sleeping) keeps the entries
    submitted next in the queue however slow the machine is: otherwise the thread may take
    them all in its first batch.
    """
    gate, entered = threading.Event(), threading.Event()
    real = writer_module.records_insert

    def blocked(*, chained):
        entered.set()
        gate.wait(10)
        return real(chained=chained)

    monkeypatch.setattr(writer_module, "records_insert", blocked)
    w.submit(log_entry())
    assert entered.wait(10)
    return gate


def test_long_queue_makes_the_writer_unhealthy(writers, monkeypatch):
    monkeypatch.setattr(writer_module, "QUEUE_HEALTHY_MAX", 5)
    w = writers()
    gate = _writer_held(monkeypatch, w)
    try:
        for _ in range(20):
            w.submit(log_entry())
        assert not w.healthy()
    finally:
        gate.set()
    w.flush(timeout=10)
    assert w.healthy()
    assert MessageRecord.objects.filter(stream=w.stream).count() == 21


def test_full_queue_drops_rather_than_grow(writers, monkeypatch):
    monkeypatch.setattr(writer_module, "QUEUE_HARD_MAX", 3)
    w = writers()
    gate = _writer_held(monkeypatch, w)
    try:
        for _ in range(10):
            w.submit(log_entry())
        assert w.dropped == 7
    finally:
        gate.set()
    w.flush(timeout=10)
    assert MessageRecord.objects.filter(stream=w.stream).count() == 4


def test_flush_times_out_with_the_last_error(writers, monkeypatch):
    w = writers()

    def failing(*, chained):
        raise OperationalError("database is down")

    monkeypatch.setattr(writer_module, "records_insert", failing)
    w.submit(log_entry())
    with pytest.raises(TimeoutError, match="database is down"):
        w.flush(timeout=0.5)
    monkeypatch.setattr(writer_module, "FAILING_GRACE_SECONDS", 0.0)
    w.close(timeout=0.2)  # gives up: nothing is written
    assert not MessageRecord.objects.exists()


def test_close_writes_what_is_queued_and_submit_restarts(writers):
    w = writers()
    for _ in range(5):
        w.submit(log_entry())
    w.close()
    assert MessageRecord.objects.filter(stream=w.stream).count() == 5
    assert w._thread is not None
    assert not w._thread.is_alive()
    w.submit(log_entry())
    w.flush()
    assert list(MessageRecord.objects.filter(stream=w.stream).values_list("seq", flat=True)) == [
        1,
        2,
        3,
        4,
        5,
        6,
    ]
    assert messagelog_verify().ok


def test_close_of_an_idle_writer_is_harmless(writers):
    w = writers()
    w.close()
    w.flush()
    assert w.healthy()


def test_log_writer_is_a_process_singleton_renewed_after_fork(monkeypatch):
    first = log_writer()
    assert log_writer() is first
    first.pid = -1  # as if this object came from the parent of a forked worker
    second = log_writer()
    assert second is not first
    assert second.stream != first.stream
    writer_module._after_fork_in_child()
    third = log_writer()
    assert third is not second
    third.close()
    second.close()


def test_a_batch_stuck_on_a_lock_makes_the_writer_unhealthy(writers, monkeypatch):
    monkeypatch.setattr(writer_module, "FAILING_GRACE_SECONDS", 0.05)
    w = writers()
    gate = threading.Event()
    real = writer_module.records_insert

    def blocked(*, chained):
        gate.wait(10)
        return real(chained=chained)

    monkeypatch.setattr(writer_module, "records_insert", blocked)
    w.submit(log_entry())
    time.sleep(0.3)
    assert not w.healthy()
    gate.set()
    w.flush(timeout=10)
    assert w.healthy()


def test_writes_wait_out_a_real_database_lock(writers):
    w = writers()
    with transaction.atomic():
        # Another writer holds the database (SQLite) or the same rows' table (PostgreSQL: no
        # conflict, the writer just goes ahead).
        messagelog_append(entries=[log_entry()], stream="other")
        w.submit(log_entry())
        time.sleep(0.3)
    w.flush(timeout=20)
    if connection.vendor == "sqlite":
        assert "locked" in w.last_error
    assert MessageRecord.objects.filter(stream=w.stream).count() == 1
    assert messagelog_verify().ok
