"""The gateway process's message-log writer: a daemon thread that chains, signs and stores.

The gateway's event loop must never wait for the database, so it hands each call's
:class:`~ddgov.exchange.messagelog.entry.LogEntry` to :meth:`LogWriter.submit` (a queue put)
and moves on. The writer thread takes whatever has queued up (up to 500 entries), numbers them
in its own stream, chains and signs them, and inserts the batch in one transaction on its own
database connection: under load batches grow by themselves, idle it writes each call at once.

Each process writes its own stream (``<node>/<pid>-<6 random hex>``), so no two writers ever
compete for a sequence number and nothing needs a cross-process lock. Transient database errors
(SQLite "database is locked", a PostgreSQL restart) are retried with backoff; the batch is not
lost. :meth:`LogWriter.healthy` turns false when the queue is long or the database has been
failing for more than a few seconds, and the gateway then refuses calls (X-Road's rule: no
logging, no exchange). An entry the database rejects outright (a constraint) is written alone
and, if it still fails, dropped and reported through Python logging rather than block the log.
"""

from __future__ import annotations

import logging
import os
import queue
import secrets
import socket
import threading
import time
from collections.abc import Sequence

from django.conf import settings
from django.db import DataError, IntegrityError, connection, transaction

from ddgov.exchange.messagelog.chain import GENESIS, STREAM_MAX, records_chain, records_insert
from ddgov.exchange.messagelog.entry import LogEntry

logger = logging.getLogger(__name__)

BATCH_MAX = 500
# More queued entries than this and the writer is not keeping up: the gateway refuses calls.
QUEUE_HEALTHY_MAX = 50_000
# Past this the queue drops new entries rather than grow without bound (memory).
QUEUE_HARD_MAX = 200_000
# How long the database may keep failing before the writer reports itself unhealthy.
FAILING_GRACE_SECONDS = 5.0
BACKOFF_FIRST = 0.02
BACKOFF_MAX = 1.0
IDLE_WAIT_SECONDS = 0.5

_STOP = object()
_WRITTEN = object()
_REJECTED = object()
_DROPPED = object()


def stream_name() -> str:
    """A new stream name: ``<DDGOV_EXCHANGE_NODE or host name>/<pid>-<6 random hex>``."""
    node = str(getattr(settings, "DDGOV_EXCHANGE_NODE", "") or socket.gethostname() or "node")
    suffix = f"/{os.getpid()}-{secrets.token_hex(3)}"
    return node[: STREAM_MAX - len(suffix)] + suffix


class LogWriter:
    """Chains, signs and stores submitted entries on a daemon thread of this process."""

    def __init__(self, *, stream: str | None = None) -> None:
        """Prepare a writer for a fresh stream; the thread starts on the first submit."""
        self.pid = os.getpid()
        self.stream = stream or stream_name()
        self._queue: queue.SimpleQueue[tuple[int, LogEntry] | object] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._done = threading.Condition()
        self._submitted = 0  # tickets handed out (guarded by _lock)
        self._handled = 0  # last ticket committed or dropped (guarded by _done)
        self._thread: threading.Thread | None = None
        self._last_seq = 0
        self._last_hash = GENESIS
        self._failing_since: float | None = None  # first failure of the current batch
        self._busy_since: float | None = None  # when the current batch's first attempt began
        self._stopping = False
        self.last_error = ""
        self.written = 0
        self.dropped = 0

    # --- the caller's side (event loop) ----------------------------------------------------

    def start(self) -> None:
        """Start the thread if it is not running (idempotent; submit does it too)."""
        with self._lock:
            self._start_locked()

    def _start_locked(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stopping = False
        self._thread = threading.Thread(
            target=self._run, name=f"exchange-log {self.stream}", daemon=True
        )
        self._thread.start()

    def submit(self, entry: LogEntry) -> None:
        """Queue ``entry`` for writing; never blocks on the database."""
        if self._queue.qsize() >= QUEUE_HARD_MAX:
            self.dropped += 1
            if self.dropped == 1 or self.dropped % 1000 == 0:
                logger.error(
                    "message log queue full (%d): dropped %d entries so far (last error: %s)",
                    QUEUE_HARD_MAX,
                    self.dropped,
                    self.last_error,
                )
            return
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._start_locked()
            self._submitted += 1
            self._queue.put((self._submitted, entry))

    def flush(self, timeout: float = 10.0) -> None:
        """Return once everything submitted so far is committed; TimeoutError past ``timeout``."""
        with self._lock:
            target = self._submitted
        with self._done:
            if not self._done.wait_for(lambda: self._handled >= target, timeout=timeout):
                pending = target - self._handled
                msg = (
                    f"message log writer did not commit {pending} entries within {timeout} s"
                    f" (last error: {self.last_error or 'none'})"
                )
                raise TimeoutError(msg)

    def healthy(self) -> bool:
        """False when the queue is too long or a batch has been stuck for a few seconds.

        Stuck means failing and being retried, or waiting on a database lock.
        """
        if self._queue.qsize() > QUEUE_HEALTHY_MAX:
            return False
        since = self._busy_since
        return since is None or time.monotonic() - since <= FAILING_GRACE_SECONDS

    def close(self, timeout: float = 10.0) -> None:
        """Write what is queued (up to ``timeout``), stop the thread, close its connection."""
        thread = self._thread
        if thread is None or not thread.is_alive():
            return
        try:
            self.flush(timeout=timeout)
        except TimeoutError:
            logger.exception("message log writer closing with entries not written")
        self._stopping = True
        self._queue.put(_STOP)
        thread.join(timeout=max(timeout, 1.0))

    def pending(self) -> int:
        """How many submitted entries are not committed yet."""
        with self._lock:
            submitted = self._submitted
        return submitted - self._handled

    # --- the writer thread ------------------------------------------------------------------

    def _run(self) -> None:
        try:
            while True:
                batch, stop = self._take()
                if batch:
                    self._write_batch(batch)
                if stop:
                    return
        finally:
            connection.close()

    def _take(self) -> tuple[list[tuple[int, LogEntry]], bool]:
        try:
            first = self._queue.get(timeout=IDLE_WAIT_SECONDS)
        except queue.Empty:
            return [], False
        if first is _STOP:
            return [], True
        batch: list[tuple[int, LogEntry]] = [first]  # type: ignore[list-item]
        while len(batch) < BATCH_MAX:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is _STOP:
                return batch, True
            batch.append(item)  # type: ignore[arg-type]
        return batch, False

    def _handled_upto(self, ticket: int) -> None:
        with self._done:
            self._handled = ticket
            self._done.notify_all()

    def _write_batch(self, batch: list[tuple[int, LogEntry]]) -> None:
        entries = [entry for _ticket, entry in batch]
        if self._attempt(entries) is _REJECTED:
            # Isolate what the database refuses; the others keep their place in the chain.
            for entry in entries:
                if self._attempt([entry]) is _REJECTED:
                    self.dropped += 1
                    logger.error("message log entry rejected by the database: %r", entry)
        self._handled_upto(batch[-1][0])

    def _attempt(self, entries: Sequence[LogEntry]) -> object:
        """Write ``entries`` in one transaction, retrying transient failures with backoff."""
        delay = BACKOFF_FIRST
        if self._busy_since is None:
            self._busy_since = time.monotonic()
        while True:
            try:
                self._write(entries)
            except (IntegrityError, DataError):
                self._busy_since = self._failing_since = None
                return _REJECTED
            except Exception as exc:  # noqa: BLE001 - any other failure: keep the batch, retry
                if self._give_up(exc):
                    self.dropped += len(entries)
                    self._busy_since = self._failing_since = None
                    return _DROPPED
                time.sleep(delay)
                delay = min(delay * 2, BACKOFF_MAX)
            else:
                self._busy_since = self._failing_since = None
                return _WRITTEN

    def _give_up(self, exc: Exception) -> bool:
        """Note a failed attempt; True when closing and the database stayed down too long."""
        now = time.monotonic()
        if self._failing_since is None:
            self._failing_since = now
            logger.warning("message log write failed, retrying: %r", exc)
        self.last_error = repr(exc)
        connection.close()  # a broken connection is reopened on the next attempt
        if self._stopping and now - self._failing_since > FAILING_GRACE_SECONDS:
            logger.error("message log writer stopped with entries not written: %r", exc)
            return True
        return False

    def _write(self, entries: Sequence[LogEntry]) -> None:
        chained = records_chain(
            entries=entries, stream=self.stream, last_seq=self._last_seq, last_hash=self._last_hash
        )
        with transaction.atomic():
            records_insert(chained=chained)
        self._last_seq = chained[-1].seq
        self._last_hash = chained[-1].record_hash
        self.written += len(chained)


_writer: LogWriter | None = None
_writer_lock = threading.Lock()


def log_writer() -> LogWriter:
    """This process's writer, created on first use (and again in a forked child)."""
    global _writer  # noqa: PLW0603 - the process singleton
    writer = _writer
    if writer is not None and writer.pid == os.getpid():
        return writer
    with _writer_lock:
        if _writer is None or _writer.pid != os.getpid():
            _writer = LogWriter()
        return _writer


def log_writer_reset() -> None:
    """Close and forget this process's writer, so the next call starts a new stream.

    For tests: a transactional test empties the database, and a writer that continued its
    stream from the sequence number and hash it remembers would leave a gap for ``verify``.
    """
    global _writer
    with _writer_lock:
        writer, _writer = _writer, None
    if writer is not None and writer.pid == os.getpid():
        writer.close()


def _after_fork_in_child() -> None:
    """A forked worker must not reuse the parent's queue, thread or stream."""
    global _writer, _writer_lock  # noqa: PLW0603
    _writer = None
    _writer_lock = threading.Lock()


os.register_at_fork(after_in_child=_after_fork_in_child)
