"""The workflow: each agency's own status, forwarding, merging, citizens' follow/reopen/rate."""

from __future__ import annotations

import io

import pytest

from ddgov.agencies.models import Agency
from ddgov.audit.models import AuditRecord
from ddgov.complaints.errors import ComplaintError
from ddgov.complaints.models import (
    Assignment,
    Complaint,
    ComplaintEvent,
    ComplaintPhoto,
    Follower,
    Notification,
    State,
)
from ddgov.complaints.selectors.complaints import complaint_timeline
from ddgov.complaints.services.citizen_actions import (
    complaint_follow,
    complaint_rate,
    complaint_reopen,
)
from ddgov.complaints.services.workflow import (
    assignment_transition,
    complaint_assign,
    complaint_category_set,
    complaint_forward,
    complaint_merge,
    complaint_note_add,
    complaints_bulk_transition,
    staff_may_act,
)
from ddgov.complaints.tests.factories import complaint_file
from ddgov.identity.models import Role, User
from ddgov.identity.tests.factories import CitizenUserFactory, MembershipFactory, StaffUserFactory


def _officer(agency: Agency, role: str = Role.OFFICER) -> User:
    return MembershipFactory(agency=agency, role=role).user


def _code(exc: pytest.ExceptionInfo[ComplaintError]) -> str:
    return exc.value.problems[0].code


@pytest.fixture
def filed(directory: dict[str, Agency]) -> Complaint:
    complaint = complaint_file(contact_email="reporter@example.com")
    assert complaint.agency == directory["bkk-1001"]
    return complaint


def test_only_officers_of_the_agency_the_centre_and_admins_may_act(
    directory: dict[str, Agency],
) -> None:
    bma = directory["bkk-1001"]
    assert staff_may_act(actor=_officer(bma), agency=bma)
    assert staff_may_act(actor=_officer(directory["opm-ops"]), agency=bma)
    assert staff_may_act(actor=StaffUserFactory(is_platform_admin=True), agency=bma)
    assert not staff_may_act(actor=_officer(bma, Role.VIEWER), agency=bma)
    assert not staff_may_act(actor=_officer(directory["mea"]), agency=bma)
    assert not staff_may_act(actor=CitizenUserFactory(), agency=bma)
    assert not staff_may_act(actor=None, agency=bma)


def test_an_agency_accepts_works_and_resolves_with_after_photos(
    filed: Complaint, directory: dict[str, Agency], jpeg: bytes
) -> None:
    bma = directory["bkk-1001"]
    officer = _officer(bma)

    assignment_transition(actor=officer, complaint=filed, agency=bma, to_state=State.ACCEPTED)
    assignment_transition(actor=officer, complaint=filed, agency=bma, to_state=State.IN_PROGRESS)
    done = assignment_transition(
        actor=officer,
        complaint=filed,
        agency=bma,
        to_state=State.RESOLVED,
        message="เปลี่ยนหลอดไฟแล้ว",
        photos=[("after.jpg", io.BytesIO(jpeg))],
    )

    assert done.state == State.RESOLVED
    assert done.closed_at is not None
    assert not done.is_open
    part = Assignment.objects.get(complaint=filed, agency=bma)
    assert part.officer == officer
    assert part.state == State.RESOLVED
    assert ComplaintPhoto.objects.get(complaint=filed).stage == ComplaintPhoto.Stage.AFTER
    last = complaint_timeline(complaint=done)[-1]
    assert (last.state, last.message, len(last.photos)) == ("resolved", "เปลี่ยนหลอดไฟแล้ว", 1)
    subjects = list(Notification.objects.filter(complaint=filed).values_list("subject", flat=True))
    assert any("เสร็จสิ้น" in s for s in subjects)
    assert AuditRecord.objects.filter(action="complaint.transition").count() == 3


def test_closing_needs_a_message_and_illegal_moves_are_refused(
    filed: Complaint, directory: dict[str, Agency]
) -> None:
    bma = directory["bkk-1001"]
    officer = _officer(bma)
    with pytest.raises(ComplaintError) as exc:
        assignment_transition(actor=officer, complaint=filed, agency=bma, to_state=State.RESOLVED)
    assert _code(exc) == "message_required"
    with pytest.raises(ComplaintError) as exc:
        assignment_transition(actor=officer, complaint=filed, agency=bma, to_state=State.FORWARDED)
    assert _code(exc) == "transition_not_allowed"
    filed.refresh_from_db()
    assert filed.state == State.RECEIVED


def test_another_agency_cannot_touch_the_complaint(
    filed: Complaint, directory: dict[str, Agency]
) -> None:
    outsider = _officer(directory["mea"])
    with pytest.raises(ComplaintError) as exc:
        assignment_transition(
            actor=outsider, complaint=filed, agency=directory["bkk-1001"], to_state=State.ACCEPTED
        )
    assert _code(exc) == "not_allowed"
    with pytest.raises(ComplaintError) as exc:
        assignment_transition(
            actor=outsider, complaint=filed, agency=directory["mea"], to_state=State.ACCEPTED
        )
    assert _code(exc) == "not_assigned"


def test_forwarding_keeps_each_agencys_status_and_one_timeline(
    filed: Complaint, directory: dict[str, Agency]
) -> None:
    bma, mea = directory["bkk-1001"], directory["mea"]
    assignment_transition(actor=_officer(bma), complaint=filed, agency=bma, to_state=State.ACCEPTED)

    forwarded = complaint_forward(
        actor=_officer(bma), complaint=filed, from_agency=bma, to_agency=mea, note="สายไฟของ กฟน."
    )

    assert forwarded.state == State.FORWARDED
    assert forwarded.agency == mea
    parts = {p.agency.code: p for p in Assignment.objects.filter(complaint=filed)}
    assert parts["bkk-1001"].state == State.FORWARDED
    assert not parts["bkk-1001"].is_lead
    assert parts["mea"].state == State.RECEIVED
    assert parts["mea"].is_lead
    assert parts["mea"].forwarded_from == parts["bkk-1001"]
    assert parts["mea"].note == "สายไฟของ กฟน."

    mea_officer = _officer(mea)
    accepted = assignment_transition(
        actor=mea_officer, complaint=filed, agency=mea, to_state=State.ACCEPTED
    )
    assert accepted.state == State.ACCEPTED
    resolved = assignment_transition(
        actor=mea_officer, complaint=filed, agency=mea, to_state=State.RESOLVED, message="แก้ไขแล้ว"
    )
    assert resolved.state == State.RESOLVED

    public = complaint_timeline(complaint=resolved)
    assert {e.agency_name for e in public} >= {bma.name_th, mea.name_th}
    assert [e.kind for e in public].count(ComplaintEvent.Kind.FORWARDED) == 1
    assert all(e.message != "สายไฟของ กฟน." for e in public)  # the forwarding note is internal
    staff = complaint_timeline(complaint=resolved, staff=True)
    assert any(e.message == "สายไฟของ กฟน." and not e.is_public for e in staff)


def test_the_forwarding_agency_cannot_forward_again_but_the_centre_can(
    filed: Complaint, directory: dict[str, Agency]
) -> None:
    bma, mea, pea = directory["bkk-1001"], directory["mea"], directory["pea"]
    complaint_forward(
        actor=_officer(bma), complaint=filed, from_agency=bma, to_agency=mea, note="ส่ง"
    )
    with pytest.raises(ComplaintError) as exc:
        complaint_forward(
            actor=_officer(bma), complaint=filed, from_agency=bma, to_agency=pea, note="อีกครั้ง"
        )
    assert _code(exc) == "forward_not_allowed"
    with pytest.raises(ComplaintError) as exc:
        complaint_forward(
            actor=_officer(bma), complaint=filed, from_agency=bma, to_agency=bma, note="x"
        )
    assert _code(exc) == "forward_target_invalid"

    mea_officer = _officer(mea)
    assignment_transition(
        actor=mea_officer,
        complaint=filed,
        agency=mea,
        to_state=State.NOT_RESPONSIBLE,
        message="ไม่ใช่พื้นที่ของเรา",
    )
    filed.refresh_from_db()
    assert filed.state == State.NOT_RESPONSIBLE

    centre = directory["opm-ops"]
    again = complaint_forward(
        actor=_officer(centre), complaint=filed, from_agency=centre, to_agency=pea, note="ส่งให้ กฟภ."
    )
    assert again.state == State.FORWARDED
    assert again.agency == pea
    assert again.closed_at is None


def test_merging_closes_the_duplicate_and_keeps_its_followers(
    directory: dict[str, Agency],
) -> None:
    bma = directory["bkk-1001"]
    first = complaint_file(reporter=CitizenUserFactory(email="first@example.com"))
    second_reporter = CitizenUserFactory(email="second@example.com")
    second = complaint_file(reporter=second_reporter)
    officer = _officer(bma)

    merged = complaint_merge(actor=officer, duplicate=second, into=first, agency=bma)

    assert merged.state == State.DUPLICATE
    assert merged.duplicate_of == first
    assert Assignment.objects.get(complaint=second).state == State.DUPLICATE
    assert Follower.objects.filter(complaint=first, user=second_reporter).exists()
    with pytest.raises(ComplaintError) as exc:
        assignment_transition(actor=officer, complaint=second, agency=bma, to_state=State.ACCEPTED)
    assert _code(exc) == "merged"
    with pytest.raises(ComplaintError) as exc:
        complaint_merge(actor=officer, duplicate=first, into=first, agency=bma)
    assert _code(exc) == "merge_self"
    with pytest.raises(ComplaintError) as exc:
        complaint_merge(actor=officer, duplicate=first, into=second, agency=bma)
    assert _code(exc) == "merge_chain"
    assert AuditRecord.objects.filter(action="complaint.merge").count() == 1


def test_following_is_idempotent_and_a_duplicates_follower_follows_the_original(
    directory: dict[str, Agency],
) -> None:
    bma = directory["bkk-1001"]
    first = complaint_file()
    second = complaint_file()
    complaint_merge(actor=_officer(bma), duplicate=second, into=first, agency=bma)
    citizen = CitizenUserFactory()

    follower, created = complaint_follow(complaint=second, user=citizen)
    again, created_again = complaint_follow(complaint=second, user=citizen)
    by_mail, _ = complaint_follow(complaint=first, email=" Me@Example.com ")

    assert created
    assert not created_again
    assert follower.pk == again.pk
    assert follower.complaint == first
    assert by_mail.email == "me@example.com"
    with pytest.raises(ComplaintError) as exc:
        complaint_follow(complaint=first)
    assert _code(exc) == "follower_required"


def test_the_reporter_reopens_and_rates(filed: Complaint, directory: dict[str, Agency]) -> None:
    bma = directory["bkk-1001"]
    reporter = CitizenUserFactory()
    complaint = complaint_file(reporter=reporter)
    officer = _officer(bma)
    with pytest.raises(ComplaintError) as exc:
        complaint_reopen(actor=reporter, complaint=complaint, reason="ยังไม่ได้แก้")
    assert _code(exc) == "not_reopenable"
    assignment_transition(
        actor=officer, complaint=complaint, agency=bma, to_state=State.RESOLVED, message="แก้แล้ว"
    )
    with pytest.raises(ComplaintError) as exc:
        complaint_rate(actor=CitizenUserFactory(), complaint=complaint, rating=5)
    assert _code(exc) == "not_reporter"
    with pytest.raises(ComplaintError) as exc:
        complaint_rate(actor=reporter, complaint=complaint, rating=6)
    assert _code(exc) == "rating_invalid"
    rated = complaint_rate(actor=reporter, complaint=complaint, rating=2, comment="ช้า")
    assert rated.rating == 2

    reopened = complaint_reopen(actor=reporter, complaint=complaint, reason="ไฟดับอีกแล้ว")

    assert reopened.state == State.RECEIVED
    assert reopened.reopen_count == 1
    assert reopened.closed_at is None
    assert reopened.rating is None
    assert Assignment.objects.get(complaint=complaint).state == State.RECEIVED


def test_internal_notes_stay_internal_and_public_updates_reach_followers(
    filed: Complaint, directory: dict[str, Agency]
) -> None:
    bma = directory["bkk-1001"]
    officer = _officer(bma)
    complaint_note_add(
        actor=officer, complaint=filed, agency=bma, message="ผู้รับเหมาช้า", is_public=False
    )
    complaint_note_add(
        actor=officer, complaint=filed, agency=bma, message="นัดช่างวันพรุ่งนี้", is_public=True
    )

    public = [e.message for e in complaint_timeline(complaint=filed)]
    assert "นัดช่างวันพรุ่งนี้" in public
    assert "ผู้รับเหมาช้า" not in public
    bodies = Notification.objects.filter(complaint=filed).values_list("body", flat=True)
    assert any("นัดช่างวันพรุ่งนี้" in b for b in bodies)
    assert not any("ผู้รับเหมาช้า" in b for b in bodies)


def test_assigning_needs_an_officer_of_the_agency(
    filed: Complaint, directory: dict[str, Agency]
) -> None:
    bma = directory["bkk-1001"]
    lead = _officer(bma)
    colleague = _officer(bma)
    part = complaint_assign(actor=lead, complaint=filed, agency=bma, officer=colleague)
    assert part.officer == colleague
    with pytest.raises(ComplaintError) as exc:
        complaint_assign(
            actor=lead, complaint=filed, agency=bma, officer=_officer(directory["mea"])
        )
    assert _code(exc) == "officer_not_member"


def test_category_correction_is_recorded(filed: Complaint, directory: dict[str, Agency]) -> None:
    bma = directory["bkk-1001"]
    changed = complaint_category_set(
        actor=_officer(bma), complaint=filed, agency=bma, category="wires"
    )
    assert changed.category == "wires"
    assert changed.category_source == Complaint.CategorySource.STAFF
    with pytest.raises(ComplaintError):
        complaint_category_set(actor=_officer(bma), complaint=filed, agency=bma, category="nope")


def test_bulk_reports_each_failure_and_applies_the_rest(directory: dict[str, Agency]) -> None:
    bma = directory["bkk-1001"]
    officer = _officer(bma)
    ok = [complaint_file(), complaint_file()]
    done_already = complaint_file()
    assignment_transition(
        actor=officer, complaint=done_already, agency=bma, to_state=State.RESOLVED, message="แล้ว"
    )

    done, failures = complaints_bulk_transition(
        actor=officer, complaints=[*ok, done_already], agency=bma, to_state=State.ACCEPTED
    )

    assert done == 2
    assert [(code, p.code) for code, p in failures] == [
        (done_already.tracking_code, "transition_not_allowed")
    ]
    assert {c.state for c in Complaint.objects.filter(pk__in=[c.pk for c in ok])} == {
        State.ACCEPTED
    }


def test_an_unknown_state_is_a_clear_refusal(
    filed: Complaint, directory: dict[str, Agency]
) -> None:
    bma = directory["bkk-1001"]
    with pytest.raises(ComplaintError) as exc:
        assignment_transition(
            actor=_officer(bma), complaint=filed, agency=bma, to_state="teleported"
        )
    assert _code(exc) == "transition_not_allowed"
    assert "'received' cannot become 'teleported'" in exc.value.problems[0].message_en
