"""SLA reminders and escalation to the parent agency; the notification outbox."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import override_settings

from ddgov.agencies.models import Agency
from ddgov.complaints.models import (
    Assignment,
    CategorySla,
    Complaint,
    ComplaintEvent,
    Notification,
    State,
)
from ddgov.complaints.selectors.complaints import complaint_timeline
from ddgov.complaints.services.escalation import sla_sweep
from ddgov.complaints.services.notify import notifications_send
from ddgov.complaints.services.workflow import assignment_transition
from ddgov.complaints.tests.factories import complaint_file
from ddgov.identity.tests.factories import MembershipFactory


@pytest.fixture
def chiang_mai_road(directory: dict[str, Agency]) -> Complaint:
    CategorySla.objects.create(category="road", resolve_hours=72, remind_before_hours=12)
    complaint = complaint_file(
        text="ถนนเป็นหลุมลึก", category="road", lat=None, lon=None, subdistrict_code="500101"
    )
    assert complaint.agency == directory["sao-500101"]
    return complaint


def test_the_category_sla_sets_the_due_time(chiang_mai_road: Complaint) -> None:
    assert chiang_mai_road.sla_due_at == chiang_mai_road.created_at + dt.timedelta(hours=72)


def test_a_reminder_comes_before_the_due_time_once(chiang_mai_road: Complaint) -> None:
    due = chiang_mai_road.sla_due_at
    assert due is not None
    assert sla_sweep(now=due - dt.timedelta(hours=13)) == {"reminded": 0, "escalated": 0}
    assert sla_sweep(now=due - dt.timedelta(hours=11)) == {"reminded": 1, "escalated": 0}
    assert sla_sweep(now=due - dt.timedelta(hours=10)) == {"reminded": 0, "escalated": 0}
    reminder = ComplaintEvent.objects.get(complaint=chiang_mai_road, kind="reminded")
    assert not reminder.is_public


def test_overdue_complaints_escalate_to_the_parent_agency_level_by_level(
    chiang_mai_road: Complaint, directory: dict[str, Agency]
) -> None:
    due = chiang_mai_road.sla_due_at
    assert due is not None

    assert sla_sweep(now=due + dt.timedelta(minutes=1))["escalated"] == 1

    chiang_mai_road.refresh_from_db()
    assert chiang_mai_road.escalation_level == 1
    parent = Assignment.objects.get(complaint=chiang_mai_road, agency=directory["prov-50"])
    assert not parent.is_lead
    assert chiang_mai_road.agency == directory["sao-500101"]  # the lead stays responsible
    public = complaint_timeline(complaint=chiang_mai_road)
    assert public[-1].kind == ComplaintEvent.Kind.ESCALATED
    assert directory["prov-50"].name_th in public[-1].detail
    # Not again within the next SLA period; the province has no parent, so escalation stops there.
    assert sla_sweep(now=due + dt.timedelta(hours=1))["escalated"] == 0
    assert sla_sweep(now=due + dt.timedelta(hours=73))["escalated"] == 0


def test_resolved_complaints_are_not_escalated(
    chiang_mai_road: Complaint, directory: dict[str, Agency]
) -> None:
    sao = directory["sao-500101"]
    officer = MembershipFactory(agency=sao).user
    assignment_transition(
        actor=officer,
        complaint=chiang_mai_road,
        agency=sao,
        to_state=State.RESOLVED,
        message="ซ่อมแล้ว",
    )
    due = chiang_mai_road.sla_due_at
    assert due is not None
    assert sla_sweep(now=due + dt.timedelta(days=10)) == {"reminded": 0, "escalated": 0}


def test_pending_notifications_are_sent_once(directory: dict[str, Agency]) -> None:
    complaint_file(contact_email="citizen@example.com")

    assert notifications_send() == {"sent": 1, "failed": 0}
    assert notifications_send() == {"sent": 0, "failed": 0}
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["citizen@example.com"]
    assert Notification.objects.get().status == Notification.Status.SENT


class _Broken:
    def send(self, notification: Notification) -> None:
        raise ConnectionError("gateway down")


@override_settings(COMPLAINTS_NOTIFY_BACKENDS={"email": f"{__name__}._Broken"})
def test_a_failing_backend_is_retried_then_marked_failed(directory: dict[str, Agency]) -> None:
    complaint = complaint_file(contact_email="citizen@example.com")

    for _ in range(3):
        assert notifications_send() == {"sent": 0, "failed": 1}
    assert notifications_send() == {"sent": 0, "failed": 0}

    note = Notification.objects.get()
    assert note.status == Notification.Status.FAILED
    assert note.attempts == 3
    assert "gateway down" in note.error
    complaint.refresh_from_db()
    assert complaint.state == State.RECEIVED  # the change itself stands
