"""Proving the message log intact, and naming the first record that is not.

The checkpoints are checked first (each one's hash, signature and link to its predecessor) so
that only authentic checkpoints are trusted for what they claim. Then every stream is walked in
``seq`` order, streams sorted by name: each record's hash is recomputed from its content, its
``prev_hash`` must be the previous record's hash, its signature must verify against a trusted key,
where a checkpoint names the record its hash must be the one the checkpoint signed, and its rows
in the citizens' index (:class:`~ddgov.exchange.models.MessageSubject`, what the tracker reads)
must be exactly the citizen IDs of its signed ``subjects`` (deleted index rows would hide a
call from the citizen). A gap in ``seq`` is a deleted record; a stream ending before the highest
seq a checkpoint named for it is a truncated tail; a stream the latest checkpoint names but that
has no records was deleted.

Retention deletes a stream's oldest records up to a checkpointed head, so a stream may start at
``seq`` *m* > 1 when an authentic checkpoint names ``(m - 1, prev_hash of m)``; and the checkpoint
chain itself may start after seq 1 once old checkpoints were pruned. The first problem found, in
the order records (by stream, then seq) before checkpoints (by seq), is the one reported.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from ddgov.exchange.messagelog.chain import (
    GENESIS,
    checkpoint_hash,
    record_hash_of,
    subject_index,
)
from ddgov.exchange.messagelog.keys import signature_valid
from ddgov.exchange.models import Checkpoint, MessageRecord, MessageSubject

RECORD_FIELDS = (
    "pk",
    "stream",
    "seq",
    "at",
    "request_id",
    "client_id",
    "service_id",
    "method",
    "path",
    "purpose",
    "subjects",
    "request_digest",
    "response_digest",
    "status",
    "error",
    "duration_ms",
    "prev_hash",
    "record_hash",
    "signature",
    "key_id",
)
CHECKPOINT_FIELDS = ("pk", "seq", "at", "heads", "prev_hash", "hash", "signature", "key_id")
CHUNK = 2000
INDEX = "_index"  # the record's MessageSubject citizen IDs, sorted, added to each row
INDEX_MISMATCH = "citizen index does not match the signed subjects"


@dataclass(frozen=True)
class BadRecord:
    """The first thing verification found wrong: a record, a checkpoint or a consent record.

    Consent records are checked by ``services.messagelog.consents_verify``.
    """

    kind: str  # "record", "checkpoint" or "consent"
    stream: str  # "" for a checkpoint or a consent record
    seq: int  # 0 for a consent record
    pk: int | None  # None when the record or checkpoint is missing
    reason: str

    def describe(self) -> str:
        """The line ``ddgov exchange verify`` prints for it."""
        ident = "-" if self.pk is None else str(self.pk)
        if self.kind == "consent":
            return f"TAMPERED: consent record id={ident}: {self.reason}"
        if self.kind == "checkpoint":
            return f"TAMPERED: checkpoint seq={self.seq} id={ident}: {self.reason}"
        return f"TAMPERED: record stream={self.stream} seq={self.seq} id={ident}: {self.reason}"


@dataclass
class VerifyReport:
    """What verification checked and the first problem, if any."""

    records: int = 0
    streams: int = 0
    checkpoints: int = 0
    consents: int = 0  # consent records whose signed history was verified
    first_bad: BadRecord | None = None
    latest_checkpoint: tuple[int, str] | None = None  # (seq, hash) of the newest checkpoint

    @property
    def ok(self) -> bool:
        """Whether the log is intact."""
        return self.first_bad is None

    def describe(self) -> str:
        """One line: ``OK: …`` or ``TAMPERED: …`` naming the first bad record or checkpoint."""
        if self.first_bad is not None:
            return self.first_bad.describe()
        text = (
            f"OK: {self.records} records in {self.streams} streams"
            f" and {self.checkpoints} checkpoints verified;"
            f" {self.consents} consent records verified"
        )
        if self.latest_checkpoint is not None:
            seq, digest = self.latest_checkpoint
            text += f"; latest checkpoint seq={seq} hash={digest}"
        return text


@dataclass(frozen=True)
class _Claim:
    seq: int
    hash: str
    checkpoint_seq: int


@dataclass
class _Checkpoints:
    """What authentic checkpoints vouch for, per stream."""

    claims: dict[str, dict[int, _Claim]] = field(default_factory=dict)
    top: dict[str, _Claim] = field(default_factory=dict)
    latest_heads: Mapping[str, Any] = field(default_factory=dict)
    latest_seq: int = 0
    first_bad: BadRecord | None = None
    count: int = 0
    latest: tuple[int, str] | None = None

    def add(self, *, seq: int, heads: Mapping[str, Any]) -> None:
        for stream, head in heads.items():
            claim = _Claim(seq=int(head[0]), hash=str(head[1]), checkpoint_seq=seq)
            self.claims.setdefault(stream, {}).setdefault(claim.seq, claim)
            top = self.top.get(stream)
            if top is None or claim.seq > top.seq:
                self.top[stream] = claim
        self.latest_heads = heads
        self.latest_seq = seq


def _heads_problem(heads: Any) -> str:
    if not isinstance(heads, Mapping):
        return "heads is not an object"
    for stream, head in heads.items():
        if not (
            isinstance(stream, str)
            and isinstance(head, list)
            and len(head) == 2
            and isinstance(head[0], int)
            and isinstance(head[1], str)
        ):
            return f"head of stream {stream!r} is malformed"
    return ""


def _checkpoint_problem(row: Mapping[str, Any]) -> str:
    """What is wrong with one checkpoint on its own ("" when authentic)."""
    problem = _heads_problem(row["heads"])
    if problem:
        return problem
    try:
        digest = checkpoint_hash(
            seq=row["seq"], at=row["at"], heads=row["heads"], prev_hash=row["prev_hash"]
        )
    except (TypeError, ValueError, AttributeError):
        return "content unreadable"
    if digest != row["hash"]:
        return "content does not match its hash (changed after it was signed)"
    if not signature_valid(digest_hex=digest, signature=row["signature"], key_id=row["key_id"]):
        return f"signature invalid or signed by an untrusted key ({row['key_id']})"
    return ""


def _checkpoints_check() -> _Checkpoints:
    result = _Checkpoints()
    previous: Mapping[str, Any] | None = None
    rows = Checkpoint.objects.order_by("seq").values(*CHECKPOINT_FIELDS)
    for row in rows.iterator(chunk_size=CHUNK):
        result.count += 1
        result.latest = (row["seq"], row["hash"])
        problem = _checkpoint_problem(row)
        if not problem:
            result.add(seq=row["seq"], heads=row["heads"])
        if result.first_bad is None:
            bad = _link_problem(row, previous, problem)
            result.first_bad = bad
        previous = row
    return result


def _link_problem(
    row: Mapping[str, Any], previous: Mapping[str, Any] | None, problem: str
) -> BadRecord | None:
    seq, pk = row["seq"], row["pk"]
    if previous is not None and seq != previous["seq"] + 1:
        missing = previous["seq"] + 1
        reason = f"missing: the next checkpoint is seq {seq} id={pk}"
        return BadRecord(kind="checkpoint", stream="", seq=missing, pk=None, reason=reason)
    if problem:
        return BadRecord(kind="checkpoint", stream="", seq=seq, pk=pk, reason=problem)
    if previous is None:
        if seq == 1 and row["prev_hash"] != GENESIS:
            reason = "the first checkpoint does not start from the genesis hash"
            return BadRecord(kind="checkpoint", stream="", seq=seq, pk=pk, reason=reason)
        return None  # a chain that starts later: older checkpoints were pruned
    if row["prev_hash"] != previous["hash"]:
        reason = f"prev_hash does not link to checkpoint seq={previous['seq']}"
        return BadRecord(kind="checkpoint", stream="", seq=seq, pk=pk, reason=reason)
    return None


def _record_problem(row: Mapping[str, Any], prev_hash: str | None) -> str:
    """What is wrong with one record given its predecessor's hash (None: it starts the stream)."""
    try:
        digest = record_hash_of(row)
    except (TypeError, ValueError, AttributeError, KeyError):
        return "content unreadable"
    if digest != row["record_hash"]:
        return "content does not match its hash (changed after it was signed)"
    if prev_hash is not None and row["prev_hash"] != prev_hash:
        return f"prev_hash does not link to seq {row['seq'] - 1}"
    if not signature_valid(digest_hex=digest, signature=row["signature"], key_id=row["key_id"]):
        return f"signature invalid or signed by an untrusted key ({row['key_id']})"
    return ""


class _StreamWalk:
    """Walks one stream's records in order; ``bad`` is the first problem."""

    def __init__(self, *, stream: str, checkpoints: _Checkpoints) -> None:
        self.stream = stream
        self.claims = checkpoints.claims.get(stream, {})
        self.top = checkpoints.top.get(stream)
        self.named_by_latest = stream in checkpoints.latest_heads
        self.latest_seq = checkpoints.latest_seq
        self.count = 0

    def bad(self, seq: int, pk: int | None, reason: str) -> BadRecord:
        return BadRecord(kind="record", stream=self.stream, seq=seq, pk=pk, reason=reason)

    def _start_problem(self, row: Mapping[str, Any]) -> BadRecord | None:
        seq, pk = row["seq"], row["pk"]
        if seq == 1:
            if row["prev_hash"] != GENESIS:
                return self.bad(seq, pk, "the first record does not start from the genesis hash")
            return None
        voucher = self.claims.get(seq - 1)
        if voucher is not None:
            if voucher.hash == row["prev_hash"]:
                return None  # the records before were pruned up to a checkpointed head
            reason = (
                f"prev_hash is not the hash checkpoint seq={voucher.checkpoint_seq}"
                f" signed for seq {seq - 1}"
            )
            return self.bad(seq, pk, reason)
        first_missing = max((n for n in self.claims if n < seq), default=0) + 1
        reason = (
            f"missing: the stream starts at seq {seq} id={pk} and no checkpoint vouches"
            f" for seq {seq - 1}"
        )
        return self.bad(first_missing, None, reason)

    def run(self, rows: Iterator[Mapping[str, Any]]) -> BadRecord | None:
        expected: int | None = None
        prev_hash: str | None = None
        for row in rows:
            seq, pk = row["seq"], row["pk"]
            if expected is None:
                start = self._start_problem(row)
                if start is not None:
                    return start
            elif seq != expected:
                return self.bad(expected, None, f"missing: the next record is seq {seq} id={pk}")
            problem = _record_problem(row, prev_hash)
            if problem:
                return self.bad(seq, pk, problem)
            claim = self.claims.get(seq)
            if claim is not None and claim.hash != row["record_hash"]:
                reason = f"differs from the record checkpoint seq={claim.checkpoint_seq} signed"
                return self.bad(seq, pk, reason)
            if row[INDEX] != sorted(subject_index(row["subjects"])) and _still_there(pk):
                return self.bad(seq, pk, INDEX_MISMATCH)
            self.count += 1
            prev_hash = row["record_hash"]
            expected = seq + 1
        return self._end_problem(expected)

    def _end_problem(self, expected: int | None) -> BadRecord | None:
        top = self.top
        if expected is None:
            if self.named_by_latest and top is not None:
                reason = (
                    f"missing: checkpoint seq={self.latest_seq} names this stream up to"
                    f" seq {top.seq} but it has no records"
                )
                return self.bad(top.seq, None, reason)
            return None  # pruned entirely, or never checkpointed
        if top is not None and top.seq >= expected:
            reason = (
                f"missing: checkpoint seq={top.checkpoint_seq} vouches for records up to"
                f" seq {top.seq}, the stream ends at seq {expected - 1}"
            )
            return self.bad(expected, None, reason)
        return None


def _still_there(pk: int) -> bool:
    """Whether record ``pk`` still exists (retention may delete it while verification runs).

    Its index rows go with it; a deletion retention did not make shows as a gap on the next run.
    """
    return MessageRecord.objects.filter(pk=pk).exists()


def _with_index(rows: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """``rows`` with each record's citizen-index rows (sorted IDs) under :data:`INDEX`.

    Read a chunk of records at a time, so the index costs one query per :data:`CHUNK` records.
    """
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= CHUNK:
            yield from _index_attach(batch)
            batch = []
    yield from _index_attach(batch)


def _index_attach(batch: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if not batch:
        return batch
    found: dict[int, list[str]] = {row["pk"]: [] for row in batch}
    subjects = MessageSubject.objects.filter(record_id__in=list(found)).values_list(
        "record_id", "citizen_id"
    )
    for record_id, citizen_id in subjects.order_by():
        found[record_id].append(citizen_id)
    for row in batch:
        row[INDEX] = sorted(found[row["pk"]])
    return batch


def log_verify() -> VerifyReport:
    """Check every record and checkpoint; stop at the first problem (see the module doc)."""
    checkpoints = _checkpoints_check()
    report = VerifyReport(checkpoints=checkpoints.count, latest_checkpoint=checkpoints.latest)
    streams = set(MessageRecord.objects.order_by().values_list("stream", flat=True).distinct())
    streams |= set(checkpoints.top)
    for stream in sorted(streams):
        walk = _StreamWalk(stream=stream, checkpoints=checkpoints)
        rows = (
            MessageRecord.objects.filter(stream=stream)
            .order_by("seq")
            .values(*RECORD_FIELDS)
            .iterator(chunk_size=CHUNK)
        )
        bad = walk.run(_with_index(rows))
        report.records += walk.count
        if walk.count:
            report.streams += 1
        if bad is not None:
            report.first_bad = bad
            return report
    report.first_bad = checkpoints.first_bad
    return report
