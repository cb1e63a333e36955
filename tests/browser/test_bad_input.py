"""Wrong passwords and mistyped citizen IDs: told what is wrong, where, and nothing is created."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from ddgov.audit.models import AuditRecord
from ddgov.identity.models import Person, User
from ddgov.identity.tests.factories import TEST_PASSWORD, CitizenUserFactory
from ddgov.identity.thaiid import thai_id_check_digit, thai_id_format

from .support import TH, expect_language, language_switch, sign_in, tr

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WRONG_LOGIN_TH = "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"
CHECK_DIGIT_TH = "เลขตรวจสอบหลักสุดท้ายไม่ถูกต้อง"
CHECK_DIGIT_EN = "The check digit is wrong"


def _dashed(digits: str) -> str:
    """The card's dashed layout, for any 13 digits (valid or not)."""
    return f"{digits[0]}-{digits[1:5]}-{digits[5:10]}-{digits[10:12]}-{digits[12]}"


def test_wrong_password_keeps_the_user_on_the_login_page_with_the_name_kept(page: Page) -> None:
    citizen = CitizenUserFactory()
    dashed_id = thai_id_format(citizen.username)

    page.goto("/accounts/login/")
    expect_language(page, "th")
    response_status: list[int] = []
    page.on(
        "response",
        lambda r: response_status.append(r.status) if r.request.method == "POST" else None,
    )
    sign_in(page, dashed_id, "not-the-password-2569")

    assert response_status == [400]
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.get_by_role("alert")).to_contain_text(WRONG_LOGIN_TH)
    expect(page.get_by_label(tr("Citizen ID or user name"), exact=True)).to_have_value(dashed_id)
    expect(page.get_by_label(tr("Password"), exact=True)).to_have_value("")
    # Still signed out.
    expect(
        page.locator("header").get_by_role("link", name=TH["Sign in"], exact=True)
    ).to_be_visible()
    failed = AuditRecord.objects.filter(action="auth.sign_in", outcome=AuditRecord.Outcome.FAILED)
    assert list(failed.values_list("target_id", flat=True)) == [str(citizen.pk)]

    # The right password from the same page then works.
    page.get_by_label(tr("Password"), exact=True).fill(TEST_PASSWORD)
    with page.expect_navigation():
        page.locator("main form").get_by_role("button", name=TH["Sign in"], exact=True).click()
    expect(page).to_have_url(re.compile(r"/me/$"))


def _fill_registration(page: Page, citizen_id: str, language: str) -> None:
    page.get_by_label(tr("Citizen ID (13 digits)", language), exact=True).fill(citizen_id)
    page.get_by_label(tr("First name (Thai)", language), exact=True).fill("วิชัย")
    page.get_by_label(tr("Last name (Thai)", language), exact=True).fill("มั่นคง")
    page.get_by_label(tr("Date of birth", language), exact=True).fill("1979-11-30")
    page.get_by_label(tr("Password", language), exact=True).fill(TEST_PASSWORD)
    page.get_by_label(tr("Password again", language), exact=True).fill(TEST_PASSWORD)
    with page.expect_navigation():
        page.locator("main form").get_by_role(
            "button", name=tr("Create account", language), exact=True
        ).click()


def _expect_only_citizen_id_error(page: Page, message: str) -> None:
    field = page.locator(".field").filter(has=page.locator("#id_citizen_id"))
    expect(field.locator(".errorlist")).to_contain_text(message)
    expect(page.locator(".errorlist")).to_have_count(1)  # no other field complains
    citizen_id = page.locator("#id_citizen_id")
    expect(citizen_id).to_have_attribute("aria-invalid", "true")
    # Screen readers announce the error with the field: its description includes it.
    expect(citizen_id).to_have_accessible_description(re.compile(re.escape(message)))


def test_registering_with_a_bad_check_digit_shows_the_error_by_the_field(page: Page) -> None:
    first_twelve = "110020098765"
    good = thai_id_check_digit(first_twelve)
    bad_id = _dashed(f"{first_twelve}{(good + 1) % 10}")

    page.goto("/accounts/register/")
    expect_language(page, "th")
    _fill_registration(page, bad_id, "th")

    expect(page).to_have_url(re.compile(r"/accounts/register/$"))
    _expect_only_citizen_id_error(page, CHECK_DIGIT_TH)
    expect(page.locator("#id_citizen_id")).to_have_value(bad_id)

    # The same mistake on the English page gets the English explanation.
    language_switch(page, "en")
    _fill_registration(page, bad_id, "en")
    _expect_only_citizen_id_error(page, CHECK_DIGIT_EN)

    assert not Person.objects.exists()
    assert not User.objects.exists()
    assert not AuditRecord.objects.filter(action__in=["person.create", "user.register"]).exists()
    # Signed out still: no account was opened.
    expect(page.locator("header").get_by_role("link", name="Sign in", exact=True)).to_be_visible()

    # Control: with the right check digit the same form opens the account.
    page.get_by_label(tr("Citizen ID (13 digits)", "en"), exact=True).fill(
        _dashed(f"{first_twelve}{good}")
    )
    page.get_by_label(tr("Password", "en"), exact=True).fill(TEST_PASSWORD)
    page.get_by_label(tr("Password again", "en"), exact=True).fill(TEST_PASSWORD)
    with page.expect_navigation():
        page.locator("main form").get_by_role("button", name="Create account", exact=True).click()
    expect(page).to_have_url(re.compile(r"/me/$"))
    person = Person.objects.get()
    assert person.citizen_id == f"{first_twelve}{good}"
    assert person.birth_date == dt.date(1979, 11, 30)
    assert User.objects.get().person == person
