"""Back-office reads: the complaint dashboard's figures, its map points, the centre's triage list.

Every figure is one aggregate query through the ORM (``Count``/``Avg``/``annotate``; the median
is one ordered ``OFFSET`` read), so the same code runs on SQLite and PostgreSQL and nothing a
user types becomes SQL. A *scope* is the set of agencies whose complaints are counted: a
complaint belongs to an agency when that agency has a part in it (it was routed or forwarded
there); ``None`` means every complaint (the 1111 centre and platform administrators).

SLA breach: a complaint (not a merged duplicate) that closed after its due time, or is still
open past it. Breaches by agency are counted against the complaint's *lead* agency, the one
whose status is the complaint's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypedDict

import geothai
from django.db.models import (
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
)
from django.db.models.functions import TruncDate
from django.utils import timezone

from ddgov.complaints.models import (
    CLOSED_STATES,
    OPEN_STATES,
    Assignment,
    Complaint,
    State,
)
from ddgov.complaints.selectors.complaints import QueueFilters, category_label
from ddgov.core.language import localized

MAP_POINTS_MAX = 2000
MAP_PRECISION = 2  # decimal places of latitude/longitude: about 1.1 km


def complaints_in_scope(*, agency_ids: Iterable[int] | None) -> QuerySet[Complaint]:
    """Complaints in which one of ``agency_ids`` has a part (all complaints for ``None``)."""
    qs = Complaint.objects.all()
    if agency_ids is None:
        return qs
    parts = Assignment.objects.filter(agency_id__in=list(agency_ids)).values("complaint_id")
    return qs.filter(pk__in=parts)


def _breached(now: dt.datetime) -> Q:
    late_closed = Q(
        closed_at__isnull=False, sla_due_at__isnull=False, closed_at__gt=F("sla_due_at")
    )
    late_open = Q(state__in=OPEN_STATES, sla_due_at__lt=now)
    return (late_closed | late_open) & ~Q(state=State.DUPLICATE)


@dataclass(frozen=True)
class DayCount:
    """Complaints filed on one day (the platform's time zone)."""

    day: dt.date
    count: int


def dashboard_volume(
    *, agency_ids: Iterable[int] | None, days: int, now: dt.datetime | None = None
) -> list[DayCount]:
    """Complaints filed per day over the last ``days`` days, today included, zeros kept."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    first = today - dt.timedelta(days=days - 1)
    since = dt.datetime.combine(first, dt.time.min, tzinfo=timezone.get_current_timezone())
    rows = (
        complaints_in_scope(agency_ids=agency_ids)
        .filter(created_at__gte=since, created_at__lte=now)
        .annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(n=Count("id"))
        .order_by("day")
    )
    counts = {row["day"]: row["n"] for row in rows}
    return [
        DayCount(
            day=first + dt.timedelta(days=i), count=counts.get(first + dt.timedelta(days=i), 0)
        )
        for i in range(days)
    ]


@dataclass(frozen=True)
class ResolutionStats:
    """How long resolved complaints took, from filing to resolution."""

    count: int
    mean: dt.timedelta | None
    median: dt.timedelta | None


def dashboard_resolution(
    *, agency_ids: Iterable[int] | None, since: dt.datetime
) -> ResolutionStats:
    """Mean and median time to resolve complaints resolved since ``since``."""
    took = ExpressionWrapper(F("closed_at") - F("created_at"), output_field=DurationField())
    qs = (
        complaints_in_scope(agency_ids=agency_ids)
        .filter(state=State.RESOLVED, closed_at__isnull=False, closed_at__gte=since)
        .annotate(took=took)
    )
    summary = qs.aggregate(n=Count("id"), mean=Avg("took"))
    n = int(summary["n"] or 0)
    if n == 0:
        return ResolutionStats(count=0, mean=None, median=None)
    ordered = qs.order_by("took", "id").values_list("took", flat=True)
    if n % 2:
        median = ordered[n // 2]
    else:
        low, high = list(ordered[n // 2 - 1 : n // 2 + 1])
        median = (low + high) / 2
    mean = summary["mean"]
    if mean is not None and not isinstance(mean, dt.timedelta):  # a backend's raw microseconds
        mean = dt.timedelta(microseconds=float(mean))
    return ResolutionStats(count=n, mean=mean, median=median)


@dataclass(frozen=True)
class Breakdown:
    """One row of a "by agency / district / category" table."""

    key: str
    label: str
    count: int


def _district_label(code: str) -> str:
    if not code:
        return ""
    district = geothai.district(code)
    return localized(district.name_th, district.name_en) if district else code


def dashboard_breaches(
    *,
    agency_ids: Iterable[int] | None,
    since: dt.datetime,
    by: str,
    now: dt.datetime | None = None,
    limit: int = 20,
) -> list[Breakdown]:
    """SLA breaches among complaints filed since ``since``, most first, grouped ``by``.

    ``by`` is ``agency`` (the lead agency), ``district`` or ``category``. Complaints without a
    district (pinned on the map only) or without a lead agency are one row with an empty key.
    """
    now = now or timezone.now()
    field = {"agency": "agency__code", "district": "district_code", "category": "category"}[by]
    qs = complaints_in_scope(agency_ids=agency_ids).filter(_breached(now), created_at__gte=since)
    values = ["agency__code", "agency__name_th", "agency__name_en"] if by == "agency" else [field]
    rows = qs.values(*values).annotate(n=Count("id")).order_by("-n", field)[:limit]
    out = []
    for row in rows:
        key = row[field] or ""
        if by == "agency":
            label = localized(row["agency__name_th"] or "", row["agency__name_en"] or "")
        elif by == "district":
            label = _district_label(key)
        else:
            label = category_label(code=key)
        out.append(Breakdown(key=key, label=label, count=row["n"]))
    return out


def dashboard_breach_count(
    *, agency_ids: Iterable[int] | None, since: dt.datetime, now: dt.datetime | None = None
) -> int:
    """How many complaints filed since ``since`` breached (or are breaching) their SLA."""
    now = now or timezone.now()
    return (
        complaints_in_scope(agency_ids=agency_ids)
        .filter(_breached(now), created_at__gte=since)
        .count()
    )


@dataclass(frozen=True)
class OpenClosed:
    """Open and closed complaints, and the count in each state."""

    open: int
    closed: int
    by_state: dict[str, int]


def dashboard_open_closed(*, agency_ids: Iterable[int] | None, since: dt.datetime) -> OpenClosed:
    """Open versus closed complaints among those filed since ``since``."""
    rows = (
        complaints_in_scope(agency_ids=agency_ids)
        .filter(created_at__gte=since)
        .values("state")
        .annotate(n=Count("id"))
    )
    by_state = {row["state"]: row["n"] for row in rows}
    return OpenClosed(
        open=sum(n for s, n in by_state.items() if s in OPEN_STATES),
        closed=sum(n for s, n in by_state.items() if s in CLOSED_STATES),
        by_state=by_state,
    )


@dataclass(frozen=True)
class Satisfaction:
    """The citizens' average rating (1-5 stars) and how many rated."""

    average: float | None
    count: int


def dashboard_satisfaction(*, agency_ids: Iterable[int] | None, since: dt.datetime) -> Satisfaction:
    """Average rating of complaints filed since ``since`` that their reporters rated."""
    summary = (
        complaints_in_scope(agency_ids=agency_ids)
        .filter(created_at__gte=since, rating__isnull=False)
        .aggregate(avg=Avg("rating"), n=Count("id"))
    )
    avg = summary["avg"]
    return Satisfaction(average=float(avg) if avg is not None else None, count=summary["n"] or 0)


class MapPoint(TypedDict):
    """Complaints at one rounded place with one state and category (no text, no person)."""

    lat: float
    lon: float
    state: str
    category: str
    n: int


def dashboard_map_points(
    *,
    agency_ids: Iterable[int] | None,
    since: dt.datetime,
    limit: int = MAP_POINTS_MAX,
    precision: int = MAP_PRECISION,
) -> list[MapPoint]:
    """The ``limit`` most recent located complaints as rounded, aggregated map points.

    Each point is ``{"lat", "lon", "state", "category", "n"}``: coordinates rounded to
    ``precision`` decimals (about a kilometre) and complaints at the same rounded place, state
    and category counted together. No text, tracking code, reporter or contact is returned.
    """
    rows = (
        complaints_in_scope(agency_ids=agency_ids)
        .filter(created_at__gte=since, lat__isnull=False, lon__isnull=False)
        .order_by("-created_at", "-id")
        .values_list("lat", "lon", "state", "category")[: max(0, limit)]
    )
    grouped: dict[tuple[float, float, str, str], int] = {}
    for lat, lon, state, category in rows:
        if lat is None or lon is None:
            continue
        key = (round(lat, precision), round(lon, precision), state, category or "")
        grouped[key] = grouped.get(key, 0) + 1
    return [
        MapPoint(lat=lat, lon=lon, state=state, category=category, n=n)
        for (lat, lon, state, category), n in sorted(grouped.items())
    ]


def complaint_triage_queue(*, filters: QueueFilters | None = None) -> QuerySet[Complaint]:
    """The 1111 centre's triage list: what no agency has taken on.

    That is complaints with no lead agency, those the agency declined ("not our
    responsibility"), and those the centre itself still has an open part in. Merged duplicates are left out;
    narrowed by the same filters as an agency queue.
    """
    from ddgov.complaints.services.workflow import centre_agency_code  # noqa: PLC0415

    f = filters or QueueFilters()
    centre_parts = Assignment.objects.filter(agency__code=centre_agency_code()).exclude(
        state__in=CLOSED_STATES | {State.FORWARDED}
    )
    qs = Complaint.objects.filter(
        Q(agency__isnull=True)
        | Q(state=State.NOT_RESPONSIBLE)
        | Q(pk__in=centre_parts.values("complaint_id")),
        duplicate_of__isnull=True,
    ).select_related("agency")
    if f.state:
        qs = qs.filter(state=f.state)
    if f.category:
        qs = qs.filter(category=f.category)
    if f.district_code:
        qs = qs.filter(district_code=f.district_code)
    if f.overdue:
        qs = qs.filter(sla_due_at__lt=timezone.now(), state__in=OPEN_STATES)
    if f.text:
        qs = qs.filter(Q(text__icontains=f.text) | Q(tracking_code__iexact=f.text.strip()))
    return qs.order_by("sla_due_at", "created_at", "id")
