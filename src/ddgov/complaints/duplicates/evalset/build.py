"""Build the labelled duplicate-pair set (``complaints.jsonl`` + ``pairs.jsonl``) from real Traffy data.

Reproducible from ``../shared/data/traffy`` (``scripts/complaints-build-evalset`` or
``python -m ddgov.complaints.duplicates.evalset.build``); the test suite rebuilds it and compares
bytes. The builder never calls the duplicate engine: candidate pairs are found with rules that use
only distance and character 3-gram overlap (no word segmentation, so a PyThaiNLP upgrade cannot
change the set), and every candidate a rule cannot label safely was read by a person; those
decisions are the input file ``reviewed.tsv``.

Sources and how pairs are made:

* ``complaints_2023-05-17.csv`` (GPS points, two days). Pairs within 500 m whose texts share at
  least 20 % of their character 3-grams (``near-similar``) and re-reports whose cited case number
  ("อ้างอิงเลขเคส …", "เลขที่รับแจ้ง …") resolves to a ticket in the file within 500 m, allowing
  one mistyped character (``reference``), were all read and labelled. Pairs within 150 m with
  less overlap (``near``) and pairs over 500 m apart with at least 40 % overlap (``far-similar``)
  were read too; they default to "different problem" and ``reviewed.tsv`` lists the exceptions.
  Sixty pairs sharing a category but over 3 km apart (``same-category-far``) are drawn by hash.
* ``waiting_queue_2024-12`` (no coordinates; address = district and subdistrict). A ticket seen
  in two snapshots gives a ``same-ticket`` positive (30 drawn by hash; the text never changes
  between snapshots, so these are the easy end). Different tickets in the same district sharing
  at least 30 % of their 3-grams (``area-similar``) were all read and labelled; sixty pairs in the
  same subdistrict with different categories and under 10 % overlap (``area-different``) are
  drawn by hash. Their location is the median GPS point of that subdistrict (or district) among
  the 2023 complaints and the 2025 state pulls, marked ``subdistrict-centroid``.

Copy-paste series (texts with at least 90 % 3-gram overlap from one source) are paired only with
their neighbour in time, so a report pasted ten times adds nine pairs, not forty-five. Each pair
is written with the later report as ``query`` and the earlier as ``stored`` (what the screen sees
when the later one is filed).
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import hashlib
import itertools
import json
import os
import re
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse

from ddgov.core.thaidate import MONTHS_TH_ABBR

EVALSET_DIR = Path(__file__).resolve().parent
COMPLAINTS_FILE = "complaints.jsonl"
PAIRS_FILE = "pairs.jsonl"
REVIEWED_FILE = "reviewed.tsv"
BANGKOK_TZ = dt.timezone(dt.timedelta(hours=7), "Asia/Bangkok")

COMPLAINTS_2023 = "complaints_2023-05-17.csv"
QUEUE_DIR = "waiting_queue_2024-12"
STATE_DIR = "org_state_2025-05"

NEAR_M = 150.0
NEAR_SIMILAR_M = 500.0
NEAR_SIMILARITY = 0.2
FAR_SIMILARITY = 0.4
AREA_SIMILARITY = 0.3
IDENTICAL = 0.9
SAME_CATEGORY_FAR_M = 3000.0
SAME_TICKET_SAMPLE = 30
SAME_CATEGORY_FAR_SAMPLE = 60
AREA_DIFFERENT_SAMPLE = 60
AREA_DIFFERENT_SIMILARITY = 0.1
AREA_DIFFERENT_DAYS = 7
# Categories that say nothing about the problem (a complaint, a question, "other").
GENERIC_CATEGORIES = frozenset({"ร้องเรียน", "สอบถาม", "เสนอแนะ", "อื่นๆ"})
# Rules whose candidates must each have a decision in reviewed.tsv.
MUST_REVIEW = frozenset({"near-similar", "reference", "area-similar"})
LABELS = {"1": 1, "0": 0, "skip": None}
# Texts that are not complaints: Traffy hides the text of corruption reports, answers vague ones
# with a canned request, and its team files test reports. Such records are left out.
_NOT_A_COMPLAINT = re.compile(
    r"^ไม่แสดงรายละเอียด$|^ขอรายละเอียดที่ชัดเจนของเรื่องที่ต้องการแจ้ง|ทดสอบ.*#traffywebsite|"
    r"^test report.*#traffywebsite"
)

_REFERENCE = re.compile(
    r"(?:อ้างอิง|เลขที่รับแจ้ง|เลขเคส|เลขรับแจ้ง|เลขร้องทุกข์)[^A-Za-z0-9]{0,40}?"
    r"(?<![A-Za-z0-9])((?:20\d\d-)?[A-Za-z0-9]{6})(?![A-Za-z0-9])"
)
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\ufeff]")


@dataclass(frozen=True)
class Record:
    """One complaint as the evaluation stores it."""

    key: str
    source: str
    ticket_id: str
    text: str
    lat: float
    lon: float
    location: str  # gps | subdistrict-centroid | district-centroid
    category: tuple[str, ...]
    at: dt.datetime
    district: str = ""
    subdistrict: str = ""

    def as_json(self) -> dict[str, object]:
        """The JSON object written to ``complaints.jsonl``."""
        return {
            "key": self.key,
            "source": self.source,
            "ticket_id": self.ticket_id,
            "text": self.text,
            "lat": round(self.lat, 6),
            "lon": round(self.lon, 6),
            "location": self.location,
            "category": list(self.category),
            "at": self.at.isoformat(),
            "district": self.district,
            "subdistrict": self.subdistrict,
        }


@dataclass(frozen=True)
class Decision:
    """A reviewer's label for a pair: 1 same problem, 0 different, None = cannot tell."""

    label: int | None
    note: str


@dataclass
class Candidate:
    """A pair found by a rule, before labelling."""

    a: str
    b: str
    rule: str
    distance_m: float
    similarity: float
    reference: bool = False


@dataclass
class EvalSet:
    """The built set: records, labelled pairs and counts of what was made and dropped."""

    records: dict[str, Record]
    pairs: list[dict[str, object]]
    stats: dict[str, int] = field(default_factory=dict)

    def files(self) -> dict[str, bytes]:
        """The bytes of ``complaints.jsonl`` and ``pairs.jsonl`` (deterministic)."""
        used = sorted({str(p[k]) for p in self.pairs for k in ("query", "stored")})
        complaints = "".join(_json_line(self.records[key].as_json()) for key in used)
        pairs = "".join(_json_line(p) for p in self.pairs)
        return {COMPLAINTS_FILE: complaints.encode(), PAIRS_FILE: pairs.encode()}


def _json_line(obj: dict[str, object]) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


# -- reading ------------------------------------------------------------------------------------------
def _place(name: str, prefix: str) -> str:
    """A district or subdistrict name without its ``เขต``/``แขวง`` prefix or spaces."""
    name = re.sub(r"\s+", "", name or "")
    return name.removeprefix(prefix)


def _address_parts(address: str) -> tuple[str, str]:
    """(district, subdistrict) named in a Thai address ("… แขวง คลองเตยเหนือ เขตวัฒนา …")."""
    sub = re.search(r"แขวง\s*([^\s,]+)", address or "")
    dist = re.search(r"เขต\s*([^\s,]+)", address or "")
    return (dist.group(1) if dist else "", sub.group(1) if sub else "")


def _in_bangkok(lat: float, lon: float) -> bool:
    return 13.45 <= lat <= 14.05 and 100.25 <= lon <= 100.98


def _read_2023(traffy: Path) -> list[Record]:
    records = []
    with (traffy / COMPLAINTS_2023).open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            ticket, text, coords = row["ticket_id"], row["description"], row["coords"]
            if not ticket or not text or not coords or _NOT_A_COMPLAINT.search(text.lower()):
                continue
            lon, lat = (float(v) for v in re.findall(r"-?\d+\.\d+", coords)[:2])
            district, subdistrict = _address_parts(row["address"])
            category = tuple(c.strip() for c in (row["type"] or "").split(",") if c.strip())
            records.append(
                Record(
                    key=f"t23:{ticket}",
                    source=COMPLAINTS_2023,
                    ticket_id=ticket,
                    text=text,
                    lat=lat,
                    lon=lon,
                    location="gps",
                    category=category,
                    at=dt.datetime.fromisoformat(row["timestamp"]),
                    district=district,
                    subdistrict=subdistrict,
                )
            )
    return records


def _centroids(traffy: Path, records: list[Record]) -> dict[tuple[str, str], tuple[float, float]]:
    """Median GPS point per (district, subdistrict) and per (district, "") in Bangkok."""
    points: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)

    def add(district: str, subdistrict: str, lat: float, lon: float) -> None:
        if not district or not _in_bangkok(lat, lon):
            return
        points[(district, "")].append((lat, lon))
        if subdistrict:
            points[(district, subdistrict)].append((lat, lon))

    for r in records:
        add(r.district, r.subdistrict, r.lat, r.lon)
    for path in sorted((traffy / STATE_DIR).glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                found = re.findall(r"-?\d+\.\d+", row.get("coords") or "")
                if len(found) < 2:
                    continue
                lon, lat = float(found[0]), float(found[1])
                add(_place(row["district"], "เขต"), _place(row["subdistrict"], "แขวง"), lat, lon)
    return {
        k: (round(median(p[0] for p in v), 6), round(median(p[1] for p in v), 6))
        for k, v in points.items()
    }


def _queue_time(date: str, time: str) -> dt.datetime:
    """``3-ธ.ค.-67`` / ``9 ธ.ค. 67`` and ``08:28 น.`` → an aware Bangkok datetime."""
    found = re.match(r"\s*(\d{1,2})[\s-]*(\S+?\.)[\s-]*(\d{2})\s*$", date)
    if not found:
        msg = f"unreadable date {date!r}"
        raise ValueError(msg)
    day, month_abbr, year = found.groups()
    month = MONTHS_TH_ABBR.index(month_abbr) + 1
    hour, minute = (int(v) for v in re.findall(r"\d+", time)[:2])
    return dt.datetime(2500 + int(year) - 543, month, int(day), hour, minute, tzinfo=BANGKOK_TZ)


def _read_queue(
    traffy: Path, centroids: dict[tuple[str, str], tuple[float, float]]
) -> tuple[dict[str, Record], dict[str, list[str]], int]:
    """Canonical records (first sighting) of the queue tickets, later sightings, and drops."""
    records: dict[str, Record] = {}
    sightings: dict[str, list[str]] = defaultdict(list)
    dropped = 0
    unique_sub: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for key in centroids:
        if key[1]:
            unique_sub[key[1]].append(key)
    for path in sorted((traffy / QUEUE_DIR).glob("*__traffy_data.csv")):
        stem = path.name.removesuffix("__traffy_data.csv")
        with path.open(encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                ticket, text = row["ticket_id"], (row["description"] or "").strip()
                sightings[ticket].append(stem)
                if ticket in records or not text or _NOT_A_COMPLAINT.search(text.lower()):
                    continue
                district, subdistrict = _address_parts(row["address"] or "")
                agency = re.search(r"เขต([^,\s]+)", row["agency"] or "")
                district = district or (agency.group(1) if agency else "")
                if (district, subdistrict) in centroids and subdistrict:
                    where, location = centroids[(district, subdistrict)], "subdistrict-centroid"
                elif not district and len(unique_sub.get(subdistrict, [])) == 1:
                    district = unique_sub[subdistrict][0][0]
                    where, location = centroids[(district, subdistrict)], "subdistrict-centroid"
                elif (district, "") in centroids:
                    where, location = centroids[(district, "")], "district-centroid"
                else:
                    dropped += 1
                    continue
                records[ticket] = Record(
                    key=f"wq:{ticket}",
                    source=f"{QUEUE_DIR}/{path.name}",
                    ticket_id=ticket,
                    text=text,
                    lat=where[0],
                    lon=where[1],
                    location=location,
                    category=(row["category"],) if row["category"] else (),
                    at=_queue_time(row["date"], row["time"]),
                    district=district,
                    subdistrict=subdistrict,
                )
    return records, sightings, dropped


# -- similarity ---------------------------------------------------------------------------------------
def _shingles(text: str) -> set[str]:
    """Character 3-grams of the text without spaces, case or the hotline's ``#1555`` tag."""
    flat = _ZERO_WIDTH.sub("", unicodedata.normalize("NFC", text)).replace("#1555", "").lower()
    flat = re.sub(r"\s+", "", flat)
    return {flat[i : i + 3] for i in range(max(1, len(flat) - 2))}


def _similarity(texts: list[str]) -> npt.NDArray[Any]:
    """Jaccard overlap of character 3-gram sets, every pair (dense n x n)."""
    vocab: dict[str, int] = {}
    rows, cols = [], []
    for i, text in enumerate(texts):
        for gram in _shingles(text):
            rows.append(i)
            cols.append(vocab.setdefault(gram, len(vocab)))
    matrix = sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.float64), (rows, cols)), shape=(len(texts), len(vocab))
    )
    inter = (matrix @ matrix.T).toarray()
    size = np.asarray(matrix.sum(axis=1)).ravel()
    return inter / (size[:, None] + size[None, :] - inter)


def _distances(records: list[Record]) -> npt.NDArray[Any]:
    """Great-circle distances in metres, every pair."""
    lat = np.radians([r.lat for r in records])
    lon = np.radians([r.lon for r in records])
    dlat = lat[:, None] - lat[None, :]
    dlon = lon[:, None] - lon[None, :]
    h = np.sin(dlat / 2) ** 2 + np.cos(lat)[:, None] * np.cos(lat)[None, :] * np.sin(dlon / 2) ** 2
    return 2 * 6_371_008.8 * np.arcsin(np.sqrt(np.clip(h, 0, 1)))


def _hash_order(items: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    return sorted(items, key=lambda p: hashlib.sha1(f"{p[0]}|{p[1]}".encode()).hexdigest())  # noqa: S324


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def _references(text: str) -> list[str]:
    return [m.upper() for m in _REFERENCE.findall(text)]


def _near_miss(a: str, b: str) -> bool:
    """Equal, or equal but for one character (a cited case number with a typo)."""
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) <= 1


def _candidates_2023(
    records: list[Record], sim: npt.NDArray[Any], dist: npt.NDArray[Any]
) -> list[Candidate]:
    found: dict[tuple[str, str], Candidate] = {}
    n = len(records)
    iu, ju = np.triu_indices(n, k=1)
    d, s = dist[iu, ju], sim[iu, ju]
    rules = (
        ("near-similar", (d <= NEAR_SIMILAR_M) & (s >= NEAR_SIMILARITY)),
        ("near", (d <= NEAR_M) & (s < NEAR_SIMILARITY)),
        ("far-similar", (d > NEAR_SIMILAR_M) & (s >= FAR_SIMILARITY)),
    )
    for rule, mask in rules:
        for i, j in zip(iu[mask], ju[mask], strict=True):
            a, b = _pair(records[i].key, records[j].key)
            found[(a, b)] = Candidate(a, b, rule, float(dist[i, j]), float(sim[i, j]))
    _add_references(records, dist, found, lambda i, j: dist[i, j] <= NEAR_SIMILAR_M, sim)
    same_category = []
    for i, j in zip(iu, ju, strict=True):
        if dist[i, j] < SAME_CATEGORY_FAR_M or sim[i, j] >= NEAR_SIMILARITY:
            continue
        shared = set(records[i].category) & set(records[j].category) - GENERIC_CATEGORIES
        if shared:
            same_category.append(_pair(records[i].key, records[j].key))
    index = {r.key: i for i, r in enumerate(records)}
    for a, b in _hash_order(same_category)[:SAME_CATEGORY_FAR_SAMPLE]:
        i, j = index[a], index[b]
        found[(a, b)] = Candidate(a, b, "same-category-far", float(dist[i, j]), float(sim[i, j]))
    return list(found.values())


def _add_references(
    records: list[Record],
    dist: npt.NDArray[Any],
    found: dict[tuple[str, str], Candidate],
    near: object,
    sim: npt.NDArray[Any],
) -> None:
    """Pair each re-report with the ticket it cites (anywhere; with one typo, nearby ones only)."""
    short = {i: r.ticket_id.upper()[-6:] for i, r in enumerate(records)}
    for i, record in enumerate(records):
        for cited in _references(record.text):
            cited_short = cited[-6:]
            for j, ticket in short.items():
                if j == i or not _near_miss(cited_short, ticket):
                    continue
                if cited_short != ticket and not near(i, j):  # type: ignore[operator]
                    continue
                a, b = _pair(record.key, records[j].key)
                previous = found.get((a, b))
                rule = previous.rule if previous and previous.rule in MUST_REVIEW else "reference"
                found[(a, b)] = Candidate(
                    a, b, rule, float(dist[i, j]), float(sim[i, j]), reference=True
                )


def _candidates_queue(
    records: list[Record], sim: npt.NDArray[Any], dist: npt.NDArray[Any]
) -> list[Candidate]:
    found: dict[tuple[str, str], Candidate] = {}
    n = len(records)
    area_different = []
    for i, j in itertools.combinations(range(n), 2):
        ri, rj = records[i], records[j]
        if ri.district != rj.district:
            continue
        s = float(sim[i, j])
        if s >= AREA_SIMILARITY:
            a, b = _pair(ri.key, rj.key)
            found[(a, b)] = Candidate(a, b, "area-similar", float(dist[i, j]), s)
        elif (
            s < AREA_DIFFERENT_SIMILARITY
            and ri.subdistrict
            and ri.subdistrict == rj.subdistrict
            and not set(ri.category) & set(rj.category)
            and abs((ri.at - rj.at).total_seconds()) <= AREA_DIFFERENT_DAYS * 86400
        ):
            area_different.append(_pair(ri.key, rj.key))
    index = {r.key: i for i, r in enumerate(records)}
    for a, b in _hash_order(area_different)[:AREA_DIFFERENT_SAMPLE]:
        i, j = index[a], index[b]
        found[(a, b)] = Candidate(a, b, "area-different", float(dist[i, j]), float(sim[i, j]))
    _add_references(
        records, dist, found, lambda i, j: records[i].district == records[j].district, sim
    )
    return list(found.values())


def _identical_groups(records: list[Record], sim: npt.NDArray[Any]) -> dict[str, list[str]]:
    """Key → its copy-paste series (>= 90 % overlap, one source), ordered by time."""
    parent = list(range(len(records)))

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, j in zip(*np.nonzero(np.triu(sim >= IDENTICAL, k=1)), strict=True):
        parent[root(int(i))] = root(int(j))
    groups: dict[int, list[Record]] = defaultdict(list)
    for i, r in enumerate(records):
        groups[root(i)].append(r)
    out = {}
    for members in groups.values():
        ordered = [r.key for r in sorted(members, key=lambda r: (r.at, r.key))]
        for key in ordered:
            out[key] = ordered
    return out


# -- review decisions ---------------------------------------------------------------------------------
def _read_reviewed(path: Path) -> list[tuple[str, list[str], list[str], Decision]]:
    """Parse ``reviewed.tsv`` into (kind, keys, other keys, decision) in file order.

    Lines (tab-separated; ``#`` starts a comment line):
    ``KEY_A  KEY_B  LABEL  NOTE`` one pair; ``*  LABEL  NOTE  KEY KEY …`` every candidate pair
    inside a group; ``x  LABEL  NOTE  KEY … | KEY …`` every candidate pair across two groups.
    LABEL is ``1`` (same problem), ``0`` (different problems) or ``skip`` (cannot tell; left out).
    A later line overrides an earlier one.
    """
    ops = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        try:
            if cells[0] in {"*", "x"}:
                _, label, note, keys = cells
                decision = Decision(LABELS[label], note)
                left, _, right = keys.partition("|")
                ops.append((cells[0], left.split(), right.split(), decision))
            else:
                a, b, label, note = cells
                ops.append(("pair", [a, b], [], Decision(LABELS[label], note)))
        except (ValueError, KeyError) as exc:
            msg = f"{path.name}:{number}: cannot read {line!r}"
            raise ValueError(msg) from exc
    return ops


def _decide(
    candidates: dict[tuple[str, str], Candidate],
    ops: list[tuple[str, list[str], list[str], Decision]],
    records: dict[str, Record],
) -> tuple[dict[tuple[str, str], Decision], set[tuple[str, str]]]:
    """Apply the review lines; return decisions and the reviewer-added pairs (not candidates)."""
    decisions: dict[tuple[str, str], Decision] = {}
    extras: set[tuple[str, str]] = set()
    problems = []
    for kind, keys, others, decision in ops:
        missing = [k for k in (*keys, *others) if k not in records]
        if missing:
            problems.append(f"unknown keys {missing}")
            continue
        if kind == "pair":
            pair = _pair(keys[0], keys[1])
            if pair not in candidates:
                extras.add(pair)
            decisions[pair] = decision
            continue
        if kind == "*":
            pairs = [_pair(a, b) for a, b in itertools.combinations(keys, 2)]
        else:
            pairs = [_pair(a, b) for a in keys for b in others]
        hit = [p for p in pairs if p in candidates]
        if not hit:
            problems.append(f"a group matches no candidate pair: {keys} {others}")
        for pair in hit:
            decisions[pair] = decision
    if problems:
        raise ValueError("reviewed.tsv is stale:\n" + "\n".join(problems))
    return decisions, extras


# -- assembling ---------------------------------------------------------------------------------------
def _kind(candidate: Candidate, label: int, records: dict[str, Record]) -> str:
    queue = records[candidate.a].key.startswith("wq:")
    if label == 1:
        if candidate.rule == "same-ticket":
            return "same-ticket"
        if candidate.reference:
            return "rereport"
        if queue:
            return "refiled-area"
        return "pin-far" if candidate.distance_m > NEAR_SIMILAR_M else "refiled-gps"
    if queue:
        return "area-different"
    return {
        "near": "nearby-different",
        "near-similar": "similar-nearby-different",
        "far-similar": "similar-far",
        "same-category-far": "same-category-far",
    }.get(
        candidate.rule,
        "similar-far" if candidate.distance_m > NEAR_SIMILAR_M else "nearby-different",
    )


def _add_same_ticket(
    records: dict[str, Record],
    candidates: dict[tuple[str, str], Candidate],
    queue_by_ticket: dict[str, Record],
    sightings: dict[str, list[str]],
) -> None:
    """A hash-drawn sample of tickets seen in two snapshots, as (first, later sighting) pairs."""
    seen_twice = [
        (ticket, stems[1])
        for ticket, stems in sightings.items()
        if len(set(stems)) > 1 and ticket in queue_by_ticket
    ]
    seen_twice.sort(key=lambda t: hashlib.sha1(t[0].encode()).hexdigest())  # noqa: S324
    for ticket, stem in seen_twice[:SAME_TICKET_SAMPLE]:
        first = queue_by_ticket[ticket]
        later = dataclasses.replace(
            first, key=f"wq:{ticket}@{stem}", source=f"{QUEUE_DIR}/{stem}__traffy_data.csv"
        )
        records[later.key] = later
        a, b = _pair(first.key, later.key)
        candidates[(a, b)] = Candidate(a, b, "same-ticket", 0.0, 1.0)


def _check_reviewed(
    candidates: dict[tuple[str, str], Candidate],
    decisions: dict[tuple[str, str], Decision],
    reviewed: Path,
) -> None:
    unreviewed = sorted(
        p for p, c in candidates.items() if c.rule in MUST_REVIEW and p not in decisions
    )
    if unreviewed:
        listing = "\n".join(f"{a}\t{b}\t?\t{candidates[(a, b)].rule}" for a, b in unreviewed)
        msg = f"{len(unreviewed)} candidate pairs need a decision in {reviewed.name}:\n{listing}"
        raise ValueError(msg)


def _labelled_by(candidate: Candidate, *, explicit: bool) -> str:
    """Who labelled a pair: ``reviewer``, ``reviewer-default`` or ``rule``.

    ``reviewer``: a line in reviewed.tsv; ``reviewer-default``: read, and the rule's default
    label stands; ``rule``: drawn by a rule that is safe without reading.
    """
    if explicit:
        return "reviewer"
    return "reviewer-default" if candidate.rule in {"near", "far-similar"} else "rule"


def _assemble(
    candidates: dict[tuple[str, str], Candidate],
    decisions: dict[tuple[str, str], Decision],
    records: dict[str, Record],
    series: dict[str, list[str]],
    stats: dict[str, int],
) -> list[dict[str, object]]:
    """Label, thin and order the pairs (the later report is the query)."""
    pairs: list[dict[str, object]] = []
    for (a, b), cand in sorted(candidates.items()):
        decision = decisions.get((a, b))
        if decision is None:
            if cand.rule in {"near", "far-similar", "same-category-far", "area-different"}:
                decision = Decision(0, "")
            elif cand.rule == "same-ticket":
                decision = Decision(1, "the same ticket in two snapshots of the waiting queue")
        stats[f"candidates_{cand.rule}"] += 1
        if decision is None or decision.label is None:
            stats["skipped_cannot_tell"] += 1
            continue
        group = series.get(a)
        if group is not None and b in group and abs(group.index(a) - group.index(b)) > 1:
            stats["thinned_copy_paste_series"] += 1
            continue
        first, later = sorted((records[a], records[b]), key=lambda r: (r.at, r.key))
        kind = _kind(cand, decision.label, records)
        stats[f"kind_{kind}"] += 1
        pairs.append(
            {
                "query": later.key,
                "stored": first.key,
                "label": decision.label,
                "kind": kind,
                "rule": cand.rule,
                "labelled_by": _labelled_by(cand, explicit=(a, b) in decisions),
                "distance_m": round(cand.distance_m),
                "char_similarity": round(cand.similarity, 3),
                "note": decision.note,
            }
        )
    pairs.sort(key=lambda p: (str(p["stored"]), str(p["query"])))
    return pairs


def duplicates_evalset_build(*, data_dir: Path, reviewed: Path | None = None) -> EvalSet:
    """Build the labelled pairs from ``data_dir`` (the shared ``data`` folder) and the review file.

    Raises ``ValueError`` when a candidate that must be read has no decision in ``reviewed.tsv``
    or when a review line no longer matches the data, so the set never silently drifts.
    """
    traffy = Path(data_dir) / "traffy"
    reviewed = reviewed or EVALSET_DIR / REVIEWED_FILE
    t23 = _read_2023(traffy)
    queue_by_ticket, sightings, dropped = _read_queue(traffy, _centroids(traffy, t23))
    queue = sorted(queue_by_ticket.values(), key=lambda r: r.key)
    records: dict[str, Record] = {r.key: r for r in (*t23, *queue)}
    matrices = {
        "t23": (t23, _similarity([r.text for r in t23]), _distances(t23)),
        "wq": (queue, _similarity([r.text for r in queue]), _distances(queue)),
    }
    candidates = {
        (c.a, c.b): c
        for c in (*_candidates_2023(*matrices["t23"]), *_candidates_queue(*matrices["wq"]))
    }
    _add_same_ticket(records, candidates, queue_by_ticket, sightings)
    decisions, extras = _decide(candidates, _read_reviewed(reviewed), records)
    _check_reviewed(candidates, decisions, reviewed)
    positions = {r.key: (source, i) for source, m in matrices.items() for i, r in enumerate(m[0])}
    for a, b in extras:
        (source_a, i), (source_b, j) = positions[a], positions[b]
        if source_a != source_b:
            msg = f"reviewer-added pair mixes sources: {a} {b}"
            raise ValueError(msg)
        _, sim, dist = matrices[source_a]
        candidates[(a, b)] = Candidate(a, b, "reviewer-added", float(dist[i, j]), float(sim[i, j]))
    series = {k: v for m in matrices.values() for k, v in _identical_groups(m[0], m[1]).items()}
    stats: dict[str, int] = defaultdict(int)
    stats["queue_records_without_location"] = dropped
    pairs = _assemble(candidates, decisions, records, series, stats)
    stats["pairs"] = len(pairs)
    stats["positives"] = sum(1 for p in pairs if p["label"] == 1)
    return EvalSet(records=records, pairs=pairs, stats=dict(sorted(stats.items())))


def duplicates_evalset_write(*, data_dir: Path, out_dir: Path | None = None) -> dict[str, int]:
    """Build the set and write ``complaints.jsonl`` and ``pairs.jsonl``; return the counts."""
    built = duplicates_evalset_build(data_dir=data_dir)
    target = Path(out_dir) if out_dir else EVALSET_DIR
    for name, content in built.files().items():
        (target / name).write_bytes(content)
    return built.stats


def default_data_dir() -> Path:
    """``$DDGOV_SHARED_DATA``, else ``../shared/data`` beside the project (as the settings do)."""
    configured = os.environ.get("DDGOV_SHARED_DATA")
    return Path(configured) if configured else EVALSET_DIR.parents[5] / "shared" / "data"


def main(argv: list[str]) -> int:
    """Rebuild the files from ``argv[0]`` (or the default data folder); print the counts."""
    data_dir = Path(argv[0]) if argv else default_data_dir()
    for name, count in duplicates_evalset_write(data_dir=data_dir).items():
        print(f"{name:40s} {count:6d}")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
