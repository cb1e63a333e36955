"""The staff back office: queues, isolation between agencies, actions on one complaint, CSRF."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ddgov.agencies.models import Agency
from ddgov.complaints.models import Complaint, ComplaintEvent, State
from ddgov.complaints.selectors.complaints import complaint_timeline
from ddgov.complaints.services.workflow import assignment_transition
from ddgov.complaints.tests.factories import complaint_file
from ddgov.identity.models import Role, User
from ddgov.identity.tests.factories import (
    CitizenUserFactory,
    MembershipFactory,
    StaffUserFactory,
)

pytestmark = pytest.mark.django_db


@dataclass
class World:
    """Two agencies with an officer each, the centre's officer, and a complaint led by A."""

    a: Agency
    b: Agency
    officer_a: User
    officer_b: User
    centre_officer: User
    complaint: Complaint


def _officer(agency: Agency, role: str = Role.OFFICER) -> User:
    return MembershipFactory(user=StaffUserFactory(), agency=agency, role=role).user


@pytest.fixture
def world(directory: dict[str, Agency]) -> World:
    complaint = complaint_file(contact_name="สมศรี ทดสอบ", contact_phone="0812345678")
    a = complaint.agency
    assert a is not None
    b = directory["mea"] if a.code != "mea" else directory["pea"]
    return World(
        a=a,
        b=b,
        officer_a=_officer(a),
        officer_b=_officer(b),
        centre_officer=_officer(directory["opm-ops"]),
        complaint=complaint,
    )


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _errors(response: object) -> list[str]:
    return [m.message for m in get_messages(response.wsgi_request) if m.level_tag == "error"]  # type: ignore[attr-defined]


def _detail(code: str) -> str:
    return reverse("complaints:staff_detail", args=[code])


def _action(name: str, code: str) -> str:
    return reverse(f"complaints:staff_{name}", args=[code])


# --- queue ---------------------------------------------------------------------------------


def test_queue_lists_the_agencys_complaints_in_thai(world: World) -> None:
    response = _client(world.officer_a).get(reverse("complaints:staff_queue"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="th"' in html
    assert 'data-testid="queue-row"' in html
    assert f'data-code="{world.complaint.tracking_code}"' in html


def test_queue_needs_sign_in_and_staff(world: World, directory: dict[str, Agency]) -> None:
    url = reverse("complaints:staff_queue")
    assert Client().get(url).status_code == 302
    citizen = CitizenUserFactory()
    assert _client(citizen).get(url).status_code == 403


def test_queue_filters(world: World) -> None:
    other = complaint_file(text="ถนนเป็นหลุมใหญ่มาก รถล้มบ่อย", category="road")
    client = _client(world.officer_a)
    url = reverse("complaints:staff_queue")

    def codes(**params: str) -> set[str]:
        response = client.get(url, {"agency": world.a.code, **params})
        assert response.status_code == 200
        return {r.code for r in response.context["rows"]}

    mine = world.complaint.tracking_code
    everything = codes()
    assert mine in everything
    if other.agency_id == world.a.pk:
        assert codes(category="road") == {other.tracking_code}
    assert codes(q=mine) == {mine}
    assert codes(q=mine.replace("-", "").lower()) == {mine}
    assert codes(q="ไฟส่องสว่าง") >= {mine}
    assert codes(officer="me") == set()
    assert mine in codes(officer="none")
    assert codes(state=State.RESOLVED) == set()
    assert codes(overdue="on") == set()
    Complaint.objects.filter(pk=world.complaint.pk).update(
        sla_due_at=timezone.now() - dt.timedelta(days=1)
    )
    assert codes(overdue="on") == {mine}
    assignment_transition(
        actor=world.officer_a, complaint=world.complaint, agency=world.a, to_state=State.ACCEPTED
    )
    assert codes(officer="me") == {mine}
    assert codes(state=State.ACCEPTED) == {mine}
    response = client.get(url, {"agency": world.a.code, "overdue": "on"})
    assert 'class="cs-overdue"' in response.content.decode()


def test_queue_of_another_agency_is_refused(world: World) -> None:
    response = _client(world.officer_b).get(
        reverse("complaints:staff_queue"), {"agency": world.a.code}
    )
    assert response.status_code == 403


def test_centre_sees_any_queue_and_its_triage_list(
    world: World, directory: dict[str, Agency]
) -> None:
    orphan = complaint_file(text="มีเสียงดังรบกวนตอนกลางคืน", lat=None, lon=None, address="บ้านเลขที่ 1")
    Complaint.objects.filter(pk=orphan.pk).update(agency=None)
    orphan.assignments.all().delete()
    client = _client(world.centre_officer)
    assert (
        client.get(reverse("complaints:staff_queue"), {"agency": world.a.code}).status_code == 200
    )
    response = client.get(reverse("complaints:staff_queue"), {"agency": "opm-ops"})
    codes = {r.code for r in response.context["rows"]}
    assert orphan.tracking_code in codes
    assert world.complaint.tracking_code not in codes


# --- isolation -----------------------------------------------------------------------------


def test_officer_of_another_agency_gets_403_on_page_and_actions(world: World) -> None:
    client = _client(world.officer_b)
    code = world.complaint.tracking_code
    assert client.get(_detail(code)).status_code == 403
    for name, data in [
        ("transition", {"to_state": State.ACCEPTED}),
        ("forward", {"to_agency": world.b.code, "note": "ของเรา"}),
        ("assign", {"officer": str(world.officer_b.pk)}),
        ("note", {"message": "x", "visibility": "internal"}),
        ("merge", {"into": code}),
        ("category", {"category": "road"}),
    ]:
        for agency in (world.a.code, world.b.code):
            response = client.post(_action(name, code), {**data, "agency": agency})
            assert response.status_code == 403, (name, agency)
    response = client.post(
        reverse("complaints:staff_bulk"),
        {"agency": world.a.code, "action": "accept", "c": [code]},
    )
    assert response.status_code == 403
    world.complaint.refresh_from_db()
    assert world.complaint.state == State.RECEIVED


def test_viewer_of_a_party_agency_reads_but_cannot_act(world: World) -> None:
    viewer = _officer(world.a, role=Role.VIEWER)
    client = _client(viewer)
    response = client.get(_detail(world.complaint.tracking_code))
    assert response.status_code == 200
    assert response.context["agency"] is None
    response = client.post(
        _action("transition", world.complaint.tracking_code),
        {"agency": world.a.code, "to_state": State.ACCEPTED},
    )
    assert response.status_code == 403


# --- one complaint -------------------------------------------------------------------------


def test_detail_shows_parts_timeline_and_contact(world: World) -> None:
    response = _client(world.officer_a).get(_detail(world.complaint.tracking_code))
    assert response.status_code == 200
    html = response.content.decode()
    assert "สมศรี ทดสอบ" in html
    assert 'id="forward-agency"' in html
    assert 'id="forward-note"' in html
    assert 'id="transition-state"' in html
    assert 'id="transition-message"' in html
    assert 'data-testid="forward-submit"' in html
    assert 'data-testid="transition-submit"' in html
    assert response.context["agency"] == world.a


def test_anonymous_complaint_hides_the_reporter(world: World) -> None:
    hidden = complaint_file(
        is_anonymous=True,
        contact_name="ชื่อลับมาก",
        contact_phone="0899999999",
        contact_email="x@ex.th",
    )
    officer = _officer(hidden.agency)
    html = _client(officer).get(_detail(hidden.tracking_code)).content.decode()
    assert 'data-testid="anonymous"' in html
    assert "ชื่อลับมาก" not in html
    assert "0899999999" not in html
    assert "x@ex.th" not in html


def test_forward_then_other_agency_resolves_citizen_sees_both(world: World) -> None:
    code = world.complaint.tracking_code
    response = _client(world.officer_a).post(
        _action("forward", code),
        {"agency": world.a.code, "to_agency": world.b.code, "note": "เป็นเรื่องของการไฟฟ้า"},
    )
    assert response.status_code == 302
    world.complaint.refresh_from_db()
    assert world.complaint.agency_id == world.b.pk
    assert world.complaint.state == State.FORWARDED
    client_b = _client(world.officer_b)
    assert client_b.get(_detail(code)).status_code == 200
    response = client_b.post(
        _action("transition", code),
        {"agency": world.b.code, "to_state": State.RESOLVED, "message": "ซ่อมไฟเรียบร้อยแล้ว"},
    )
    assert response.status_code == 302
    assert _errors(response) == []
    world.complaint.refresh_from_db()
    assert world.complaint.state == State.RESOLVED
    public = complaint_timeline(complaint=world.complaint)
    agencies = {e.agency_name for e in public if e.agency_name}
    assert {world.a.name, world.b.name} <= agencies
    assert any(e.message == "ซ่อมไฟเรียบร้อยแล้ว" for e in public)
    assert all("เป็นเรื่องของการไฟฟ้า" not in e.message for e in public)  # the note is internal


def test_refused_action_shows_bilingual_problems_and_keeps_the_text(world: World) -> None:
    client = _client(world.officer_a)
    code = world.complaint.tracking_code
    response = client.post(
        _action("forward", code), {"agency": world.a.code, "to_agency": world.b.code, "note": ""}
    )
    assert response.status_code == 302
    assert any("กรุณาเขียนข้อความ" in m and "Write a note." in m for m in _errors(response))
    response = client.post(
        _action("transition", code),
        {"agency": world.a.code, "to_state": State.RESOLVED, "message": ""},
    )
    assert response.status_code == 302
    assert _errors(response)
    response = client.post(
        _action("transition", code),
        {"agency": world.a.code, "to_state": "bogus", "message": "ข้อความที่พิมพ์ไว้"},
    )
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "ข้อความที่พิมพ์ไว้" in page.content.decode()
    response = client.post(
        _action("forward", code),
        {"agency": world.a.code, "to_agency": "no-such-agency", "note": "x"},
    )
    assert response.status_code == 302
    assert _errors(response)
    world.complaint.refresh_from_db()
    assert world.complaint.state == State.RECEIVED


def test_internal_note_is_not_in_the_citizen_timeline(world: World, jpeg: bytes) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = _client(world.officer_a)
    code = world.complaint.tracking_code
    client.post(
        _action("note", code),
        {"agency": world.a.code, "visibility": "internal", "message": "โทรหาผู้รับเหมาแล้ว"},
    )
    client.post(
        _action("note", code),
        {
            "agency": world.a.code,
            "visibility": "public",
            "message": "ส่งช่างไปตรวจแล้ว",
            "photos": [SimpleUploadedFile("a.jpg", jpeg, content_type="image/jpeg")],
        },
    )
    public = [e.message for e in complaint_timeline(complaint=world.complaint)]
    assert "ส่งช่างไปตรวจแล้ว" in public
    assert "โทรหาผู้รับเหมาแล้ว" not in public
    html = client.get(_detail(code)).content.decode()
    assert "โทรหาผู้รับเหมาแล้ว" in html
    assert "cs-internal" in html
    assert world.complaint.photos.filter(stage="after").count() == 1


def test_merge_via_the_page(world: World) -> None:
    dup = complaint_file(text="ไฟส่องสว่างดับทั้งซอย มืดมาก")
    officer = _officer(dup.agency)
    client = _client(officer)
    page = client.get(_detail(dup.tracking_code))
    hits = [h["complaint"].tracking_code for h in page.context["hits"]]
    assert world.complaint.tracking_code in hits
    response = client.post(
        _action("merge", dup.tracking_code),
        {"agency": dup.agency.code, "into": world.complaint.tracking_code.replace("-", "").lower()},
    )
    assert response.status_code == 302
    assert _errors(response) == []
    dup.refresh_from_db()
    assert dup.duplicate_of_id == world.complaint.pk
    assert dup.state == State.DUPLICATE
    response = client.post(
        _action("merge", world.complaint.tracking_code),
        {"agency": dup.agency.code, "into": "ZZZZ-ZZZZ"},
    )
    assert response.status_code in {302, 403}


def test_assign_and_category(world: World) -> None:
    colleague = _officer(world.a)
    client = _client(world.officer_a)
    code = world.complaint.tracking_code
    client.post(_action("assign", code), {"agency": world.a.code, "officer": str(colleague.pk)})
    part = world.complaint.assignments.get(agency=world.a)
    assert part.officer_id == colleague.pk
    response = client.post(
        _action("assign", code), {"agency": world.a.code, "officer": str(world.officer_b.pk)}
    )
    assert _errors(response)
    client.post(_action("category", code), {"agency": world.a.code, "category": "road"})
    world.complaint.refresh_from_db()
    assert world.complaint.category == "road"
    assert world.complaint.events.filter(kind=ComplaintEvent.Kind.CATEGORY).exists()


def test_bulk_accept_reports_the_failing_row(world: World) -> None:
    second = complaint_file(text="ไฟส่องสว่างหน้าวัดดับ")
    assert second.agency_id == world.a.pk
    assignment_transition(
        actor=world.officer_a, complaint=second, agency=world.a, to_state=State.IN_PROGRESS
    )
    client = _client(world.officer_a)
    response = client.post(
        reverse("complaints:staff_bulk"),
        {
            "agency": world.a.code,
            "action": "accept",
            "c": [world.complaint.tracking_code, second.tracking_code],
            "next": reverse("complaints:staff_queue") + f"?agency={world.a.code}",
        },
    )
    assert response.status_code == 302
    errors = _errors(response)
    assert len(errors) == 1
    assert second.tracking_code in errors[0]
    world.complaint.refresh_from_db()
    assert world.complaint.state == State.ACCEPTED
    response = _client(world.officer_a).post(
        reverse("complaints:staff_bulk"),
        {"agency": world.a.code, "action": "assign_me", "c": [second.tracking_code]},
    )
    assert _errors(response) == []
    assert second.assignments.get(agency=world.a).officer_id == world.officer_a.pk


def test_posts_need_the_csrf_token(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.officer_a)
    code = world.complaint.tracking_code
    for name in ("transition", "forward", "assign", "note", "merge", "category"):
        response = client.post(_action(name, code), {"agency": world.a.code})
        assert response.status_code == 403, name
    response = client.post(reverse("complaints:staff_bulk"), {"agency": world.a.code})
    assert response.status_code == 403


def test_user_text_is_escaped(world: World) -> None:
    evil = complaint_file(text='<script>alert("x")</script> ไฟดับ')
    officer = _officer(evil.agency)
    html = _client(officer).get(_detail(evil.tracking_code)).content.decode()
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;" in html


def test_centre_forwards_a_declined_complaint(world: World) -> None:
    code = world.complaint.tracking_code
    assignment_transition(
        actor=world.officer_a,
        complaint=world.complaint,
        agency=world.a,
        to_state=State.NOT_RESPONSIBLE,
        message="ไม่ใช่งานของเขตนี้",
    )
    client = _client(world.centre_officer)
    page = client.get(_detail(code))
    assert page.context["agency"].code == "opm-ops"
    response = client.post(
        _action("forward", code),
        {"agency": "opm-ops", "to_agency": world.b.code, "note": "ส่งให้การไฟฟ้าดำเนินการ"},
    )
    assert _errors(response) == []
    world.complaint.refresh_from_db()
    assert world.complaint.agency_id == world.b.pk
    assert world.complaint.state == State.FORWARDED
