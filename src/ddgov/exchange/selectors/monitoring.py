"""Operational monitoring over the message log: per-service traffic, and the log itself.

Agency isolation: a record is visible to an agency when the agency is the provider member of
its ``service_id`` or the consumer member of its ``client_id``. A provider therefore sees every
call to its services; a consumer sees only its own calls to other agencies' services (and their
statistics count only those calls). ``agency_ids=None`` is the platform administrator's view.

Only service ids the registry knows are listed per service (see
:class:`~ddgov.exchange.messagelog.names.ServiceNames`): a call refused before anything was
checked carries whatever identifier the caller sent, and anonymous junk must not fill an
agency's monitoring. The platform administrator also gets one aggregated row for all the
unregistered ids (``service_id`` :data:`UNREGISTERED`).

Counts: *errors* are calls the exchange or the provider failed (HTTP status >= 500 or an
``X-Road-Error`` starting ``Server.``); *refused* are calls the exchange turned away (an error
code starting ``Client.``). Latency percentiles are computed by PostgreSQL
(``percentile_cont``); on SQLite over the newest :data:`PERCENTILE_WINDOW` calls per service.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Aggregate, Count, FloatField, Max, Q, QuerySet
from django.db.models.functions import Substr

from ddgov.agencies.models import Agency
from ddgov.exchange.ids import MEMBER_CLASS, instance
from ddgov.exchange.messagelog.names import ServiceNames, service_names
from ddgov.exchange.models import Member, MessageRecord

PERCENTILE_WINDOW = 10_000
LIST_LIMIT_MAX = 1000
UNREGISTERED = ""
"""The ``service_id`` of the platform administrator's row for every unregistered service id."""


@dataclass(frozen=True)
class ServiceStats:
    """One service's calls since a moment, as the viewing agencies may see them."""

    service_id: str
    title_th: str
    title_en: str
    provider_agency: Agency | None  # renders as its name in the reader's language
    calls: int
    errors: int
    refused: int
    p50_ms: float | None
    p95_ms: float | None
    last_at: dt.datetime | None
    unregistered_ids: int = 0  # the aggregated row: how many distinct unregistered ids it sums

    @property
    def unregistered(self) -> bool:
        """Whether this is the aggregated row for unregistered service ids."""
        return self.service_id == UNREGISTERED


class _PercentileCont(Aggregate):
    """PostgreSQL's ``percentile_cont(fraction) WITHIN GROUP (ORDER BY expression)``."""

    function = "PERCENTILE_CONT"
    name = "PercentileCont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression: str, *, fraction: float) -> None:
        super().__init__(expression, fraction=float(fraction))


def _member_codes(agency_ids: Collection[int]) -> list[str]:
    return list(
        Member.objects.filter(agency_id__in=list(agency_ids))
        .order_by("code")
        .values_list("code", flat=True)
    )


def records_visible(
    queryset: QuerySet[MessageRecord], *, agency_ids: Collection[int] | None
) -> QuerySet[MessageRecord]:
    """Restrict ``queryset`` to records the agencies provided or consumed (None: all)."""
    if agency_ids is None:
        return queryset
    codes = _member_codes(agency_ids)
    if not codes:
        return queryset.none()
    condition = Q()
    aliases: dict[str, Any] = {}
    for index, code in enumerate(codes):
        prefix = f"{instance()}/{MEMBER_CLASS}/{code}/"
        size = len(prefix)
        # LIKE finds candidates by index; the exact prefix comparison keeps SQLite's
        # case-insensitive LIKE from matching a member whose code differs only in case.
        aliases[f"_svc{index}"] = Substr("service_id", 1, size)
        aliases[f"_cli{index}"] = Substr("client_id", 1, size)
        condition |= Q(service_id__startswith=prefix, **{f"_svc{index}": prefix})
        condition |= Q(client_id__startswith=prefix, **{f"_cli{index}": prefix})
    return queryset.alias(**aliases).filter(condition)


def _percentile(values: Sequence[float], fraction: float) -> float | None:
    """Linear interpolation between closest ranks, as ``percentile_cont`` does."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    lower = int(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


def _aggregates(*, percentiles: bool) -> dict[str, Any]:
    aggregates: dict[str, Any] = {
        "calls": Count("pk"),
        "errors": Count("pk", filter=Q(status__gte=500) | Q(error__startswith="Server.")),
        "refused": Count("pk", filter=Q(error__startswith="Client.")),
        "last_at": Max("at"),
    }
    if percentiles:
        aggregates["p50"] = _PercentileCont("duration_ms", fraction=0.5)
        aggregates["p95"] = _PercentileCont("duration_ms", fraction=0.95)
    return aggregates


def _latencies(rows: QuerySet[MessageRecord], row: Mapping[str, Any]) -> tuple[Any, Any]:
    """p50 and p95 of ``rows``: from the database's aggregate row, or over the newest calls."""
    if "p50" in row:
        return row["p50"], row["p95"]
    durations = list(rows.order_by("-at").values_list("duration_ms", flat=True)[:PERCENTILE_WINDOW])
    return _percentile(durations, 0.5), _percentile(durations, 0.95)


def _stats(
    *, service_id: str, names: ServiceNames, row: Mapping[str, Any], latencies: tuple[Any, Any]
) -> ServiceStats:
    p50, p95 = latencies
    return ServiceStats(
        service_id=service_id,
        title_th=names.title_th,
        title_en=names.title_en,
        provider_agency=names.provider,
        calls=row["calls"],
        errors=row["errors"],
        refused=row["refused"],
        p50_ms=None if p50 is None else float(p50),
        p95_ms=None if p95 is None else float(p95),
        last_at=row["last_at"],
    )


def _unregistered_stats(
    window: QuerySet[MessageRecord], *, registered: Collection[str], ids: int, percentiles: bool
) -> ServiceStats | None:
    """One row summing every call whose service id the registry does not know."""
    rows = window.exclude(service_id__in=list(registered)) if registered else window
    row = rows.order_by().aggregate(**_aggregates(percentiles=percentiles))
    if not row["calls"]:
        return None
    stats = _stats(
        service_id=UNREGISTERED,
        names=ServiceNames(),
        row=row,
        latencies=_latencies(rows, row),
    )
    return dataclasses.replace(stats, unregistered_ids=ids)


def service_stats_list(
    *, since: dt.datetime, agency_ids: Collection[int] | None = None
) -> list[ServiceStats]:
    """Per registered service: calls, errors, refusals, p50/p95 latency and last call since ``since``.

    Sorted by calls, busiest first. ``agency_ids`` limits to records those agencies provided or
    consumed (see the module doc); None shows everything, and then the calls to service ids the
    registry does not know follow as one row (``service_id`` :data:`UNREGISTERED`); agencies do
    not see those calls here at all.
    """
    window = records_visible(MessageRecord.objects.filter(at__gte=since), agency_ids=agency_ids)
    in_database = connection.vendor == "postgresql"
    grouped: Any = (
        window.order_by().values("service_id").annotate(**_aggregates(percentiles=in_database))
    )
    rows: list[dict[str, Any]] = list(grouped)
    names = service_names(row["service_id"] for row in rows)
    stats = []
    unregistered = 0
    for row in rows:
        service_id = row["service_id"]
        if not names[service_id].registered:
            unregistered += 1
            continue
        latencies = _latencies(window.filter(service_id=service_id), row)
        stats.append(
            _stats(service_id=service_id, names=names[service_id], row=row, latencies=latencies)
        )
    stats.sort(key=lambda s: (-s.calls, s.service_id))
    if agency_ids is None and unregistered:
        registered = [s.service_id for s in stats]
        extra = _unregistered_stats(
            window, registered=registered, ids=unregistered, percentiles=in_database
        )
        if extra is not None:
            stats.append(extra)
    return stats


def message_records_list(
    *,
    agency_ids: Collection[int] | None,
    service_id: str = "",
    client_id: str = "",
    request_id: str = "",
    limit: int = 100,
    offset: int = 0,
) -> list[MessageRecord]:
    """Message records newest first, filtered by exact ids, visible to ``agency_ids``."""
    records = records_visible(MessageRecord.objects.all(), agency_ids=agency_ids)
    if service_id:
        records = records.filter(service_id=service_id)
    if client_id:
        records = records.filter(client_id=client_id)
    if request_id:
        records = records.filter(request_id=request_id)
    start = max(offset, 0)
    stop = start + min(max(limit, 0), LIST_LIMIT_MAX)
    return list(records.order_by("-at", "-pk")[start:stop])
