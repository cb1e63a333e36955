"""The embedded search engine: an in-memory index per process, evaluated with numpy.

An :class:`IndexSnapshot` is immutable once built: a *base* segment (everything at the last full
load) with some of its documents marked dead, plus a small *delta* segment holding the documents
written since. Each search first asks the database for the newest ``SearchChange`` (one indexed
row); if it differs from the snapshot's, the changed documents are loaded into a new delta, or
the whole index is reloaded when the log shows a bulk rebuild, a gap or a divergent history
(a rolled-back transaction, another database). The snapshot is then swapped in atomically, so
concurrent threads keep using the one they started with.

Queries are evaluated as boolean masks over all slots; text clauses add BM25F scores
(k1 = 1.2, b = 0.75). Visibility is one more mask, facet counts are ``numpy.bincount`` over the
matching slots, and the page is picked with a partial sort.
"""

from __future__ import annotations

import bisect
import fnmatch
import math
import re
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from django.db import connection

from ddgov.catalog.models_search import SearchChange, SearchDocument
from ddgov.catalog.search.query import (
    And,
    MatchAll,
    MatchNone,
    Node,
    Not,
    Range,
    Term,
    Text,
    min_should_match,
)
from ddgov.catalog.search.segment import (
    MULTI_FACETS,
    ROW_FIELDS,
    SINGLE_FACETS,
    Postings,
    Row,
    Segment,
    Vocabs,
)
from ddgov.catalog.search.text import is_thai

K1 = 1.2
# A Thai query word also matches longer indexed words that contain it (the *word* wildcard
# search users of thai_gdc know), at this fraction of an exact match's weight.
PARTIAL_WEIGHT = 0.5
PARTIAL_MIN_LENGTH = 3
PARTIAL_MAX_TERMS = 2000
# A delta larger than this (documents) is folded into a fresh base by a full reload.
DELTA_LIMIT_MIN = 2000
DELTA_LIMIT_FRACTION = 0.1


@dataclass(frozen=True)
class Visibility:
    """Who is asking: open data always; more of ``agencies`` (None: every agency) when allowed."""

    agencies: tuple[int, ...] | None
    include_private: bool
    include_drafts: bool


@dataclass(frozen=True)
class Hits:
    """One page of matching dataset ids in rank order, the total and the facet counts."""

    count: int
    ids: list[uuid.UUID]
    facets: dict[str, dict[str, int]]


class _Expansions:
    """Finds indexed words containing a query word, over the vocabulary joined into one string.

    The vocabulary only grows, so new words are appended rather than everything rejoined.
    """

    def __init__(self) -> None:
        self.size = 0
        self.joined = ""
        self.starts: list[int] = []
        self.cache: dict[str, list[int]] = {}

    def extend(self, values: list[str]) -> None:
        """Take in the words added to ``values`` since the last call."""
        new = values[self.size :]
        if not new:
            return
        offset = len(self.joined)
        for value in new:
            self.starts.append(offset)
            offset += len(value) + 1
        self.joined += "\n".join(new) + "\n"
        self.size += len(new)
        self.cache = {}

    def containing(self, word: str) -> list[int]:
        """Ids of the words that contain ``word`` (itself included), at most PARTIAL_MAX_TERMS."""
        found = self.cache.get(word)
        if found is None:
            found = []
            for match in re.finditer(re.escape(word), self.joined):
                term = bisect.bisect_right(self.starts, match.start()) - 1
                if not found or found[-1] != term:
                    found.append(term)
                if len(found) >= PARTIAL_MAX_TERMS:
                    break
            if len(self.cache) < 4096:
                self.cache[word] = found
        return found


@dataclass
class IndexSnapshot:
    """The searchable state of the catalog at one index generation."""

    generation: int
    token: str
    vocabs: Vocabs
    base: Segment
    base_alive: np.ndarray
    delta_rows: dict[uuid.UUID, Row] = field(default_factory=dict)
    delta: Segment | None = None

    def __post_init__(self) -> None:
        """Lay the base and delta columns end to end so queries see one array per column."""
        parts = [self.base] + ([self.delta] if self.delta is not None else [])
        offset = self.base.n
        self.n = sum(p.n for p in parts)
        self.alive = np.concatenate(
            [self.base_alive] + [np.ones(p.n, dtype=bool) for p in parts[1:]]
        )
        self.alive_count = int(self.alive.sum())

        def cat(get: Callable[[Segment], np.ndarray]) -> np.ndarray:
            return np.concatenate([get(p) for p in parts])

        self.draft, self.private, self.org = (
            cat(lambda p: p.draft),
            cat(lambda p: p.private),
            cat(lambda p: p.org),
        )
        self.hvd, self.uid = cat(lambda p: p.hvd), cat(lambda p: p.uid)
        self.created, self.modified = cat(lambda p: p.created), cat(lambda p: p.modified)
        self.single = {f: np.concatenate([p.single[f] for p in parts]) for f in SINGLE_FACETS}
        self.pairs = {}
        for name in MULTI_FACETS:
            docs = [self.base.pairs[name][0]]
            vals = [self.base.pairs[name][1]]
            if self.delta is not None:
                docs.append(self.delta.pairs[name][0] + offset)
                vals.append(self.delta.pairs[name][1])
            self.pairs[name] = (np.concatenate(docs), np.concatenate(vals))

    @classmethod
    def load(cls, generation: int, token: str, rows: Iterable[Row]) -> IndexSnapshot:
        """Build a snapshot whose base holds ``rows``."""
        vocabs = Vocabs()
        base = Segment.build(rows, vocabs)
        return cls(generation, token, vocabs, base, np.ones(base.n, dtype=bool))

    def with_changes(
        self, generation: int, token: str, changed: dict[uuid.UUID, Row | None]
    ) -> IndexSnapshot:
        """Return a new snapshot where ``changed`` documents (None: removed) replace the old ones."""
        base_alive = self.base_alive.copy()
        delta_rows = dict(self.delta_rows)
        for dataset_id, row in changed.items():
            slot = self.base_slots.get(dataset_id)
            if slot is not None:
                base_alive[slot] = False
            if row is None:
                delta_rows.pop(dataset_id, None)
            else:
                delta_rows[dataset_id] = row
        delta = (
            Segment.build(list(delta_rows.values()), self.vocabs, self.base.avglen)
            if delta_rows
            else None
        )
        return IndexSnapshot(
            generation, token, self.vocabs, self.base, base_alive, delta_rows, delta
        )

    @property
    def delta_size(self) -> int:
        """Documents held in the delta."""
        return len(self.delta_rows)

    def dataset_id(self, slot: int) -> uuid.UUID:
        """The dataset held in ``slot``."""
        if slot < self.base.n or self.delta is None:
            return self.base.ids[slot]
        return self.delta.ids[slot - self.base.n]

    # -- lazily built look-ups -------------------------------------------------------------------
    @property
    def base_slots(self) -> dict[uuid.UUID, int]:
        """Base slot of each dataset id (built once per base, shared by its snapshots)."""
        return self.base.slots

    @cached_property
    def slots(self) -> dict[uuid.UUID, int]:
        """Live slot of each dataset id."""
        return {self.dataset_id(s): s for s in np.flatnonzero(self.alive).tolist()}

    @cached_property
    def names(self) -> list[str]:
        """URL name per slot."""
        return self.base.names + (self.delta.names if self.delta is not None else [])

    @cached_property
    def name_slots(self) -> dict[str, int]:
        """Live slot of each URL name."""
        names = self.names
        return {names[s]: s for s in np.flatnonzero(self.alive).tolist()}

    def _rank(self, values: list[str]) -> np.ndarray:
        order = np.argsort(np.array(values, dtype=str), kind="stable")
        rank = np.empty(len(values), dtype=np.int64)
        rank[order] = np.arange(len(values))
        return rank

    @cached_property
    def name_rank(self) -> np.ndarray:
        """Position of each slot in name order."""
        return self._rank(self.names)

    @cached_property
    def title_rank(self) -> np.ndarray:
        """Position of each slot in Thai dictionary order of titles."""
        return self._rank(
            self.base.title_keys + (self.delta.title_keys if self.delta is not None else [])
        )

    def facet_value_rank(self, name: str) -> np.ndarray:
        """Alphabetical position of every value of facet ``name`` (for tie-breaking counts)."""
        values = self.vocabs.facets[name].values
        cache = self.__dict__.setdefault("_facet_rank", {})
        if name not in cache or cache[name].size != len(values):
            cache[name] = self._rank(list(values))
        return cache[name]

    @property
    def expansions(self) -> _Expansions:
        """Substring finder over the known words, shared by the snapshots of one vocabulary."""
        with _expansions_lock:
            finder: _Expansions | None = getattr(self.vocabs, "expansions", None)
            if finder is None:
                finder = _Expansions()
                self.vocabs.expansions = finder  # type: ignore[attr-defined]
            finder.extend(self.vocabs.terms.values)
        return finder

    # -- evaluation ---------------------------------------------------------------------------
    def postings(self, field_name: str, term_id: int) -> list[tuple[np.ndarray, np.ndarray]]:
        """Documents and weights of a word in the "text" or "title" postings of base and delta."""
        found = []
        for segment, offset in ((self.base, 0), (self.delta, self.base.n)):
            if segment is None:
                continue
            postings: Postings = segment.title if field_name == "title" else segment.text
            hit = postings.lookup(term_id)
            if hit is not None:
                found.append((hit[0] + offset if offset else hit[0], hit[1]))
        return found

    def _token(self, field_name: str, token: str) -> tuple[np.ndarray, np.ndarray] | None:
        """Live slots containing ``token`` (partial matches included) and their BM25F term weight."""
        exact: list[tuple[np.ndarray, np.ndarray]] = []
        partial: list[tuple[np.ndarray, np.ndarray]] = []
        term_id = self.vocabs.terms.ids.get(token)
        if term_id is not None:
            exact = self.postings(field_name, term_id)
        if is_thai(token) and len(token) >= PARTIAL_MIN_LENGTH:
            for other in self.expansions.containing(token):
                if other != term_id:
                    partial.extend(
                        (d, w * PARTIAL_WEIGHT) for d, w in self.postings(field_name, other)
                    )
        pieces = exact + partial
        if not pieces:
            return None
        docs = np.concatenate([d for d, _ in pieces])
        weights = np.concatenate([w for _, w in pieces]).astype(np.float64)
        if partial:  # a document may hold several of the words: add them up
            tf = np.bincount(docs, weights=weights, minlength=self.n)
            docs = np.flatnonzero(tf)
            weights = tf[docs]
        keep = self.alive[docs]
        return docs[keep], weights[keep]

    def _text(self, node: Text, *, scoring: bool) -> tuple[np.ndarray, np.ndarray | None]:
        words_matched = np.zeros(self.n, dtype=np.int16)
        score = np.zeros(self.n, dtype=np.float64) if scoring else None
        for word in node.words:
            tokens_matched = np.zeros(self.n, dtype=np.int16)
            for token in word:
                found = self._token(node.field, token)
                if found is None or found[0].size == 0:
                    continue
                hit, tf = found
                tokens_matched[hit] += 1
                if score is not None:
                    idf = math.log(1.0 + (self.alive_count - hit.size + 0.5) / (hit.size + 0.5))
                    score[hit] += idf * tf * (K1 + 1.0) / (tf + K1)
            words_matched += tokens_matched >= min_should_match(len(word))
        mask = words_matched >= max(node.required, 1)
        if score is not None:
            score[~mask] = 0.0
        return mask, score

    def _values(self, name: str, value: str) -> np.ndarray:
        vocab = self.vocabs.facets[name]
        if value == "*":
            return np.array([i for i, v in enumerate(vocab.values) if v], dtype=np.int64)
        if "*" in value or "?" in value:
            return np.array(
                [i for i, v in enumerate(vocab.values) if fnmatch.fnmatchcase(v, value)],
                dtype=np.int64,
            )
        found = vocab.ids.get(value)
        return np.array([found] if found is not None else [], dtype=np.int64)

    def _value_mask(self, name: str, value: str) -> np.ndarray:
        wanted = self._values(name, value)
        if name in self.single:
            column = self.single[name]
            return column == wanted[0] if wanted.size == 1 else np.isin(column, wanted)
        docs, vals = self.pairs[name]
        mask = np.zeros(self.n, dtype=bool)
        mask[docs[vals == wanted[0] if wanted.size == 1 else np.isin(vals, wanted)]] = True
        return mask

    def _slot_mask(self, slots: list[int]) -> np.ndarray:
        mask = np.zeros(self.n, dtype=bool)
        mask[np.array(slots, dtype=np.int64)] = True
        return mask

    def _term(self, node: Term) -> np.ndarray:  # noqa: PLR0911 - one branch per field kind
        name, value = node.field, node.value
        if name in self.single or name in self.pairs:
            return self._value_mask(name, value)
        if name == "name":
            if value == "*":
                return self.alive.copy()
            if "*" in value or "?" in value:
                names = self.names
                return self._slot_mask(
                    [s for s in range(self.n) if fnmatch.fnmatchcase(names[s], value)]
                )
            slot = self.name_slots.get(value)
            return self._slot_mask([] if slot is None else [slot])
        if name == "id":
            try:
                slot = self.slots.get(uuid.UUID(value))
            except ValueError:
                slot = None
            return self._slot_mask([] if slot is None else [slot])
        if name == "owner_org":
            return (
                self.org == int(value)
                if value.isdigit()
                else self._value_mask("organization", value)
            )
        if name in {"high_value_dataset", "private"}:
            column = self.hvd if name == "high_value_dataset" else self.private
            return (
                column.copy()
                if value == "true"
                else ~column
                if value == "false"
                else self.alive.copy()
            )
        if name == "state":
            return (
                ~self.draft
                if value == "active"
                else self.draft.copy()
                if value == "draft"
                else self._slot_mask([])
            )
        return self._slot_mask([])

    def _range(self, node: Range) -> np.ndarray:
        column = self.modified if node.field == "metadata_modified" else self.created
        mask = np.ones(self.n, dtype=bool)
        if node.low is not None:
            mask &= column >= node.low if node.include_low else column > node.low
        if node.high is not None:
            mask &= column <= node.high if node.include_high else column < node.high
        return mask

    def evaluate(  # noqa: PLR0911 - one return per kind of node
        self, node: Node, *, scoring: bool
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Return the matching-slot mask of ``node`` and, when scoring, the BM25F scores."""
        if isinstance(node, MatchAll):
            return np.ones(self.n, dtype=bool), None
        if isinstance(node, MatchNone):
            return np.zeros(self.n, dtype=bool), None
        if isinstance(node, Text):
            return self._text(node, scoring=scoring)
        if isinstance(node, Term):
            return self._term(node), None
        if isinstance(node, Range):
            return self._range(node), None
        if isinstance(node, Not):
            mask, _ = self.evaluate(node.child, scoring=False)
            return ~mask, None
        results = [self.evaluate(child, scoring=scoring) for child in node.children]
        mask = results[0][0].copy()
        for other, _ in results[1:]:
            if isinstance(node, And):
                mask &= other
            else:
                mask |= other
        scores = [s for _, s in results if s is not None]
        score = None
        if scores:
            score = np.sum(scores, axis=0) if len(scores) > 1 else scores[0]
            score = np.where(mask, score, 0.0)
        return mask, score

    @cached_property
    def open_mask(self) -> np.ndarray:
        """Live slots of open data (active and not private)."""
        return self.alive & ~self.draft & ~self.private

    def visible(self, visibility: Visibility) -> np.ndarray:
        """Slots the asker may see: open data, plus their agencies' private datasets or drafts."""
        mask = self.open_mask
        if not (visibility.include_private or visibility.include_drafts):
            return mask
        own = self.alive.copy()
        if visibility.agencies is not None:
            own &= np.isin(self.org, np.array(visibility.agencies, dtype=np.int64))
        states = ~self.draft if visibility.include_private else np.zeros(self.n, dtype=bool)
        if visibility.include_drafts:
            states |= self.draft
        return mask | (own & states)

    # -- results ------------------------------------------------------------------------------
    @cached_property
    def pair_ptr(self) -> dict[str, np.ndarray]:
        """Per multi-valued facet, where each slot's values start in its (slot-ordered) pairs."""
        return {
            name: np.searchsorted(docs, np.arange(self.n + 1))
            for name, (docs, _vals) in self.pairs.items()
        }

    def _multi_values(self, name: str, mask: np.ndarray, slots: np.ndarray) -> np.ndarray:
        docs, vals = self.pairs[name]
        if slots.size * 4 >= self.n:
            return vals[mask[docs]]
        ptr = self.pair_ptr[name]
        starts = ptr[slots]
        lengths = ptr[slots + 1] - starts
        ends = np.cumsum(lengths)
        return vals[
            np.repeat(starts - (ends - lengths), lengths)
            + np.arange(int(ends[-1]) if ends.size else 0)
        ]

    def facet_counts(
        self,
        mask: np.ndarray,
        slots: np.ndarray,
        fields: tuple[str, ...],
        limit: int,
        mincount: int,
    ) -> dict[str, dict[str, int]]:
        """Count values of each facet field over the matching ``slots`` (``mask`` as a mask)."""
        result: dict[str, dict[str, int]] = {}
        for name in fields:
            vocab = self.vocabs.facets[name]
            values = vocab.values
            if name in self.single:
                counts = np.bincount(self.single[name][slots], minlength=len(values))
            else:
                counts = np.bincount(self._multi_values(name, mask, slots), minlength=len(values))
            empty = vocab.ids.get("")
            if empty is not None:
                counts[empty] = 0
            chosen = np.flatnonzero(counts >= max(mincount, 1))
            order = np.lexsort((self.facet_value_rank(name)[chosen], -counts[chosen]))
            if limit >= 0:
                order = order[:limit]
            result[name] = {values[i]: int(counts[i]) for i in chosen[order].tolist()}
        return result

    def _sort_key(
        self, name: str, *, descending: bool, score: np.ndarray | None, slots: np.ndarray
    ) -> np.ndarray:
        if name == "score":
            key = score[slots] if score is not None else np.zeros(slots.size)
        elif name == "metadata_modified":
            key = self.modified[slots]
        elif name == "metadata_created":
            key = self.created[slots]
        elif name == "name":
            key = self.name_rank[slots].astype(np.float64)
        else:
            key = self.title_rank[slots].astype(np.float64)
        return -key if descending else key

    def page(
        self,
        slots: np.ndarray,
        score: np.ndarray | None,
        sort: tuple[tuple[str, bool], ...],
        start: int,
        rows: int,
    ) -> list[uuid.UUID]:
        """Return the ids of matches ``start`` … ``start + rows`` (of matching ``slots``) in sort order."""
        wanted = start + rows
        if rows == 0 or start >= slots.size:
            return []
        keys = [(f, d) for f, d in sort if f != "score" or score is not None]
        if keys:
            first = self._sort_key(keys[0][0], descending=keys[0][1], score=score, slots=slots)
            if slots.size > wanted:
                cut = np.partition(first, wanted - 1)[wanted - 1]
                keep = first <= cut
                slots, first = slots[keep], first[keep]
            columns = [first] + [
                self._sort_key(f, descending=d, score=score, slots=slots) for f, d in keys[1:]
            ]
        else:
            columns = []
        order = np.lexsort([self.uid[slots], *reversed(columns)])[start:wanted]
        return [self.dataset_id(s) for s in slots[order].tolist()]


# -- the per-process cache -----------------------------------------------------------------------
_lock = threading.Lock()
_expansions_lock = threading.Lock()
_snapshots: dict[tuple[str, ...], IndexSnapshot] = {}


def _database_key() -> tuple[str, ...]:
    settings = connection.settings_dict
    return (
        connection.alias,
        str(settings.get("NAME")),
        str(settings.get("HOST")),
        str(settings.get("PORT")),
    )


def _rows(dataset_ids: list[uuid.UUID] | None = None) -> Iterator[Row]:
    """Stream the documents (all, or ``dataset_ids``) in key order.

    Key order makes every process that loads the same documents number words the same way.
    """
    documents = SearchDocument.objects.order_by("dataset_id")
    if dataset_ids is not None:
        documents = documents.filter(dataset_id__in=dataset_ids)
    return documents.values_list(*ROW_FIELDS).iterator(chunk_size=2000)


def _latest() -> tuple[int, str]:
    newest = SearchChange.objects.order_by("-generation").values_list("generation", "token").first()
    return newest if newest is not None else (0, "")


def _changes_since(current: IndexSnapshot) -> dict[uuid.UUID, Row | None] | None:
    """Documents changed after ``current``, or None when only a full reload is correct."""
    limit = max(DELTA_LIMIT_MIN, int(current.base.n * DELTA_LIMIT_FRACTION)) - current.delta_size
    if limit <= 0:
        return None
    log = list(
        SearchChange.objects.filter(generation__gte=current.generation)
        .order_by("generation")
        .values_list("generation", "token", "dataset_id")[: limit + 1]
    )
    if not log or log[0][:2] != (current.generation, current.token) or len(log) > limit:
        return None
    changed_ids = [dataset_id for _gen, _token, dataset_id in log[1:] if dataset_id is not None]
    if len(changed_ids) < len(log) - 1:  # a bulk rebuild happened
        return None
    changed: dict[uuid.UUID, Row | None] = dict.fromkeys(changed_ids)
    for row in _rows(list(changed)):
        changed[row[0]] = row
    return changed


def index_snapshot() -> IndexSnapshot:
    """Return this process's index, brought up to date with the database's change log."""
    key = _database_key()
    latest = _latest()
    current = _snapshots.get(key)
    if current is not None and (current.generation, current.token) == latest:
        return current
    with _lock:
        current = _snapshots.get(key)
        latest = _latest()
        if current is not None and (current.generation, current.token) == latest:
            return current
        changed = (
            _changes_since(current)
            if current is not None and latest[0] > current.generation
            else None
        )
        if current is not None and changed is not None:
            fresh = current.with_changes(latest[0], latest[1], changed)
        else:
            fresh = IndexSnapshot.load(latest[0], latest[1], _rows())
        _snapshots[key] = fresh
        return fresh


def index_cache_clear() -> None:
    """Forget every in-memory index of this process (as a newly started process would)."""
    with _lock:
        _snapshots.clear()
