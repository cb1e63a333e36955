"""The duplicate screen's entry points for the rest of the platform (keyword-only, typed).

The engine itself is storage-independent (:class:`~ddgov.complaints.duplicates.index.DuplicateIndex`);
these functions are what views, commands and jobs call. The complaint models, when they come, feed
``duplicate_index_build`` with ``Complaint.objects.filter(open).values(...)`` rows and keep the
index in step with ``add``/``remove`` on intake, closure and merge.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from ddgov.complaints.duplicates.config import DuplicateSettings
from ddgov.complaints.duplicates.evalset.build import (
    EvalSet,
    default_data_dir,
    duplicates_evalset_build,
    duplicates_evalset_write,
)
from ddgov.complaints.duplicates.evaluation import DuplicateEvaluation, duplicates_evaluate
from ddgov.complaints.duplicates.index import Category, DuplicateCandidate, DuplicateIndex

__all__ = [
    "DuplicateEvaluation",
    "EvalSet",
    "default_data_dir",
    "duplicate_index_build",
    "duplicates_evalset_build",
    "duplicates_evalset_write",
    "duplicates_evaluate",
    "duplicates_find",
]


def duplicate_index_build(
    *, rows: Iterable[Mapping[str, Any]], settings: DuplicateSettings | None = None
) -> DuplicateIndex:
    """An index of ``rows`` (dicts with ``key, text, lat, lon, category, at``, optional ``tokens``)."""
    return DuplicateIndex.from_rows(rows, settings=settings)


def duplicates_find(
    *,
    index: DuplicateIndex,
    text: str,
    lat: float,
    lon: float,
    category: Category = None,
    at: dt.datetime | None = None,
    limit: int = 5,
) -> list[DuplicateCandidate]:
    """Likely duplicates of a new complaint among ``index``'s open complaints, best first."""
    return index.find(text=text, lat=lat, lon=lon, category=category, at=at, limit=limit)
