"""The boundary between the catalog and a search engine, and the embedded engine behind it.

``dataset_search`` parses and checks the request, works out what the viewer may see, and hands a
:class:`SearchRequest` (a parsed query tree, never raw user text) to the configured backend,
which returns dataset ids in rank order, the total and facet counts. The catalog then loads the
datasets themselves from the database, re-checking visibility, so a backend can never leak.

Writes go the other way: ``dataset_index`` stores the dataset's ``SearchDocument`` (segmented
words and facet values) and then tells the backend with ``documents_changed``. The embedded
backend needs nothing more (each process follows the ``SearchChange`` log); an OpenSearch
backend would push the documents to its index there. The backend is chosen by the Django
setting ``DDGOV_SEARCH_BACKEND``: ``"embedded"`` (the default) or a dotted path to a class.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

import numpy as np
from django.conf import settings
from django.utils.module_loading import import_string

from ddgov.catalog.search.engine import Hits, Visibility, index_snapshot
from ddgov.catalog.search.query import Node


@dataclass(frozen=True)
class SearchRequest:
    """A checked search: query tree, filter trees, sort keys, paging, facets and the viewer's scope."""

    query: Node
    filters: tuple[Node, ...]
    sort: tuple[tuple[str, bool], ...]
    rows: int
    start: int
    facet_fields: tuple[str, ...]
    facet_limit: int
    facet_mincount: int
    visibility: Visibility


class SearchBackend(Protocol):
    """What the catalog needs from a search engine."""

    def search(self, request: SearchRequest) -> Hits:
        """Return the page of matching dataset ids in rank order, the total and facet counts."""
        ...

    def documents_changed(self, *, dataset_ids: Sequence[uuid.UUID] | None) -> None:
        """Take note that these datasets' ``SearchDocument`` rows changed (None: all of them)."""
        ...


class EmbeddedBackend:
    """The in-process index (numpy, no server), kept in step through the database's change log."""

    def search(self, request: SearchRequest) -> Hits:
        """Evaluate the request against this process's up-to-date snapshot."""
        snapshot = index_snapshot()
        mask, score = snapshot.evaluate(request.query, scoring=True)
        for node in request.filters:
            mask &= snapshot.evaluate(node, scoring=False)[0]
        mask &= snapshot.visible(request.visibility)
        slots = np.flatnonzero(mask)
        facets = snapshot.facet_counts(
            mask, slots, request.facet_fields, request.facet_limit, request.facet_mincount
        )
        ids = snapshot.page(slots, score, request.sort, request.start, request.rows)
        return Hits(count=int(slots.size), ids=ids, facets=facets)

    def documents_changed(self, *, dataset_ids: Sequence[uuid.UUID] | None) -> None:
        """Nothing to push: other processes see the change log on their next search."""


@lru_cache(maxsize=4)
def _backend_for(path: str) -> SearchBackend:
    if path == "embedded":
        return EmbeddedBackend()
    backend: SearchBackend = import_string(path)()
    return backend


def search_backend() -> SearchBackend:
    """Return the configured backend (``settings.DDGOV_SEARCH_BACKEND``, default "embedded")."""
    return _backend_for(str(getattr(settings, "DDGOV_SEARCH_BACKEND", "embedded") or "embedded"))
