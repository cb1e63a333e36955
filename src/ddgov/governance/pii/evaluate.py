"""Precision, recall and F1 of the text scanner on the labelled Thai test set.

Two ways of counting a hit: *exact* (same type, same start and end) and *overlap* (same type, the
spans share at least one character; each gold span matches at most one finding). The test set
keeps a ``dev`` split (30 %) for tuning the detectors and a held-out ``test`` split on which the
goals of issue 4 are checked.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ddgov.governance.pii.text import pii_text_scan
from ddgov.governance.pii.types import PII_TYPES, Finding

TESTSET_PATH = Path(__file__).with_name("testset") / "th_pii_labelled.jsonl"
SPLITS = ("test", "dev", "all")


class TestsetError(ValueError):
    """The test set file is missing or malformed (message in English and Thai)."""


@dataclass
class Counts:
    """True positives, false positives and false negatives of one type."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        """Share of findings that are right (1.0 when nothing was found)."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """Share of labelled entities found (1.0 when there were none)."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def support(self) -> int:
        """Number of labelled entities."""
        return self.tp + self.fn


@dataclass
class Evaluation:
    """Per-type counts under exact and overlap matching, and the records' misses for reading."""

    split: str
    texts: int
    exact: dict[str, Counts] = field(default_factory=dict)
    overlap: dict[str, Counts] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)

    def micro(self, table: dict[str, Counts]) -> Counts:
        """Sum of the counts over all types."""
        total = Counts()
        for c in table.values():
            total.tp += c.tp
            total.fp += c.fp
            total.fn += c.fn
        return total

    def as_dict(self) -> dict[str, Any]:
        """The figures as JSON-ready data."""

        def table(t: dict[str, Counts]) -> dict[str, Any]:
            rows = {k: _row(c) for k, c in t.items()}
            rows["micro"] = _row(self.micro(t))
            return rows

        return {
            "split": self.split,
            "texts": self.texts,
            "exact": table(self.exact),
            "overlap": table(self.overlap),
        }

    def format(self) -> str:
        """The two tables as readable text."""
        out = [f"PII evaluation on split '{self.split}' ({self.texts} texts)"]
        for title, t in (("exact span match", self.exact), ("overlap match", self.overlap)):
            out.append(f"\n{title}")
            out.append(
                f"{'type':<15} {'precision':>9} {'recall':>7} {'F1':>6} {'support':>7} {'tp':>5} {'fp':>5} {'fn':>5}"
            )
            for kind, c in [*t.items(), ("micro avg", self.micro(t))]:
                figures = f"{c.precision:>9.3f} {c.recall:>7.3f} {c.f1:>6.3f}"
                out.append(f"{kind:<15} {figures} {c.support:>7} {c.tp:>5} {c.fp:>5} {c.fn:>5}")
        return "\n".join(out)


def _row(c: Counts) -> dict[str, Any]:
    return {
        "precision": round(c.precision, 4),
        "recall": round(c.recall, 4),
        "f1": round(c.f1, 4),
        "support": c.support,
        "tp": c.tp,
        "fp": c.fp,
        "fn": c.fn,
    }


def pii_testset_load(
    *, path: Path = TESTSET_PATH, split: str = "test", source: str = ""
) -> list[dict[str, Any]]:
    """Return the records of ``split`` (``test``, ``dev`` or ``all``) from the JSONL test set.

    ``source`` keeps only records whose ``source`` starts with it (``real``, ``synthetic`` …).
    """
    if split not in SPLITS:
        raise TestsetError(f"unknown split {split!r}: use test, dev or all / ไม่รู้จักชุดข้อมูล {split!r}")
    if not path.is_file():
        raise TestsetError(f"no test set at {path} / ไม่พบไฟล์ชุดทดสอบ {path}")
    records = []
    with path.open(encoding="utf-8-sig") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                text = record["text"]
                for e in record["entities"]:
                    if e["type"] not in PII_TYPES or not 0 <= e["start"] < e["end"] <= len(text):
                        raise ValueError(e)  # noqa: TRY301
            except (ValueError, KeyError, TypeError) as exc:
                raise TestsetError(
                    f"{path}:{number}: not a valid record ({exc}) / บรรทัด {number} ไม่ใช่ระเบียนที่ถูกต้อง"
                ) from exc
            if (split == "all" or record.get("split", "test") == split) and str(
                record.get("source", "")
            ).startswith(source):
                records.append(record)
    return records


def _match(gold: list[tuple[int, int]], found: list[tuple[int, int]], *, exact: bool) -> int:
    """Return how many gold spans are matched one-to-one by found spans."""
    used: set[int] = set()
    hits = 0
    for g in gold:
        for i, f in enumerate(found):
            if i in used:
                continue
            if (f == g) if exact else (f[0] < g[1] and g[0] < f[1]):
                used.add(i)
                hits += 1
                break
    return hits


def pii_testset_evaluate(
    *,
    path: Path = TESTSET_PATH,
    split: str = "test",
    source: str = "",
    types: Iterable[str] = PII_TYPES,
) -> Evaluation:
    """Run the text scanner on every record of ``split`` (and ``source`` prefix) and count hits per type."""
    records = pii_testset_load(path=path, split=split, source=source)
    kinds = tuple(types)
    result = Evaluation(split=split + (f", source {source}*" if source else ""), texts=len(records))
    for table in (result.exact, result.overlap):
        table.update({k: Counts() for k in kinds})
    for record in records:
        findings: list[Finding] = pii_text_scan(text=record["text"])
        missed: list[dict[str, Any]] = []
        for kind in kinds:
            gold = [(e["start"], e["end"]) for e in record["entities"] if e["type"] == kind]
            found = [(f.start, f.end) for f in findings if f.type == kind]
            for table, exact in ((result.exact, True), (result.overlap, False)):
                hits = _match(gold, found, exact=exact)
                table[kind].tp += hits
                table[kind].fn += len(gold) - hits
                table[kind].fp += len(found) - hits
            if set(gold) != set(found):
                missed.append(
                    {
                        "type": kind,
                        "gold": [record["text"][a:b] for a, b in gold],
                        "found": [record["text"][a:b] for a, b in found],
                    }
                )
        if missed:
            result.errors.append(
                {"text": record["text"], "source": record.get("source"), "diff": missed}
            )
    return result
