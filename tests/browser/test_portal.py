"""A citizen signs in with a dashed citizen ID and uses "my services" in Thai and in English."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from ddgov.identity.tests.factories import TEST_PASSWORD, CitizenUserFactory, PersonFactory
from ddgov.identity.thaiid import thai_id_format

from .support import TH, expect_language, language_switch, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BIRTH_DATE = dt.date(1990, 3, 7)
CARDS = ["benefits", "complaints", "documents", "data_access"]


@pytest.fixture
def citizen():
    person = PersonFactory(
        title_th="นางสาว",
        first_name_th="มาลี",
        last_name_th="ศรีสุข",
        title_en="Ms.",
        first_name_en="Malee",
        last_name_en="Srisuk",
        birth_date=BIRTH_DATE,
    )
    return CitizenUserFactory(person=person)


def test_citizen_signs_in_and_reads_services_and_record_in_thai_and_english(
    page: Page, citizen
) -> None:
    person = citizen.person
    dashed_id = thai_id_format(person.citizen_id)
    assert dashed_id.count("-") == 4  # typed as on the ID card, not as stored

    # The front page, Thai first.
    page.goto("/")
    expect_language(page, "th")
    page.locator("header").get_by_role("link", name=TH["Sign in"], exact=True).click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect_language(page, "th")

    sign_in(page, dashed_id, TEST_PASSWORD)

    # "My services" in Thai: the four cards and the citizen's Thai name.
    expect(page).to_have_url(re.compile(r"/me/$"))
    expect_language(page, "th")
    expect(page.get_by_role("heading", level=1)).to_have_text(TH["My services"])
    cards = page.locator("li[data-card]")
    expect(cards.first).to_be_visible()
    keys = [cards.nth(i).get_attribute("data-card") for i in range(cards.count())]
    assert [k for k in keys if k in CARDS] == CARDS, keys
    for key in CARDS:
        expect(page.locator(f'li[data-card="{key}"] h2')).not_to_be_empty()
    expect(page.locator('li[data-card="data_access"] h2')).to_have_text(TH["Who read my data"])
    expect(page.locator("main .lead")).to_contain_text("นางสาวมาลี ศรีสุข")

    # The same page in English, through the header's language form.
    language_switch(page, "en")
    expect(page).to_have_url(re.compile(r"/me/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My services")
    expect(page.locator('li[data-card="data_access"] h2')).to_have_text("Who read my data")
    expect(page.locator("main .lead")).to_contain_text("Ms. Malee Srisuk")
    expect(page.locator("li[data-card]")).to_have_count(cards.count())

    # "My record": the birth date in A.D. for English readers ...
    page.locator("header").get_by_role("link", name="My record", exact=True).click()
    expect(page).to_have_url(re.compile(r"/me/profile/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My record")
    birth = page.locator(f'time[datetime="{BIRTH_DATE:%Y-%m-%d}"]')
    expect(birth).to_have_text(f"{BIRTH_DATE.day} March {BIRTH_DATE.year}")
    expect(page.locator("main")).to_contain_text(dashed_id)

    # ... and in the Buddhist era (A.D. + 543) with the Thai month for Thai readers.
    language_switch(page, "th")
    expect(page).to_have_url(re.compile(r"/me/profile/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(TH["My record"])
    expect(birth).to_have_text(f"{BIRTH_DATE.day} มีนาคม {BIRTH_DATE.year + 543}")

    # Sign out: back on the front page, and "my services" needs a sign-in again.
    page.locator("header").get_by_role("button", name=TH["Sign out"], exact=True).click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(
        page.locator("header").get_by_role("link", name=TH["Sign in"], exact=True)
    ).to_be_visible()
    expect(page.locator("header").get_by_role("button", name=TH["Sign out"])).to_have_count(0)
    page.goto("/me/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/me/$"))
