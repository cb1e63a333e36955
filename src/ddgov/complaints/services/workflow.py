"""What agencies and citizens do to a complaint after it is filed.

Each agency on a complaint has its own :class:`~ddgov.complaints.models.Assignment` and status;
the *lead* agency's status is the complaint's. Agencies accept, work on, resolve, decline ("not
our responsibility") or reject their part; they **forward** to another agency with a note (their
own part becomes "forwarded", the receiving agency becomes the lead at "received", and the
complaint reads "forwarded" until it accepts). Staff merge duplicates (the duplicate is closed
and linked, its followers move to the original). Citizens follow, reopen and rate.

Who may act: an officer (or higher) of the agency whose part it is, officers of the 1111
centre (``COMPLAINTS_CENTRE_AGENCY``) on any complaint, and platform administrators. Every
change is one transaction with its timeline event, notifications and audit record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from ddgov.agencies.selectors import agency_get
from ddgov.audit.services import audit_record_append
from ddgov.complaints.errors import ComplaintError, Problem
from ddgov.complaints.models import (
    CLOSED_STATES,
    Assignment,
    Complaint,
    ComplaintEvent,
    Follower,
    State,
)
from ddgov.complaints.services.notify import notification_enqueue
from ddgov.complaints.services.photos import photo_store, photos_check, photos_discard
from ddgov.complaints.services.sla import sla_due
from ddgov.identity.models import Role, User
from ddgov.identity.selectors import user_has_role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from ddgov.agencies.models import Agency

NOTE_MAX = 4000
# An agency's own part moves only along these edges (forwarding and merging are separate actions).
TRANSITIONS: dict[str, frozenset[str]] = {
    State.RECEIVED: frozenset(
        {State.ACCEPTED, State.IN_PROGRESS, State.NOT_RESPONSIBLE, State.REJECTED, State.RESOLVED}
    ),
    State.ACCEPTED: frozenset(
        {State.IN_PROGRESS, State.RESOLVED, State.NOT_RESPONSIBLE, State.REJECTED}
    ),
    State.IN_PROGRESS: frozenset({State.RESOLVED, State.REJECTED, State.NOT_RESPONSIBLE}),
}
REOPENABLE = frozenset({State.RESOLVED, State.NOT_RESPONSIBLE, State.REJECTED})


def centre_agency_code() -> str:
    """The 1111 centre's agency code: its officers triage and forward every complaint."""
    return str(getattr(settings, "COMPLAINTS_CENTRE_AGENCY", "opm-ops"))


def _denied() -> ComplaintError:
    return ComplaintError.one(
        "agency",
        "not_allowed",
        "You may not act on this complaint for this agency.",
        "ท่านไม่มีสิทธิ์ดำเนินการกับเรื่องนี้ในนามหน่วยงานนี้",
    )


def staff_may_act(*, actor: User | AnonymousUser | None, agency: Agency) -> bool:
    """Whether ``actor`` is an officer of ``agency`` or of the 1111 centre, or a platform admin."""
    if not isinstance(actor, User) or not actor.is_active:
        return False
    if actor.is_platform_admin:
        return True
    if user_has_role(user=actor, agency=agency, at_least=Role.OFFICER):
        return True
    centre = agency_get(code=centre_agency_code())
    return centre is not None and user_has_role(user=actor, agency=centre, at_least=Role.OFFICER)


def _require(actor: User | AnonymousUser | None, agency: Agency) -> User:
    if not staff_may_act(actor=actor, agency=agency) or not isinstance(actor, User):
        raise _denied()
    return actor


def _locked(complaint: Complaint) -> Complaint:
    """Re-read ``complaint`` under a row lock so concurrent actions serialise."""
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


def _part_locked(complaint: Complaint, agency: Agency) -> Assignment:
    """``agency``'s part of ``complaint``, row-locked; refused when it has none."""
    part = complaint.assignments.select_for_update().filter(agency=agency).first()
    if part is None:
        raise ComplaintError.one(
            "agency",
            "not_assigned",
            "This agency has no part in the complaint.",
            "หน่วยงานนี้ไม่ได้รับผิดชอบเรื่องนี้",
        )
    return part


def _lead(complaint: Complaint) -> Assignment | None:
    return complaint.assignments.filter(is_lead=True).first()


def _sync_state(complaint: Complaint, now: dt.datetime) -> None:
    """Make the complaint's state its lead agency's, and stamp when it closed or reopened."""
    lead = _lead(complaint)
    state: str
    if complaint.duplicate_of_id is not None:
        state = State.DUPLICATE
    elif lead is None:
        state = complaint.state
    elif lead.state == State.RECEIVED and lead.forwarded_from_id is not None:
        state = State.FORWARDED
    else:
        state = lead.state
    complaint.state = state
    if state in CLOSED_STATES:
        complaint.closed_at = complaint.closed_at or now
    else:
        complaint.closed_at = None
    complaint.agency_id = lead.agency_id if lead is not None else complaint.agency_id
    complaint.updated_at = now
    complaint.save(update_fields=["state", "closed_at", "agency", "updated_at"])


def _follower_emails(complaint: Complaint) -> list[str]:
    emails: set[str] = set()
    for follower in complaint.followers.select_related("user"):
        email = follower.user.email if follower.user is not None else follower.email
        if follower.is_reporter and complaint.contact_email:
            email = complaint.contact_email
        if email:
            emails.add(email)
    return sorted(emails)


def _english_label(state: str) -> str:
    with translation.override("en"):
        return str(State(state).label)


def _notify_state(complaint: Complaint, message: str) -> None:
    state = State(complaint.state)
    for email in _follower_emails(complaint):
        notification_enqueue(
            complaint=complaint,
            recipient=email,
            template="state",
            state_th=_thai_state(state),
            state_en=_english_label(state),
            message=message,
        )


_STATE_TH = {
    State.RECEIVED: "รับเรื่องแล้ว",
    State.ACCEPTED: "หน่วยงานรับเรื่อง",
    State.IN_PROGRESS: "กำลังดำเนินการ",
    State.FORWARDED: "ส่งต่อ",
    State.RESOLVED: "เสร็จสิ้น",
    State.NOT_RESPONSIBLE: "ไม่อยู่ในความรับผิดชอบ",
    State.DUPLICATE: "เรื่องซ้ำ",
    State.REJECTED: "ไม่รับเรื่อง",
}


def _thai_state(state: str) -> str:
    return _STATE_TH.get(state, state)  # type: ignore[call-overload]


def _check_text(message: str, *, required: bool, field: str = "message") -> str:
    text = (message or "").strip()
    if required and not text:
        raise ComplaintError.one(field, "message_required", "Write a note.", "กรุณาเขียนข้อความ")
    if len(text) > NOTE_MAX:
        raise ComplaintError.one(
            field,
            "message_too_long",
            f"The note may be at most {NOTE_MAX:,} characters.",
            f"ข้อความยาวได้ไม่เกิน {NOTE_MAX:,} ตัวอักษร",
        )
    return text


def _event(
    complaint: Complaint,
    kind: str,
    *,
    now: dt.datetime,
    agency: Agency | None = None,
    actor: User | None = None,
    from_state: str = "",
    to_state: str = "",
    message: str = "",
    is_public: bool = True,
    data: dict[str, Any] | None = None,
) -> ComplaintEvent:
    return ComplaintEvent.objects.create(
        complaint=complaint,
        kind=kind,
        agency=agency,
        actor=actor,
        from_state=from_state,
        to_state=to_state,
        message=message,
        is_public=is_public,
        data=data or {},
        at=now,
    )


def _audit(
    action: str, actor: User | None, complaint: Complaint, agency: Agency | None, **detail: Any
) -> None:
    audit_record_append(
        action=action,
        actor=actor,
        agency_code=agency.code if agency is not None else "",
        target_type="complaint",
        target_id=complaint.tracking_code,
        after={"state": complaint.state, "agency": complaint.agency_id},
        detail=detail,
    )


def _attach(
    complaint: Complaint,
    photos: Iterable[tuple[str, IO[bytes]]],
    *,
    stage: str,
    actor: User | None,
    now: dt.datetime,
    written: list[str],
) -> list[int]:
    uploads = list(photos)
    if not uploads:
        return []
    checked, problems = photos_check(uploads=uploads)
    if problems:
        raise ComplaintError(problems)
    return [
        photo_store(
            complaint=complaint,
            photo=photo,
            stage=stage,
            uploaded_by=actor,
            now=now,
            written=written,
        ).pk
        for photo in checked
    ]


def _with_files(fn: Any) -> Any:
    """Run ``fn(written)`` atomically; remove the photo files it wrote if it fails."""
    written: list[str] = []
    try:
        with transaction.atomic():
            return fn(written)
    except BaseException:
        photos_discard(written=written)
        raise


def assignment_transition(
    *,
    actor: User | AnonymousUser | None,
    complaint: Complaint,
    agency: Agency,
    to_state: str,
    message: str = "",
    photos: Iterable[tuple[str, IO[bytes]]] = (),
) -> Complaint:
    """Move ``agency``'s part of ``complaint`` to ``to_state`` with a public message.

    Resolving, declining and rejecting need a message (the citizen is told why); photos
    attached to a resolution are "after" photos.
    """
    user = _require(actor, agency)
    needs_message = to_state in CLOSED_STATES
    text = _check_text(message, required=needs_message)
    uploads = list(photos)

    def run(written: list[str]) -> Complaint:
        locked = _locked(complaint)
        part = _part_locked(locked, agency)
        if locked.duplicate_of_id is not None:
            raise ComplaintError.one(
                "state",
                "merged",
                "The complaint was merged into another; work on that one.",
                "เรื่องนี้ถูกรวมกับเรื่องอื่นแล้ว กรุณาดำเนินการที่เรื่องหลัก",
            )
        if to_state not in TRANSITIONS.get(part.state, frozenset()):
            raise ComplaintError.one(
                "state",
                "transition_not_allowed",
                f"A part that is {str(part.state)!r} cannot become {str(to_state)!r}.",
                f'ไม่สามารถเปลี่ยนสถานะจาก "{_thai_state(str(part.state))}" '
                f'เป็น "{_thai_state(str(to_state))}" ได้',
            )
        now = timezone.now()
        before = part.state
        part.state = to_state
        part.updated_at = now
        part.closed_at = now if to_state in CLOSED_STATES else None
        if part.officer_id is None and to_state in {State.ACCEPTED, State.IN_PROGRESS}:
            part.officer = user
        part.save(update_fields=["state", "updated_at", "closed_at", "officer"])
        stage = "after" if to_state == State.RESOLVED else "before"
        photo_ids = _attach(locked, uploads, stage=stage, actor=user, now=now, written=written)
        _event(
            locked,
            ComplaintEvent.Kind.STATE,
            now=now,
            agency=agency,
            actor=user,
            from_state=before,
            to_state=to_state,
            message=text,
            data={"photos": photo_ids} if photo_ids else None,
        )
        previous = locked.state
        _sync_state(locked, now)
        if locked.state != previous:
            _notify_state(locked, text)
        _audit("complaint.transition", user, locked, agency, frm=before, to=to_state)
        return locked

    result: Complaint = _with_files(run)
    if result.state in CLOSED_STATES:
        transaction.on_commit(_screen_touch)
    return result


def complaint_forward(
    *,
    actor: User | AnonymousUser | None,
    complaint: Complaint,
    from_agency: Agency,
    to_agency: Agency,
    note: str,
) -> Complaint:
    """Hand ``complaint`` from ``from_agency`` to ``to_agency`` with a note for the receiver.

    The forwarding agency keeps its part with status "forwarded"; the receiver becomes the lead
    at "received" with a fresh SLA. The 1111 centre may forward any complaint, even one another
    agency declined, which reopens it for the receiver.
    """
    user = _require(actor, from_agency)
    text = _check_text(note, required=True, field="note")
    if to_agency.pk == from_agency.pk or not to_agency.is_active:
        raise ComplaintError.one(
            "to_agency",
            "forward_target_invalid",
            "Choose another, active agency to forward to.",
            "กรุณาเลือกหน่วยงานอื่นที่ยังเปิดใช้งานเพื่อส่งต่อ",
        )

    def run(_written: list[str]) -> Complaint:
        locked = _locked(complaint)
        now = timezone.now()
        centre = from_agency.code == centre_agency_code()
        source = locked.assignments.select_for_update().filter(agency=from_agency).first()
        if locked.duplicate_of_id is not None or (
            not centre and (source is None or source.state in CLOSED_STATES | {State.FORWARDED})
        ):
            raise ComplaintError.one(
                "state",
                "forward_not_allowed",
                "Only an agency still working on the complaint can forward it.",
                "ส่งต่อได้เฉพาะหน่วยงานที่ยังดำเนินการเรื่องนี้อยู่",
            )
        if source is None:  # the centre steps in on a complaint it was not part of
            source = Assignment.objects.create(
                complaint=locked,
                agency=from_agency,
                state=State.RECEIVED,
                is_lead=False,
                created_at=now,
                updated_at=now,
            )
        locked.assignments.filter(is_lead=True).update(is_lead=False)
        before = source.state
        if source.state not in CLOSED_STATES:
            source.state = State.FORWARDED
            source.closed_at = now
        source.is_lead = False
        source.updated_at = now
        source.save(update_fields=["state", "closed_at", "is_lead", "updated_at"])
        target, _created = Assignment.objects.get_or_create(
            complaint=locked,
            agency=to_agency,
            defaults={"created_at": now, "updated_at": now, "is_lead": False},
        )
        target.state = State.RECEIVED
        target.is_lead = True
        target.forwarded_from = source
        target.note = text
        target.officer = None
        target.closed_at = None
        target.sla_due_at = sla_due(category=locked.category, start=now)
        target.updated_at = now
        target.save()
        locked.sla_due_at = target.sla_due_at
        locked.reminded_at = None
        locked.save(update_fields=["sla_due_at", "reminded_at"])
        _event(
            locked,
            ComplaintEvent.Kind.FORWARDED,
            now=now,
            agency=from_agency,
            actor=user,
            from_state=before,
            to_state=State.FORWARDED,
            data={
                "to_agency": to_agency.code,
                "to_th": to_agency.name_th,
                "to_en": to_agency.name_en,
            },
        )
        _event(
            locked,
            ComplaintEvent.Kind.NOTE,
            now=now,
            agency=from_agency,
            actor=user,
            message=text,
            is_public=False,
            data={"to_agency": to_agency.code},
        )
        _sync_state(locked, now)
        _notify_state(locked, "")
        _audit("complaint.forward", user, locked, from_agency, to=to_agency.code)
        return locked

    result: Complaint = _with_files(run)
    transaction.on_commit(_screen_touch)
    return result


def complaint_assign(
    *,
    actor: User | AnonymousUser | None,
    complaint: Complaint,
    agency: Agency,
    officer: User | None,
) -> Assignment:
    """Give ``agency``'s part of ``complaint`` to one of its officers (or take it back)."""
    user = _require(actor, agency)
    if officer is not None and not user_has_role(
        user=officer, agency=agency, at_least=Role.OFFICER
    ):
        raise ComplaintError.one(
            "officer",
            "officer_not_member",
            "The officer does not work for this agency.",
            "เจ้าหน้าที่คนนี้ไม่ได้สังกัดหน่วยงานนี้",
        )
    with transaction.atomic():
        locked = _locked(complaint)
        part = _part_locked(locked, agency)
        now = timezone.now()
        part.officer = officer
        part.updated_at = now
        part.save(update_fields=["officer", "updated_at"])
        _event(
            locked,
            ComplaintEvent.Kind.ASSIGNED,
            now=now,
            agency=agency,
            actor=user,
            is_public=False,
            data={"officer": officer.get_username() if officer else ""},
        )
        _audit("complaint.assign", user, locked, agency, officer=officer.pk if officer else None)
        return part


def complaint_note_add(
    *,
    actor: User | AnonymousUser | None,
    complaint: Complaint,
    agency: Agency,
    message: str,
    is_public: bool,
    photos: Iterable[tuple[str, IO[bytes]]] = (),
) -> ComplaintEvent:
    """Add an internal note (staff only) or a public update (the citizen sees it)."""
    user = _require(actor, agency)
    text = _check_text(message, required=True)
    uploads = list(photos)

    def run(written: list[str]) -> ComplaintEvent:
        locked = _locked(complaint)
        now = timezone.now()
        photo_ids = _attach(locked, uploads, stage="after", actor=user, now=now, written=written)
        event = _event(
            locked,
            ComplaintEvent.Kind.UPDATE if is_public else ComplaintEvent.Kind.NOTE,
            now=now,
            agency=agency,
            actor=user,
            message=text,
            is_public=is_public,
            data={"photos": photo_ids} if photo_ids else None,
        )
        locked.updated_at = now
        locked.save(update_fields=["updated_at"])
        if is_public:
            for email in _follower_emails(locked):
                notification_enqueue(
                    complaint=locked,
                    recipient=email,
                    template="state",
                    state_th=_thai_state(State(locked.state)),
                    state_en=_english_label(locked.state),
                    message=text,
                )
        _audit("complaint.note", user, locked, agency, public=is_public)
        return event

    result: ComplaintEvent = _with_files(run)
    return result


def complaint_merge(
    *, actor: User | AnonymousUser | None, duplicate: Complaint, into: Complaint, agency: Agency
) -> Complaint:
    """Close ``duplicate`` as a duplicate of ``into``: linked, no more work, followers kept.

    The duplicate's followers (its reporter included) follow the original from now on, so they
    hear how the one problem is resolved.
    """
    user = _require(actor, agency)
    if duplicate.pk == into.pk:
        raise ComplaintError.one(
            "into",
            "merge_self",
            "A complaint cannot be merged into itself.",
            "ไม่สามารถรวมเรื่องเข้ากับตัวเองได้",
        )
    with transaction.atomic():
        first, second = sorted([duplicate.pk, into.pk])
        locked = {
            c.pk: c for c in Complaint.objects.select_for_update().filter(pk__in=[first, second])
        }
        dup, main = locked[duplicate.pk], locked[into.pk]
        if dup.duplicate_of_id is not None or main.duplicate_of_id is not None:
            raise ComplaintError.one(
                "into",
                "merge_chain",
                "One of the complaints is already a duplicate.",
                "เรื่องใดเรื่องหนึ่งถูกรวมเป็นเรื่องซ้ำไปแล้ว",
            )
        if main.state in CLOSED_STATES:
            raise ComplaintError.one(
                "into",
                "merge_into_closed",
                "Merge into a complaint that is still open.",
                "กรุณารวมเข้ากับเรื่องที่ยังเปิดอยู่",
            )
        now = timezone.now()
        before = dup.state
        dup.duplicate_of = main
        dup.save(update_fields=["duplicate_of"])
        dup.assignments.exclude(state__in=CLOSED_STATES).update(
            state=State.DUPLICATE, closed_at=now, updated_at=now
        )
        moved = 0
        for follower in dup.followers.all():
            exists = (
                main.followers.filter(user=follower.user).exists()
                if follower.user_id
                else main.followers.filter(user__isnull=True, email=follower.email).exists()
            )
            if not exists:
                Follower.objects.create(
                    complaint=main, user=follower.user, email=follower.email, created_at=now
                )
                moved += 1
        _event(
            dup,
            ComplaintEvent.Kind.MERGED,
            now=now,
            agency=agency,
            actor=user,
            from_state=before,
            to_state=State.DUPLICATE,
            data={"into": main.tracking_code},
        )
        _event(
            main,
            ComplaintEvent.Kind.MERGED,
            now=now,
            agency=agency,
            actor=user,
            data={"duplicate": dup.tracking_code, "followers": moved},
        )
        _sync_state(dup, now)
        main.updated_at = now
        main.save(update_fields=["updated_at"])
        _notify_state(dup, main.tracking_code)
        _audit("complaint.merge", user, dup, agency, into=main.tracking_code)
    transaction.on_commit(_screen_touch)
    return dup


def complaint_category_set(
    *, actor: User | AnonymousUser | None, complaint: Complaint, agency: Agency, category: str
) -> Complaint:
    """Correct the category (staff); the SLA follows the new category. Routing is a forward."""
    from ddgov.complaints.classify.taxonomy import taxonomy_load  # noqa: PLC0415

    user = _require(actor, agency)
    try:
        taxonomy_load().get(category)
    except KeyError:
        raise ComplaintError.one(
            "category",
            "category_unknown",
            f"There is no category {category!r}.",
            f"ไม่มีหมวดหมู่ {category!r}",
        ) from None
    with transaction.atomic():
        locked = _locked(complaint)
        now = timezone.now()
        before = locked.category
        locked.category = category
        locked.category_source = Complaint.CategorySource.STAFF
        locked.sla_due_at = sla_due(category=category, start=locked.created_at)
        locked.updated_at = now
        locked.save(update_fields=["category", "category_source", "sla_due_at", "updated_at"])
        _event(
            locked,
            ComplaintEvent.Kind.CATEGORY,
            now=now,
            agency=agency,
            actor=user,
            data={"from": before, "to": category},
        )
        _audit("complaint.category", user, locked, agency, frm=before, to=category)
    transaction.on_commit(_screen_touch)
    return locked


def complaints_bulk_transition(
    *,
    actor: User | AnonymousUser | None,
    complaints: Iterable[Complaint],
    agency: Agency,
    to_state: str,
    message: str = "",
) -> tuple[int, list[tuple[str, Problem]]]:
    """Apply one transition to many complaints; each succeeds or fails on its own.

    Returns how many changed and, for the rest, the tracking code and the problem.
    """
    done = 0
    failures: list[tuple[str, Problem]] = []
    for complaint in complaints:
        try:
            assignment_transition(
                actor=actor, complaint=complaint, agency=agency, to_state=to_state, message=message
            )
        except ComplaintError as exc:
            failures.append((complaint.tracking_code, exc.problems[0]))
        else:
            done += 1
    return done, failures


def _screen_touch() -> None:
    from ddgov.complaints.selectors.screening import screening_index_touch  # noqa: PLC0415

    screening_index_touch()
