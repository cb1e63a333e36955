"""Finding complaints for Open311: by filters, by tracking code, by token."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from ddgov.complaints.models import Complaint
from ddgov.complaints.open311.params import MAX_RESULTS, STATUS_STATES, RequestsQuery
from ddgov.complaints.selectors.complaints import complaint_get


def _base() -> QuerySet[Complaint]:
    return Complaint.objects.select_related("agency")


def open311_requests_find(*, query: RequestsQuery) -> list[Complaint]:
    """Complaints matching ``query``, newest first, at most 1,000.

    ``ids`` (tracking codes) override every other filter; otherwise the complaints filed
    (``requested_datetime``) between ``start`` and ``end``, of the given services and statuses.
    """
    complaints = _base()
    if query.ids:
        complaints = complaints.filter(tracking_code__in=query.ids)
    else:
        if query.start is not None:
            complaints = complaints.filter(created_at__gte=query.start)
        if query.end is not None:
            complaints = complaints.filter(created_at__lte=query.end)
        if query.service_codes:
            complaints = complaints.filter(category__in=query.service_codes)
        if query.statuses and set(query.statuses) != set(STATUS_STATES):
            states: set[str] = set()
            for status in query.statuses:
                states |= STATUS_STATES[status]
            complaints = complaints.filter(state__in=states)
    return list(complaints.order_by("-created_at", "-id")[:MAX_RESULTS])


def open311_request_get(*, service_request_id: str) -> Complaint | None:
    """The complaint whose tracking code is ``service_request_id`` (typed loosely)."""
    return complaint_get(tracking_code=service_request_id)


def open311_token_find(*, token: str) -> Complaint | None:
    """The complaint an Open311 POST answered with ``token``."""
    clean = (token or "").strip().lower()
    if not clean:
        return None
    return _base().filter(Q(open311_token=clean) & ~Q(open311_token="")).first()
