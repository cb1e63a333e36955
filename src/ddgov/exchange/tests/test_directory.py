"""The directory (X-Road metadata services) and the exchange's own OpenAPI document, over HTTP."""

from __future__ import annotations

from typing import Any

import pytest

from ddgov.exchange import errors
from ddgov.exchange.models import MessageRecord
from ddgov.exchange.tests.conftest import Reply, http_request
from ddgov.exchange.tests.factories import (
    ExternalServiceFactory,
    GrantFactory,
    PurposeFactory,
    SubsystemFactory,
)
from ddgov.exchange.tests.test_gateway import assert_refused, provider_openapi

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def registry(issue_token: Any) -> dict[str, Any]:
    provider = SubsystemFactory(code="registry", name_th="ทะเบียนราษฎร", name_en="Civil registry")
    person = ExternalServiceFactory(
        subsystem=provider,
        code="person",
        title_th="ข้อมูลบุคคล",
        title_en="Person",
        personal_data=True,
        subject_param="citizen_id",
        base_url="https://registry.internal.example/api",
        openapi=provider_openapi(),
    )
    house = ExternalServiceFactory(subsystem=provider, code="house", title_th="ทะเบียนบ้าน")
    ExternalServiceFactory(subsystem=provider, code="retired", is_active=False)
    consumer = SubsystemFactory(code="welfare")
    purposes = [PurposeFactory(code="welfare-eligibility"), PurposeFactory(code="audit")]
    GrantFactory(service=person, client=consumer, purposes=purposes)
    hidden = SubsystemFactory(code="hidden", is_active=False)
    return {
        "provider": provider,
        "person": person,
        "house": house,
        "consumer": consumer,
        "hidden": hidden,
        "token": issue_token(consumer),
    }


def directory(
    base: str, world: dict[str, Any], name: str, query: str = "", **headers: str
) -> Reply:
    provider = world["provider"]
    sent = {
        "Authorization": f"Bearer {world['token']}",
        "X-Road-Client": f"TH/GOV/{world['consumer'].member.code}/welfare",
    }
    sent.update(headers)
    sent = {k: v for k, v in sent.items() if v}
    url = f"{base}/x/r1/TH/GOV/{provider.member.code}/{provider.code}/{name}{query}"
    return http_request(url, headers=sent)


def test_list_clients_is_public(exchange_server: str, registry: dict[str, Any]) -> None:
    reply = http_request(f"{exchange_server}/x/listClients")
    assert reply.status == 200
    assert reply.header("X-Road-Request-Id")
    clients = {c["subsystem"]: c for c in reply.json()["clients"]}
    assert set(clients) == {"registry", "welfare"}  # the inactive one is not listed
    registry_entry = clients["registry"]
    member = registry["provider"].member
    assert registry_entry["id"] == f"TH/GOV/{member.code}/registry"
    assert registry_entry["member"] == member.code
    assert registry_entry["name"] == {"th": "ทะเบียนราษฎร", "en": "Civil registry"}
    assert registry_entry["agency"] == {
        "code": member.agency.code,
        "name_th": member.agency.name_th,
        "name_en": member.agency.name_en,
    }
    assert_refused(
        http_request(f"{exchange_server}/x/listClients", method="POST"), 405, errors.UNKNOWN_METHOD
    )


def test_list_methods(exchange_server: str, registry: dict[str, Any], log_flush: Any) -> None:
    reply = directory(exchange_server, registry, "listMethods")
    assert reply.status == 200
    services = reply.json()["services"]
    assert [s["code"] for s in services] == ["house", "person"]
    person = services[1]
    member = registry["provider"].member.code
    assert person == {
        "id": f"TH/GOV/{member}/registry/person",
        "code": "person",
        "title": {"th": "ข้อมูลบุคคล", "en": "Person"},
        "kind": "external",
        "personal_data": True,
    }
    log_flush()
    record = MessageRecord.objects.get(request_id=reply.header("X-Road-Request-Id"))
    assert record.service_id == f"TH/GOV/{member}/registry/listMethods"
    assert record.status == 200
    assert record.client_id.endswith("/welfare")


def test_allowed_methods(exchange_server: str, registry: dict[str, Any], issue_token: Any) -> None:
    reply = directory(exchange_server, registry, "allowedMethods")
    assert reply.status == 200
    services = reply.json()["services"]
    assert [s["code"] for s in services] == ["person"]
    assert services[0]["purposes"] == ["audit", "welfare-eligibility"]
    stranger = SubsystemFactory(code="stranger")
    reply = directory(
        exchange_server,
        registry,
        "allowedMethods",
        Authorization=f"Bearer {issue_token(stranger)}",
        **{"X-Road-Client": f"TH/GOV/{stranger.member.code}/stranger"},
    )
    assert reply.json() == {"services": []}


def test_get_openapi(exchange_server: str, registry: dict[str, Any]) -> None:
    reply = directory(exchange_server, registry, "getOpenAPI", "?serviceCode=person")
    assert reply.status == 200
    document = reply.json()
    assert document["paths"].keys() == provider_openapi()["paths"].keys()
    member = registry["provider"].member.code
    # Consumers are pointed at the exchange, never at the provider's own address.
    assert document["servers"] == [{"url": f"/x/r1/TH/GOV/{member}/registry/person"}]
    assert "registry.internal.example" not in reply.body.decode()
    assert_refused(directory(exchange_server, registry, "getOpenAPI"), 400, errors.BAD_REQUEST)
    reply = directory(exchange_server, registry, "getOpenAPI", "?serviceCode=retired")
    assert_refused(reply, 404, errors.UNKNOWN_SERVICE)


def test_directory_needs_authentication(exchange_server: str, registry: dict[str, Any]) -> None:
    for name in ("listMethods", "allowedMethods", "getOpenAPI"):
        reply = directory(exchange_server, registry, name, Authorization="")
        assert_refused(reply, 401, errors.UNAUTHENTICATED)
        assert reply.header("WWW-Authenticate")
        reply = directory(exchange_server, registry, name, **{"X-Road-Client": ""})
        assert_refused(reply, 400, errors.BAD_REQUEST)
        reply = directory(exchange_server, registry, name, **{"X-Road-Client": "TH/GOV/other/app"})
        assert_refused(reply, 403, errors.CLIENT_MISMATCH)


def test_directory_unknown_provider_and_method(
    exchange_server: str, registry: dict[str, Any]
) -> None:
    hidden = registry["hidden"]
    url = f"{exchange_server}/x/r1/TH/GOV/{hidden.member.code}/hidden/listMethods"
    headers = {
        "Authorization": f"Bearer {registry['token']}",
        "X-Road-Client": f"TH/GOV/{registry['consumer'].member.code}/welfare",
    }
    assert_refused(http_request(url, headers=headers), 404, errors.UNKNOWN_SERVICE)
    reply = http_request(
        url.replace("hidden/listMethods", "hidden/listMethods/more"), headers=headers
    )
    assert_refused(reply, 404, errors.UNKNOWN_SERVICE)
    provider = registry["provider"]
    url = f"{exchange_server}/x/r1/TH/GOV/{provider.member.code}/registry/listMethods"
    reply = http_request(url, method="POST", headers=headers)
    assert_refused(reply, 405, errors.UNKNOWN_METHOD)
    assert reply.header("Allow") == "GET, HEAD"


def test_exchange_openapi_document_is_valid(exchange_server: str) -> None:
    from openapi_spec_validator import validate

    reply = http_request(f"{exchange_server}/x/openapi.json")
    assert reply.status == 200
    assert reply.header("Content-Type").startswith("application/json")
    document = reply.json()
    validate(document)
    assert document["openapi"].startswith("3.0")
    paths = document["paths"]
    assert "/x/listClients" in paths
    for name in ("listMethods", "allowedMethods", "getOpenAPI"):
        assert f"/x/r1/{{instance}}/{{memberClass}}/{{member}}/{{subsystem}}/{name}" in paths
    call = paths["/x/r1/{instance}/{memberClass}/{member}/{subsystem}/{service}/{path}"]
    assert set(call) == {"get", "post", "put", "patch", "delete"}
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    error_codes = document["components"]["schemas"]["Error"]["properties"]["type"]["enum"]
    assert errors.ACCESS_DENIED in error_codes
    assert errors.LOG_UNAVAILABLE in error_codes
