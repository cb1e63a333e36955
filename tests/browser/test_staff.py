"""Staff pick one of their agencies, switch to another, and are refused (and audited) elsewhere."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from ddgov.agencies.tests.factories import DepartmentFactory
from ddgov.audit.models import AuditRecord
from ddgov.identity.models import Role, User
from ddgov.identity.tests.factories import TEST_PASSWORD, MembershipFactory, StaffUserFactory

from .support import TH, expect_language, language_switch, sign_in, tr, tr_label

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REFUSAL_TH = "คุณไม่มีสิทธิ์เข้าถึงข้อมูลของหน่วยงานนี้"
REFUSAL_EN = "You do not have access to this agency."


@dataclass
class Office:
    user: User
    colleague: User


@pytest.fixture
def office() -> Office:
    """A staff user: officer in one department, data steward in another, stranger to a third."""
    user = StaffUserFactory(username="somsri.staff")
    land = DepartmentFactory(code="dept-land", name_th="กรมที่ดินทดสอบ", name_en="Test Land Dept")
    water = DepartmentFactory(
        code="dept-water", name_th="กรมทรัพยากรน้ำทดสอบ", name_en="Test Water Dept"
    )
    secret = DepartmentFactory(code="dept-secret", name_th="กรมที่ไม่ใช่ของฉัน", name_en="Not My Dept")
    MembershipFactory(user=user, agency=land, role=Role.OFFICER)
    MembershipFactory(user=user, agency=water, role=Role.DATA_STEWARD)
    colleague = MembershipFactory(agency=land, role=Role.VIEWER).user
    MembershipFactory(agency=secret, role=Role.ADMIN)
    return Office(user=user, colleague=colleague)


def _expect_agency_page(page: Page, code: str, name: str, staff: dict[str, str]) -> None:
    """The agency's page: its name, the signed-in user's role badge, and a row per staff member."""
    expect(page).to_have_url(re.compile(rf"/staff/agencies/{code}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    own_role = tr_label(Role(staff["somsri.staff"]).label)
    expect(page.locator("main")).to_contain_text(f"{tr('Your role')}: {own_role}")
    rows = page.get_by_role("table", name=tr("Staff and their roles")).locator("tbody tr")
    expect(rows).to_have_count(len(staff))
    for username, role in staff.items():
        expect(rows.filter(has_text=username)).to_contain_text(tr_label(Role(role).label))


def _submit(page: Page, button: str) -> None:
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name=button, exact=True).click()


def test_staff_switch_between_their_agencies_and_are_refused_another(
    page: Page, office: Office
) -> None:
    # Sign in from the header; staff land on the back office's agency switcher.
    page.goto("/")
    page.locator("header").get_by_role("link", name=TH["Sign in"], exact=True).click()
    sign_in(page, "somsri.staff", TEST_PASSWORD)
    expect(page).to_have_url(re.compile(r"/staff/$"))
    expect_language(page, "th")
    expect(page.get_by_role("heading", level=1)).to_have_text(TH["Back office"])
    chooser = page.get_by_label(tr("Work for agency"), exact=True)
    options = chooser.locator("option")
    expect(options).to_have_count(2)  # only their own two agencies are offered
    assert sorted(o.get_attribute("value") for o in options.all()) == ["dept-land", "dept-water"]

    # Choose the first: its name, the user's role there, and its staff table.
    chooser.select_option("dept-land")
    _submit(page, tr("Open"))
    _expect_agency_page(
        page,
        "dept-land",
        "กรมที่ดินทดสอบ",
        {"somsri.staff": Role.OFFICER, office.colleague.username: Role.VIEWER},
    )
    expect(page.get_by_role("heading", name=tr("Audit trail"))).to_have_count(0)  # officer

    # Switch to the second agency with the form on the agency page.
    switcher = page.get_by_label(tr("Switch agency"), exact=True)
    expect(switcher.locator("option")).to_have_count(1)
    switcher.select_option("dept-water")
    _submit(page, tr("Switch"))
    _expect_agency_page(
        page, "dept-water", "กรมทรัพยากรน้ำทดสอบ", {"somsri.staff": Role.DATA_STEWARD}
    )
    expect(page.get_by_role("heading", name=tr("Audit trail"))).to_be_visible()  # steward

    # The back office link now goes straight to the current agency.
    page.locator("header").get_by_role("link", name=TH["Back office"], exact=True).click()
    expect(page).to_have_url(re.compile(r"/staff/agencies/dept-water/$"))
    denied = AuditRecord.objects.filter(outcome=AuditRecord.Outcome.DENIED)
    assert not denied.exists()

    # Typing another agency's address: refused with the bilingual reason, and audited.
    response = page.goto("/staff/agencies/dept-secret/")
    assert response is not None
    assert response.status == 403
    expect_language(page, "th")
    expect(page.get_by_role("heading", level=1)).to_have_text(tr("Access denied"))
    expect(page.get_by_role("alert")).to_contain_text(REFUSAL_TH)
    expect(page.locator("main")).not_to_contain_text("กรมที่ไม่ใช่ของฉัน")
    assert list(denied.values_list("actor_id", "agency_code", "action", "target_id")) == [
        (office.user.pk, "dept-secret", "agency.read", "dept-secret")
    ]

    # The same refusal in English (the language form posts back to the refused address).
    language_switch(page, "en")
    expect(page).to_have_url(re.compile(r"/staff/agencies/dept-secret/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Access denied")
    expect(page.get_by_role("alert")).to_contain_text(REFUSAL_EN)
    expect(page.locator("main")).not_to_contain_text("Not My Dept")
    assert denied.count() == 2
    assert set(denied.values_list("actor_id", "agency_code")) == {(office.user.pk, "dept-secret")}
