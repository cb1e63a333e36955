"""Registry services and selectors: members, subsystems, external services, clients."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from oauth2_provider.models import get_access_token_model, get_application_model

from ddgov.agencies.tests.factories import DepartmentFactory
from ddgov.audit.models import AuditRecord
from ddgov.exchange.ids import ClientId, ServiceId
from ddgov.exchange.models import Member, Service, SubsystemClient
from ddgov.exchange.selectors.registry import (
    clients_list,
    grant_active_get,
    member_get,
    service_get,
    service_identifier,
    services_allowed,
    services_for_agencies,
    services_list,
    subsystem_client_get,
    subsystem_clients,
    subsystem_get,
    subsystems_for_agencies,
)
from ddgov.exchange.services.registry import (
    base_url_clean,
    member_register,
    openapi_clean,
    service_register_external,
    subsystem_client_create,
    subsystem_client_revoke,
    subsystem_register,
)
from ddgov.exchange.tests.factories import (
    ExternalServiceFactory,
    GrantFactory,
    MemberFactory,
    PurposeFactory,
    SubsystemFactory,
)
from ddgov.identity.tests.factories import StaffUserFactory

pytestmark = pytest.mark.django_db


def openapi_doc(**extra_paths: dict) -> dict:
    paths = {
        "/persons/{citizen_id}": {
            "get": {
                "parameters": [
                    {
                        "name": "citizen_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                    }
                ],
                "responses": {"200": {"description": "OK"}},
            }
        },
        "/search": {
            "get": {
                "parameters": [{"name": "cid", "in": "query", "schema": {"type": "string"}}],
                "responses": {"200": {"description": "OK"}},
            }
        },
        **extra_paths,
    }
    return {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": paths}


def register(subsystem, **overrides) -> Service:
    values = {
        "subsystem": subsystem,
        "code": "persons",
        "title_th": "ข้อมูลบุคคล",
        "title_en": "Persons",
        "base_url": "https://api.agency.go.th/v1/",
        "openapi": openapi_doc(),
    }
    values.update(overrides)
    return service_register_external(**values)


def errors_of(caught: pytest.ExceptionInfo[ValidationError]) -> dict:
    return caught.value.message_dict


# --- members and subsystems ---------------------------------------------------------------------


def test_member_register_creates_the_member_and_audits_it():
    agency = DepartmentFactory(code="dopa")
    actor = StaffUserFactory()

    member = member_register(agency=agency, code="DOPA", actor=actor)

    assert member.code == "DOPA"
    assert member.agency == agency
    record = AuditRecord.objects.get(action="exchange.member.register")
    assert record.actor_id == actor.pk
    assert record.agency_code == "dopa"
    assert record.target_id == "DOPA"


@pytest.mark.parametrize("code", ["", "bad code", "-x", "a/b", "x" * 65, "ไทย"])
def test_member_code_must_be_an_identifier_part(code):
    with pytest.raises(ValidationError) as caught:
        member_register(agency=DepartmentFactory(), code=code)
    message = errors_of(caught)["code"][0]
    assert "letters" in message
    assert "ตัวอักษร" in message


def test_member_register_refuses_a_second_membership_and_a_taken_code():
    member = MemberFactory(code="TAKEN")
    with pytest.raises(ValidationError) as caught:
        member_register(agency=member.agency, code="OTHER")
    assert "agency" in errors_of(caught)
    with pytest.raises(ValidationError) as caught:
        member_register(agency=DepartmentFactory(), code="TAKEN")
    assert "code" in errors_of(caught)
    inactive = DepartmentFactory(is_active=False)
    with pytest.raises(ValidationError) as caught:
        member_register(agency=inactive, code="NEW")
    assert "agency" in errors_of(caught)
    assert Member.objects.count() == 1


def test_subsystem_register_validates_and_audits():
    member = MemberFactory(code="OAE")

    subsystem = subsystem_register(member=member, code="farmers", name_th=" ทะเบียนเกษตรกร ")

    assert subsystem.name_th == "ทะเบียนเกษตรกร"
    record = AuditRecord.objects.get(action="exchange.subsystem.register")
    assert record.target_id == "TH/GOV/OAE/farmers"
    with pytest.raises(ValidationError) as caught:
        subsystem_register(member=member, code="farmers", name_th="ซ้ำ")
    assert "code" in errors_of(caught)
    with pytest.raises(ValidationError) as caught:
        subsystem_register(member=member, code="other", name_th="  ")
    assert "name_th" in errors_of(caught)
    member.is_active = False
    member.save()
    with pytest.raises(ValidationError) as caught:
        subsystem_register(member=member, code="other", name_th="ระบบ")
    assert "member" in errors_of(caught)


# --- external services --------------------------------------------------------------------------


def test_service_register_external_stores_a_clean_service_and_audits_it():
    subsystem = SubsystemFactory(member__code="DOPA", code="population")

    service = register(subsystem, personal_data=True, subject_param="citizen_id", timeout_ms=2500)

    assert service.kind == Service.Kind.EXTERNAL
    assert service.base_url == "https://api.agency.go.th/v1"
    assert service.subject_param == "citizen_id"
    assert service.timeout_ms == 2500
    assert set(service.openapi["paths"]) == {"/persons/{citizen_id}", "/search"}
    record = AuditRecord.objects.get(action="exchange.service.register")
    assert record.target_id == "TH/GOV/DOPA/population/persons"
    assert record.detail == {"kind": "external", "personal_data": True}


def test_subject_param_may_be_a_query_parameter_but_must_exist():
    subsystem = SubsystemFactory()
    assert register(subsystem, subject_param="cid").subject_param == "cid"
    with pytest.raises(ValidationError) as caught:
        register(subsystem, code="other", subject_param="nobody")
    assert "subject_param" in errors_of(caught)


@pytest.mark.parametrize("code", ["listMethods", "allowedMethods", "getOpenAPI"])
def test_reserved_service_codes_are_refused(code):
    with pytest.raises(ValidationError) as caught:
        register(SubsystemFactory(), code=code)
    assert "reserved" in errors_of(caught)["code"][0]


def test_duplicate_service_code_and_missing_title_are_refused():
    subsystem = SubsystemFactory()
    register(subsystem)
    with pytest.raises(ValidationError) as caught:
        register(subsystem)
    assert "code" in errors_of(caught)
    with pytest.raises(ValidationError) as caught:
        register(subsystem, code="x", title_th="")
    assert "title_th" in errors_of(caught)


def test_inactive_subsystem_cannot_register_services():
    with pytest.raises(ValidationError) as caught:
        register(SubsystemFactory(is_active=False))
    assert "subsystem" in errors_of(caught)


@pytest.mark.parametrize(
    "document",
    [
        {"swagger": "2.0", "paths": {"/a": {"get": {}}}},
        {"openapi": "2.0", "paths": {"/a": {"get": {}}}},
        {"openapi": "3.0.3"},
        {"openapi": "3.0.3", "paths": {}},
        {"openapi": "3.0.3", "paths": {"a": {"get": {}}}},
        {"openapi": "3.0.3", "paths": {"/a/{x": {"get": {}}}},
        {"openapi": "3.0.3", "paths": {"/a": {"summary": "no operation"}}},
        {"openapi": "3.1.0", "paths": {"/a": {"get": {}}}, "x": object()},
        "not a mapping",
    ],
)
def test_openapi_document_must_be_3x_with_paths(document):
    with pytest.raises(ValidationError) as caught:
        openapi_clean(document)
    message = errors_of(caught)["openapi"][0]
    assert "OpenAPI 3" in message
    assert "เอกสาร OpenAPI 3" in message


def test_openapi_clean_returns_a_json_copy():
    document = openapi_doc()
    cleaned = openapi_clean(document)
    assert cleaned == json.loads(json.dumps(document))
    assert cleaned is not document


@pytest.mark.parametrize(
    "url",
    [
        "ftp://api.agency.go.th",
        "https://",
        "https://user:pw@api.agency.go.th",
        "https://api.agency.go.th/v1?x=1",
        "https://api.agency.go.th/v1#frag",
        "http://api.agency.go.th",
        "http://10.0.0.5:8080",
        "https://api.agency.go.th:99999",
    ],
)
def test_base_url_must_be_https(settings, url):
    settings.DDGOV_EXCHANGE_ALLOW_HTTP_LOOPBACK = True
    with pytest.raises(ValidationError) as caught:
        base_url_clean(url)
    assert "base_url" in errors_of(caught)


@pytest.mark.parametrize("url", ["http://127.0.0.1:8001/", "http://localhost:9", "http://[::1]:80"])
def test_http_only_to_loopback_and_only_when_allowed(settings, url):
    settings.DDGOV_EXCHANGE_ALLOW_HTTP_LOOPBACK = True
    assert base_url_clean(url) == url.rstrip("/")
    settings.DDGOV_EXCHANGE_ALLOW_HTTP_LOOPBACK = False
    with pytest.raises(ValidationError) as caught:
        base_url_clean(url)
    assert "https" in errors_of(caught)["base_url"][0]


@pytest.mark.parametrize("timeout", [0, -5, 120_001])
def test_timeout_bounds(timeout):
    with pytest.raises(ValidationError) as caught:
        register(SubsystemFactory(), timeout_ms=timeout)
    assert "timeout_ms" in errors_of(caught)


# --- clients -------------------------------------------------------------------------------------


def test_subsystem_client_create_issues_a_machine_client_and_keeps_the_secret_out_of_the_audit():
    subsystem = SubsystemFactory(member__code="DOPA", code="population")

    created = subsystem_client_create(subsystem=subsystem)

    application = get_application_model().objects.get(client_id=created.client_id)
    assert application.authorization_grant_type == "client-credentials"
    assert application.name == "exchange TH/GOV/DOPA/population"
    assert check_password(created.client_secret, application.client_secret)
    assert created.client.subsystem == subsystem
    assert created.client.application == application
    oidc = AuditRecord.objects.get(action="oidc.client_create")
    assert oidc.agency_code == subsystem.member.agency.code
    record = AuditRecord.objects.get(action="exchange.client.create")
    assert record.target_id == created.client_id
    assert record.detail == {}
    for row in AuditRecord.objects.all():
        assert created.client_secret not in json.dumps(
            {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields}, default=str
        )


def test_a_subsystem_may_hold_several_clients_and_revoking_one_keeps_the_other():
    subsystem = SubsystemFactory()
    first = subsystem_client_create(subsystem=subsystem)
    second = subsystem_client_create(subsystem=subsystem)
    token = get_access_token_model().objects.create(
        application=first.client.application,
        token="t0k3n",
        expires=timezone.now() + dt.timedelta(hours=1),
        scope="openid",
    )

    subsystem_client_revoke(client=first.client)

    first.client.refresh_from_db()
    assert first.client.revoked_at is not None
    assert not get_access_token_model().objects.filter(pk=token.pk).exists()
    application = get_application_model().objects.get(client_id=first.client_id)
    assert not check_password(first.client_secret, application.client_secret)
    assert [c.pk for c in subsystem_clients(subsystem=subsystem)] == [second.client.pk]
    assert len(subsystem_clients(subsystem=subsystem, include_revoked=True)) == 2
    assert AuditRecord.objects.filter(action="exchange.client.revoke").count() == 1
    subsystem_client_revoke(client=first.client)  # twice: nothing more happens
    assert AuditRecord.objects.filter(action="exchange.client.revoke").count() == 1
    assert subsystem_client_get(client_id=second.client_id).subsystem == subsystem


def test_inactive_subsystem_gets_no_client():
    with pytest.raises(ValidationError):
        subsystem_client_create(subsystem=SubsystemFactory(is_active=False))
    assert SubsystemClient.objects.count() == 0


# --- selectors -----------------------------------------------------------------------------------


def test_service_get_and_identifier():
    service = ExternalServiceFactory(
        subsystem__member__code="DOPA", subsystem__code="population", code="persons"
    )
    wanted = ServiceId(member="DOPA", subsystem="population", service="persons")

    assert service_get(service_id=wanted) == service
    assert service_identifier(service=service) == wanted
    assert str(service_identifier(service=service)) == "TH/GOV/DOPA/population/persons"
    assert service_get(service_id=ServiceId("DOPA", "population", "other")) is None
    service.subsystem.is_active = False
    service.subsystem.save()
    assert service_get(service_id=wanted) is None
    assert service_get(service_id=wanted, include_inactive=True) == service


def test_subsystem_get_clients_list_and_member_get():
    active = SubsystemFactory(member__code="A", code="app")
    SubsystemFactory(member=active.member, code="off", is_active=False)
    SubsystemFactory(member__code="B", member__is_active=False, code="app")

    assert subsystem_get(client_id=ClientId("A", "app")) == active
    assert subsystem_get(client_id=ClientId("A", "off")) is None
    assert subsystem_get(client_id=ClientId("B", "app")) is None
    assert subsystem_get(client_id=ClientId("B", "app"), include_inactive=True) is not None
    assert clients_list() == [active]
    assert member_get(code="A") == active.member
    assert member_get(code="nope") is None


def test_services_list_allowed_and_for_agencies():
    provider = SubsystemFactory(member__code="P", code="registry")
    consumer = SubsystemFactory(member__code="C", code="welfare")
    bystander = SubsystemFactory(member__code="X", code="other")
    first = ExternalServiceFactory(subsystem=provider, code="a")
    second = ExternalServiceFactory(subsystem=provider, code="b")
    ExternalServiceFactory(subsystem=provider, code="c", is_active=False)
    elsewhere = ExternalServiceFactory(subsystem=bystander, code="z")
    purposes = [PurposeFactory(code="welfare-check"), PurposeFactory(code="audit")]
    grant = GrantFactory(service=first, client=consumer, purposes=purposes)
    GrantFactory(service=second, client=consumer, revoked_at=timezone.now())

    assert services_list(provider=ClientId("P", "registry")) == [first, second]
    allowed = services_allowed(client=consumer, provider=ClientId("P", "registry"))
    assert allowed == [(first, ["audit", "welfare-check"])]
    assert grant_active_get(service=first, client=consumer) == grant
    assert grant_active_get(service=second, client=consumer) is None
    consumer_agency = consumer.member.agency_id
    assert services_for_agencies(agency_ids=[consumer_agency]) == [first, second]
    provider_services = services_for_agencies(agency_ids=[provider.member.agency_id])
    assert [s.code for s in provider_services] == ["a", "b", "c"]
    assert elsewhere in services_for_agencies(agency_ids=None)
    assert subsystems_for_agencies(agency_ids=[consumer_agency]) == [consumer]
    assert len(subsystems_for_agencies(agency_ids=None)) == 3


# --- admin ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "editable"),
    [
        ("member", True),
        ("subsystem", True),
        ("service", True),
        ("purpose", True),
        ("accessgrant", True),
        ("dataagreement", True),
        ("consentrecord", False),
        ("consentevent", False),
        ("messagerecord", False),
        ("checkpoint", False),
    ],
)
def test_admin_lists_everything_and_keeps_evidence_read_only(client, model, editable):
    admin_user = StaffUserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    ExternalServiceFactory()

    assert client.get(f"/admin/exchange/{model}/").status_code == 200
    assert client.get(f"/admin/exchange/{model}/add/").status_code == (200 if editable else 403)
