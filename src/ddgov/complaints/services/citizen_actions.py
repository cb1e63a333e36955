"""What citizens do to a complaint: follow it ("me too"), and, as its reporter, reopen or rate it.

Split from :mod:`ddgov.complaints.services.workflow`, whose helpers (locking, timeline events,
state sync, audit) these share: every change is one transaction with its event and audit record.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from ddgov.audit.services import audit_record_append
from ddgov.complaints.errors import ComplaintError
from ddgov.complaints.models import Complaint, ComplaintEvent, Follower, State
from ddgov.complaints.services.sla import sla_due
from ddgov.complaints.services.workflow import (
    REOPENABLE,
    _audit,
    _check_text,
    _event,
    _lead,
    _locked,
    _screen_touch,
    _sync_state,
)
from ddgov.identity.models import User

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


def complaint_follow(
    *, complaint: Complaint, user: User | AnonymousUser | None = None, email: str = ""
) -> tuple[Follower, bool]:
    """Follow ``complaint`` ("me too"); following twice is the same as once.

    A follower of a merged duplicate follows the original. Returns the follower and whether
    it is new.
    """
    signed_in = user if isinstance(user, User) and user.is_authenticated else None
    if signed_in is None and not email:
        raise ComplaintError.one(
            "email",
            "follower_required",
            "Sign in or give an e-mail address to follow.",
            "กรุณาเข้าสู่ระบบหรือระบุอีเมลเพื่อติดตามเรื่องนี้",
        )
    with transaction.atomic():
        locked = _locked(complaint)
        if locked.duplicate_of_id is not None:
            locked = Complaint.objects.select_for_update().get(pk=locked.duplicate_of_id)
        now = timezone.now()
        if signed_in is not None:
            follower, created = Follower.objects.get_or_create(
                complaint=locked, user=signed_in, defaults={"created_at": now}
            )
        else:
            follower, created = Follower.objects.get_or_create(
                complaint=locked,
                user=None,
                email=email.strip().lower(),
                defaults={"created_at": now},
            )
        if created:
            _event(
                locked,
                ComplaintEvent.Kind.FOLLOWED,
                now=now,
                actor=signed_in,
                data={"followers": locked.followers.count()},
            )
            audit_record_append(
                action="complaint.follow",
                actor=signed_in,
                target_type="complaint",
                target_id=locked.tracking_code,
            )
        return follower, created


def _reporter_check(actor: User | AnonymousUser | None, complaint: Complaint) -> User:
    if not isinstance(actor, User) or complaint.reporter_id != actor.pk:
        raise ComplaintError.one(
            "complaint",
            "not_reporter",
            "Only the person who filed the complaint can do this.",
            "เฉพาะผู้แจ้งเรื่องเท่านั้นที่ทำรายการนี้ได้",
        )
    return actor


def complaint_reopen(
    *, actor: User | AnonymousUser | None, complaint: Complaint, reason: str
) -> Complaint:
    """The reporter says the problem is not solved: the lead agency gets it back at "received"."""
    user = _reporter_check(actor, complaint)
    text = _check_text(reason, required=True, field="reason")
    with transaction.atomic():
        locked = _locked(complaint)
        lead = _lead(locked)
        if locked.state not in REOPENABLE or lead is None:
            raise ComplaintError.one(
                "state",
                "not_reopenable",
                "Only a closed complaint can be reopened.",
                "เปิดเรื่องใหม่ได้เฉพาะเรื่องที่ปิดแล้ว",
            )
        now = timezone.now()
        before = lead.state
        lead.state = State.RECEIVED
        lead.closed_at = None
        lead.forwarded_from = None
        lead.updated_at = now
        lead.sla_due_at = sla_due(category=locked.category, start=now)
        lead.save()
        locked.reopen_count += 1
        locked.sla_due_at = lead.sla_due_at
        locked.reminded_at = None
        locked.rating = None
        locked.save(update_fields=["reopen_count", "sla_due_at", "reminded_at", "rating"])
        _event(
            locked,
            ComplaintEvent.Kind.REOPENED,
            now=now,
            actor=user,
            from_state=before,
            to_state=State.RECEIVED,
            message=text,
        )
        _sync_state(locked, now)
        _audit("complaint.reopen", user, locked, lead.agency)
    transaction.on_commit(_screen_touch)
    return locked


def complaint_rate(
    *, actor: User | AnonymousUser | None, complaint: Complaint, rating: int, comment: str = ""
) -> Complaint:
    """The reporter rates how a resolved complaint was handled (1 to 5 stars)."""
    user = _reporter_check(actor, complaint)
    text = _check_text(comment, required=False, field="comment")
    if rating not in range(1, 6):
        raise ComplaintError.one(
            "rating", "rating_invalid", "Give 1 to 5 stars.", "กรุณาให้คะแนน 1 ถึง 5 ดาว"
        )
    with transaction.atomic():
        locked = _locked(complaint)
        if locked.state != State.RESOLVED:
            raise ComplaintError.one(
                "state",
                "not_resolved",
                "Only a resolved complaint can be rated.",
                "ให้คะแนนได้เฉพาะเรื่องที่ดำเนินการเสร็จสิ้นแล้ว",
            )
        now = timezone.now()
        locked.rating = rating
        locked.rating_comment = text
        locked.updated_at = now
        locked.save(update_fields=["rating", "rating_comment", "updated_at"])
        _event(locked, ComplaintEvent.Kind.RATED, now=now, actor=user, data={"rating": rating})
        _audit("complaint.rate", user, locked, None, rating=rating)
    return locked
