"""Complaints as Open311 service requests, and the other response bodies.

Field mapping (``docs``): ``service_request_id`` is the tracking code; ``status`` is ``open``
or ``closed``; ``status_notes`` the latest public message of an agency (or the state's name);
``agency_responsible`` the lead agency's Thai name; ``service_notice`` why it was routed there;
``expected_datetime`` the SLA deadline; ``address_id`` the subdistrict code; ``zipcode`` its
postcode; ``media_url`` the first photo (or the link the client sent). Times carry the Bangkok
offset. Who reported, and how to reach them, is never part of any response.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import geothai
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ddgov.complaints.classify.taxonomy import taxonomy_load
from ddgov.complaints.models import Complaint, ComplaintEvent, ComplaintPhoto, State
from ddgov.complaints.open311.formats import MEDIA_TYPES
from ddgov.complaints.open311.params import BANGKOK, STATUS_CLOSED, STATUS_OPEN
from ddgov.core.language import localized

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When this API last changed (discovery's ``changeset``); bump it with the API.
CHANGESET = dt.datetime(2026, 11, 26, tzinfo=BANGKOK)
_NOTE_KINDS = (
    ComplaintEvent.Kind.STATE,
    ComplaintEvent.Kind.UPDATE,
    ComplaintEvent.Kind.FORWARDED,
    ComplaintEvent.Kind.MERGED,
    ComplaintEvent.Kind.REOPENED,
)


def _notice(complaint: Complaint) -> str:
    """Why the current lead agency has it: the routing reason, or that it was forwarded there."""
    agency = complaint.agency
    if agency is not None and agency.name_th not in complaint.route_reason_th:
        return localized(f"ส่งต่อให้{agency.name_th}ดำเนินการ", f"Forwarded to {agency.name_en}.")
    return localized(complaint.route_reason_th, complaint.route_reason_en)


def iso(value: dt.datetime | None) -> str | None:
    """A W3C date-time with the Bangkok offset, e.g. ``2026-11-26T16:40:18+07:00``."""
    if value is None:
        return None
    return timezone.localtime(value, BANGKOK).isoformat(timespec="seconds")


def discovery_out(*, base_url: str) -> dict[str, Any]:
    """``GET discovery``: where the API is and what it speaks."""
    return {
        "changeset": iso(CHANGESET),
        "contact": _("The 1111 complaint centre of the Office of the Prime Minister: call 1111."),
        "key_service": _(
            "API keys for POST requests are issued by the 1111 centre's operators "
            "(ddgov open311 key create)."
        ),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": f"{base_url}/open311/v2",
                "changeset": iso(CHANGESET),
                "type": "production",
                "formats": list(MEDIA_TYPES),
            }
        ],
    }


def _address(complaint: Complaint) -> tuple[str, str]:
    """The address as given (or the subdistrict's name) and the subdistrict's postcode."""
    sub = geothai.subdistrict(complaint.subdistrict_id) if complaint.subdistrict_id else None
    zipcode = sub.postal_codes[0] if sub is not None and sub.postal_codes else ""
    if complaint.address or sub is None:
        return complaint.address, zipcode
    district = geothai.district(sub.district_code)
    province = geothai.province(sub.province_code)
    parts = [
        sub.name_th,
        district.name_th if district else "",
        province.name_th if province else "",
    ]
    return " ".join(p for p in parts if p), zipcode


def _extras(
    complaints: Sequence[Complaint],
) -> tuple[dict[int, int], dict[int, str], dict[int, ComplaintEvent]]:
    """First photo, the client's media link and the latest public note of each complaint.

    Three queries for the whole page, whatever its size.
    """
    ids = [c.pk for c in complaints]
    photos: dict[int, int] = {}
    for complaint_id, photo_id in (
        ComplaintPhoto.objects.filter(complaint_id__in=ids)
        .order_by("complaint_id", "created_at", "id")
        .values_list("complaint_id", "id")
    ):
        photos.setdefault(complaint_id, photo_id)
    links: dict[int, str] = {}
    for complaint_id, data in ComplaintEvent.objects.filter(
        complaint_id__in=ids, kind=ComplaintEvent.Kind.SUBMITTED
    ).values_list("complaint_id", "data"):
        if isinstance(data, dict) and isinstance(data.get("media_url"), str):
            links.setdefault(complaint_id, data["media_url"])
    notes: dict[int, ComplaintEvent] = {}
    for event in (
        ComplaintEvent.objects.filter(complaint_id__in=ids, is_public=True, kind__in=_NOTE_KINDS)
        .only("complaint_id", "kind", "message", "data", "at")
        .order_by("complaint_id", "-at", "-id")
    ):
        notes.setdefault(event.complaint_id, event)
    return photos, links, notes


def _status_notes(complaint: Complaint, event: ComplaintEvent | None) -> str:
    label = str(State(complaint.state).label)
    if event is None:
        return label
    if event.kind in {ComplaintEvent.Kind.STATE, ComplaintEvent.Kind.UPDATE} and event.message:
        return event.message
    into = (event.data or {}).get("into") if event.kind == ComplaintEvent.Kind.MERGED else None
    return f"{label}: {into}" if into else label


def requests_out(*, complaints: Sequence[Complaint], base_url: str) -> list[dict[str, Any]]:
    """Complaints as the spec's service requests (never with who reported them)."""
    photos, links, notes = _extras(complaints)
    names = {c.code: c.label_th for c in taxonomy_load().categories}
    out = []
    for complaint in complaints:
        address, zipcode = _address(complaint)
        photo = photos.get(complaint.pk)
        media_url = (
            f"{base_url}{reverse('complaints:photo', kwargs={'pk': photo})}"
            f"?c={complaint.tracking_code}"
            if photo is not None
            else links.get(complaint.pk)
        )
        out.append(
            {
                "service_request_id": complaint.tracking_code,
                "status": STATUS_OPEN if complaint.is_open else STATUS_CLOSED,
                "status_notes": _status_notes(complaint, notes.get(complaint.pk)),
                "service_name": names.get(complaint.category, ""),
                "service_code": complaint.category,
                "description": complaint.text_public,
                "agency_responsible": complaint.agency.name_th if complaint.agency else "",
                "service_notice": _notice(complaint),
                "requested_datetime": iso(complaint.created_at),
                "updated_datetime": iso(complaint.updated_at),
                "expected_datetime": iso(complaint.sla_due_at),
                "address": address,
                "address_id": complaint.subdistrict_id or "",
                "zipcode": zipcode,
                "lat": complaint.lat,
                "long": complaint.lon,
                "media_url": media_url,
            }
        )
    return out


def post_out(*, complaint: Complaint) -> list[dict[str, Any]]:
    """``POST requests``: the new request's id, its token and what will happen to it."""
    return [
        {
            "service_request_id": complaint.tracking_code,
            "token": complaint.open311_token or None,
            "service_notice": _notice(complaint),
            "account_id": None,
        }
    ]


def token_out(*, complaint: Complaint, token: str) -> list[dict[str, Any]]:
    """``GET tokens/{token}``: the request id a token stands for."""
    return [{"service_request_id": complaint.tracking_code, "token": token}]
