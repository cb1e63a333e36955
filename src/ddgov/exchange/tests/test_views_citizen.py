"""The citizen's "who read my data", consent management and portal card: only ever their own."""

from __future__ import annotations

import datetime as dt
from html import unescape
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ddgov.audit.models import AuditRecord
from ddgov.exchange.models import ConsentRecord, DataAgreement
from ddgov.exchange.tests.factories import AgreementFactory
from ddgov.exchange.tests.test_views_staff import World, build_world, log_call

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return build_world()


@pytest.fixture
def agreement(world: World) -> DataAgreement:
    return AgreementFactory(
        service=world.service,
        client=world.consumer,
        purpose=world.purpose,
        text_th="ยินยอมให้กรมผู้ขอทดสอบอ่านข้อมูลบุคคลเพื่อตรวจสิทธิ",
        text_en="I let the consumer department read my person data to check welfare rights.",
    )


def _html(response: Any) -> str:
    return unescape(response.content.decode())


def _state(html: str, agreement: DataAgreement) -> str:
    head = html.split(f'data-agreement="{agreement.pk}"', 1)[1]
    return head.split('data-state="', 1)[1].split('"', 1)[0]


CITIZEN_PAGES = ("exchange:data_access", "exchange:consents")


def test_citizen_pages_need_sign_in(client: Client, world: World) -> None:
    for name in CITIZEN_PAGES:
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("identity:login"))


def test_staff_are_sent_to_their_back_office(client: Client, world: World) -> None:
    client.force_login(world.steward)
    for name in CITIZEN_PAGES:
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"] == reverse("portal:staff_home")


# --- who read my data ------------------------------------------------------------------------


def test_who_read_my_data_lists_my_accesses_only(client: Client, world: World) -> None:
    mine = world.citizen.person.citizen_id
    theirs = world.other_citizen.person.citizen_id
    at = timezone.now() - dt.timedelta(hours=2)
    read = log_call(service=world.service, client=world.consumer, subjects=(mine,), at=at)
    refused = log_call(
        service=world.service,
        client=world.consumer,
        subjects=(mine,),
        status=403,
        error="Client.ConsentRequired",
    )
    other = log_call(service=world.service, client=world.consumer, subjects=(theirs,))

    client.force_login(world.citizen)
    response = client.get(reverse("exchange:data_access"))
    assert response.status_code == 200
    html = _html(response)
    assert '<html lang="th">' in html
    assert f'data-request-id="{read}"' in html
    assert f'data-request-id="{refused}" data-refused="true"' in html
    assert f'data-request-id="{other}"' not in html
    assert theirs not in html
    # Which agency, which system, which data, which purpose, in Thai, with a Buddhist-era date.
    assert "กรมผู้ขอทดสอบ" in html
    assert "ระบบสวัสดิการทดสอบ" in html
    assert "ข้อมูลบุคคลทดสอบ" in html
    assert "ตรวจสิทธิสวัสดิการ" in html
    local = timezone.localtime(at)
    assert f"{local.year + 543} {local:%H:%M} น." in html

    client.force_login(world.other_citizen)
    html = _html(client.get(reverse("exchange:data_access")))
    assert f'data-request-id="{other}"' in html
    assert f'data-request-id="{read}"' not in html
    assert mine not in html


def test_who_read_my_data_in_english(client: Client, world: World) -> None:
    mine = world.citizen.person.citizen_id
    at = timezone.now() - dt.timedelta(hours=2)
    log_call(service=world.service, client=world.consumer, subjects=(mine,), at=at)
    client.force_login(world.citizen)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = _html(client.get(reverse("exchange:data_access")))
    assert '<html lang="en">' in html
    assert "Test Consumer Dept" in html
    assert "Test person data" in html
    assert "Welfare check" in html
    assert f"{timezone.localtime(at).year} " in html
    assert "Who read my data" in html


def test_unknown_purpose_codes_are_shown_as_unknown(client: Client, world: World) -> None:
    """Review 6 #5: the tracker never echoes a purpose code nobody defined (mojibake, junk)."""
    mine = world.citizen.person.citizen_id
    junk = "ตรวจ".encode().decode("latin-1") + "-junk"  # Thai X-Purpose read as Latin-1
    odd = log_call(service=world.service, client=world.consumer, subjects=(mine,), purpose=junk)
    none = log_call(
        service=world.service,
        client=world.consumer,
        subjects=(mine,),
        purpose="",
        status=400,
        error="Client.PurposeRequired",
    )
    client.force_login(world.citizen)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = _html(client.get(reverse("exchange:data_access")))
    assert junk not in html
    row = html.split(f'data-request-id="{odd}"', 1)[1].split("</tr>", 1)[0]
    assert '<td data-purpose-unknown="true">Unknown purpose</td>' in row
    row = html.split(f'data-request-id="{none}"', 1)[1].split("</tr>", 1)[0]
    assert "<td>—</td>" in row
    assert "data-purpose-unknown" not in row
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "th"
    html = _html(client.get(reverse("exchange:data_access")))
    assert junk not in html
    assert html.count('data-purpose-unknown="true"') == 1


def test_who_read_my_data_pages(client: Client, world: World) -> None:
    mine = world.citizen.person.citizen_id
    base = timezone.now() - dt.timedelta(hours=3)
    ids = [
        log_call(
            service=world.service,
            client=world.consumer,
            subjects=(mine,),
            at=base + dt.timedelta(seconds=i),
        )
        for i in range(53)
    ]
    client.force_login(world.citizen)
    first = _html(client.get(reverse("exchange:data_access")))
    second = _html(client.get(reverse("exchange:data_access"), {"page": "2"}))
    on_first = [i for i in ids if f'data-request-id="{i}"' in first]
    on_second = [i for i in ids if f'data-request-id="{i}"' in second]
    assert len(on_first) == 50
    assert len(on_second) == 3
    assert ids[-1] in on_first  # newest first
    assert ids[0] in on_second
    assert 'data-testid="access-total">53 ' in first
    assert 'rel="next"' in first
    assert 'rel="next"' not in second


def test_nobody_read_my_data_yet(client: Client, world: World) -> None:
    client.force_login(world.citizen)
    response = client.get(reverse("exchange:data_access"))
    assert response.status_code == 200
    assert "data-request-id=" not in _html(response)


# --- consents ----------------------------------------------------------------------------------


def test_citizen_gives_withdraws_and_gives_again(
    client: Client, world: World, agreement: DataAgreement
) -> None:
    citizen_id = world.citizen.person.citizen_id
    client.force_login(world.citizen)
    html = _html(client.get(reverse("exchange:consents")))
    assert _state(html, agreement) == "none"
    assert agreement.text_th in html

    url = reverse("exchange:consent_change", kwargs={"agreement_id": agreement.pk})
    response = client.post(url, {"action": "give"}, follow=True)
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]]  # a confirmation is shown
    record = ConsentRecord.objects.get(agreement=agreement, citizen_id=citizen_id)
    assert record.state == ConsentRecord.State.GIVEN
    assert _state(_html(response), agreement) == "given"

    response = client.post(url, {"action": "withdraw"}, follow=True)
    record.refresh_from_db()
    assert record.state == ConsentRecord.State.WITHDRAWN
    assert _state(_html(response), agreement) == "withdrawn"

    client.post(url, {"action": "give"})
    record.refresh_from_db()
    assert record.state == ConsentRecord.State.GIVEN
    # Every change went through the consent services, which sign and audit it.
    assert record.events.count() == 3
    assert AuditRecord.objects.filter(action__startswith="exchange.consent").count() >= 3
    # The other citizen's consent is untouched.
    assert not ConsentRecord.objects.filter(
        agreement=agreement, citizen_id=world.other_citizen.person.citizen_id
    ).exists()


def test_one_citizen_cannot_touch_anothers_consent(
    client: Client, world: World, agreement: DataAgreement
) -> None:
    url = reverse("exchange:consent_change", kwargs={"agreement_id": agreement.pk})
    client.force_login(world.citizen)
    client.post(url, {"action": "give"})
    client.force_login(world.other_citizen)
    html = _html(client.get(reverse("exchange:consents")))
    assert _state(html, agreement) == "none"  # the other citizen's own state, not mine
    client.post(url, {"action": "withdraw"})  # nothing of theirs to withdraw
    record = ConsentRecord.objects.get(
        agreement=agreement, citizen_id=world.citizen.person.citizen_id
    )
    assert record.state == ConsentRecord.State.GIVEN
    assert not ConsentRecord.objects.filter(
        agreement=agreement, citizen_id=world.other_citizen.person.citizen_id
    ).exists()


def test_consent_posts_need_csrf_post_and_a_known_agreement(
    world: World, agreement: DataAgreement
) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.citizen)
    url = reverse("exchange:consent_change", kwargs={"agreement_id": agreement.pk})
    assert browser.post(url, {"action": "give"}).status_code == 403
    assert not ConsentRecord.objects.filter(agreement=agreement).exists()

    plain = Client()
    plain.force_login(world.citizen)
    assert plain.get(url).status_code == 405
    assert plain.post(url, {"action": "sell"}).status_code == 400
    missing = reverse("exchange:consent_change", kwargs={"agreement_id": agreement.pk + 999})
    assert plain.post(missing, {"action": "give"}).status_code == 404
    inactive = AgreementFactory(
        service=world.service, client=world.stranger, purpose=world.purpose, is_active=False
    )
    gone = reverse("exchange:consent_change", kwargs={"agreement_id": inactive.pk})
    assert plain.post(gone, {"action": "give"}).status_code == 404
    assert not ConsentRecord.objects.filter(agreement=agreement).exists()

    plain.force_login(world.steward)  # staff have no consent of their own to give
    assert plain.post(url, {"action": "give"}).status_code == 302
    assert not ConsentRecord.objects.filter(agreement=agreement).exists()


# --- the portal card ---------------------------------------------------------------------------


def test_portal_card_counts_my_accesses_and_links_both_pages(client: Client, world: World) -> None:
    mine = world.citizen.person.citizen_id
    for _ in range(2):
        log_call(service=world.service, client=world.consumer, subjects=(mine,))
    log_call(
        service=world.service,
        client=world.consumer,
        subjects=(world.other_citizen.person.citizen_id,),
    )
    client.force_login(world.citizen)
    html = _html(client.get(reverse("portal:citizen_home")))
    card = html.split('data-card="data_access"', 1)[1].split('<li class="card"', 1)[0]
    assert "ใครเข้าถึงข้อมูลของฉัน" in card
    assert 'data-testid="data-access-count">2<' in card
    assert "กรมผู้ขอทดสอบ" in card
    assert reverse("exchange:data_access") in card
    assert reverse("exchange:consents") in card

    client.force_login(world.other_citizen)
    html = _html(client.get(reverse("portal:citizen_home")))
    assert 'data-testid="data-access-count">1<' in html
