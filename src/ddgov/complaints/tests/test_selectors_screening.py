"""Live duplicate screening over stored complaints: nearby, similar, open, current."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ddgov.complaints.selectors.screening import duplicates_screen
from ddgov.complaints.services.workflow import assignment_transition, complaint_merge
from ddgov.complaints.tests.conftest import BANGKOK, CHIANG_MAI
from ddgov.complaints.tests.factories import complaint_file
from ddgov.identity.tests.factories import MembershipFactory

if TYPE_CHECKING:
    from ddgov.agencies.models import Agency

NEAR = (BANGKOK[0] + 0.0005, BANGKOK[1])  # about 55 m north
LIGHT = "ไฟส่องสว่างดับทั้งซอย มืดมาก อันตรายตอนกลางคืน"


def test_a_nearby_similar_open_complaint_is_suggested_with_a_reason(
    directory: dict[str, Agency],
) -> None:
    existing = complaint_file(text=LIGHT)
    complaint_file(text="ถนนเป็นหลุมใหญ่ รถตกหลุม", category="road")  # same place, other problem
    complaint_file(text=LIGHT, lat=CHIANG_MAI[0], lon=CHIANG_MAI[1])  # same problem, far away

    hits = duplicates_screen(text="ไฟดับทั้งซอย มืดมาก", lat=NEAR[0], lon=NEAR[1], category="lighting")

    assert [h.complaint.pk for h in hits] == [existing.pk]
    candidate = hits[0].candidate
    assert 40 < candidate.distance_m < 70
    assert candidate.category_match == "same"
    assert "ม." in candidate.reason("th")
    assert "m away" in candidate.reason("en")


def test_screening_sees_new_closed_and_merged_complaints(directory: dict[str, Agency]) -> None:
    assert duplicates_screen(text=LIGHT, lat=NEAR[0], lon=NEAR[1]) == []  # builds the index
    first = complaint_file(text=LIGHT)
    assert [h.complaint.pk for h in duplicates_screen(text=LIGHT, lat=NEAR[0], lon=NEAR[1])] == [
        first.pk
    ]
    second = complaint_file(text=LIGHT)
    bma = directory["bkk-1001"]
    officer = MembershipFactory(agency=bma).user
    complaint_merge(actor=officer, duplicate=second, into=first, agency=bma)
    assert [h.complaint.pk for h in duplicates_screen(text=LIGHT, lat=NEAR[0], lon=NEAR[1])] == [
        first.pk
    ]
    assignment_transition(
        actor=officer, complaint=first, agency=bma, to_state="resolved", message="แก้แล้ว"
    )
    assert duplicates_screen(text=LIGHT, lat=NEAR[0], lon=NEAR[1]) == []


def test_a_complaint_is_not_its_own_duplicate_and_no_place_means_no_screening(
    directory: dict[str, Agency],
) -> None:
    first = complaint_file(text=LIGHT)
    assert duplicates_screen(text=LIGHT, lat=BANGKOK[0], lon=BANGKOK[1], exclude=first) == []
    assert duplicates_screen(text=LIGHT, lat=None, lon=None) == []


def test_the_same_category_close_by_is_shown_even_with_other_words(
    directory: dict[str, Agency],
) -> None:
    existing = complaint_file(text="ทางเท้าชำรุด", category="sidewalk")
    far = complaint_file(
        text="ทางเท้าชำรุด", category="sidewalk", lat=BANGKOK[0] + 0.004, lon=BANGKOK[1]
    )  # about 440 m away: outside the same-category radius

    hits = duplicates_screen(
        text="ฟุตบาทพัง", lat=BANGKOK[0] + 0.0002, lon=BANGKOK[1], category="sidewalk"
    )
    assert [h.complaint.pk for h in hits] == [existing.pk]
    assert far.pk not in [h.complaint.pk for h in hits]
    assert hits[0].candidate.category_match == "same"
