import pytest
from django.test import Client

from ddgov.agencies.tests.factories import DepartmentFactory
from ddgov.audit.models import AuditRecord
from ddgov.identity.models import Person, Role, User
from ddgov.identity.tests.factories import TEST_PASSWORD, CitizenUserFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def test_front_page_is_thai_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    assert '<html lang="th">' in response.content.decode()


def test_healthz(client):
    assert client.get("/healthz").content == b"ok"


def test_citizen_portal_needs_sign_in(client):
    response = client.get("/me/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_citizen_portal_shows_the_service_cards(client):
    user = CitizenUserFactory()
    client.force_login(user)
    page = client.get("/me/").content.decode()
    for key in ("benefits", "complaints", "documents", "data_access"):
        assert f'data-card="{key}"' in page
    assert user.person.first_name_th in page


def test_profile_shows_own_id_and_buddhist_era_birth_date(client):
    user = CitizenUserFactory()
    client.force_login(user)
    page = client.get("/me/profile/", HTTP_ACCEPT_LANGUAGE="th").content.decode()
    assert user.person.citizen_id[1:5] in page
    assert str(user.person.birth_date.year + 543) in page


def test_staff_cannot_open_another_agencys_page_and_the_attempt_is_audited(client):
    membership = MembershipFactory(role=Role.OFFICER)
    other = DepartmentFactory()
    client.force_login(membership.user)
    assert client.get(f"/staff/agencies/{membership.agency.code}/").status_code == 200
    response = client.get(f"/staff/agencies/{other.code}/")
    assert response.status_code == 403
    body = response.content.decode()
    assert "คุณไม่มีสิทธิ์เข้าถึงข้อมูลของหน่วยงานนี้" in body
    assert "You do not have access to this agency" in body
    assert other.name_th not in body
    record = AuditRecord.objects.get(outcome="denied")
    assert (record.agency_code, record.actor_id) == (other.code, membership.user.pk)


def test_unknown_agency_is_404(client):
    client.force_login(MembershipFactory().user)
    assert client.get("/staff/agencies/no-such-agency/").status_code == 404


def test_staff_page_shows_audit_only_to_stewards_and_admins(client):
    officer = MembershipFactory(role=Role.OFFICER)
    steward = MembershipFactory(role=Role.DATA_STEWARD, agency=officer.agency)
    client.force_login(officer.user)
    assert (
        "audit-heading"
        not in client.get(f"/staff/agencies/{officer.agency.code}/").content.decode()
    )
    client.force_login(steward.user)
    assert "audit-heading" in client.get(f"/staff/agencies/{officer.agency.code}/").content.decode()


def test_citizens_are_kept_out_of_the_back_office(client):
    client.force_login(CitizenUserFactory())
    response = client.get("/staff/")
    assert response.status_code == 302
    assert response["Location"] == "/me/"


def test_wrong_password_shows_an_error_and_is_audited(client):
    user = CitizenUserFactory()
    response = client.post("/accounts/login/", {"username": user.username, "password": "nope"})
    assert response.status_code == 400
    assert "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditRecord.objects.filter(action="auth.sign_in", outcome="failed").count() == 1


def test_sign_in_redirects_citizens_and_staff_to_their_surface(client):
    citizen = CitizenUserFactory()
    response = client.post(
        "/accounts/login/", {"username": citizen.username, "password": TEST_PASSWORD}
    )
    assert response["Location"] == "/me/"
    client.logout()
    staff = MembershipFactory().user
    response = client.post(
        "/accounts/login/", {"username": staff.username, "password": TEST_PASSWORD}
    )
    assert response["Location"] == "/staff/"


def test_sign_in_ignores_an_offsite_next(client):
    user = CitizenUserFactory()
    response = client.post(
        "/accounts/login/?next=https://evil.example/",
        {"username": user.username, "password": TEST_PASSWORD},
    )
    assert response["Location"] == "/me/"


def test_register_with_a_malformed_id_shows_the_reason_and_writes_nothing(client):
    response = client.post(
        "/accounts/register/",
        {
            "citizen_id": "1-2345-67890-12-9",
            "title_th": "นาย",
            "first_name_th": "สมชาย",
            "last_name_th": "ใจดี",
            "birth_date": "1990-01-02",
            "password": TEST_PASSWORD,
            "password_again": TEST_PASSWORD,
        },
    )
    assert response.status_code == 400
    assert "เลขตรวจสอบหลักสุดท้ายไม่ถูกต้อง" in response.content.decode()
    assert not Person.objects.exists()
    assert not User.objects.exists()
    assert not AuditRecord.objects.exists()


def test_register_then_duplicate_is_refused(client):
    form = {
        "citizen_id": "1234567890121",
        "title_th": "นาย",
        "first_name_th": "สมชาย",
        "last_name_th": "ใจดี",
        "birth_date": "1990-01-02",
        "password": TEST_PASSWORD,
        "password_again": TEST_PASSWORD,
    }
    assert client.post("/accounts/register/", form).status_code == 302
    client.logout()
    response = client.post("/accounts/register/", form)
    assert response.status_code == 400
    assert "มีบัญชีของเลขประจำตัวนี้แล้ว" in response.content.decode()
    assert User.objects.count() == 1


def test_forms_require_csrf():
    client = Client(enforce_csrf_checks=True)
    user = CitizenUserFactory()
    response = client.post(
        "/accounts/login/", {"username": user.username, "password": TEST_PASSWORD}
    )
    assert response.status_code == 403


def test_sign_out_is_post_only(client):
    client.force_login(CitizenUserFactory())
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_pages_carry_a_strict_content_security_policy(client):
    csp = client.get("/")["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp


def test_thai_first_even_for_an_english_browser_until_the_reader_switches(client):
    assert (
        '<html lang="th">'
        in client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    )
    client.cookies["django_language"] = "en"
    assert '<html lang="en">' in client.get("/", HTTP_ACCEPT_LANGUAGE="th").content.decode()
