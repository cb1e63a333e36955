"""The in-memory duplicate index: stored open complaints, searched by place, text, category, time.

Storage is columnar so one query does a handful of numpy passes, not a loop per complaint:

* points, times and category bit masks in growable arrays (one slot per row; a removed row
  only loses its ``alive`` flag and its grid entry);
* each row's text features (word and word-pair ids with ``1 + ln tf`` weights) in one flat
  CSR-style array with row offsets; document frequencies per feature are kept up to date, so
  IDF — and with it every cosine — always reflects the complaints stored right now;
* a :class:`~ddgov.complaints.duplicates.geo.Grid` over the points.

``find`` reads the grid cells around the new complaint, keeps the rows inside the radius and
the time window, computes TF-IDF cosines for just those rows, scores and ranks them. The index
does not know about databases: build it from rows (:meth:`DuplicateIndex.from_rows`) and keep it
in step with ``add``/``remove`` as complaints open and close. It is not thread-safe; a caller
sharing one index between threads must lock around ``add``/``remove``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ddgov.complaints.duplicates.config import DEFAULT_SETTINGS, DuplicateSettings
from ddgov.complaints.duplicates.geo import Grid, check_point, haversine_many_m
from ddgov.complaints.duplicates.reasons import reason_build
from ddgov.complaints.duplicates.text import text_features, text_tokens

Category = str | Iterable[str] | None
Array = npt.NDArray[Any]
_MATCH = ("unknown", "same", "related", "different")
_BATCH = 8192  # rows turned into arrays at a time (bounds the temporary memory of a build)


@dataclass(frozen=True)
class DuplicateCandidate:
    """A stored complaint that may be the same problem as the new one, with why."""

    key: Hashable
    score: float
    distance_m: float
    text_similarity: float
    category_match: str  # same | related | different | unknown
    age_s: float
    reason_th: str
    reason_en: str

    def reason(self, language: str = "th") -> str:
        """The reason in Thai (default) or, for ``language`` starting with ``en``, English."""
        return self.reason_en if language.lower().startswith("en") else self.reason_th

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (key as given; numbers rounded for display)."""
        return {
            "key": self.key,
            "score": round(self.score, 4),
            "distance_m": round(self.distance_m, 1),
            "text_similarity": round(self.text_similarity, 4),
            "category_match": self.category_match,
            "age_s": round(self.age_s),
            "reason": self.reason_en,
            "reason_th": self.reason_th,
        }


@dataclass(frozen=True)
class _Query:
    lat: float
    lon: float
    at: float
    feature_ids: npt.NDArray[Any]  # sorted int64 ids of features known to the index
    feature_tfw: npt.NDArray[Any]  # their 1 + ln tf
    unknown_tfw: npt.NDArray[Any]  # 1 + ln tf of features the index has never seen
    category: np.uint64
    related: np.uint64


def _epoch(value: dt.datetime | str | None) -> float:
    """Seconds since the epoch of an aware datetime (or ISO string); ``None`` means now."""
    if value is None:
        return dt.datetime.now(dt.UTC).timestamp()
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if not isinstance(value, dt.datetime) or value.tzinfo is None:
        msg = f"'at' must be a timezone-aware datetime (got {value!r})"
        raise ValueError(msg)
    return value.timestamp()


def _grow(array: npt.NDArray[Any], size: int) -> npt.NDArray[Any]:
    if size <= len(array):
        return array
    grown = np.zeros(max(size, 2 * len(array), 1024), dtype=array.dtype)
    grown[: len(array)] = array
    return grown


class DuplicateIndex:
    """Open complaints searchable for likely duplicates of a new one (see the module docstring)."""

    def __init__(self, *, settings: DuplicateSettings | None = None) -> None:
        """Start an empty index with ``settings`` (the tuned defaults when omitted)."""
        self.settings = settings or DEFAULT_SETTINGS
        self._grid = Grid(self.settings.grid_cell_m)
        self._keys: list[Hashable] = []
        self._row: dict[Hashable, int] = {}
        self._lat = np.zeros(0, dtype=np.float64)
        self._lon = np.zeros(0, dtype=np.float64)
        self._at = np.zeros(0, dtype=np.float64)
        self._cat = np.zeros(0, dtype=np.uint64)
        self._alive = np.zeros(0, dtype=bool)
        self._offset = np.zeros(1, dtype=np.int64)
        self._feat = np.zeros(0, dtype=np.int32)
        self._tfw = np.zeros(0, dtype=np.float32)
        self._used = 0  # entries of _feat/_tfw in use
        self._vocab: dict[str, int] = {}
        self._df = np.zeros(0, dtype=np.int32)
        self._alive_count = 0
        self._category_ids: dict[str, int] = {}
        self._related_bits: dict[int, int] = {}
        for group in self.settings.category_groups:
            for name in group:
                self._category_id(name)
        for group in self.settings.category_groups:
            bits = 0
            for name in group:
                bits |= 1 << (self._category_id(name) % 64)
            for name in group:
                cid = self._category_id(name)
                self._related_bits[cid] = self._related_bits.get(cid, 0) | bits

    # -- building ---------------------------------------------------------------------------------
    @classmethod
    def from_rows(
        cls, rows: Iterable[Mapping[str, Any]], *, settings: DuplicateSettings | None = None
    ) -> DuplicateIndex:
        """Build an index from dict-like rows with ``key, text, lat, lon, category, at``.

        ``category`` may be a string, a list of strings or missing; ``at`` an aware datetime or
        an ISO 8601 string; an optional ``tokens`` list (from :func:`text_tokens`, e.g. stored
        beside the complaint) skips word segmentation. Rows with the same key: the last wins.
        """
        index = cls(settings=settings)
        index.add_many(rows)
        return index

    def add_many(self, rows: Iterable[Mapping[str, Any]]) -> int:
        """Add many rows (as :meth:`from_rows`), in batches; return how many were added."""
        added = 0
        iterator = iter(rows)
        while batch := list(itertools.islice(iterator, _BATCH)):
            added += self._add_batch(batch)
        return added

    def _add_batch(self, rows: Sequence[Mapping[str, Any]]) -> int:
        """Check and encode every row first, then store them all (a bad row changes nothing)."""
        latest: dict[Hashable, int] = {}
        prepared: list[tuple[Hashable, float, float, float, int, list[int], list[float]]] = []
        for row in rows:
            key = row["key"]
            hash(key)
            lat, lon = check_point(row["lat"], row["lon"])
            at = _epoch(row.get("at"))
            bits = self._category_bits(row.get("category"))[0]
            ids, tfw = self._encode(self._tokens(row.get("text", ""), row.get("tokens")))
            latest[key] = len(prepared)
            prepared.append((key, lat, lon, at, bits, ids, tfw))
        live = [prepared[i] for i in sorted(latest.values())]
        if not live:
            return 0
        for key in latest:
            if key in self._row:
                self.remove(key)
        start, count = len(self._keys), len(live)
        self._ensure_rows(start + count)
        rows_idx = np.arange(start, start + count, dtype=np.int64)
        self._lat[rows_idx] = [p[1] for p in live]
        self._lon[rows_idx] = [p[2] for p in live]
        self._at[rows_idx] = [p[3] for p in live]
        self._cat[rows_idx] = np.asarray([p[4] for p in live], dtype=np.uint64)
        self._alive[rows_idx] = True
        flat_ids = np.fromiter(itertools.chain.from_iterable(p[5] for p in live), dtype=np.int32)
        flat_tfw = np.fromiter(itertools.chain.from_iterable(p[6] for p in live), dtype=np.float32)
        self._df = _grow(self._df, len(self._vocab))
        np.add.at(self._df, flat_ids, 1)
        self._ensure_features(self._used + len(flat_ids))
        self._feat[self._used : self._used + len(flat_ids)] = flat_ids
        self._tfw[self._used : self._used + len(flat_ids)] = flat_tfw
        lengths = np.fromiter((len(p[5]) for p in live), dtype=np.int64, count=count)
        self._offset[start + 1 : start + count + 1] = self._used + np.cumsum(lengths)
        self._used += len(flat_ids)
        for p, row in zip(live, rows_idx.tolist(), strict=True):
            self._keys.append(p[0])
            self._row[p[0]] = row
        self._alive_count += count
        self._grid.add_many(rows_idx, self._lat[rows_idx], self._lon[rows_idx])
        return count

    def add(
        self,
        *,
        key: Hashable,
        text: str,
        lat: float,
        lon: float,
        category: Category = None,
        at: dt.datetime | str | None = None,
        tokens: Sequence[str] | None = None,
    ) -> None:
        """Store an open complaint (replacing any stored under the same ``key``).

        ``at`` is when it was filed (aware datetime; now when omitted). ``tokens`` — the
        output of :func:`~ddgov.complaints.duplicates.text.text_tokens` kept from an earlier
        run — skips segmenting ``text`` again.
        """
        self.add_many(
            [
                {
                    "key": key,
                    "text": text,
                    "lat": lat,
                    "lon": lon,
                    "category": category,
                    "at": at,
                    "tokens": tokens,
                }
            ]
        )

    def remove(self, key: Hashable) -> bool:
        """Forget a complaint (closed, merged, withdrawn); ``False`` if it was not stored."""
        row = self._row.pop(key, None)
        if row is None:
            return False
        self._alive[row] = False
        self._alive_count -= 1
        ids = self._feat[self._offset[row] : self._offset[row + 1]]
        np.subtract.at(self._df, ids, 1)
        self._grid.discard(row, float(self._lat[row]), float(self._lon[row]))
        return True

    def __len__(self) -> int:
        """Number of complaints stored."""
        return self._alive_count

    def __contains__(self, key: object) -> bool:
        """Whether a complaint is stored under ``key``."""
        return key in self._row

    # -- searching --------------------------------------------------------------------------------
    def find(
        self,
        *,
        text: str,
        lat: float,
        lon: float,
        category: Category = None,
        at: dt.datetime | str | None = None,
        limit: int = 5,
        min_score: float | None = None,
        exclude: Collection[Hashable] = (),
        exhaustive: bool = False,
    ) -> list[DuplicateCandidate]:
        """Likely duplicates of a new complaint, best first (at most ``limit``).

        Only stored complaints within ``settings.radius_m`` and the time window count; of
        those, the ones scoring at least ``min_score`` (default ``settings.threshold``) are
        returned. ``exclude`` leaves keys out (the complaint itself, when re-screening one
        already stored). ``exhaustive`` scans every stored row instead of the grid cells (the
        same answer, slower; for checks and benchmarks).
        """
        query = self._query(text=text, lat=lat, lon=lon, category=category, at=at)
        if exhaustive:
            rows = np.flatnonzero(self._alive[: len(self._keys)])
        else:
            rows = self._grid.near(query.lat, query.lon, self.settings.radius_m)
        scored = self._score(rows, query, gated=True)
        floor = self.settings.threshold if min_score is None else min_score
        rows, score, dist, sim, match, age = scored
        keep = score >= floor
        if exclude:
            keep &= ~np.isin(rows, [self._row[k] for k in exclude if k in self._row])
        picked = np.flatnonzero(keep)
        if len(picked) > limit > 0:
            top = np.argpartition(-score[picked], limit - 1)[:limit]
            picked = picked[top]
        picked = picked[np.lexsort((dist[picked], -score[picked]))][: max(limit, 0)]
        return [
            self._candidate(
                int(rows[i]),
                score=score[i],
                dist=dist[i],
                sim=sim[i],
                match=int(match[i]),
                age=age[i],
            )
            for i in picked
        ]

    def compare(
        self,
        *,
        key: Hashable,
        text: str,
        lat: float,
        lon: float,
        category: Category = None,
        at: dt.datetime | str | None = None,
        gated: bool = True,
    ) -> DuplicateCandidate | None:
        """Score one stored complaint against a new one (what ``find`` would say about it).

        ``None`` when ``key`` is not stored, or when ``gated`` and it lies outside the radius or
        the time window. With ``gated=False`` the raw components are returned wherever it is.
        """
        row = self._row.get(key)
        if row is None:
            return None
        query = self._query(text=text, lat=lat, lon=lon, category=category, at=at)
        rows, score, dist, sim, match, age = self._score(
            np.array([row], dtype=np.int64), query, gated=gated
        )
        if not len(rows):
            return None
        return self._candidate(
            row, score=score[0], dist=dist[0], sim=sim[0], match=int(match[0]), age=age[0]
        )

    def stats(self) -> dict[str, int]:
        """Sizes: rows (including removed), stored, vocabulary, feature entries, cells, bytes."""
        arrays = (self._lat, self._lon, self._at, self._cat, self._alive, self._offset)
        return {
            "rows": len(self._keys),
            "stored": self._alive_count,
            "vocabulary": len(self._vocab),
            "features": self._used,
            "cells": len(self._grid.cells),
            "array_bytes": sum(a.nbytes for a in arrays)
            + self._feat.nbytes
            + self._tfw.nbytes
            + self._df.nbytes,
        }

    # -- internals --------------------------------------------------------------------------------
    def _tokens(self, text: str, tokens: Sequence[str] | None) -> list[str]:
        if tokens is not None:
            return list(tokens)
        if not isinstance(text, str):
            msg = f"text must be a string (got {type(text).__name__})"
            raise TypeError(msg)
        return text_tokens(
            text, max_chars=self.settings.max_text_chars, engine=self.settings.segmenter
        )

    def _encode(self, tokens: list[str]) -> tuple[list[int], list[float]]:
        """Feature ids (adding new words to the vocabulary) and their 1 + ln tf weights."""
        counts = text_features(tokens, word_pairs=self.settings.word_pairs)
        vocab = self._vocab
        ids, tfw = [], []
        for feature, count in counts.items():
            fid = vocab.get(feature)
            if fid is None:
                fid = vocab[feature] = len(vocab)
            ids.append(fid)
            tfw.append(1.0 + math.log(count) if count > 1 else 1.0)
        self._df = _grow(self._df, len(vocab))  # new words start at document frequency 0
        return ids, tfw

    def _ensure_rows(self, size: int) -> None:
        self._lat = _grow(self._lat, size)
        self._lon = _grow(self._lon, size)
        self._at = _grow(self._at, size)
        self._cat = _grow(self._cat, size)
        self._alive = _grow(self._alive, size)
        self._offset = _grow(self._offset, size + 1)

    def _ensure_features(self, size: int) -> None:
        self._feat = _grow(self._feat, size)
        self._tfw = _grow(self._tfw, size)

    def _category_id(self, name: str) -> int:
        cid = self._category_ids.get(name)
        if cid is None:
            cid = self._category_ids[name] = len(self._category_ids)
        return cid

    def _category_bits(self, category: Category) -> tuple[int, int]:
        """(bits of the categories, bits of their related groups); 0 when none is informative."""
        names = [category] if isinstance(category, str) else list(category or ())
        bits = related = 0
        aliases, ignore = self.settings.category_aliases, self.settings.category_ignore
        for raw in names:
            name = aliases.get(raw.strip(), raw.strip()) if isinstance(raw, str) else ""
            if not name or name in ignore:
                continue
            cid = self._category_id(name)
            bits |= 1 << (cid % 64)
            related |= self._related_bits.get(cid, 0)
        return bits, related

    def _query(
        self, *, text: str, lat: float, lon: float, category: Category, at: dt.datetime | str | None
    ) -> _Query:
        lat, lon = check_point(lat, lon)
        counts = text_features(self._tokens(text, None), word_pairs=self.settings.word_pairs)
        known, known_w, unknown_w = [], [], []
        for feature, count in counts.items():
            weight = 1.0 + math.log(count)
            fid = self._vocab.get(feature)
            if fid is None:
                unknown_w.append(weight)
            else:
                known.append(fid)
                known_w.append(weight)
        order = np.argsort(known)
        bits, related = self._category_bits(category)
        return _Query(
            lat=lat,
            lon=lon,
            at=_epoch(at),
            feature_ids=np.asarray(known, dtype=np.int64)[order],
            feature_tfw=np.asarray(known_w, dtype=np.float64)[order],
            unknown_tfw=np.asarray(unknown_w, dtype=np.float64),
            category=np.uint64(bits),
            related=np.uint64(related),
        )

    def _idf(self, df: npt.NDArray[Any]) -> npt.NDArray[Any]:
        return np.log((1.0 + self._alive_count) / (1.0 + df)) + 1.0

    def _cosines(self, rows: npt.NDArray[Any], query: _Query) -> npt.NDArray[Any]:
        """TF-IDF cosine between the query and each row (0 for empty texts)."""
        q_idf = self._idf(self._df[query.feature_ids].astype(np.float64))
        q_w = query.feature_tfw * q_idf
        unseen_idf = float(self._idf(np.zeros(1))[0])
        q_norm = math.sqrt(
            float(np.dot(q_w, q_w)) + float(np.sum((query.unknown_tfw * unseen_idf) ** 2))
        )
        sims = np.zeros(len(rows), dtype=np.float64)
        if not len(rows) or q_norm == 0.0 or not len(query.feature_ids):
            return sims
        starts, ends = self._offset[rows], self._offset[rows + 1]
        lengths = ends - starts
        total = int(lengths.sum())
        if total == 0:
            return sims
        segment = np.repeat(np.arange(len(rows)), lengths)
        position = np.arange(total) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        flat = starts[segment] + position
        feats = self._feat[flat]
        weights = self._tfw[flat] * self._idf(self._df[feats].astype(np.float64))
        norms = np.sqrt(np.bincount(segment, weights=weights * weights, minlength=len(rows)))
        slot = np.minimum(np.searchsorted(query.feature_ids, feats), len(query.feature_ids) - 1)
        hit = query.feature_ids[slot] == feats
        dots = np.bincount(segment[hit], weights=weights[hit] * q_w[slot[hit]], minlength=len(rows))
        np.divide(dots, norms * q_norm, out=sims, where=norms > 0)
        return np.minimum(sims, 1.0)

    def _score(
        self, rows: npt.NDArray[Any], query: _Query, *, gated: bool
    ) -> tuple[Array, Array, Array, Array, Array, Array]:
        s = self.settings
        dist = haversine_many_m(query.lat, query.lon, self._lat[rows], self._lon[rows])
        age = query.at - self._at[rows]
        if gated:
            keep = (
                (dist <= s.radius_m)
                & (age <= s.max_age_days * 86400.0)
                & (age >= -s.future_tolerance_s)
                & self._alive[rows]
            )
            rows, dist, age = rows[keep], dist[keep], age[keep]
        sim = self._cosines(rows, query)
        cats = self._cat[rows]
        zero = np.uint64(0)
        same = (cats & query.category) != zero
        related = ~same & ((cats & query.related) != zero)
        unknown = (cats == zero) | (query.category == zero)
        match = np.where(unknown, 0, np.where(same, 1, np.where(related, 2, 3)))
        cat_score = np.choose(match, (s.category_unknown, 1.0, s.category_related, 0.0))
        dist_score = np.exp2(-dist / s.half_distance_m)
        time_score = np.exp2(-np.maximum(age, 0.0) / (s.half_life_days * 86400.0))
        score = (
            s.weight_text * sim
            + s.weight_distance * dist_score
            + s.weight_category * cat_score
            + s.weight_time * time_score
        )
        return rows, score, dist, sim, match, age

    def _candidate(
        self, row: int, *, score: float, dist: float, sim: float, match: int, age: float
    ) -> DuplicateCandidate:
        reason = reason_build(
            distance_m=float(dist),
            text_similarity=float(sim),
            category=_MATCH[match],
            age_s=float(age),
        )
        return DuplicateCandidate(
            key=self._keys[row],
            score=float(score),
            distance_m=float(dist),
            text_similarity=float(sim),
            category_match=_MATCH[match],
            age_s=float(age),
            reason_th=reason.th,
            reason_en=reason.en,
        )
