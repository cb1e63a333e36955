"""Precision and recall of the duplicate screen on the labelled Traffy pairs, beside naive baselines.

:func:`duplicates_evaluate` stores every complaint of ``evalset/complaints.jsonl`` in one
:class:`~ddgov.complaints.duplicates.index.DuplicateIndex` (so IDF comes from real complaints and
each query competes with all of them), then scores each pair of ``evalset/pairs.jsonl`` — the
later report as the new complaint, the earlier one as the stored one — exactly as ``find`` would
(outside the radius or time window a pair scores 0). A pair is called a duplicate when its score
reaches the threshold. ``recall_at_limit`` asks the user-facing question instead: for each
positive pair, is the stored report among the ``find`` results (default 5) for the new one?

Baselines, computed on the same pairs:

* ``fixmystreet`` — same category within 250 m (FixMyStreet's suggestion rule, no text);
* ``distance-100m`` — anything within 100 m;
* ``text-tfidf-0.5`` — TF-IDF cosine >= 0.5 with no regard to place;
* ``text-whitespace-0.5`` — the same cosine with whitespace splitting instead of ``newmm``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
from collections import defaultdict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ddgov.complaints.duplicates.config import DEFAULT_SETTINGS, DuplicateSettings
from ddgov.complaints.duplicates.evalset.build import COMPLAINTS_FILE, EVALSET_DIR, PAIRS_FILE
from ddgov.complaints.duplicates.index import DuplicateIndex
from ddgov.complaints.duplicates.text import text_tokens

PR_THRESHOLDS = tuple(round(0.30 + 0.05 * i, 2) for i in range(13))


@dataclass(frozen=True)
class Scores:
    """Confusion counts with precision, recall and F1."""

    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def precision(self) -> float:
        """Share of pairs called duplicates that are duplicates."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        """Share of duplicate pairs called duplicates."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @classmethod
    def of(cls, predicted: Sequence[bool], labels: Sequence[int]) -> Scores:
        """Count predictions against 0/1 labels."""
        tp = sum(1 for p, y in zip(predicted, labels, strict=True) if p and y)
        fp = sum(1 for p, y in zip(predicted, labels, strict=True) if p and not y)
        fn = sum(1 for p, y in zip(predicted, labels, strict=True) if not p and y)
        return cls(tp=tp, fp=fp, fn=fn, tn=len(labels) - tp - fp - fn)


@dataclass(frozen=True)
class PairScore:
    """One labelled pair with the engine's view of it."""

    query: str
    stored: str
    label: int
    kind: str
    score: float  # 0 outside the radius / time window
    reachable: bool  # inside the radius and the time window
    distance_m: float
    text_similarity: float
    whitespace_similarity: float
    category_match: str
    same_category: bool  # the labels as filed share one (what FixMyStreet compares)


@dataclass(frozen=True)
class DuplicateEvaluation:
    """The evaluation report (see the module docstring); ``as_text()`` prints it."""

    threshold: float
    overall: Scores
    pr_table: tuple[tuple[float, Scores], ...]
    by_kind: Mapping[str, tuple[int, int]]  # kind -> (pairs, correctly called)
    baselines: Mapping[str, Scores]
    recall_at_limit: float
    limit: int
    pairs: tuple[PairScore, ...] = field(repr=False)
    complaints: int = 0
    radius_m: float = 0.0

    @property
    def unreachable(self) -> int:
        """Duplicate pairs the radius or age gate keeps out (pins far apart, area centroids)."""
        return sum(1 for p in self.pairs if p.label == 1 and not p.reachable)

    def as_text(self) -> str:
        """A plain-text report: headline, PR table, per-kind results and baselines."""
        o = self.overall
        lines = [
            (
                f"duplicate screen on {len(self.pairs)} labelled pairs ({o.tp + o.fn} duplicates)"
                f" among {self.complaints} stored complaints"
            ),
            (
                f"threshold {self.threshold:.2f}: precision {o.precision:.3f}"
                f"  recall {o.recall:.3f}  F1 {o.f1:.3f}"
                f"  (tp {o.tp}, fp {o.fp}, fn {o.fn}, tn {o.tn})"
            ),
            (
                f"duplicates out of reach (over {self.radius_m:.0f} m or older than the age"
                f" limit): {self.unreachable} of {o.tp + o.fn}"
            ),
            (
                f"recall@{self.limit} (stored report among the top {self.limit} candidates"
                f" inside the radius, any score): {self.recall_at_limit:.3f}"
            ),
            "",
            "threshold  precision  recall     F1",
        ]
        lines += [
            f"{t:9.2f}  {s.precision:9.3f}  {s.recall:6.3f}  {s.f1:5.3f}"
            + ("  <- chosen" if abs(t - self.threshold) < 1e-9 else "")
            for t, s in self.pr_table
        ]
        lines += ["", "kind                         pairs  called right"]
        lines += [
            f"{kind:28s} {n:5d}  {right:5d} ({right / n:.0%})"
            for kind, (n, right) in sorted(self.by_kind.items())
        ]
        lines += ["", f"{'baseline':36s}  precision  recall     F1"]
        lines += [
            f"{name:36s}  {s.precision:9.3f}  {s.recall:6.3f}  {s.f1:5.3f}"
            for name, s in self.baselines.items()
        ]
        return "\n".join(lines)


def evalset_load(
    directory: Path | None = None,
) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
    """Read ``complaints.jsonl`` (by key) and ``pairs.jsonl`` from ``directory``."""
    directory = directory or EVALSET_DIR
    with (directory / COMPLAINTS_FILE).open(encoding="utf-8") as fh:
        records = {r["key"]: r for r in map(json.loads, fh)}
    with (directory / PAIRS_FILE).open(encoding="utf-8") as fh:
        pairs = [json.loads(line) for line in fh]
    return records, pairs


def _query_fields(record: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "text": record["text"],
        "lat": record["lat"],
        "lon": record["lon"],
        "category": record["category"],
        "at": dt.datetime.fromisoformat(record["at"]),
    }


def _whitespace_cosine(a: str, b: str, df: Mapping[str, int], n: int) -> float:
    """TF-IDF cosine with whitespace tokens (what skipping Thai segmentation gives)."""

    def vector(text: str) -> dict[str, float]:
        counts: dict[str, int] = defaultdict(int)
        for token in text_tokens(text, engine="whitespace"):
            counts[token] += 1
        return {
            t: (1 + math.log(c)) * (math.log((1 + n) / (1 + df.get(t, 0))) + 1)
            for t, c in counts.items()
        }

    va, vb = vector(a), vector(b)
    dot = sum(w * vb.get(t, 0.0) for t, w in va.items())
    na = math.sqrt(sum(w * w for w in va.values()))
    nb = math.sqrt(sum(w * w for w in vb.values()))
    return dot / (na * nb) if na and nb else 0.0


def duplicates_score_pairs(
    *,
    settings: DuplicateSettings | None = None,
    directory: Path | None = None,
) -> tuple[list[PairScore], DuplicateIndex, dict[str, dict[str, Any]]]:
    """Score every labelled pair with an index of all evaluation complaints."""
    records, pairs = evalset_load(directory)
    index = DuplicateIndex.from_rows(
        ({**_query_fields(r), "key": key} for key, r in records.items()), settings=settings
    )
    df: dict[str, int] = defaultdict(int)
    for r in records.values():
        for token in set(text_tokens(r["text"], engine="whitespace")):
            df[token] += 1
    scored = []
    for pair in pairs:
        query, stored = records[pair["query"]], pair["stored"]
        raw = index.compare(key=stored, gated=False, **_query_fields(query))
        gated = index.compare(key=stored, **_query_fields(query))
        if raw is None:
            msg = f"pair refers to {stored!r}, which is not in {COMPLAINTS_FILE}"
            raise KeyError(msg)
        scored.append(
            PairScore(
                query=pair["query"],
                stored=stored,
                label=int(pair["label"]),
                kind=pair["kind"],
                score=gated.score if gated else 0.0,
                reachable=gated is not None,
                distance_m=raw.distance_m,
                text_similarity=raw.text_similarity,
                whitespace_similarity=_whitespace_cosine(
                    query["text"], records[stored]["text"], df, len(records)
                ),
                category_match=raw.category_match,
                same_category=bool(set(query["category"]) & set(records[stored]["category"])),
            )
        )
    return scored, index, records


def _recall_at(
    index: DuplicateIndex,
    records: Mapping[str, Mapping[str, Any]],
    pairs: Sequence[PairScore],
    limit: int,
) -> float:
    positives = [p for p in pairs if p.label == 1]
    found = 0
    for pair in positives:
        exclude: set[Hashable] = {pair.query}
        hits = index.find(
            limit=limit, exclude=exclude, min_score=0.0, **_query_fields(records[pair.query])
        )
        found += any(c.key == pair.stored for c in hits)
    return found / len(positives) if positives else 0.0


def duplicates_evaluate(
    *,
    settings: DuplicateSettings | None = None,
    threshold: float | None = None,
    limit: int = 5,
    directory: Path | None = None,
) -> DuplicateEvaluation:
    """Evaluate the screen on the committed labelled pairs; see the module docstring.

    ``threshold`` defaults to ``settings.threshold``; ``directory`` to the shipped ``evalset/``.
    """
    settings = settings or DEFAULT_SETTINGS
    if threshold is not None:
        settings = dataclasses.replace(settings, threshold=threshold)
    pairs, index, records = duplicates_score_pairs(settings=settings, directory=directory)
    labels = [p.label for p in pairs]
    overall = Scores.of([p.score >= settings.threshold for p in pairs], labels)
    table = tuple((t, Scores.of([p.score >= t for p in pairs], labels)) for t in PR_THRESHOLDS)
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for p in pairs:
        by_kind[p.kind][0] += 1
        by_kind[p.kind][1] += (p.score >= settings.threshold) == bool(p.label)
    baselines = {
        "fixmystreet (same category, 250 m)": Scores.of(
            [p.same_category and p.distance_m <= 250 for p in pairs], labels
        ),
        "distance <= 100 m": Scores.of([p.distance_m <= 100 for p in pairs], labels),
        "text tf-idf >= 0.5 (newmm)": Scores.of([p.text_similarity >= 0.5 for p in pairs], labels),
        "text tf-idf >= 0.5 (whitespace)": Scores.of(
            [p.whitespace_similarity >= 0.5 for p in pairs], labels
        ),
    }
    return DuplicateEvaluation(
        threshold=settings.threshold,
        overall=overall,
        pr_table=table,
        by_kind={k: (v[0], v[1]) for k, v in by_kind.items()},
        baselines=baselines,
        recall_at_limit=_recall_at(index, records, pairs, limit),
        limit=limit,
        pairs=tuple(pairs),
        complaints=len(records),
        radius_m=settings.radius_m,
    )
