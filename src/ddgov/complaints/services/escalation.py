"""SLA reminders and escalation, run by the ``complaints.sla`` periodic job.

A complaint still open ``remind_before_hours`` before its due time gets one reminder (an internal
timeline entry, and an e-mail to the assigned officer when there is one). A complaint past due is
escalated to the lead agency's parent (a municipality's province, a department's ministry): the
parent joins the complaint as a supervising agency, the citizen's timeline says so, and the
level rises. Each further full SLA period overdue escalates one level higher.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from ddgov.audit.services import audit_record_append
from ddgov.complaints.models import OPEN_STATES, Assignment, Complaint, ComplaintEvent, State
from ddgov.complaints.services.notify import notification_enqueue
from ddgov.complaints.services.sla import sla_for

MAX_LEVEL = 3


def _reminder_due(complaint: Complaint, now: dt.datetime) -> bool:
    if complaint.sla_due_at is None or complaint.reminded_at is not None:
        return False
    before = dt.timedelta(hours=sla_for(category=complaint.category).remind_before_hours)
    return complaint.sla_due_at - before <= now < complaint.sla_due_at


def _escalation_due(complaint: Complaint, now: dt.datetime) -> bool:
    if complaint.sla_due_at is None or complaint.escalation_level >= MAX_LEVEL:
        return False
    period = dt.timedelta(hours=sla_for(category=complaint.category).resolve_hours)
    return now >= complaint.sla_due_at + period * complaint.escalation_level


def _remind(complaint: Complaint, now: dt.datetime) -> None:
    lead = complaint.assignments.filter(is_lead=True).select_related("officer").first()
    complaint.reminded_at = now
    complaint.save(update_fields=["reminded_at"])
    ComplaintEvent.objects.create(
        complaint=complaint,
        kind=ComplaintEvent.Kind.REMINDED,
        agency=lead.agency if lead else None,
        is_public=False,
        data={"due": complaint.sla_due_at.isoformat() if complaint.sla_due_at else ""},
        at=now,
    )
    if lead is not None and lead.officer is not None and lead.officer.email:
        notification_enqueue(
            complaint=complaint,
            recipient=lead.officer.email,
            template="state",
            state_th="ใกล้ครบกำหนดเวลา",
            state_en="Due soon",
        )


def _escalate(complaint: Complaint, now: dt.datetime) -> bool:
    lead = complaint.assignments.filter(is_lead=True).select_related("agency").first()
    if lead is None:
        return False
    target = lead.agency
    for _ in range(complaint.escalation_level + 1):
        if target.parent is None:
            break
        target = target.parent
    already = complaint.assignments.filter(agency=target).exists()
    if target.pk == lead.agency_id or already:
        complaint.escalation_level = MAX_LEVEL  # nobody further above: stop trying
        complaint.save(update_fields=["escalation_level"])
        return False
    Assignment.objects.get_or_create(
        complaint=complaint,
        agency=target,
        defaults={
            "state": State.RECEIVED,
            "is_lead": False,
            "note": "escalated",
            "created_at": now,
            "updated_at": now,
        },
    )
    complaint.escalation_level += 1
    complaint.save(update_fields=["escalation_level"])
    ComplaintEvent.objects.create(
        complaint=complaint,
        kind=ComplaintEvent.Kind.ESCALATED,
        agency=target,
        data={
            "level": complaint.escalation_level,
            "from": lead.agency.code,
            "to_th": target.name_th,
            "to_en": target.name_en,
        },
        at=now,
    )
    audit_record_append(
        action="complaint.escalate",
        agency_code=target.code,
        target_type="complaint",
        target_id=complaint.tracking_code,
        detail={"level": complaint.escalation_level, "from": lead.agency.code},
    )
    return True


def sla_sweep(*, now: dt.datetime | None = None, limit: int = 1000) -> dict[str, int]:
    """Send due reminders and escalate overdue complaints; return how many of each."""
    now = now or timezone.now()
    reminded = escalated = 0
    candidates = (
        Complaint.objects.filter(state__in=OPEN_STATES, sla_due_at__isnull=False)
        .filter(sla_due_at__lte=now + dt.timedelta(days=30))
        .order_by("sla_due_at")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in list(candidates):
        with transaction.atomic():
            complaint = Complaint.objects.select_for_update().get(pk=pk)
            if complaint.state not in OPEN_STATES:
                continue
            if _reminder_due(complaint, now):
                _remind(complaint, now)
                reminded += 1
            elif _escalation_due(complaint, now) and _escalate(complaint, now):
                escalated += 1
    return {"reminded": reminded, "escalated": escalated}
