"""Duplicate screening over the stored open complaints, while the citizen types and on submit.

A process-wide :class:`~ddgov.complaints.duplicates.index.DuplicateIndex` holds the open
complaints that have coordinates (their Thai words are stored with them, so loading skips
segmentation). Each screening first catches up with the database: complaints changed since the
last look (``updated_at`` is indexed) are added, replaced or dropped, so every web worker sees
new complaints and closures without a message bus. Complaints located only by an address have
no coordinates and are not screened (geothai has no subdistrict coordinates). Besides the
scored candidates, an open complaint of the same category within 250 m is always shown
(FixMyStreet's rule), so short texts with different words still find each other.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass

from django.utils import timezone

from ddgov.complaints.classify.taxonomy import taxonomy_load
from ddgov.complaints.duplicates.index import DuplicateCandidate, DuplicateIndex
from ddgov.complaints.models import OPEN_STATES, Complaint

# Changes committed slightly out of order (long transactions) are caught by looking back a bit.
_OVERLAP = dt.timedelta(seconds=30)
_LOCK = threading.Lock()
# FixMyStreet's rule on top of the scored screen: an open complaint of the same category this
# close is worth showing even when the words differ ("ฟุตบาทพัง" beside "ทางเท้าชำรุด").
SAME_CATEGORY_RADIUS_M = 250.0


@dataclass
class _State:
    index: DuplicateIndex | None = None
    watermark: dt.datetime | None = None


_STATE = _State()


@dataclass(frozen=True)
class ScreenHit:
    """A stored open complaint that may be the same problem, and why."""

    complaint: Complaint
    candidate: DuplicateCandidate


def _label(code: str) -> str | None:
    if not code:
        return None
    try:
        return taxonomy_load().get(code).label_th
    except KeyError:
        return None


def _row(values: dict[str, object]) -> dict[str, object]:
    tokens = str(values["tokens"] or "")
    return {
        "key": values["pk"],
        "text": values["text"],
        "tokens": tokens.split() if tokens else None,
        "lat": values["lat"],
        "lon": values["lon"],
        "category": _label(str(values["category"] or "")),
        "at": values["created_at"],
    }


_FIELDS = ("pk", "text", "tokens", "lat", "lon", "category", "created_at", "state", "duplicate_of")


def _screenable(values: dict[str, object]) -> bool:
    return (
        values["state"] in OPEN_STATES
        and values["duplicate_of"] is None
        and values["lat"] is not None
        and values["lon"] is not None
    )


def _sync() -> DuplicateIndex:
    """Bring the index up to date with the database (build it on first use)."""
    now = timezone.now()
    if _STATE.index is None:
        index = DuplicateIndex()
        rows = (
            Complaint.objects.filter(
                state__in=OPEN_STATES, duplicate_of__isnull=True, lat__isnull=False
            )
            .values(*_FIELDS)
            .iterator(chunk_size=5000)
        )
        index.add_many(_row(v) for v in rows)
        _STATE.index = index
        _STATE.watermark = now
        return index
    index = _STATE.index
    since = (_STATE.watermark or now) - _OVERLAP
    changed = Complaint.objects.filter(updated_at__gte=since).values(*_FIELDS)
    additions = []
    for values in changed:
        if _screenable(values):
            additions.append(_row(values))
        else:
            index.remove(values["pk"])
    if additions:
        index.add_many(additions)
    _STATE.watermark = now
    return index


def screening_index_touch() -> None:
    """Called after a commit that opened, closed or moved a complaint: catch up now."""
    with _LOCK:
        if _STATE.index is not None:
            _sync()


def screening_index_reset() -> None:
    """Forget the index (tests, and after bulk loads that bypass ``updated_at``)."""
    with _LOCK:
        _STATE.index = None
        _STATE.watermark = None


def duplicates_screen(
    *,
    text: str,
    lat: float | None,
    lon: float | None,
    category: str = "",
    exclude: Complaint | None = None,
    limit: int = 5,
) -> list[ScreenHit]:
    """Open complaints that are likely the same problem as the one being filed, best first."""
    if lat is None or lon is None:
        return []
    with _LOCK:
        index = _sync()
        scored = index.find(
            text=text,
            lat=lat,
            lon=lon,
            category=_label(category),
            at=timezone.now(),
            limit=max(limit * 10, 50),
            min_score=0.0,
            exclude=[exclude.pk] if exclude is not None else (),
        )
        threshold = index.settings.threshold
    found = [
        c
        for c in scored
        if c.score >= threshold
        or (c.category_match == "same" and c.distance_m <= SAME_CATEGORY_RADIUS_M)
    ][:limit]
    if not found:
        return []
    by_pk = Complaint.objects.select_related("agency").in_bulk([c.key for c in found])
    return [ScreenHit(by_pk[c.key], c) for c in found if c.key in by_pk]
