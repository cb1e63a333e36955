"""Two-step sign-in for staff: a password alone does not open a session once TOTP is on."""

from __future__ import annotations

import base64

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from ddgov.audit.models import AuditRecord
from ddgov.audit.services import audit_chain_verify
from ddgov.identity.tests.factories import TEST_PASSWORD, CitizenUserFactory, StaffUserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
CODE_STEP = "/accounts/login/code/"
ENROL = "/accounts/two-step/"
WRONG_CODE_MESSAGE = "The code is wrong or expired. / รหัสไม่ถูกต้องหรือหมดอายุ"


def _code(key: bytes, device: TOTPDevice, drift: int = 0) -> str:
    """The code an authenticator app holding ``key`` shows now (``drift`` steps away)."""
    value = totp(key, step=device.step, t0=device.t0, digits=device.digits, drift=drift)
    return f"{value:0{device.digits}d}"


def _wrong_code(device: TOTPDevice) -> str:
    """A code that is valid in no step the device tolerates, so the test cannot pass by luck."""
    valid = {_code(device.bin_key, device, drift) for drift in range(-3, 4)}
    return next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in valid)


def _signed_in_user_id(client) -> str | None:
    return client.session.get("_auth_user_id")


@pytest.fixture
def staff_with_totp():
    staff = StaffUserFactory()
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    return staff, device


def _password_step(client, user):
    return client.post(LOGIN, {"username": user.username, "password": TEST_PASSWORD})


def test_password_alone_does_not_sign_staff_with_totp_in(client, staff_with_totp):
    staff, _device = staff_with_totp

    response = _password_step(client, staff)

    assert response.status_code == 302
    assert response["Location"] == CODE_STEP
    assert _signed_in_user_id(client) is None
    protected = client.get(ENROL)
    assert protected.status_code == 302
    assert protected["Location"].startswith(LOGIN)
    assert client.get(CODE_STEP).status_code == 200


def test_a_valid_code_completes_the_sign_in(client, staff_with_totp):
    staff, device = staff_with_totp
    _password_step(client, staff)

    response = client.post(CODE_STEP, {"token": _code(device.bin_key, device)})

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:staff_home")
    assert _signed_in_user_id(client) == str(staff.pk)
    assert client.get(ENROL).status_code == 200
    # The pending state is gone: the code step cannot be replayed into another sign-in.
    assert client.get(CODE_STEP)["Location"] == reverse("identity:login")


def test_a_wrong_code_is_refused_and_audited(client, staff_with_totp):
    staff, device = staff_with_totp
    _password_step(client, staff)

    response = client.post(CODE_STEP, {"token": _wrong_code(device)})

    assert response.status_code == 400
    assert WRONG_CODE_MESSAGE in response.content.decode()
    assert _signed_in_user_id(client) is None
    record = AuditRecord.objects.get(action="auth.totp")
    assert record.outcome == AuditRecord.Outcome.FAILED
    assert record.target_id == str(staff.pk)
    assert audit_chain_verify().ok


def test_a_used_code_cannot_be_used_again(client, staff_with_totp):
    staff, device = staff_with_totp
    code = _code(device.bin_key, device)
    _password_step(client, staff)
    client.post(CODE_STEP, {"token": code})
    client.post(reverse("identity:logout"))
    assert _signed_in_user_id(client) is None

    _password_step(client, staff)
    response = client.post(CODE_STEP, {"token": code})

    assert response.status_code == 400
    assert _signed_in_user_id(client) is None


def test_code_step_without_a_password_goes_back_to_sign_in(client, staff_with_totp):
    _staff, device = staff_with_totp

    response = client.post(CODE_STEP, {"token": _code(device.bin_key, device)})

    assert response.status_code == 302
    assert response["Location"] == reverse("identity:login")
    assert _signed_in_user_id(client) is None


def test_staff_without_totp_and_citizens_sign_in_with_a_password(client):
    staff = StaffUserFactory()
    response = _password_step(client, staff)
    assert response["Location"] == reverse("portal:staff_home")
    assert _signed_in_user_id(client) == str(staff.pk)

    client.post(reverse("identity:logout"))
    citizen = CitizenUserFactory()
    TOTPDevice.objects.create(user=citizen, name="phone", confirmed=True)
    response = _password_step(client, citizen)
    assert response["Location"] == reverse("portal:citizen_home")
    assert _signed_in_user_id(client) == str(citizen.pk)


def test_enrolment_shows_a_secret_and_a_valid_code_turns_totp_on(client):
    staff = StaffUserFactory()
    client.force_login(staff)

    page = client.get(ENROL)

    assert page.status_code == 200
    secret = page.context["secret"]
    assert secret in page.content.decode()
    assert "data:image/svg+xml;base64," in page.content.decode()
    device = TOTPDevice.objects.get(user=staff)
    assert device.confirmed is False
    key = base64.b32decode(secret)  # what the person types into their authenticator app
    assert key == device.bin_key

    response = client.post(ENROL, {"token": _code(key, device)})

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:staff_home")
    device.refresh_from_db()
    assert device.confirmed is True
    assert AuditRecord.objects.filter(action="auth.totp_enable", actor_id=staff.pk).count() == 1
    assert "secret" not in client.get(ENROL).context
    # From now on the password alone is not enough.
    client.post(reverse("identity:logout"))
    assert _password_step(client, staff)["Location"] == CODE_STEP
    assert _signed_in_user_id(client) is None


def test_enrolment_with_a_wrong_code_stays_off(client):
    staff = StaffUserFactory()
    client.force_login(staff)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=staff)

    response = client.post(ENROL, {"token": _wrong_code(device)})

    assert response.status_code == 200
    assert WRONG_CODE_MESSAGE in response.content.decode()
    assert response.context["secret"] == base64.b32encode(device.bin_key).decode()
    device.refresh_from_db()
    assert device.confirmed is False
    assert not AuditRecord.objects.filter(action="auth.totp_enable").exists()
    client.post(reverse("identity:logout"))
    assert _password_step(client, staff)["Location"] == reverse("portal:staff_home")
