"""Labelled Traffy Fondue complaints for training and evaluation, and the day-range split.

Three public sources (``../shared/data/traffy``, see its README):

* ``complaints_2023-05-17.csv`` - 17-18 May 2023, several 2023-scheme labels per ticket in ``type``;
  tickets without a label are left out (not yet triaged, not "no category").
* ``labelled_tickets.csv`` + ``labelled_tags.csv`` - undated tickets with human tags
  (``defaultTag1..5`` in the 2023 scheme, free ``customTags``).
* ``waiting_queue_2024-12/*__traffy_data.csv`` - scrapes of the 2024 waiting queue; the same
  ticket appears in several snapshots and is kept once. Hidden texts ("ไม่แสดงรายละเอียด") are left out.

A ticket is usable when its labels map to at least one category of the taxonomy.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

from ddgov.complaints.classify.taxonomy import Taxonomy, taxonomy_load

COMPLAINTS_FILE = "complaints_2023-05-17.csv"
TICKETS_FILE = "labelled_tickets.csv"
TAGS_FILE = "labelled_tags.csv"
QUEUE_GLOB = "waiting_queue_2024-12/*__traffy_data.csv"
HIDDEN_TEXT = "ไม่แสดงรายละเอียด"
BANGKOK = timezone(timedelta(hours=7))

# Held-out day ranges (Bangkok dates, inclusive): the last day of the May 2023 export and the
# last three days of the December 2024 queue scrapes. Everything reported earlier - and the
# undated labelled tickets - is training data.
TEST_DAYS: tuple[tuple[date, date], ...] = (
    (date(2023, 5, 18), date(2023, 5, 18)),
    (date(2024, 12, 7), date(2024, 12, 9)),
)
SPLIT_DESCRIPTION = (
    "day-range hold-out: test = tickets reported 2023-05-18 (complaints_2023-05-17.csv) and "
    "2024-12-07..2024-12-09 (waiting_queue_2024-12), Bangkok time; train = every ticket reported "
    "earlier (2023-05-17; the queue's backlog 2022-05..2024-12-06) and the undated "
    "labelled_tickets.csv"
)

_THAI_MONTHS = {
    "ม.ค.": 1, "ก.พ.": 2, "มี.ค.": 3, "เม.ย.": 4, "พ.ค.": 5, "มิ.ย.": 6,
    "ก.ค.": 7, "ส.ค.": 8, "ก.ย.": 9, "ต.ค.": 10, "พ.ย.": 11, "ธ.ค.": 12,
}  # fmt: skip
_THAI_DATE = re.compile(r"^\s*(\d{1,2})\s*-?\s*([ก-๙]{1,3}\.[ก-๙]{1,2}\.)\s*-?\s*(\d{2}|\d{4})\s*$")


class DatasetError(ValueError):
    """The training data is missing or unreadable (message in English and Thai)."""


@dataclass(frozen=True)
class Example:
    """One labelled complaint.

    ``positives`` are the categories it belongs to; ``known`` the categories whose presence or
    absence its labels assert (``positives`` ⊆ ``known``); ``scheme`` the main labelling scheme.
    """

    uid: str
    source: str
    scheme: str
    text: str
    reported_on: date | None
    positives: frozenset[str]
    known: frozenset[str]


@dataclass
class Dataset:
    """Usable examples, what was left out and why, and a digest of the source files."""

    examples: list[Example]
    digest: str
    files: dict[str, str]
    skipped: Counter[str] = field(default_factory=Counter)
    unknown_labels: Counter[str] = field(default_factory=Counter)

    def split(self) -> tuple[list[Example], list[Example]]:
        """Training and held-out examples by :data:`TEST_DAYS`."""
        train: list[Example] = []
        test: list[Example] = []
        for example in self.examples:
            (test if day_is_held_out(example.reported_on) else train).append(example)
        return train, test


def day_is_held_out(day: date | None) -> bool:
    """True when a ticket reported on ``day`` belongs to the held-out test split."""
    return day is not None and any(start <= day <= end for start, end in TEST_DAYS)


def thai_short_date_parse(value: str) -> date | None:
    """``9 ธ.ค. 67`` or ``2-ธ.ค.-67`` (Buddhist-era year) as a date; None when unreadable."""
    match = _THAI_DATE.match(value or "")
    if not match:
        return None
    day, month_name, year_text = match.groups()
    month = _THAI_MONTHS.get(month_name)
    if month is None:
        return None
    year = int(year_text)
    year = year + 2500 - 543 if year < 100 else year - 543
    try:
        return date(year, month, int(day))
    except ValueError:
        return None


def _read_csv(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        yield from csv.DictReader(fh)


class _Builder:
    """Turns raw rows into examples, counting what was left out."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        self.taxonomy = taxonomy
        self.examples: list[Example] = []
        self.skipped: Counter[str] = Counter()
        self.unknown: Counter[str] = Counter()

    def add(
        self,
        *,
        uid: str,
        source: str,
        text: str,
        reported_on: date | None,
        labels: dict[str, list[str]],
    ) -> None:
        main_scheme = next(iter(labels))
        text = (text or "").strip()
        if not text or text == HIDDEN_TEXT:
            self.skipped[f"{source}: no text"] += 1
            return
        positives: set[str] = set()
        known: set[str] = set()
        for scheme, raw in labels.items():
            codes, unknown = self.taxonomy.codes_for(scheme=scheme, labels=raw)
            positives |= codes
            for label in unknown:
                self.unknown[f"{scheme}:{label}"] += 1
            if self.taxonomy.schemes[scheme].exhaustive and raw:
                known |= self.taxonomy.schemes[scheme].covered
        if not positives:
            self.skipped[f"{source}: no category label"] += 1
            return
        self.examples.append(
            Example(
                uid=uid,
                source=source,
                scheme=main_scheme,
                text=text,
                reported_on=reported_on,
                positives=frozenset(positives),
                known=frozenset(known | positives),
            )
        )


def _load_complaints(builder: _Builder, path: Path) -> None:
    for row in _read_csv(path):
        labels = [x for x in (row.get("type") or "").strip("{}").split(",") if x.strip()]
        if not labels:
            builder.skipped["complaints_2023: unlabelled"] += 1
            continue
        stamp = (row.get("timestamp") or "").strip()
        try:
            when = datetime.fromisoformat(stamp)
        except ValueError:
            reported_on = None
        else:
            when = when if when.tzinfo else when.replace(tzinfo=UTC)
            reported_on = when.astimezone(BANGKOK).date()
        builder.add(
            uid=f"complaints_2023:{row['ticket_id']}",
            source="complaints_2023",
            text=row.get("description") or "",
            reported_on=reported_on,
            labels={"traffy2023": labels},
        )


def _load_labelled(builder: _Builder, tickets: Path, tags: Path) -> None:
    tags_by_id = {row["ticketId"].strip(): row for row in _read_csv(tags)}
    for row in _read_csv(tickets):
        tag_row = tags_by_id.get(row["id"].strip())
        if tag_row is None:
            builder.skipped["labelled: no tags"] += 1
            continue
        default = [tag_row.get(f"defaultTag{i}") or "" for i in range(1, 6)]
        try:
            custom = json.loads(tag_row.get("customTags") or "[]")
        except json.JSONDecodeError:
            custom = []
        builder.add(
            uid=f"labelled:{row['id'].strip()}",
            source="labelled",
            text=row.get("content") or "",
            reported_on=None,
            labels={
                "traffy2023": [t for t in default if t.strip()],
                "traffy2023_custom": [str(t) for t in custom if isinstance(t, str)],
            },
        )


def _load_queue(builder: _Builder, paths: list[Path]) -> None:
    seen: dict[str, dict[str, str]] = {}
    for path in paths:
        for row in _read_csv(path):
            ticket = (row.get("ticket_id") or "").strip()
            if not ticket:
                continue
            if ticket in seen:
                builder.skipped["waiting_queue_2024: repeated in a later snapshot"] += 1
                continue
            seen[ticket] = row
    for ticket in sorted(seen):
        row = seen[ticket]
        category = (row.get("category") or "").strip()
        builder.add(
            uid=f"waiting_queue_2024:{ticket}",
            source="waiting_queue_2024",
            text=row.get("description") or "",
            reported_on=thai_short_date_parse(row.get("date") or ""),
            labels={"traffy2024": [category] if category else []},
        )


def _digest(files: dict[str, Path]) -> tuple[str, dict[str, str]]:
    per_file = {
        name: hashlib.sha256(path.read_bytes()).hexdigest() for name, path in sorted(files.items())
    }
    combined = hashlib.sha256(
        "".join(f"{name}:{value}\n" for name, value in per_file.items()).encode()
    ).hexdigest()
    return f"sha256:{combined}", per_file


def dataset_load(*, traffy_dir: Path) -> Dataset:
    """All usable labelled complaints under ``traffy_dir`` in a stable order."""
    queue = sorted(traffy_dir.glob(QUEUE_GLOB))
    needed = [traffy_dir / COMPLAINTS_FILE, traffy_dir / TICKETS_FILE, traffy_dir / TAGS_FILE]
    missing = [str(p) for p in needed if not p.is_file()] + ([] if queue else [QUEUE_GLOB])
    if missing:
        msg = (
            f"Traffy training data not found: {', '.join(missing)} / "
            f"ไม่พบข้อมูลสำหรับฝึกโมเดล: {', '.join(missing)}"
        )
        raise DatasetError(msg)
    builder = _Builder(taxonomy_load())
    _load_complaints(builder, needed[0])
    _load_labelled(builder, needed[1], needed[2])
    _load_queue(builder, queue)
    files = {p.relative_to(traffy_dir).as_posix(): p for p in [*needed, *queue]}
    digest, per_file = _digest(files)
    examples = sorted(builder.examples, key=lambda e: e.uid)
    return Dataset(
        examples=examples,
        digest=digest,
        files=per_file,
        skipped=builder.skipped,
        unknown_labels=builder.unknown,
    )
