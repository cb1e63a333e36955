"""The gateway over real HTTP on loopback: uvicorn serving ddgov.asgi, an aiohttp provider.

Each test registers what it needs with the factories, calls through ``/x/r1/…`` and checks the
answer, the headers the provider saw, and the signed message log.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from ddgov.exchange import errors
from ddgov.exchange.models import (
    ConsentRecord,
    LawfulBasis,
    MessageRecord,
    MessageSubject,
    SubsystemClient,
)
from ddgov.exchange.services.consent import consent_give, consent_withdraw
from ddgov.exchange.tests.conftest import Reply, http_request
from ddgov.exchange.tests.factories import (
    AgreementFactory,
    ExternalServiceFactory,
    GrantFactory,
    PurposeFactory,
    SubsystemFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


def thai_id(first12: str) -> str:
    """A valid 13-digit citizen ID from its first 12 digits (the checksum digit appended)."""
    total = sum(int(d) * (13 - i) for i, d in enumerate(first12))
    return first12 + str((11 - total % 11) % 10)


CITIZEN = thai_id("110020000001")
OTHER_CITIZEN = thai_id("310050000123")


def _op(op_id: str, params: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    operation: dict[str, Any] = {"operationId": op_id, "responses": {"200": {"description": "OK"}}}
    if params:
        operation["parameters"] = params
    return operation


def provider_openapi() -> dict[str, Any]:
    """The operations of the conftest provider."""
    path_param = {
        "name": "citizen_id",
        "in": "path",
        "required": True,
        "schema": {"type": "string"},
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": "Test provider", "version": "1"},
        "paths": {
            "/persons/{citizen_id}": {"get": _op("getPerson", [path_param])},
            "/persons/me": {"get": _op("getMe")},
            "/echo": {"post": _op("echo")},
            "/slow": {"get": _op("slow")},
            "/big": {"get": _op("big")},
            "/status/{code}": {"get": _op("status")},
            "/search": {"get": _op("search")},
        },
    }


@pytest.fixture
def world(provider_server: str, issue_token: Any) -> dict[str, Any]:
    """A provider service on the test provider, a consumer with a token and a grant."""
    provider = SubsystemFactory(code="registry")
    service = ExternalServiceFactory(
        subsystem=provider, code="person", base_url=provider_server, openapi=provider_openapi()
    )
    consumer = SubsystemFactory(code="welfare")
    purpose = PurposeFactory(code="welfare-eligibility")
    grant = GrantFactory(service=service, client=consumer, purposes=[purpose])
    return {
        "provider": provider,
        "service": service,
        "consumer": consumer,
        "purpose": purpose,
        "grant": grant,
        "token": issue_token(consumer),
    }


def call(base: str, world: dict[str, Any], path: str, **kwargs: Any) -> Reply:
    from ddgov.exchange.tests.conftest import gateway_call

    args: dict[str, Any] = {
        "token": world["token"],
        "client": world["consumer"],
        "purpose": world["purpose"].code,
    }
    args.update(kwargs)
    service = args.pop("service", world["service"])
    return gateway_call(base, service, path, **args)


def assert_refused(reply: Reply, status: int, code: str) -> dict[str, Any]:
    assert reply.status == status, reply.body
    assert reply.header("X-Road-Error") == code
    body = reply.json()
    assert body["type"] == code
    assert body["status"] == status
    assert body["message"]
    assert body["message_th"]
    assert body["request_id"] == reply.header("X-Road-Request-Id")
    return body


def logged(request_id: str, log_flush: Any) -> MessageRecord:
    log_flush()
    return MessageRecord.objects.get(request_id=request_id)


def test_call_is_forwarded_and_logged(
    exchange_server: str, world: dict[str, Any], log_flush: Any
) -> None:
    reply = call(
        exchange_server,
        world,
        f"/persons/{CITIZEN}?fields=name",
        headers={"Cookie": "sessionid=secret", "Accept-Language": "th"},
    )
    assert reply.status == 200
    assert reply.header("X-Road-Error") is None
    request_id = reply.header("X-Road-Request-Id")
    assert uuid.UUID(request_id).version == 4
    seen = reply.json()
    assert seen["citizen_id"] == CITIZEN
    assert seen["query"] == "fields=name"
    headers = {k.lower(): v for k, v in seen["headers"].items()}
    client_id = f"TH/GOV/{world['consumer'].member.code}/welfare"
    assert headers["x-road-client"] == client_id
    assert headers["x-road-id"] == request_id
    assert headers["x-purpose"] == "welfare-eligibility"
    assert headers["accept-language"] == "th"
    # The consumer's credentials never reach the provider.
    assert "authorization" not in headers
    assert "cookie" not in headers

    record = logged(request_id, log_flush)
    assert record.client_id == client_id
    assert record.service_id == f"TH/GOV/{world['provider'].member.code}/registry/person"
    assert record.method == "GET"
    assert record.path == f"/persons/{CITIZEN}"
    assert record.purpose == "welfare-eligibility"
    assert record.status == 200
    assert record.error == ""
    assert record.subjects == []  # the service carries no personal data: no subject_param
    assert record.request_digest == hashlib.sha256(b"").hexdigest()
    assert record.response_digest == hashlib.sha256(reply.body).hexdigest()
    assert record.duration_ms > 0


def test_post_body_passes_through(
    exchange_server: str, world: dict[str, Any], log_flush: Any
) -> None:
    payload = json.dumps({"ชื่อ": "สมชาย"}, ensure_ascii=False).encode()
    reply = call(exchange_server, world, "/echo", method="POST", body=payload)
    assert reply.status == 200
    assert reply.body == payload
    assert reply.header("Content-Type").startswith("application/json")
    assert reply.header("X-Provider-Saw-Authorization") == "False"
    record = logged(reply.header("X-Road-Request-Id"), log_flush)
    assert record.request_digest == hashlib.sha256(payload).hexdigest()


def test_no_grant_is_refused_with_a_clear_error(
    exchange_server: str, world: dict[str, Any], issue_token: Any, log_flush: Any
) -> None:
    stranger = SubsystemFactory(code="stranger")
    reply = call(
        exchange_server, world, f"/persons/{CITIZEN}", token=issue_token(stranger), client=stranger
    )
    body = assert_refused(reply, 403, errors.ACCESS_DENIED)
    assert "no access right" in body["message"]
    assert "ไม่มีสิทธิ์" in body["message_th"]
    record = logged(body["request_id"], log_flush)
    assert record.status == 403
    assert record.error == errors.ACCESS_DENIED
    assert record.client_id.endswith("/stranger")


def test_revoked_grant_takes_effect_on_the_next_call(
    exchange_server: str, world: dict[str, Any]
) -> None:
    assert call(exchange_server, world, f"/persons/{CITIZEN}").status == 200
    world["grant"].revoked_at = timezone.now()
    world["grant"].save()
    assert_refused(call(exchange_server, world, f"/persons/{CITIZEN}"), 403, errors.ACCESS_DENIED)


def test_unauthenticated_calls(
    exchange_server: str, world: dict[str, Any], issue_token: Any, log_flush: Any
) -> None:
    reply = call(exchange_server, world, f"/persons/{CITIZEN}", token=None)
    assert_refused(reply, 401, errors.UNAUTHENTICATED)
    assert reply.header("WWW-Authenticate").startswith("Bearer")
    assert_refused(
        call(exchange_server, world, "/persons/1", token="not-a-token"), 401, errors.UNAUTHENTICATED
    )
    reply = call(
        exchange_server, world, "/persons/1", headers={"Authorization": f"Basic {world['token']}"}
    )
    assert_refused(reply, 401, errors.UNAUTHENTICATED)
    expired = issue_token(world["consumer"], expires_in=timedelta(seconds=-1))
    assert_refused(
        call(exchange_server, world, "/persons/1", token=expired), 401, errors.UNAUTHENTICATED
    )
    # A revoked subsystem client, and an inactive consumer subsystem, no longer authenticate.
    revoked = issue_token(world["consumer"])
    SubsystemClient.objects.filter(application__accesstoken__token=revoked).update(
        revoked_at=timezone.now()
    )
    assert_refused(
        call(exchange_server, world, "/persons/1", token=revoked), 401, errors.UNAUTHENTICATED
    )
    world["consumer"].is_active = False
    world["consumer"].save()
    reply = call(exchange_server, world, "/persons/1")
    assert_refused(reply, 401, errors.UNAUTHENTICATED)
    record = logged(reply.header("X-Road-Request-Id"), log_flush)
    assert record.error == errors.UNAUTHENTICATED
    assert record.client_id == ""  # not authenticated: the claimed client is not recorded


def test_client_header_missing_or_mismatched(
    exchange_server: str, world: dict[str, Any], issue_token: Any
) -> None:
    assert_refused(call(exchange_server, world, "/persons/1", client=None), 400, errors.BAD_REQUEST)
    assert_refused(
        call(exchange_server, world, "/persons/1", client="welfare"), 400, errors.BAD_REQUEST
    )
    other = SubsystemFactory(code="other")
    GrantFactory(service=world["service"], client=other, purposes=[world["purpose"]])
    # The other subsystem's token may not act as the consumer, nor the other way round.
    reply = call(exchange_server, world, "/persons/1", token=issue_token(other))
    assert_refused(reply, 403, errors.CLIENT_MISMATCH)
    assert_refused(
        call(exchange_server, world, "/persons/1", client=other), 403, errors.CLIENT_MISMATCH
    )


def test_unknown_service_and_method(
    exchange_server: str, world: dict[str, Any], log_flush: Any
) -> None:
    prefix = f"TH/GOV/{world['provider'].member.code}/registry"
    reply = call(exchange_server, world, "/persons/1", service=f"{prefix}/nothing")
    assert_refused(reply, 404, errors.UNKNOWN_SERVICE)
    assert_refused(
        call(exchange_server, world, "/x", service="XX/GOV/a/b/c"), 404, errors.UNKNOWN_SERVICE
    )
    assert_refused(
        call(exchange_server, world, "", service="TH/GOV/a"), 404, errors.UNKNOWN_SERVICE
    )
    reply = call(exchange_server, world, "/nowhere")
    assert_refused(reply, 404, errors.UNKNOWN_METHOD)
    assert_refused(call(exchange_server, world, "/persons/1/extra"), 404, errors.UNKNOWN_METHOD)
    assert_refused(
        call(exchange_server, world, "/persons/1", method="DELETE"), 404, errors.UNKNOWN_METHOD
    )
    assert_refused(call(exchange_server, world, "/echo"), 404, errors.UNKNOWN_METHOD)
    # Segments that would escape the operation's place are refused, not normalised.
    assert_refused(call(exchange_server, world, "/persons/.."), 400, errors.BAD_REQUEST)
    assert_refused(call(exchange_server, world, "/persons/a%2Fb"), 400, errors.BAD_REQUEST)
    # A literal path beats a template.
    assert call(exchange_server, world, "/persons/me").json()["citizen_id"] == "me"
    world["service"].is_active = False
    world["service"].save()
    reply = call(exchange_server, world, "/persons/1")
    assert_refused(reply, 404, errors.UNKNOWN_SERVICE)
    assert logged(reply.header("X-Road-Request-Id"), log_flush).error == errors.UNKNOWN_SERVICE


def test_purpose_missing_or_not_granted(
    exchange_server: str, world: dict[str, Any], log_flush: Any
) -> None:
    assert_refused(
        call(exchange_server, world, "/persons/1", purpose=None), 400, errors.PURPOSE_REQUIRED
    )
    PurposeFactory(code="marketing")
    reply = call(exchange_server, world, "/persons/1", purpose="marketing")
    assert_refused(reply, 403, errors.PURPOSE_NOT_ALLOWED)
    record = logged(reply.header("X-Road-Request-Id"), log_flush)
    assert record.purpose == "marketing"
    assert record.error == errors.PURPOSE_NOT_ALLOWED


@pytest.fixture
def consent_world(world: dict[str, Any]) -> dict[str, Any]:
    """The person service carries personal data, granted on the basis of consent."""
    service = world["service"]
    service.personal_data = True
    service.subject_param = "citizen_id"
    service.save()
    world["grant"].lawful_basis = LawfulBasis.CONSENT
    world["grant"].save()
    world["agreement"] = AgreementFactory(
        service=service, client=world["consumer"], purpose=world["purpose"]
    )
    return world


def test_withdrawn_consent_is_refused_on_the_next_call(
    exchange_server: str, consent_world: dict[str, Any], log_flush: Any
) -> None:
    world = consent_world
    reply = call(exchange_server, world, f"/persons/{CITIZEN}")
    assert_refused(reply, 403, errors.CONSENT_REQUIRED)
    record = consent_give(agreement=world["agreement"], citizen_id=CITIZEN, actor=None)
    ok = call(exchange_server, world, f"/persons/{CITIZEN}")
    assert ok.status == 200
    assert ok.json()["citizen_id"] == CITIZEN
    # Consent covers this citizen only.
    assert_refused(
        call(exchange_server, world, f"/persons/{OTHER_CITIZEN}"), 403, errors.CONSENT_REQUIRED
    )
    consent_withdraw(record=record, actor=None)
    refused = call(exchange_server, world, f"/persons/{CITIZEN}")
    assert_refused(refused, 403, errors.CONSENT_REQUIRED)
    log_flush()
    for reply_, status in ((ok, 200), (refused, 403)):
        row = MessageRecord.objects.get(request_id=reply_.header("X-Road-Request-Id"))
        assert row.status == status
        assert row.subjects == [CITIZEN]
    # The citizen's tracker index has every call that concerned them, refused or not.
    assert MessageSubject.objects.filter(citizen_id=CITIZEN).count() == 3


def test_consent_to_old_terms_does_not_count(
    exchange_server: str, consent_world: dict[str, Any]
) -> None:
    world = consent_world
    consent_give(agreement=world["agreement"], citizen_id=CITIZEN, actor=None)
    assert call(exchange_server, world, f"/persons/{CITIZEN}").status == 200
    ConsentRecord.objects.filter(citizen_id=CITIZEN).update(agreement_revision_hash="0" * 64)
    assert_refused(
        call(exchange_server, world, f"/persons/{CITIZEN}"), 403, errors.CONSENT_REQUIRED
    )


def test_subject_required_and_query_subjects(
    exchange_server: str, consent_world: dict[str, Any], log_flush: Any
) -> None:
    world = consent_world
    world["service"].subject_param = "cid"
    world["service"].save()
    assert_refused(call(exchange_server, world, "/search"), 400, errors.SUBJECT_REQUIRED)
    consent_give(agreement=world["agreement"], citizen_id=CITIZEN, actor=None)
    assert (
        call(exchange_server, world, f"/search?cid={CITIZEN}").status == 404
    )  # provider's own 404
    reply = call(exchange_server, world, f"/search?cid={CITIZEN}&cid={OTHER_CITIZEN}")
    assert_refused(reply, 403, errors.CONSENT_REQUIRED)
    assert logged(reply.header("X-Road-Request-Id"), log_flush).subjects == [CITIZEN, OTHER_CITIZEN]


def test_non_consent_basis_needs_no_consent(
    exchange_server: str, consent_world: dict[str, Any]
) -> None:
    world = consent_world
    world["grant"].lawful_basis = LawfulBasis.PUBLIC_TASK
    world["grant"].save()
    assert call(exchange_server, world, f"/persons/{CITIZEN}").status == 200


def test_provider_down_is_502_and_logged(
    exchange_server: str, world: dict[str, Any], down_url: str, log_flush: Any
) -> None:
    world["service"].base_url = down_url
    world["service"].save()
    reply = call(exchange_server, world, f"/persons/{CITIZEN}")
    body = assert_refused(reply, 502, errors.PROVIDER_UNREACHABLE)
    record = logged(body["request_id"], log_flush)
    assert (record.status, record.error) == (502, errors.PROVIDER_UNREACHABLE)


def test_provider_slow_is_504_and_logged(
    exchange_server: str, world: dict[str, Any], log_flush: Any
) -> None:
    world["service"].timeout_ms = 300
    world["service"].save()
    assert call(exchange_server, world, "/slow?ms=10").status == 200
    reply = call(exchange_server, world, "/slow?ms=3000")
    body = assert_refused(reply, 504, errors.PROVIDER_TIMEOUT)
    record = logged(body["request_id"], log_flush)
    assert (record.status, record.error) == (504, errors.PROVIDER_TIMEOUT)
    assert 250 < record.duration_ms < 2500


def test_plain_http_provider_must_be_loopback_and_allowed(
    exchange_server: str, world: dict[str, Any], settings: Any
) -> None:
    world["service"].base_url = "http://provider.example.go.th/api"
    world["service"].save()
    assert_refused(call(exchange_server, world, "/persons/1"), 502, errors.PROVIDER_UNREACHABLE)
    world["service"].base_url = world["service"].base_url.replace(
        "http://provider.example.go.th/api", "http://127.0.0.1:9"
    )
    world["service"].save()
    settings.DDGOV_EXCHANGE_ALLOW_HTTP_LOOPBACK = False
    assert_refused(call(exchange_server, world, "/persons/1"), 502, errors.PROVIDER_UNREACHABLE)


def test_provider_errors_pass_through_unchanged(
    exchange_server: str, world: dict[str, Any], log_flush: Any
) -> None:
    for code in (404, 500, 503):
        reply = call(exchange_server, world, f"/status/{code}")
        assert reply.status == code
        assert reply.json() == {"provider_status": code}
        assert reply.header("X-Road-Error") is None  # the provider's own header is dropped
        assert reply.header("X-Provider") == "yes"
        record = logged(reply.header("X-Road-Request-Id"), log_flush)
        assert (record.status, record.error) == (code, "")


def test_rate_limit(exchange_server: str, world: dict[str, Any], log_flush: Any) -> None:
    world["grant"].rate_per_minute = 3
    world["grant"].save()
    statuses = [call(exchange_server, world, "/persons/1").status for _ in range(3)]
    assert statuses == [200, 200, 200]
    reply = call(exchange_server, world, "/persons/1")
    assert_refused(reply, 429, errors.RATE_LIMITED)
    assert 1 <= int(reply.header("Retry-After")) <= 20
    assert logged(reply.header("X-Road-Request-Id"), log_flush).error == errors.RATE_LIMITED


def test_request_too_large(
    exchange_server: str, world: dict[str, Any], settings: Any, log_flush: Any
) -> None:
    settings.DDGOV_EXCHANGE_MAX_REQUEST_BYTES = 1000
    assert call(exchange_server, world, "/echo", method="POST", body=b"x" * 1000).status == 200
    reply = call(exchange_server, world, "/echo", method="POST", body=b"x" * 1001)
    assert_refused(reply, 413, errors.REQUEST_TOO_LARGE)
    assert logged(reply.header("X-Road-Request-Id"), log_flush).error == errors.REQUEST_TOO_LARGE
    # Without a Content-Length (chunked), the limit applies while reading.
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(exchange_server)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    service_id = f"TH/GOV/{world['provider'].member.code}/registry/person"
    conn.request(
        "POST",
        f"/x/r1/{service_id}/echo",
        body=iter([b"y" * 600, b"y" * 600]),
        headers={
            "Authorization": f"Bearer {world['token']}",
            "X-Road-Client": f"TH/GOV/{world['consumer'].member.code}/welfare",
            "X-Purpose": "welfare-eligibility",
            "Content-Type": "application/octet-stream",
        },
        encode_chunked=True,
    )
    response = conn.getresponse()
    assert response.status == 413
    assert response.getheader("X-Road-Error") == errors.REQUEST_TOO_LARGE
    conn.close()


def test_response_too_large(
    exchange_server: str, world: dict[str, Any], settings: Any, log_flush: Any
) -> None:
    settings.DDGOV_EXCHANGE_MAX_RESPONSE_BYTES = 5000
    assert len(call(exchange_server, world, "/big?bytes=5000").body) == 5000
    assert len(call(exchange_server, world, "/big?bytes=5000&chunked=1").body) == 5000
    reply = call(exchange_server, world, "/big?bytes=5001")
    assert_refused(reply, 502, errors.RESPONSE_TOO_LARGE)
    assert_refused(
        call(exchange_server, world, "/big?bytes=200000&chunked=1"), 502, errors.RESPONSE_TOO_LARGE
    )
    assert logged(reply.header("X-Road-Request-Id"), log_flush).error == errors.RESPONSE_TOO_LARGE


def test_two_consumers_never_see_each_others_data(
    exchange_server: str, world: dict[str, Any], issue_token: Any, log_flush: Any
) -> None:
    second = SubsystemFactory(code="tax")
    GrantFactory(service=world["service"], client=second, purposes=[world["purpose"]])
    consumers = [
        (world["consumer"], world["token"]),
        (second, issue_token(second)),
    ]

    def one(i: int) -> tuple[str, str, Reply]:
        subsystem, token = consumers[i % 2]
        citizen = thai_id(f"1{i:011d}")
        reply = call(exchange_server, world, f"/persons/{citizen}", token=token, client=subsystem)
        return str(subsystem.code), citizen, reply

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(one, range(60)))
    request_ids = set()
    for code, citizen, reply in results:
        assert reply.status == 200
        seen = reply.json()
        assert seen["citizen_id"] == citizen
        assert seen["headers"]["X-Road-Client"].endswith(f"/{code}")
        assert seen["headers"]["X-Road-Id"] == reply.header("X-Road-Request-Id")
        request_ids.add(reply.header("X-Road-Request-Id"))
    assert len(request_ids) == 60
    log_flush()
    for row in MessageRecord.objects.filter(request_id__in=request_ids):
        assert row.client_id.endswith("/welfare") or row.client_id.endswith("/tax")


def test_every_call_is_logged_with_its_request_id(
    exchange_server: str, world: dict[str, Any], log_flush: Any
) -> None:
    replies = [
        call(exchange_server, world, "/persons/1"),
        call(exchange_server, world, "/persons/1", token=None),
        call(exchange_server, world, "/persons/1", purpose=None),
        call(exchange_server, world, "/nowhere"),
        call(exchange_server, world, "/status/500"),
        call(exchange_server, world, "/p", service="TH/GOV/nobody/none/nothing"),
        http_request(f"{exchange_server}/x/r1/garbage"),
    ]
    ids = [r.header("X-Road-Request-Id") for r in replies]
    assert all(ids)
    assert len(set(ids)) == len(ids)
    log_flush()
    rows = {r.request_id: r for r in MessageRecord.objects.filter(request_id__in=ids)}
    assert set(rows) == set(ids)
    for reply in replies:
        row = rows[reply.header("X-Road-Request-Id")]
        assert row.status == reply.status
        assert row.error == (reply.header("X-Road-Error") or "")
        assert row.response_digest == hashlib.sha256(reply.body).hexdigest()


def test_log_unavailable_refuses_calls(
    exchange_server: str, world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from ddgov.exchange.messagelog.writer import LogWriter

    monkeypatch.setattr(LogWriter, "healthy", lambda self: False)
    reply = call(exchange_server, world, "/persons/1")
    assert_refused(reply, 503, errors.LOG_UNAVAILABLE)


def test_unexpected_failure_is_500(
    exchange_server: str, world: dict[str, Any], monkeypatch: pytest.MonkeyPatch, log_flush: Any
) -> None:
    from ddgov.asgi import gateway

    async def broken(**kwargs: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(gateway.forwarder, "forward", broken)
    reply = call(exchange_server, world, "/persons/1")
    assert_refused(reply, 500, errors.INTERNAL)
    assert logged(reply.header("X-Road-Request-Id"), log_flush).error == errors.INTERNAL


def test_django_still_serves_everything_else(exchange_server: str) -> None:
    reply = http_request(f"{exchange_server}/healthz")
    assert reply.status == 200
    assert reply.header("X-Road-Request-Id") is None
    reply = http_request(f"{exchange_server}/x/unknown")
    assert_refused(reply, 404, errors.UNKNOWN_SERVICE)
