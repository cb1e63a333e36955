"""The signed message log: appending in-process, checkpoints, verification and retention.

The gateway writes through its process's :class:`~ddgov.exchange.messagelog.writer.LogWriter`;
:func:`messagelog_append` is the same chaining and signing for synchronous callers (the demo
seeder, tests, a management command). :func:`checkpoint_create` signs the heads of every stream
in a chain of its own, so whole streams and the tails of streams cannot disappear unnoticed;
``ddgov worker`` runs it every ``DDGOV_EXCHANGE_CHECKPOINT_SECONDS``. :func:`messagelog_verify`
proves the log intact (see :mod:`ddgov.exchange.messagelog.verify`). :func:`messagelog_prune`
deletes records older than ``DDGOV_EXCHANGE_LOG_RETENTION_DAYS``, only ever up to a head a
checkpoint signed, so what remains still verifies.

Verification also covers the consent evidence the gateway relies on: every
:class:`~ddgov.exchange.models.ConsentRecord`'s signed event chain must hold up and end where the
audit trail says it ended (see :func:`messagelog_verify`).
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Max, QuerySet
from django.utils import timezone

from ddgov.audit.models import AuditRecord
from ddgov.audit.services import audit_record_append
from ddgov.exchange.messagelog.chain import (
    GENESIS,
    STREAM_MAX,
    checkpoint_hash,
    records_chain,
    records_insert,
)
from ddgov.exchange.messagelog.entry import LogEntry
from ddgov.exchange.messagelog.keys import sign
from ddgov.exchange.messagelog.verify import BadRecord, VerifyReport, log_verify
from ddgov.exchange.messagelog.writer import stream_name
from ddgov.exchange.models import (
    Checkpoint,
    ConsentEvent,
    ConsentRecord,
    MessageRecord,
    MessageSubject,
)
from ddgov.exchange.services.consent import (
    ACTION_GIVEN,
    ACTION_WITHDRAWN,
    consent_record_problem,
)

__all__ = [
    "BadRecord",
    "VerifyReport",
    "checkpoint_create",
    "consents_verify",
    "messagelog_append",
    "messagelog_prune",
    "messagelog_verify",
]

APPEND_ATTEMPTS = 5
DELETE_CHUNK = 5000
# A checkpoint looks for new streams among records this recent (a stream's first records may
# be committed a while after they arrived, when the database was down); the daily prune takes
# a checkpoint over every stream.
NEW_STREAM_WINDOW_MIN = dt.timedelta(hours=1)

_sync_stream: tuple[int, str] | None = None
_stream_locks: dict[str, threading.Lock] = {}
_stream_locks_guard = threading.Lock()


def _default_stream() -> str:
    """This process's stream for synchronous appends (not the writer thread's)."""
    global _sync_stream  # noqa: PLW0603 - one per process
    pid = os.getpid()
    if _sync_stream is None or _sync_stream[0] != pid:
        _sync_stream = (pid, stream_name())
    return _sync_stream[1]


def _stream_lock(stream: str) -> threading.Lock:
    with _stream_locks_guard:
        return _stream_locks.setdefault(stream, threading.Lock())


def messagelog_append(
    *, entries: Sequence[LogEntry], stream: str | None = None
) -> list[MessageRecord]:
    """Chain, sign and store ``entries`` now, continuing ``stream`` from its last record.

    Without ``stream`` the entries go to this process's own synchronous stream. Do not name the
    stream of a running :class:`~ddgov.exchange.messagelog.writer.LogWriter`: it keeps its
    position in memory. A concurrent append to the same stream from another process loses the
    race on ``(stream, seq)`` and is retried.
    """
    name = stream or _default_stream()
    if not name or len(name) > STREAM_MAX:
        msg = f"stream name must be 1 to {STREAM_MAX} characters"
        raise ValueError(msg)
    items = list(entries)
    if not items:
        return []
    with _stream_lock(name):
        for attempt in range(1, APPEND_ATTEMPTS + 1):
            try:
                with transaction.atomic():
                    last = (
                        MessageRecord.objects.filter(stream=name)
                        .order_by("-seq")
                        .values_list("seq", "record_hash")
                        .first()
                    )
                    seq, prev = last if last is not None else (0, GENESIS)
                    chained = records_chain(
                        entries=items, stream=name, last_seq=seq, last_hash=prev
                    )
                    records_insert(chained=chained)
                    return list(
                        MessageRecord.objects.filter(
                            stream=name, seq__gt=seq, seq__lte=chained[-1].seq
                        ).order_by("seq")
                    )
            except IntegrityError:
                if attempt == APPEND_ATTEMPTS:
                    raise
    return []  # pragma: no cover - the loop returns or raises


def _last_record(stream: str) -> tuple[int, str] | None:
    row = (
        MessageRecord.objects.filter(stream=stream)
        .order_by("-seq")
        .values_list("seq", "record_hash")
        .first()
    )
    return (int(row[0]), str(row[1])) if row is not None else None


def _stream_heads(*, previous: Checkpoint | None, full_scan: bool) -> dict[str, list[Any]]:
    """``{stream: [last seq, last record_hash]}`` for every stream that has records."""
    if previous is None or full_scan:
        streams = set(MessageRecord.objects.order_by().values_list("stream", flat=True).distinct())
    else:
        window = max(
            NEW_STREAM_WINDOW_MIN,
            dt.timedelta(seconds=10 * settings.DDGOV_EXCHANGE_CHECKPOINT_SECONDS),
        )
        recent = (
            MessageRecord.objects.filter(at__gte=previous.at - window)
            .order_by()
            .values_list("stream", flat=True)
            .distinct()
        )
        streams = set(previous.heads) | set(recent)
    heads: dict[str, list[Any]] = {}
    for stream in sorted(streams):
        last = _last_record(stream)
        if last is not None:
            heads[stream] = [last[0], last[1]]
    return heads


def checkpoint_create(
    *, now: dt.datetime | None = None, full_scan: bool = False
) -> Checkpoint | None:
    """Sign the heads of all streams, chained to the previous checkpoint.

    Returns None when no stream moved since the last checkpoint (or another process made one at
    the same moment). ``full_scan`` looks at every record for streams, not only recent ones.
    """
    try:
        with transaction.atomic():
            previous = Checkpoint.objects.select_for_update().order_by("-seq").first()
            heads = _stream_heads(previous=previous, full_scan=full_scan)
            if previous is None and not heads:
                return None
            if previous is not None and previous.heads == heads:
                return None
            seq = previous.seq + 1 if previous is not None else 1
            prev_hash = previous.hash if previous is not None else GENESIS
            at = now or timezone.now()
            digest = checkpoint_hash(seq=seq, at=at, heads=heads, prev_hash=prev_hash)
            signature, key_id = sign(digest)
            return Checkpoint.objects.create(
                seq=seq,
                at=at,
                heads=heads,
                prev_hash=prev_hash,
                hash=digest,
                signature=signature,
                key_id=key_id,
            )
    except IntegrityError:
        return None


def messagelog_verify() -> VerifyReport:
    """Check every record, checkpoint and consent record; ``.describe()`` names the first bad one.

    Message records (by stream, then seq) and checkpoints (by seq) first, see
    :mod:`ddgov.exchange.messagelog.verify`; then, when those are intact, every consent record
    in pk order (:func:`consents_verify`). Stops at the first problem.
    """
    report = log_verify()
    if report.ok:
        consents_verify(report=report)
    return report


# --- consent evidence -------------------------------------------------------------------------

CONSENT_AUDIT_TARGET = "exchange_consent"  # the target_type services.consent audits under
CONSENT_CHUNK = 500
CONSENT_RECHECKS = 2


def _consent_audited_seqs() -> dict[int, int]:
    """Per consent record pk, the highest event seq the audit trail recorded for it.

    ``consent_give``/``consent_withdraw`` append each event and its audit record in one
    transaction, and the audit trail refuses UPDATE and DELETE: an event chain that ends before
    the audited seq lost its newest events.
    """
    rows = AuditRecord.objects.filter(
        target_type=CONSENT_AUDIT_TARGET,
        action__in=(ACTION_GIVEN, ACTION_WITHDRAWN),
        outcome=AuditRecord.Outcome.OK,
    ).values_list("target_id", "detail")
    audited: dict[int, int] = {}
    for target_id, detail in rows.order_by().iterator(chunk_size=2000):
        seq = detail.get("seq") if isinstance(detail, dict) else None
        if not str(target_id).isdigit() or not isinstance(seq, int):
            continue
        pk = int(target_id)
        audited[pk] = max(audited.get(pk, 0), seq)
    return audited


def _consent_problem(record: ConsentRecord, *, last_seq: int, audited: int) -> str:
    problem = consent_record_problem(record=record)
    for _retry in range(CONSENT_RECHECKS):
        if not problem:
            break
        # The citizen may have answered since the record was read (its state is from the
        # chunk's query, its events from a later one): read it again before calling it tampered.
        fresh = _consent_records().filter(pk=record.pk).first()
        if fresh is None:
            break
        problem = consent_record_problem(record=fresh)
    if not problem and audited > last_seq:
        problem = (
            f"missing: the audit trail records event seq={audited}"
            f" but the event chain ends at seq={last_seq}"
        )
    return problem


def _consent_records() -> QuerySet[ConsentRecord]:
    return ConsentRecord.objects.select_related(
        "agreement__service__subsystem__member",
        "agreement__client__member",
        "agreement__purpose",
    )


def consents_verify(*, report: VerifyReport) -> None:
    """Check every consent record's signed history, in pk order; note the first bad one.

    Each record must pass :func:`~ddgov.exchange.services.consent.consent_record_problem` (events
    1..n hash-chained and signed by a trusted key, the last event's state is the record's state,
    the revision hash is the agreement's and its terms still hash to it), its chain must reach
    the newest event the audit trail recorded for it, and a record the audit trail knows must
    still exist. Sets ``report.consents`` and, on a problem, ``report.first_bad`` (kind
    ``"consent"``).
    """
    audited = _consent_audited_seqs()
    last_seqs: dict[int, int] = dict(
        ConsentEvent.objects.order_by()
        .values("record_id")
        .annotate(last=Max("seq"))
        .values_list("record_id", "last")
    )
    existing = set(ConsentRecord.objects.values_list("pk", flat=True))
    gone = sorted(pk for pk in audited if pk not in existing)
    records = _consent_records().order_by("pk")
    for record in records.iterator(chunk_size=CONSENT_CHUNK):
        if gone and gone[0] < record.pk:
            break
        problem = _consent_problem(
            record, last_seq=last_seqs.get(record.pk, 0), audited=audited.get(record.pk, 0)
        )
        if problem:
            report.first_bad = BadRecord(
                kind="consent", stream="", seq=0, pk=record.pk, reason=problem
            )
            return
        report.consents += 1
    if gone:
        reason = "missing: the audit trail records its consent events but the record is gone"
        report.first_bad = BadRecord(kind="consent", stream="", seq=0, pk=gone[0], reason=reason)


# --- retention --------------------------------------------------------------------------------


def _first_seq(stream: str) -> tuple[int, str] | None:
    row = (
        MessageRecord.objects.filter(stream=stream)
        .order_by("seq")
        .values_list("seq", "prev_hash")
        .first()
    )
    return (int(row[0]), str(row[1])) if row is not None else None


def _prune_limits(*, heads: Mapping[str, Any], cutoff: dt.datetime) -> dict[str, tuple[int, int]]:
    """Per stream, ``(first seq, last seq that may go)``: older than cutoff and checkpointed."""
    limits = {}
    for stream, head in heads.items():
        head_seq = int(head[0])
        first = _first_seq(stream)
        if first is None:
            continue
        first_new = (
            MessageRecord.objects.filter(stream=stream, seq__lte=head_seq, at__gte=cutoff)
            .order_by("seq")
            .values_list("seq", flat=True)
            .first()
        )
        limit = head_seq if first_new is None else int(first_new) - 1
        if limit >= first[0]:
            limits[stream] = (first[0], limit)
    return limits


def _prune_boundaries(*, latest: Checkpoint, cutoff: dt.datetime) -> dict[str, int]:
    """Per stream, the highest checkpointed head whose records may all go."""
    limits = _prune_limits(heads=latest.heads, cutoff=cutoff)
    boundaries = {}
    pending = {}
    for stream, (_first, limit) in limits.items():
        if int(latest.heads[stream][0]) == limit:
            boundaries[stream] = limit  # everything up to the newest head is old: all of it goes
        else:
            pending[stream] = limit
    found: dict[str, int] = {}
    if pending:
        # A stream's head only moves forward from one checkpoint to the next: walk them oldest
        # first and keep the last head at or below the limit.
        rows = Checkpoint.objects.filter(seq__lt=latest.seq).order_by("seq")
        for heads in rows.values_list("heads", flat=True).iterator(chunk_size=500):
            for stream in list(pending):
                head = heads.get(stream) if isinstance(heads, dict) else None
                if head is None:
                    continue
                if int(head[0]) <= pending[stream]:
                    found[stream] = int(head[0])
                else:
                    del pending[stream]
            if not pending:
                break
    boundaries.update((s, b) for s, b in found.items() if b >= limits[s][0])
    return boundaries


def _records_delete(*, stream: str, upto: int) -> int:
    """Delete a stream's records with seq <= ``upto`` and their subject rows, in chunks."""
    deleted = 0
    meta = MessageRecord._meta
    table, pk = (
        connection.ops.quote_name(meta.db_table),
        connection.ops.quote_name(str(meta.pk.column)),
    )
    while True:
        ids = list(
            MessageRecord.objects.filter(stream=stream, seq__lte=upto)
            .order_by("seq")
            .values_list("pk", flat=True)[:DELETE_CHUNK]
        )
        if not ids:
            return deleted
        MessageSubject.objects.filter(record_id__in=ids).delete()
        placeholders = ", ".join(["%s"] * len(ids))
        with connection.cursor() as cursor:
            # The subject rows (the only dependants) are gone, so skip Django's cascade collector.
            cursor.execute(f"DELETE FROM {table} WHERE {pk} IN ({placeholders})", ids)  # noqa: S608
            deleted += cursor.rowcount


def _checkpoints_prune(*, cutoff: dt.datetime) -> int:
    """Delete the oldest checkpoints, keeping the newest and every one a stream's start needs."""
    latest = Checkpoint.objects.order_by("-seq").first()
    if latest is None:
        return 0
    newer = Checkpoint.objects.filter(at__gte=cutoff).order_by("seq").values_list("seq", flat=True)
    keep_from = min(newer.first() or latest.seq, latest.seq)
    needed = {}
    for stream in latest.heads:
        first = _first_seq(stream)
        if first is not None and first[0] > 1:
            needed[stream] = [first[0] - 1, first[1]]
    vouchers: dict[str, int] = {}
    old = Checkpoint.objects.filter(seq__lt=keep_from).order_by("seq").values_list("seq", "heads")
    for seq, heads in old.iterator(chunk_size=500):
        for stream, head in needed.items():
            if isinstance(heads, dict) and heads.get(stream) == head:
                vouchers[stream] = seq  # the newest old checkpoint that vouches for the start
    if vouchers:
        keep_from = min(keep_from, *vouchers.values())
    deleted, _by_model = Checkpoint.objects.filter(seq__lt=keep_from).delete()
    return int(deleted)


def messagelog_prune(*, now: dt.datetime | None = None) -> int:
    """Delete records older than the retention period, up to a checkpointed head; count them.

    Takes a checkpoint over every stream first, deletes each stream's oldest records up to the
    newest head a checkpoint signed that is older than the cutoff (subject rows go with them),
    signs a new checkpoint when whole streams went, and drops checkpoints nothing needs any more.
    Records younger than ``DDGOV_EXCHANGE_LOG_RETENTION_DAYS`` are never deleted.
    """
    moment = now or timezone.now()
    cutoff = moment - dt.timedelta(days=settings.DDGOV_EXCHANGE_LOG_RETENTION_DAYS)
    checkpoint_create(full_scan=True)
    with transaction.atomic():
        latest = Checkpoint.objects.select_for_update().order_by("-seq").first()
        if latest is None:
            return 0
        boundaries = _prune_boundaries(latest=latest, cutoff=cutoff)
        deleted = sum(_records_delete(stream=s, upto=b) for s, b in sorted(boundaries.items()))
        if deleted:
            checkpoint_create()  # streams deleted entirely leave the signed heads
        checkpoints = _checkpoints_prune(cutoff=cutoff)
    if deleted or checkpoints:
        audit_record_append(
            action="exchange.messagelog.prune",
            target_type="exchange.messagelog",
            detail={
                "records": deleted,
                "checkpoints": checkpoints,
                "streams": len(boundaries),
                "cutoff": cutoff.isoformat(),
            },
        )
    return deleted
