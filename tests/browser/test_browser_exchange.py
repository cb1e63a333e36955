"""The exchange in a browser: a citizen sees who read their data and withdraws a consent;
a provider's data steward reads the monitoring table."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect

from ddgov.exchange.models import ConsentRecord
from ddgov.exchange.tests.factories import AgreementFactory
from ddgov.exchange.tests.test_views_staff import World, build_world, log_call, service_id
from ddgov.identity.tests.factories import TEST_PASSWORD

from .support import TH, expect_language, sign_in, tr

if TYPE_CHECKING:
    from .conftest import Traffic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world() -> World:
    return build_world()


def test_citizen_sees_who_read_their_data_and_withdraws_consent(
    page: Page, world: World, traffic: Traffic
) -> None:
    from ddgov.exchange.services.consent import consent_give

    citizen = world.citizen
    citizen_id = citizen.person.citizen_id
    read = log_call(service=world.service, client=world.consumer, subjects=(citizen_id,))
    refused = log_call(
        service=world.service,
        client=world.consumer,
        subjects=(citizen_id,),
        status=403,
        error="Client.ConsentRequired",
    )
    hidden = log_call(
        service=world.service,
        client=world.consumer,
        subjects=(world.other_citizen.person.citizen_id,),
    )
    agreement = AgreementFactory(
        service=world.service, client=world.consumer, purpose=world.purpose
    )
    consent_give(agreement=agreement, citizen_id=citizen_id, actor=citizen)

    # Sign in: the portal's card counts the two requests and links to both pages.
    page.goto("/accounts/login/")
    sign_in(page, citizen.username, TEST_PASSWORD)
    expect(page).to_have_url(re.compile(r"/me/$"))
    card = page.locator('li[data-card="data_access"]')
    expect(card.locator("h2")).to_have_text(TH["Who read my data"])
    expect(card.get_by_test_id("data-access-count")).to_have_text("2")
    expect(card).to_contain_text("กรมผู้ขอทดสอบ")

    # "Who read my data": both requests (one refused), never the other citizen's.
    card.get_by_role("link", name=tr("See who read my data"), exact=True).click()
    expect(page).to_have_url(re.compile(r"/exchange/me/data-access/$"))
    expect_language(page, "th")
    expect(page.get_by_role("heading", level=1)).to_have_text(TH["Who read my data"])
    row = page.locator(f'tr[data-request-id="{read}"]')
    expect(row).to_be_visible()
    expect(row).to_contain_text("กรมผู้ขอทดสอบ")
    expect(row).to_contain_text("ระบบสวัสดิการทดสอบ")
    expect(row).to_contain_text("ข้อมูลบุคคลทดสอบ")
    expect(row).to_contain_text("ตรวจสิทธิสวัสดิการ")
    expect(row.locator("time")).to_contain_text(re.compile(r"25\d\d \d\d:\d\d น\."))
    expect(page.locator(f'tr[data-request-id="{refused}"]')).to_have_attribute(
        "data-refused", "true"
    )
    expect(page.locator(f'tr[data-request-id="{hidden}"]')).to_have_count(0)

    # "My consents": the given consent, withdrawn with one button; the page says so.
    page.locator("main").get_by_role("link", name=tr("My consents"), exact=True).click()
    expect(page).to_have_url(re.compile(r"/exchange/me/consents/$"))
    item = page.locator(f'li[data-agreement="{agreement.pk}"]')
    expect(item).to_have_attribute("data-state", "given")
    expect(item).to_contain_text(agreement.text_th)
    with page.expect_navigation():
        item.get_by_role("button", name=tr("Withdraw consent"), exact=True).click()
    item = page.locator(f'li[data-agreement="{agreement.pk}"]')
    expect(item).to_have_attribute("data-state", "withdrawn")
    expect(item.get_by_role("button", name=tr("Give consent"), exact=True)).to_be_visible()
    expect(page.locator("ul.messages li")).to_have_count(1)
    record = ConsentRecord.objects.get(agreement=agreement, citizen_id=citizen_id)
    assert record.state == ConsentRecord.State.WITHDRAWN

    assert traffic.off_loopback() == []
    assert not [url for url, status in traffic.responses if status >= 400]


def test_staff_sees_the_monitoring_table(page: Page, world: World, traffic: Traffic) -> None:
    log_call(service=world.service, client=world.consumer)
    log_call(service=world.service, client=world.consumer, status=403, error="Client.AccessDenied")
    log_call(service=world.stranger_service, client=world.stranger)

    page.goto("/accounts/login/")
    sign_in(page, world.steward.username, TEST_PASSWORD)
    page.goto("/exchange/monitoring/")
    expect_language(page, "th")
    expect(page.get_by_role("heading", level=1)).to_have_text(tr("Monitoring"))
    table = page.locator("#monitoring-table")
    row = table.locator(f'tr[data-service="{service_id(world.service)}"]')
    expect(row).to_be_visible()
    expect(row).to_contain_text("ข้อมูลบุคคลทดสอบ")
    expect(row.locator('[data-col="calls"]')).to_have_text("2")
    expect(row.locator('[data-col="refused"]')).to_have_text("1")
    expect(table.locator(f'tr[data-service="{service_id(world.stranger_service)}"]')).to_have_count(
        0
    )

    # The service's name leads to its page with the consumer's grant.
    row.get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(r"/exchange/services/PROV/registry/person/$"))
    expect(page.get_by_test_id("service-id")).to_have_text(service_id(world.service))
    expect(page.locator(f'tr[data-grant="{world.grant.pk}"]')).to_be_visible()
    assert traffic.off_loopback() == []


def test_exchange_pages_name_every_control(page: Page, world: World, traffic: Traffic) -> None:
    """Every form control on the exchange's pages has an accessible name; no ARIA points nowhere."""
    from .test_accessibility import _AX_JS, CONTROLS, _unnamed_controls

    log_call(service=world.service, client=world.consumer)
    AgreementFactory(service=world.service, client=world.consumer, purpose=world.purpose)
    staff_pages = [
        "/exchange/",
        "/exchange/services/PROV/registry/person/",
        "/exchange/services/PROV/registry/person/grants/new/",
        "/exchange/subsystems/PROV/registry/",
        "/exchange/monitoring/",
        "/exchange/log/",
    ]
    page.goto("/accounts/login/")
    sign_in(page, world.steward.username, TEST_PASSWORD)
    for path in staff_pages:
        page.goto(path)
        expect(page.locator("h1")).to_be_visible()
        assert _unnamed_controls(page) == [], path
        assert page.evaluate(_AX_JS, CONTROLS)["dangling"] == [], path

    page.context.clear_cookies()
    page.goto("/accounts/login/")
    sign_in(page, world.citizen.username, TEST_PASSWORD)
    for path in ("/me/", "/exchange/me/data-access/", "/exchange/me/consents/"):
        page.goto(path)
        expect(page.locator("h1")).to_be_visible()
        assert _unnamed_controls(page) == [], path
        assert page.evaluate(_AX_JS, CONTROLS)["dangling"] == [], path
    assert not [url for url, status in traffic.responses if status >= 400]
    assert traffic.off_loopback() == []
