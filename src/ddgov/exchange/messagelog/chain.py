"""The message log's hash chain: canonical record content, record hashes, checkpoint hashes.

A record's ``record_hash`` is ``sha256(prev_hash || canonical)`` where ``prev_hash`` is the
64-hex-digit hash of the previous record in the same stream (64 zeros for the first) as ASCII,
and ``canonical`` is the UTF-8 JSON of the record's content fields with sorted keys and no
whitespace: ``stream, seq, at`` (UTC ISO 8601 with microseconds), ``request_id, client_id,
service_id, method, path, purpose, subjects`` (a list), ``request_digest, response_digest,
status, error, duration_ms``. The signature is Ed25519 over the 32 bytes of ``record_hash``.
A checkpoint's hash is ``sha256(prev_hash || canonical({"seq", "at", "heads"}))`` chained the
same way over the checkpoints.

The writer thread, :func:`ddgov.exchange.services.messagelog.messagelog_append` and the
verifier all go through these functions, so what is written and what is checked cannot drift.
Values are normalised before hashing (lengths clipped to the columns, NUL and lone surrogates
removed, finite durations rounded to microseconds) so the stored row hashes to the same value
on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection

from ddgov.exchange.messagelog.entry import LogEntry
from ddgov.exchange.messagelog.keys import sign
from ddgov.exchange.models import MessageRecord, MessageSubject

GENESIS = "0" * 64
# A call may concern many citizens (a batch query); the record keeps at most this many.
MAX_SUBJECTS = 1000
SUBJECT_MAX_CHARS = 32
MAX_STATUS = 32767  # PositiveSmallIntegerField on PostgreSQL


def _max_length(field: str) -> int:
    length = getattr(MessageRecord._meta.get_field(field), "max_length", None)
    return int(length or 0)


LIMITS = {
    name: _max_length(name)
    for name in (
        "request_id",
        "client_id",
        "service_id",
        "method",
        "path",
        "purpose",
        "request_digest",
        "response_digest",
        "error",
    )
}
STREAM_MAX = _max_length("stream")
CITIZEN_ID_MAX = int(getattr(MessageSubject._meta.get_field("citizen_id"), "max_length", 13))


def clean_text(value: object, limit: int) -> str:
    """``value`` as text a database column accepts: no NUL, valid UTF-8, at most ``limit``."""
    text = value if isinstance(value, str) else str(value)
    if "\x00" in text:
        text = text.replace("\x00", "")
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            text = text.encode("utf-8", "replace").decode("utf-8")
    return text[:limit]


def _clean_at(at: dt.datetime) -> dt.datetime:
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    return at.astimezone(dt.UTC)


def _clean_duration(value: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0.0
    if not math.isfinite(number) or number < 0:
        return 0.0
    return round(number, 3)


def _clean_subjects(subjects: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for subject in subjects:
        text = clean_text(subject, SUBJECT_MAX_CHARS).strip()
        if text:
            seen.setdefault(text, None)
            if len(seen) >= MAX_SUBJECTS:
                break
    return list(seen)


def subject_index(subjects: Iterable[str]) -> tuple[str, ...]:
    """The citizen IDs of a record's (cleaned) ``subjects`` that go into the tracker's index.

    The writer indexes exactly these; verification expects exactly these index rows.
    """
    return tuple(s for s in subjects if len(s) <= CITIZEN_ID_MAX)


def entry_values(entry: LogEntry) -> dict[str, Any]:
    """The content columns of the record for ``entry``, normalised to what will be stored."""
    values: dict[str, Any] = {
        name: clean_text(getattr(entry, name), limit) for name, limit in LIMITS.items()
    }
    values["method"] = values["method"].upper()
    values["at"] = _clean_at(entry.at)
    values["subjects"] = _clean_subjects(entry.subjects)
    values["status"] = min(max(int(entry.status), 0), MAX_STATUS)
    values["duration_ms"] = _clean_duration(entry.duration_ms)
    return values


def canonical(content: Mapping[str, Any]) -> bytes:
    """Canonical JSON bytes: sorted keys, no whitespace, UTF-8, no NaN."""
    return json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def timestamp(at: dt.datetime) -> str:
    """UTC ISO 8601 with microseconds, as it appears in canonical content."""
    return _clean_at(at).isoformat(timespec="microseconds")


def record_content(*, stream: str, seq: int, values: Mapping[str, Any]) -> dict[str, Any]:
    """The hashed content of a record: its stream, seq and content columns."""
    return {
        "stream": stream,
        "seq": int(seq),
        "at": timestamp(values["at"]),
        "request_id": values["request_id"],
        "client_id": values["client_id"],
        "service_id": values["service_id"],
        "method": values["method"],
        "path": values["path"],
        "purpose": values["purpose"],
        "subjects": list(values["subjects"]),
        "request_digest": values["request_digest"],
        "response_digest": values["response_digest"],
        "status": int(values["status"]),
        "error": values["error"],
        "duration_ms": float(values["duration_ms"]),
    }


def chain_hash(*, prev_hash: str, content: Mapping[str, Any]) -> str:
    """``sha256(prev_hash || canonical(content))`` as hex."""
    digest = hashlib.sha256(prev_hash.encode("ascii", "replace"))
    digest.update(canonical(content))
    return digest.hexdigest()


def record_hash_of(record: MessageRecord | Mapping[str, Any]) -> str:
    """Recompute the hash a stored record (a model or a ``values()`` row) should carry."""
    row: Mapping[str, Any] = (
        record if isinstance(record, Mapping) else record.__dict__  # model fields by attname
    )
    content = record_content(stream=row["stream"], seq=row["seq"], values=row)
    return chain_hash(prev_hash=row["prev_hash"], content=content)


def checkpoint_content(
    *, seq: int, at: dt.datetime, heads: Mapping[str, Sequence[Any]]
) -> dict[str, Any]:
    """The hashed content of a checkpoint."""
    return {
        "seq": int(seq),
        "at": timestamp(at),
        "heads": {stream: [int(head[0]), str(head[1])] for stream, head in heads.items()},
    }


def checkpoint_hash(
    *, seq: int, at: dt.datetime, heads: Mapping[str, Sequence[Any]], prev_hash: str
) -> str:
    """The hash a checkpoint with this content and predecessor carries."""
    return chain_hash(prev_hash=prev_hash, content=checkpoint_content(seq=seq, at=at, heads=heads))


@dataclass(frozen=True, slots=True)
class ChainedRecord:
    """One record ready to insert: every column, and the citizen IDs to index."""

    columns: dict[str, Any]
    citizen_ids: tuple[str, ...]

    @property
    def seq(self) -> int:
        """The record's place in its stream."""
        return int(self.columns["seq"])

    @property
    def record_hash(self) -> str:
        """The record's chain hash (the next record's ``prev_hash``)."""
        return str(self.columns["record_hash"])


def records_chain(
    *, entries: Iterable[LogEntry], stream: str, last_seq: int, last_hash: str
) -> list[ChainedRecord]:
    """Number, chain and sign ``entries`` after ``(last_seq, last_hash)`` of ``stream``."""
    chained = []
    seq, prev = last_seq, last_hash
    for entry in entries:
        values = entry_values(entry)
        seq += 1
        digest = chain_hash(
            prev_hash=prev, content=record_content(stream=stream, seq=seq, values=values)
        )
        signature, key_id = sign(digest)
        columns = {
            **values,
            "stream": stream,
            "seq": seq,
            "prev_hash": prev,
            "record_hash": digest,
            "signature": signature,
            "key_id": key_id,
        }
        chained.append(
            ChainedRecord(columns=columns, citizen_ids=subject_index(values["subjects"]))
        )
        prev = digest
    return chained


def _insert_sql(model: type[Any], columns: Sequence[str]) -> str:
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    values = ", ".join(["%s"] * len(columns))
    return f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES ({values})"  # noqa: S608


_RECORD_FIELDS = [f for f in MessageRecord._meta.concrete_fields if not f.primary_key]
RECORD_ATTNAMES = tuple(f.attname for f in _RECORD_FIELDS)
RECORD_COLUMNS = tuple(str(f.column) for f in _RECORD_FIELDS)  # the database numbers the rows
_AT_FIELD = MessageRecord._meta.get_field("at")
_SUBJECTS_FIELD = MessageRecord._meta.get_field("subjects")


def records_insert(*, chained: Sequence[ChainedRecord]) -> None:
    """Insert chained records and their subject index rows (call inside a transaction).

    Plain ``executemany`` rather than ``bulk_create``: the writer inserts every call the
    gateway serves, and building model instances cost several times the signing.
    """
    if not chained:
        return
    rows = []
    for c in chained:
        columns = c.columns
        row = []
        for name in RECORD_ATTNAMES:
            value = columns[name]
            if name == "at":
                value = _AT_FIELD.get_db_prep_save(value, connection)
            elif name == "subjects":
                value = _SUBJECTS_FIELD.get_db_prep_save(value, connection)
            row.append(value)
        rows.append(row)
    with connection.cursor() as cursor:
        cursor.executemany(_insert_sql(MessageRecord, RECORD_COLUMNS), rows)
    if not any(c.citizen_ids for c in chained):
        return
    first, last = chained[0], chained[-1]
    ids = dict(
        MessageRecord.objects.filter(
            stream=first.columns["stream"], seq__gte=first.seq, seq__lte=last.seq
        ).values_list("seq", "pk")
    )
    subjects = [(ids[c.seq], citizen_id) for c in chained for citizen_id in c.citizen_ids]
    with connection.cursor() as cursor:
        cursor.executemany(_insert_sql(MessageSubject, ("record_id", "citizen_id")), subjects)
