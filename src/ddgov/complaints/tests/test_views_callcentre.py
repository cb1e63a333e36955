"""The 1111 operator's form: who may use it, filing, idempotency by nonce, problems shown at once."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from ddgov.agencies.models import Agency
from ddgov.complaints.models import Channel, Complaint
from ddgov.identity.models import Role, User
from ddgov.identity.tests.factories import MembershipFactory, StaffUserFactory

pytestmark = pytest.mark.django_db
URL = "complaints:staff_call"


@pytest.fixture
def operator(directory: dict[str, Agency]) -> User:
    return MembershipFactory(
        user=StaffUserFactory(), agency=directory["opm-ops"], role=Role.OFFICER
    ).user


def _client(user: User, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


def _nonce(html: str) -> str:
    found = re.search(r'name="nonce" value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="nonce"', html
    )
    assert found is not None
    return found.group(1)


def _call(nonce: str, **fields: str) -> dict[str, str]:
    data = {
        "nonce": nonce,
        "text": "ไฟฟ้าส่องสว่างดับหน้าตลาด มืดมาก",
        "category": "",
        "subdistrict_code": "",
        "address": "",
        "lat": "13.7563",
        "lon": "100.5018",
        "contact_name": "นายโทร มาแจ้ง",
        "contact_phone": "0812345678",
        "contact_email": "",
    }
    data.update(fields)
    return data


def test_only_centre_officers_use_it(directory: dict[str, Agency], operator: User) -> None:
    assert Client().get(reverse(URL)).status_code == 302
    other = MembershipFactory(user=StaffUserFactory(), agency=directory["bma"]).user
    assert _client(other).get(reverse(URL)).status_code == 403
    response = _client(operator).get(reverse(URL))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="th"' in html
    assert "autofocus" in html
    assert 'accesskey="1"' in html
    assert 'accesskey="s"' in html


def test_filing_shows_the_code_and_a_fresh_form(operator: User) -> None:
    client = _client(operator)
    nonce = _nonce(client.get(reverse(URL)).content.decode())
    response = client.post(reverse(URL), _call(nonce, is_anonymous="on"))
    assert response.status_code == 200
    complaint = Complaint.objects.get()
    assert complaint.channel == Channel.CALL_CENTRE
    assert complaint.reporter is None
    assert complaint.intake_key == f"call:{nonce}"
    assert complaint.is_anonymous
    assert complaint.contact_phone == "0812345678"
    html = response.content.decode()
    assert complaint.tracking_code in html
    assert 'data-testid="call-tracking-code"' in html
    assert _nonce(html) != nonce  # the next call gets a new key
    assert "ไฟฟ้าส่องสว่างดับหน้าตลาด" not in html  # and an empty form


def test_filing_is_idempotent_by_nonce(operator: User) -> None:
    client = _client(operator)
    nonce = _nonce(client.get(reverse(URL)).content.decode())
    first = client.post(reverse(URL), _call(nonce))
    again = client.post(reverse(URL), _call(nonce))
    assert Complaint.objects.count() == 1
    code = Complaint.objects.get().tracking_code
    assert code in first.content.decode()
    assert code in again.content.decode()
    assert again.context["created"] is False


def test_all_problems_at_once_and_values_kept(operator: User) -> None:
    client = _client(operator)
    nonce = _nonce(client.get(reverse(URL)).content.decode())
    response = client.post(
        reverse(URL),
        _call(nonce, text="", lat="", lon="", contact_phone="abc", contact_name="ผู้โทรคนเดิม"),
    )
    assert response.status_code == 400
    assert Complaint.objects.count() == 0
    form = response.context["form"]
    assert set(form.errors) >= {"text", "subdistrict_code", "contact_phone"}
    response = client.post(
        reverse(URL),
        _call(nonce, lat="", lon="", contact_phone="abc", contact_name="ผู้โทรคนเดิม"),
    )
    form = response.context["form"]
    assert set(form.errors) >= {"subdistrict_code", "contact_phone"}
    html = response.content.decode()
    assert "ผู้โทรคนเดิม" in html
    assert "ไฟฟ้าส่องสว่างดับหน้าตลาด" in html
    assert "กรุณาระบุตำแหน่ง" in html
    assert Complaint.objects.count() == 0
    assert form.data["category"]  # the classifier's suggestion is pre-selected


def test_subdistrict_code_is_a_place(operator: User) -> None:
    client = _client(operator)
    nonce = _nonce(client.get(reverse(URL)).content.decode())
    client.post(reverse(URL), _call(nonce, lat="", lon="", subdistrict_code="500101"))
    complaint = Complaint.objects.get()
    assert complaint.district_code == "5001"


def test_csrf_is_enforced(operator: User) -> None:
    client = _client(operator, csrf=True)
    assert client.post(reverse(URL), _call("abcdefgh12345678")).status_code == 403
    assert Complaint.objects.count() == 0
