"""Columnar, in-memory form of a batch of search documents: postings, facet columns, sort keys.

A :class:`Segment` is built from ``SearchDocument`` rows with numpy in a few vectorised passes
(no per-token Python work beyond one dictionary look-up), so 100 000 datasets load in seconds.
Scores follow BM25F: each field's term frequency is normalised by that field's length against
its average, weighted by the field boost, and summed into one "text" posting per (term, dataset).
A second posting list keeps titles alone, for ``title:`` queries.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

# Row layout read from the database (SearchDocument column names, in this order).
ROW_FIELDS = (
    "dataset_id", "name", "title_sort", "state", "private", "owner_org_id", "organization",
    "groups", "tags", "res_format", "license_id", "data_category", "data_type", "geo_coverage",
    "high_value_dataset", "created_ts", "modified_ts", "title_tokens", "tags_tokens",
    "notes_tokens", "other_tokens", "joined_tokens",
)  # fmt: skip
COL = {name: i for i, name in enumerate(ROW_FIELDS)}
SINGLE_FACETS = ("organization", "license_id", "data_category", "data_type", "geo_coverage")
MULTI_FACETS = ("groups", "tags", "res_format")
# Field boosts: title > tags > notes > organisation, group and resource names; "joined" holds
# neighbouring title and tag words written together (see search.text.texts_tokenise).
BOOSTS = {
    "title_tokens": 4.0,
    "tags_tokens": 2.0,
    "notes_tokens": 1.0,
    "other_tokens": 0.5,
    "joined_tokens": 1.5,
}
B = 0.75

Row = Sequence[Any]
_CHUNK = 2048
_ENCODED = frozenset({*SINGLE_FACETS, *MULTI_FACETS, *BOOSTS})


def _batched(rows: Iterable[Row]) -> Iterator[tuple[Row, ...]]:
    """Successive chunks of ``rows`` (``itertools.batched`` arrived only in Python 3.12)."""
    iterator = iter(rows)
    while chunk := tuple(itertools.islice(iterator, _CHUNK)):
        yield chunk


class Vocab:
    """An append-only string → id table shared by successive segments of one index."""

    def __init__(self) -> None:
        """Start empty."""
        self.ids: dict[str, int] = {}
        self.values: list[str] = []

    def __len__(self) -> int:
        """Number of distinct strings seen."""
        return len(self.values)

    def encode(self, strings: list[str]) -> np.ndarray:
        """Return the ids of ``strings`` (int64), adding the strings not seen before."""
        ids, values = self.ids, self.values
        for value in dict.fromkeys(strings):
            if value not in ids:
                ids[value] = len(values)
                values.append(value)
        return np.fromiter(map(ids.__getitem__, strings), dtype=np.int64, count=len(strings))


@dataclass
class Vocabs:
    """Every vocabulary of an index: words, and the values of each facet field."""

    terms: Vocab = field(default_factory=Vocab)
    facets: dict[str, Vocab] = field(
        default_factory=lambda: {f: Vocab() for f in (*SINGLE_FACETS, *MULTI_FACETS)}
    )


@dataclass
class Postings:
    """Compressed sparse rows: for term id ``terms[k]``, documents ``docs[ptr[k]:ptr[k+1]]``."""

    terms: np.ndarray
    ptr: np.ndarray
    docs: np.ndarray
    weights: np.ndarray

    @classmethod
    def empty(cls) -> Postings:
        """Postings of no document."""
        return cls(
            np.zeros(0, np.int64),
            np.zeros(1, np.int64),
            np.zeros(0, np.int32),
            np.zeros(0, np.float32),
        )

    @classmethod
    def grouped(cls, n: int, keys: np.ndarray, weights: np.ndarray) -> Postings:
        """Sum ``weights`` over runs of equal sorted ``keys`` (term * n + doc), grouped by term."""
        if keys.size == 0:
            return cls.empty()
        starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
        unique = keys[starts]
        summed = np.add.reduceat(weights, starts)
        terms_all = unique // n
        term_starts = np.flatnonzero(np.concatenate(([True], terms_all[1:] != terms_all[:-1])))
        ptr = np.append(term_starts, unique.size).astype(np.int64)
        return cls(
            terms_all[term_starts], ptr, (unique % n).astype(np.int32), summed.astype(np.float32)
        )

    def lookup(self, term_id: int) -> tuple[np.ndarray, np.ndarray] | None:
        """Return (documents, weights) of ``term_id``, or None when no document has it."""
        k = int(np.searchsorted(self.terms, term_id))
        if k >= self.terms.size or self.terms[k] != term_id:
            return None
        return self.docs[self.ptr[k] : self.ptr[k + 1]], self.weights[self.ptr[k] : self.ptr[k + 1]]


def _encode_joined(strings: list[str], sep: str, vocab: Vocab) -> tuple[np.ndarray, np.ndarray]:
    """Encode the pieces of ``sep``-joined strings; return their ids and how many each string had.

    Works through the strings in chunks, so only a chunk's pieces exist as Python strings at once
    (all of 100 000 datasets' words at once would take several hundred megabytes).
    """
    counts = np.fromiter(
        (s.count(sep) + 1 if s else 0 for s in strings), dtype=np.int64, count=len(strings)
    )
    ids = [np.zeros(0, dtype=np.int64)]
    for start in range(0, len(strings), _CHUNK):
        nonempty = [s for s in strings[start : start + _CHUNK] if s]
        if nonempty:
            ids.append(vocab.encode(sep.join(nonempty).split(sep)))
    return np.concatenate(ids), counts


def _sorted(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return ``sort(keys)`` and ``argsort(keys)`` for non-negative int64 keys.

    Sorting the keys with their positions packed into the low bits is about twice as fast as
    ``argsort`` for millions of keys, and gives both results at once.
    """
    position_bits = max(int(keys.size - 1).bit_length(), 1)
    if keys.size == 0 or int(keys.max()).bit_length() + position_bits > 62:
        order = np.argsort(keys)
        return keys[order], order
    packed = np.sort((keys << position_bits) | np.arange(keys.size, dtype=np.int64))
    return packed >> position_bits, packed & ((1 << position_bits) - 1)


@dataclass
class Segment:
    """Searchable columns of ``n`` documents (slots 0..n-1 in row order)."""

    n: int
    ids: list[uuid.UUID]
    names: list[str]
    title_keys: list[str]
    draft: np.ndarray
    private: np.ndarray
    org: np.ndarray
    hvd: np.ndarray
    created: np.ndarray
    modified: np.ndarray
    uid: np.ndarray
    single: dict[str, np.ndarray]
    pairs: dict[str, tuple[np.ndarray, np.ndarray]]
    text: Postings
    title: Postings
    avglen: dict[str, float]

    @cached_property
    def slots(self) -> dict[uuid.UUID, int]:
        """Slot of each dataset id."""
        return {dataset_id: slot for slot, dataset_id in enumerate(self.ids)}

    @classmethod
    def build(
        cls, rows: Iterable[Row], vocabs: Vocabs, avglen: dict[str, float] | None = None
    ) -> Segment:
        """Build the columns of ``rows``; ``avglen`` (from the base segment) fixes length norms.

        Rows are consumed a chunk at a time and their words turned into ids straight away, so
        the words of every dataset never exist as Python strings all at once.
        """
        small: dict[str, list[Any]] = {name: [] for name in ROW_FIELDS if name not in _ENCODED}
        encoded: dict[str, tuple[list[np.ndarray], list[np.ndarray]]] = {
            name: ([], []) for name in (*MULTI_FACETS, *BOOSTS)
        }
        single_parts: dict[str, list[np.ndarray]] = {name: [] for name in SINGLE_FACETS}
        for chunk in _batched(rows):
            columns = list(zip(*chunk, strict=True))
            for name, values in small.items():
                values.extend(columns[COL[name]])
            for name in SINGLE_FACETS:
                single_parts[name].append(vocabs.facets[name].encode(list(columns[COL[name]])))
            for name, (ids_parts, count_parts) in encoded.items():
                vocab = vocabs.facets[name] if name in MULTI_FACETS else vocabs.terms
                ids_part, counts_part = _encode_joined(
                    list(columns[COL[name]]), "\n" if name in MULTI_FACETS else " ", vocab
                )
                ids_parts.append(ids_part)
                count_parts.append(counts_part)
        n = len(small["dataset_id"])

        def joined(name: str) -> tuple[np.ndarray, np.ndarray]:
            ids_parts, count_parts = encoded[name]
            empty = np.zeros(0, dtype=np.int64)
            return np.concatenate([empty, *ids_parts]), np.concatenate([empty, *count_parts])

        ids = [v if isinstance(v, uuid.UUID) else uuid.UUID(str(v)) for v in small["dataset_id"]]
        single = {
            name: np.concatenate([np.zeros(0, dtype=np.int64), *parts]).astype(np.int32)
            for name, parts in single_parts.items()
        }
        pairs = {}
        for name in MULTI_FACETS:
            value_ids, counts = joined(name)
            pairs[name] = (
                np.repeat(np.arange(n, dtype=np.int32), counts),
                value_ids.astype(np.int32),
            )
        occ_docs, occ_terms, lengths = {}, {}, {}
        for name in BOOSTS:  # token strings are single-space joined by the indexer
            occ_terms[name], lengths[name] = joined(name)
            occ_docs[name] = np.repeat(np.arange(n, dtype=np.int64), lengths[name])
        if avglen is None:  # averaged over documents that have the field: most have no tags
            avglen = {
                k: float(v[v > 0].mean()) if (v > 0).any() else 1.0 for k, v in lengths.items()
            }
        norms = {k: 1.0 - B + B * lengths[k] / avglen[k] for k in BOOSTS}
        # One sort of every (term, document) occurrence serves both posting lists.
        keys = np.concatenate([occ_terms[k] * max(n, 1) + occ_docs[k] for k in BOOSTS])
        weights = np.concatenate([(boost / norms[k])[occ_docs[k]] for k, boost in BOOSTS.items()])
        title_count = occ_docs["title_tokens"].size
        keys, order = _sorted(keys)
        in_title = order < title_count
        title_weights = (1.0 / norms["title_tokens"])[occ_docs["title_tokens"]][order[in_title]]
        text = Postings.grouped(max(n, 1), keys, weights[order])
        title = Postings.grouped(max(n, 1), keys[in_title], title_weights)
        return cls(
            n=n,
            ids=ids,
            names=small["name"],
            title_keys=small["title_sort"],
            draft=np.array([s == "draft" for s in small["state"]], dtype=bool),
            private=np.array(small["private"], dtype=bool),
            org=np.array(
                [o if o is not None else -1 for o in small["owner_org_id"]], dtype=np.int64
            ),
            hvd=np.array(small["high_value_dataset"], dtype=bool),
            created=np.array(small["created_ts"], dtype=np.float64),
            modified=np.array(small["modified_ts"], dtype=np.float64),
            uid=np.fromiter((u.int >> 64 for u in ids), dtype=np.uint64, count=n),
            single=single,
            pairs=pairs,
            text=text,
            title=title,
            avglen=avglen,
        )
