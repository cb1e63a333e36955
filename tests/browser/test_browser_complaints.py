"""The 1111 centre in a browser: a citizen files a complaint; another, about to file the same
problem, is shown it as a likely duplicate and follows it instead; an officer forwards it to
another agency, which resolves it; the first citizen's tracking page shows the whole timeline."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect

from ddgov.agencies.models import Agency
from ddgov.complaints.models import Assignment, Complaint, Follower, State
from ddgov.complaints.tests.conftest import BANGKOK, directory  # noqa: F401 - fixture
from ddgov.identity.models import Role, User
from ddgov.identity.tests.factories import (
    TEST_PASSWORD,
    CitizenUserFactory,
    MembershipFactory,
    StaffUserFactory,
)

from .support import expect_language, sign_in

if TYPE_CHECKING:
    from .conftest import Traffic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIGHT = "ไฟส่องสว่างดับทั้งซอย มืดมาก อันตรายตอนกลางคืน หน้าปากซอยราชดำเนิน"
SAME = "ไฟดับทั้งซอยมืดมาก อันตรายตอนกลางคืน"
NOTE = "สายไฟและหลอดไฟของ กฟน."
FIXED = "เปลี่ยนหลอดไฟและซ่อมสายแล้ว"


def _sign_out(page: Page) -> None:
    page.context.clear_cookies()


def _file(page: Page, citizen: User, district: Agency) -> Complaint:
    """A citizen files a complaint with a map position typed in."""
    page.goto("/accounts/login/")
    sign_in(page, citizen.username, TEST_PASSWORD)
    page.goto("/complaints/new/")
    expect_language(page, "th")
    page.locator("#id_text").fill(LIGHT)
    page.locator("#id_lat").fill(str(BANGKOK[0]))
    page.locator("#id_lon").fill(str(BANGKOK[1]))
    page.locator("#submit-complaint").click()
    expect(page).to_have_url(re.compile(r"/complaints/t/[0-9A-Z]{4}-[0-9A-Z]{4}/$"), timeout=20_000)
    code = page.get_by_test_id("tracking-code").inner_text().strip()
    complaint = Complaint.objects.get(tracking_code=code)
    assert complaint.agency == district
    assert complaint.reporter == citizen
    expect(page.get_by_test_id("status-badge")).to_have_attribute("data-state", "received")
    return complaint


def _follow_instead_of_filing(page: Page, citizen: User, complaint: Complaint) -> None:
    """Another citizen starts on the same problem 30 m away, sees it, and follows it."""
    code = complaint.tracking_code
    _sign_out(page)
    page.goto("/accounts/login/")
    sign_in(page, citizen.username, TEST_PASSWORD)
    page.goto("/complaints/new/")
    page.locator("#id_lat").fill(str(BANGKOK[0] + 0.0003))
    page.locator("#id_lon").fill(str(BANGKOK[1]))
    page.locator("#id_text").fill(SAME)
    suggestion = page.locator(f'#duplicate-list > li[data-testid="duplicate"][data-code="{code}"]')
    expect(suggestion).to_be_visible()
    expect(suggestion.get_by_test_id("duplicate-reason")).to_contain_text("ม.")
    suggestion.get_by_test_id("follow-button").click()
    expect(page).to_have_url(re.compile(rf"/complaints/t/{code}/$"))
    expect(page.get_by_test_id("following")).to_be_visible()
    assert Complaint.objects.count() == 1
    assert Follower.objects.filter(complaint=complaint, user=citizen).exists()


def _forward(page: Page, officer: User, complaint: Complaint, to: Agency) -> None:
    """The lead agency's officer forwards the complaint with an internal note."""
    code = complaint.tracking_code
    _sign_out(page)
    page.goto("/accounts/login/")
    sign_in(page, officer.username, TEST_PASSWORD)
    page.goto(f"/complaints/staff/c/{code}/")
    page.locator("#forward-agency").select_option(to.code)
    page.locator("#forward-note").fill(NOTE)
    page.get_by_test_id("forward-submit").click()
    expect(page).to_have_url(re.compile(rf"/complaints/staff/c/{code}/(\?.*)?$"))
    complaint.refresh_from_db()
    assert complaint.state == State.FORWARDED
    assert complaint.agency == to


def _resolve(page: Page, officer: User, complaint: Complaint) -> None:
    """The receiving agency finds it in its queue, accepts it and resolves it publicly."""
    code = complaint.tracking_code
    _sign_out(page)
    page.goto("/accounts/login/")
    sign_in(page, officer.username, TEST_PASSWORD)
    page.goto("/complaints/staff/")
    expect(page.locator(f'[data-testid="queue-row"][data-code="{code}"]')).to_be_visible()
    page.goto(f"/complaints/staff/c/{code}/")
    page.locator("#transition-state").select_option(State.ACCEPTED)
    page.get_by_test_id("transition-submit").click()
    expect(page).to_have_url(re.compile(rf"/complaints/staff/c/{code}/(\?.*)?$"))
    page.locator("#transition-state").select_option(State.RESOLVED)
    page.locator("#transition-message").fill(FIXED)
    page.get_by_test_id("transition-submit").click()
    expect(page).to_have_url(re.compile(rf"/complaints/staff/c/{code}/(\?.*)?$"))


def test_file_follow_forward_resolve_track(
    page: Page,
    directory: dict[str, Agency],  # noqa: F811 - the fixture
    traffic: Traffic,
) -> None:
    district, mea = directory["bkk-1001"], directory["mea"]  # the Phra Nakhon district office
    district_officer = StaffUserFactory(username="phranakhon.officer")
    MembershipFactory(user=district_officer, agency=district, role=Role.OFFICER)
    mea_officer = StaffUserFactory(username="mea.officer")
    MembershipFactory(user=mea_officer, agency=mea, role=Role.OFFICER)

    complaint = _file(page, CitizenUserFactory(), district)
    _follow_instead_of_filing(page, CitizenUserFactory(), complaint)
    _forward(page, district_officer, complaint, mea)
    _resolve(page, mea_officer, complaint)
    parts = {p.agency_id: p.state for p in Assignment.objects.filter(complaint=complaint)}
    assert parts == {district.pk: State.FORWARDED, mea.pk: State.RESOLVED}

    # Anyone with the code sees the whole timeline, across both agencies, without signing in.
    _sign_out(page)
    page.goto(f"/complaints/t/{complaint.tracking_code}/")
    expect(page.get_by_test_id("status-badge")).to_have_attribute("data-state", "resolved")
    expect(page.locator("#status")).to_have_attribute("data-open311", "closed")
    timeline = page.locator('#timeline > li[data-testid="timeline-item"]')
    kinds = [timeline.nth(i).get_attribute("data-kind") for i in range(timeline.count())]
    assert kinds[:2] == ["submitted", "routed"]
    assert "forwarded" in kinds
    assert kinds[-1] == "state"
    expect(page.locator("#timeline")).to_contain_text(FIXED)
    expect(page.locator("#timeline")).to_contain_text(mea.name_th)
    expect(page.locator("#timeline")).to_contain_text(district.name_th)
    expect(page.locator("#timeline")).not_to_contain_text(NOTE)  # the forwarding note is internal
    expect(page.locator("#parts > li[data-agency]")).to_have_count(2)
    assert traffic.off_loopback() == []
