"""Reading complaints: by tracking code, a citizen's own, an agency's queue, the timeline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from ddgov.complaints.classify.taxonomy import taxonomy_load
from ddgov.complaints.models import (
    CLOSED_STATES,
    OPEN_STATES,
    Assignment,
    Complaint,
    ComplaintEvent,
    ComplaintPhoto,
    State,
)
from ddgov.complaints.services.intake import tracking_code_normalise
from ddgov.core.language import localized

if TYPE_CHECKING:
    from ddgov.agencies.models import Agency
    from ddgov.identity.models import User


def complaint_get(*, tracking_code: str) -> Complaint | None:
    """The complaint with this tracking code (typed loosely: case, spaces, hyphen optional)."""
    code = tracking_code_normalise(tracking_code)
    if not code:
        return None
    return (
        Complaint.objects.select_related("agency", "duplicate_of")
        .filter(tracking_code=code)
        .first()
    )


def complaints_for_user(*, user: User) -> QuerySet[Complaint]:
    """Complaints ``user`` filed or follows, newest activity first."""
    return (
        Complaint.objects.filter(Q(reporter=user) | Q(followers__user=user))
        .select_related("agency")
        .distinct()
        .order_by("-updated_at", "-id")
    )


def category_label(*, code: str) -> str:
    """The category's name in the reader's language ("" for none, the code if unknown)."""
    if not code:
        return ""
    try:
        category = taxonomy_load().get(code)
    except KeyError:
        return code
    return localized(category.label_th, category.label_en)


def category_choices() -> list[tuple[str, str]]:
    """Every category as ``(code, name in the reader's language)``, in the taxonomy's order."""
    return [(c.code, localized(c.label_th, c.label_en)) for c in taxonomy_load().categories]


@dataclass(frozen=True)
class TimelineEntry:
    """One line of a complaint's timeline, ready to show."""

    at: dt.datetime
    kind: str
    kind_label: str
    agency_name: str
    state: str
    state_label: str
    message: str
    is_public: bool
    detail: str
    actor: str = ""
    photos: list[ComplaintPhoto] = field(default_factory=list)


def _detail(event: ComplaintEvent) -> str:  # noqa: PLR0911 - one short answer per kind
    data: dict[str, Any] = event.data or {}
    kind = event.kind
    if kind == ComplaintEvent.Kind.ROUTED:
        return localized(str(data.get("reason_th", "")), str(data.get("reason_en", "")))
    if kind == ComplaintEvent.Kind.FORWARDED:
        return localized(f"ส่งต่อให้ {data.get('to_th', '')}", f"Forwarded to {data.get('to_en', '')}")
    if kind == ComplaintEvent.Kind.ESCALATED:
        return localized(
            f"เกินกำหนดเวลา แจ้ง {data.get('to_th', '')} เพื่อกำกับติดตาม",
            f"Overdue: {data.get('to_en', '')} was asked to follow it up",
        )
    if kind == ComplaintEvent.Kind.MERGED:
        if data.get("into"):
            return localized(f"เป็นเรื่องซ้ำกับ {data['into']}", f"Duplicate of {data['into']}")
        return localized(
            f"รวมเรื่องซ้ำ {data.get('duplicate', '')}",
            f"Merged duplicate {data.get('duplicate', '')}",
        )
    if kind == ComplaintEvent.Kind.CATEGORY:
        return f"{category_label(code=str(data.get('from', '')))} → {category_label(code=str(data.get('to', '')))}"
    if kind == ComplaintEvent.Kind.RATED:
        return "★" * int(data.get("rating", 0))
    if kind == ComplaintEvent.Kind.ASSIGNED:
        return str(data.get("officer", ""))
    return ""


def complaint_timeline(*, complaint: Complaint, staff: bool = False) -> list[TimelineEntry]:
    """The complaint's history across every agency, oldest first.

    Citizens (``staff=False``) see public entries only, and never who among staff acted.
    """
    events = complaint.events.select_related("agency", "actor").order_by("at", "id")
    if not staff:
        events = events.filter(is_public=True)
    photos = {p.pk: p for p in complaint.photos.all()}
    entries = []
    for event in events:
        state = event.to_state
        entries.append(
            TimelineEntry(
                at=event.at,
                kind=event.kind,
                kind_label=str(ComplaintEvent.Kind(event.kind).label),
                agency_name=event.agency.name if event.agency else "",
                state=state,
                state_label=str(State(state).label) if state else "",
                message=event.message,
                is_public=event.is_public,
                detail=_detail(event),
                actor=event.actor.get_username() if staff and event.actor else "",
                photos=[photos[i] for i in (event.data or {}).get("photos", []) if i in photos],
            )
        )
    return entries


def complaint_parts(*, complaint: Complaint) -> list[Assignment]:
    """Each agency's part in the complaint with its own status, lead first."""
    return list(
        complaint.assignments.select_related(
            "agency", "officer", "forwarded_from__agency"
        ).order_by("-is_lead", "created_at", "id")
    )


def complaint_follower_count(*, complaint: Complaint) -> int:
    """How many people follow the complaint (the reporter included)."""
    return complaint.followers.count()


@dataclass(frozen=True)
class QueueFilters:
    """What an agency's queue is narrowed to."""

    state: str = ""
    category: str = ""
    district_code: str = ""
    officer_id: int | None = None
    overdue: bool = False
    open_only: bool = True
    text: str = ""


def complaint_queue(*, agency: Agency, filters: QueueFilters | None = None) -> QuerySet[Assignment]:
    """``agency``'s parts in complaints, oldest due first, narrowed by ``filters``."""
    f = filters or QueueFilters()
    parts = Assignment.objects.filter(agency=agency).select_related("complaint", "officer")
    if f.state:
        parts = parts.filter(state=f.state)
    elif f.open_only:
        parts = parts.exclude(state__in=CLOSED_STATES | {State.FORWARDED})
    if f.category:
        parts = parts.filter(complaint__category=f.category)
    if f.district_code:
        parts = parts.filter(complaint__district_code=f.district_code)
    if f.officer_id is not None:
        parts = parts.filter(officer_id=f.officer_id)
    if f.overdue:
        parts = parts.filter(
            complaint__sla_due_at__lt=timezone.now(), complaint__state__in=OPEN_STATES
        )
    if f.text:
        parts = parts.filter(
            Q(complaint__text__icontains=f.text)
            | Q(complaint__tracking_code__iexact=f.text.strip())
        )
    return parts.order_by("complaint__sla_due_at", "created_at", "id")


def complaint_state_counts(*, agency: Agency) -> dict[str, int]:
    """How many of ``agency``'s parts are in each state."""
    rows = Assignment.objects.filter(agency=agency).values("state").annotate(n=Count("id"))
    return {row["state"]: row["n"] for row in rows}


def complaint_staff_may_view(*, user: User, complaint: Complaint) -> bool:
    """Whether staff ``user`` may read ``complaint`` (agency isolation).

    Members of an agency with a part in it, officers of the 1111 centre and platform
    administrators may.
    """
    from ddgov.identity.selectors import user_has_role  # noqa: PLC0415

    if not user.is_active or not (user.is_government_staff or user.is_platform_admin):
        return False
    if staff_is_centre(user=user):
        return True
    return any(
        user_has_role(user=user, agency=part.agency)
        for part in complaint.assignments.select_related("agency")
    )


def staff_is_centre(*, user: User) -> bool:
    """Whether ``user`` is a platform administrator or an officer of the 1111 centre."""
    from ddgov.agencies.selectors import agency_get  # noqa: PLC0415
    from ddgov.complaints.services.workflow import centre_agency_code  # noqa: PLC0415
    from ddgov.identity.models import Role  # noqa: PLC0415
    from ddgov.identity.selectors import user_has_role  # noqa: PLC0415

    if not user.is_active:
        return False
    if user.is_platform_admin:
        return True
    centre = agency_get(code=centre_agency_code())
    return centre is not None and user_has_role(user=user, agency=centre, at_least=Role.OFFICER)
