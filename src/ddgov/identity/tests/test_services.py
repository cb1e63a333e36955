import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from ddgov.agencies.tests.factories import DepartmentFactory
from ddgov.audit.models import AuditRecord
from ddgov.audit.services import audit_chain_verify
from ddgov.identity.models import AgencyMembership, Person, Role, User
from ddgov.identity.selectors import user_agencies, user_may_act_for_business
from ddgov.identity.services import (
    AccessDenied,
    SignInOutcome,
    agency_access_require,
    business_representative_grant,
    citizen_register,
    membership_grant,
    person_create,
    person_get_for_viewer,
    person_update,
    sign_in_check,
    staff_user_create,
)
from ddgov.identity.tests.factories import (
    TEST_PASSWORD,
    BusinessFactory,
    CitizenUserFactory,
    MembershipFactory,
    PersonFactory,
    StaffUserFactory,
)
from ddgov.identity.thaiid import thai_id_complete

pytestmark = pytest.mark.django_db

GOOD_ID = "1-2345-67890-12-1"


def _register(**overrides):
    data = {
        "citizen_id": GOOD_ID,
        "first_name_th": "สมชาย",
        "last_name_th": "ใจดี",
        "birth_date": dt.date(1990, 1, 2),
        "password": TEST_PASSWORD,
    }
    return citizen_register(**{**data, **overrides})


def test_register_normalises_the_id_and_audits_both_writes():
    user = _register()
    assert user.username == "1234567890121"
    assert user.person.citizen_id == "1234567890121"
    actions = list(AuditRecord.objects.values_list("action", flat=True))
    assert actions == ["person.create", "user.register"]
    assert audit_chain_verify().ok


def test_register_with_a_bad_check_digit_writes_nothing():
    with pytest.raises(ValidationError) as info:
        _register(citizen_id="1-2345-67890-12-2")
    assert "เลขตรวจสอบ" in str(info.value)
    assert not Person.objects.exists()
    assert not User.objects.exists()
    assert not AuditRecord.objects.exists()


def test_register_twice_is_refused_and_the_first_account_is_untouched():
    first = _register()
    with pytest.raises(ValidationError) as info:
        _register(password="another-long-password-2569")
    assert "already" in str(info.value)
    assert User.objects.count() == 1
    first.refresh_from_db()
    assert first.check_password(TEST_PASSWORD)


def test_register_claims_an_existing_registry_record_only_with_matching_details():
    person = PersonFactory(
        citizen_id="1234567890121",
        first_name_th="สมชาย",
        last_name_th="ใจดี",
        birth_date=dt.date(1990, 1, 2),
    )
    with pytest.raises(ValidationError):
        _register(birth_date=dt.date(1991, 1, 2))
    assert not User.objects.exists()
    user = _register()
    assert user.person == person
    assert Person.objects.count() == 1


def test_weak_password_is_refused_before_anything_is_written():
    with pytest.raises(ValidationError):
        _register(password="1234")
    assert not Person.objects.exists()


def test_duplicate_staff_user_name_is_refused_case_insensitively():
    staff_user_create(actor=None, username="dga.steward", password=TEST_PASSWORD)
    with pytest.raises(ValidationError) as info:
        staff_user_create(actor=None, username="DGA.Steward", password=TEST_PASSWORD)
    assert "already taken" in str(info.value)
    assert User.objects.count() == 1


def test_person_create_rejects_duplicates():
    person_create(
        actor=None,
        citizen_id=GOOD_ID,
        first_name_th="ก",
        last_name_th="ข",
        birth_date=dt.date(2000, 1, 1),
    )
    with pytest.raises(ValidationError):
        person_create(
            actor=None,
            citizen_id="1234567890121",
            first_name_th="ค",
            last_name_th="ง",
            birth_date=dt.date(2000, 1, 1),
        )
    assert Person.objects.count() == 1


def test_wrong_password_fails_and_is_audited_without_the_name():
    user = CitizenUserFactory()
    result = sign_in_check(request=None, username=user.username, password="wrong-password")
    assert result.outcome is SignInOutcome.FAILED
    record = AuditRecord.objects.get(action="auth.sign_in")
    assert record.outcome == "failed"
    assert record.target_id == str(user.pk)
    assert user.username not in str(record.detail)


def test_citizen_signs_in_with_the_dashed_id():
    person = PersonFactory(citizen_id=thai_id_complete("110020000099"))
    user = CitizenUserFactory(person=person)
    dashed = f"{person.citizen_id[0]}-{person.citizen_id[1:5]}-{person.citizen_id[5:10]}-{person.citizen_id[10:12]}-{person.citizen_id[12]}"
    result = sign_in_check(request=None, username=dashed, password=TEST_PASSWORD)
    assert result.outcome is SignInOutcome.SIGNED_IN
    assert result.user == user


def test_staff_see_only_their_agencies():
    mine, other = DepartmentFactory(), DepartmentFactory()
    membership = MembershipFactory(agency=mine, role=Role.VIEWER)
    assert list(user_agencies(user=membership.user)) == [mine]
    assert agency_access_require(actor=membership.user, agency=mine) == Role.VIEWER
    with pytest.raises(AccessDenied, match="ไม่มีสิทธิ์"):
        agency_access_require(actor=membership.user, agency=other)
    denied = AuditRecord.objects.get(outcome="denied")
    assert (denied.agency_code, denied.actor_id) == (other.code, membership.user.pk)


def test_role_threshold_is_enforced():
    membership = MembershipFactory(role=Role.OFFICER)
    with pytest.raises(AccessDenied):
        agency_access_require(
            actor=membership.user, agency=membership.agency, at_least=Role.DATA_STEWARD
        )


def test_platform_admin_sees_every_agency():
    a, b = DepartmentFactory(), DepartmentFactory()
    admin = StaffUserFactory(is_platform_admin=True)
    assert set(user_agencies(user=admin)) >= {a, b}


def test_only_agency_admins_grant_roles():
    agency = DepartmentFactory()
    officer = MembershipFactory(agency=agency, role=Role.OFFICER).user
    newcomer = StaffUserFactory()
    with pytest.raises(AccessDenied):
        membership_grant(actor=officer, user=newcomer, agency=agency, role=Role.VIEWER)
    assert not AgencyMembership.objects.filter(user=newcomer).exists()
    admin = MembershipFactory(agency=agency, role=Role.ADMIN).user
    membership_grant(actor=admin, user=newcomer, agency=agency, role=Role.DATA_STEWARD)
    assert AgencyMembership.objects.get(user=newcomer).role == Role.DATA_STEWARD


def test_citizens_cannot_hold_agency_roles():
    citizen = CitizenUserFactory()
    with pytest.raises(ValidationError):
        membership_grant(actor=None, user=citizen, agency=DepartmentFactory(), role=Role.VIEWER)


def test_citizen_sees_only_their_own_record():
    alice, bob = CitizenUserFactory(), CitizenUserFactory()
    assert person_get_for_viewer(viewer=alice, citizen_id=alice.person.citizen_id) == alice.person
    with pytest.raises(AccessDenied):
        person_get_for_viewer(viewer=alice, citizen_id=bob.person.citizen_id)
    assert AuditRecord.objects.filter(action="person.read", outcome="denied").count() == 1


def test_person_update_is_audited_with_before_and_after():
    user = CitizenUserFactory()
    person_update(actor=user, person=user.person, address_line="99 หมู่ 1")
    record = AuditRecord.objects.filter(action="person.update").get()
    assert record.before_digest
    assert record.after_digest
    assert record.before_digest != record.after_digest


def test_person_update_by_someone_else_is_refused_and_audited():
    owner, intruder = CitizenUserFactory(), CitizenUserFactory()
    with pytest.raises(AccessDenied):
        person_update(actor=intruder, person=owner.person, address_line="x")
    owner.person.refresh_from_db()
    assert owner.person.address_line != "x"
    assert AuditRecord.objects.filter(action="person.update", outcome="denied").exists()


def test_citizen_acts_for_a_business_only_while_authorised():
    user = CitizenUserFactory()
    business = BusinessFactory()
    assert not user_may_act_for_business(user=user, business=business)
    business_representative_grant(
        actor=None, person=user.person, business=business, valid_from=dt.date(2020, 1, 1)
    )
    assert user_may_act_for_business(user=user, business=business)
    business_representative_grant(
        actor=None,
        person=user.person,
        business=business,
        valid_from=dt.date(2020, 1, 1),
        valid_until=dt.date(2021, 1, 1),
    )
    assert not user_may_act_for_business(user=user, business=business)
