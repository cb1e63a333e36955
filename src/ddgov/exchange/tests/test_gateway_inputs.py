"""The gateway over real HTTP: whom it logs, which citizens it records, and malformed requests.

Regression tests for review 6: citizen IDs in any spelling or place are found, normalised and
logged (or the call refused); consent needs the signed event history, not only the record's
state; the log names only a verified client; purposes are codes; repeated identity headers, an
encoded ``/`` in the identifier and a foreign ``Host`` are refused; ``/x`` is the gateway's.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from ddgov.exchange import errors
from ddgov.exchange.gateway import queries
from ddgov.exchange.models import ConsentRecord, LawfulBasis, MessageRecord, MessageSubject
from ddgov.exchange.services.consent import consent_give, consent_withdraw
from ddgov.exchange.tests import test_gateway
from ddgov.exchange.tests.conftest import Reply, http_request
from ddgov.exchange.tests.factories import GrantFactory, PurposeFactory, SubsystemFactory
from ddgov.exchange.tests.test_gateway import (
    CITIZEN,
    OTHER_CITIZEN,
    assert_refused,
    call,
    logged,
)
from ddgov.identity.thaiid import thai_id_format

pytestmark = pytest.mark.django_db(transaction=True)

# The gateway tests' fixtures, used here by name.
world = test_gateway.world
consent_world = test_gateway.consent_world

REVIEW_CID = "3620705179914"  # the review's example (valid check digit)
THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


def _personal(world: dict[str, Any], *, subject_param: str, basis: str) -> None:
    service = world["service"]
    service.personal_data = True
    service.subject_param = subject_param
    service.save()
    world["grant"].lawful_basis = basis
    world["grant"].save()


def _record(reply: Reply, log_flush: Any) -> MessageRecord:
    return logged(reply.header("X-Road-Request-Id"), log_flush)


def _service_id(world: dict[str, Any]) -> str:
    return f"TH/GOV/{world['provider'].member.code}/registry/person"


def _client_id(subsystem: Any) -> str:
    return f"TH/GOV/{subsystem.member.code}/{subsystem.code}"


# --- finding 1: every citizen a personal-data call names is found, normalised and logged ------


def test_query_subjects_in_any_spelling_are_logged(
    exchange_server: str, world: dict[str, Any], log_flush: Any
) -> None:
    _personal(world, subject_param="cid", basis=LawfulBasis.PUBLIC_TASK)
    spellings = [
        f"%63id={REVIEW_CID}",  # an encoded parameter name
        "cid=3-6207-05179-91-4",  # dashes: longer than 13 characters
        f"cid={quote(REVIEW_CID.translate(THAI_DIGITS))}",  # Thai digits
        f"cid=+{REVIEW_CID}+",  # spaces around it
    ]
    for query in spellings:
        reply = call(exchange_server, world, f"/persons/me?{query}")
        assert reply.status == 200, (query, reply.body)
        record = _record(reply, log_flush)
        assert record.subjects == [REVIEW_CID], query
    # The citizen's tracker index has every one of them.
    assert MessageSubject.objects.filter(citizen_id=REVIEW_CID).count() == len(spellings)


def test_path_and_query_subjects_are_both_logged(
    exchange_server: str, world: dict[str, Any], log_flush: Any
) -> None:
    _personal(world, subject_param="citizen_id", basis=LawfulBasis.PUBLIC_TASK)
    thai = REVIEW_CID.translate(THAI_DIGITS)
    reply = call(exchange_server, world, f"/persons/{quote(thai)}")
    assert reply.status == 200
    assert reply.json()["citizen_id"] == thai
    assert _record(reply, log_flush).subjects == [REVIEW_CID]
    reply = call(exchange_server, world, f"/persons/{CITIZEN}?citizen_id={OTHER_CITIZEN}")
    assert reply.status == 200
    assert _record(reply, log_flush).subjects == [CITIZEN, OTHER_CITIZEN]


def test_a_subject_that_is_no_citizen_id_is_refused(
    exchange_server: str, world: dict[str, Any], log_flush: Any
) -> None:
    _personal(world, subject_param="cid", basis=LawfulBasis.PUBLIC_TASK)
    wrong_check_digit = REVIEW_CID[:-1] + str((int(REVIEW_CID[-1]) + 1) % 10)
    many = "&".join(f"cid={CITIZEN}" if i == 0 else f"cid=x{i}" for i in range(101))
    for query in (
        "cid=12345",
        f"cid={wrong_check_digit}",
        f"cid={CITIZEN}&cid=somebody",
        f"cid={CITIZEN};5",
        many,
    ):
        reply = call(exchange_server, world, f"/persons/me?{query}")
        body = assert_refused(reply, 400, errors.BAD_REQUEST)
        assert "citizen ID" in body["message"]
        assert "เลขประจำตัวประชาชน" in body["message_th"]
        record = _record(reply, log_flush)
        assert record.error == errors.BAD_REQUEST
        # Only what is a citizen ID is recorded: the valid one stays in the citizen's tracker.
        assert record.subjects == ([CITIZEN] if CITIZEN in query else [])
    _personal(world, subject_param="citizen_id", basis=LawfulBasis.CONSENT)
    assert_refused(call(exchange_server, world, "/persons/not-an-id"), 400, errors.BAD_REQUEST)


def test_consent_is_checked_for_the_normalised_id(
    exchange_server: str, consent_world: dict[str, Any], log_flush: Any
) -> None:
    world = consent_world
    consent_give(agreement=world["agreement"], citizen_id=CITIZEN, actor=None)
    reply = call(exchange_server, world, f"/persons/{thai_id_format(CITIZEN)}")
    assert reply.status == 200
    assert _record(reply, log_flush).subjects == [CITIZEN]


# --- finding 2: the consent record's state alone is not trusted ------------------------------


def test_consent_record_edited_to_given_grants_nothing(
    exchange_server: str, consent_world: dict[str, Any]
) -> None:
    world = consent_world
    record = consent_give(agreement=world["agreement"], citizen_id=CITIZEN, actor=None)
    assert call(exchange_server, world, f"/persons/{CITIZEN}").status == 200
    consent_withdraw(record=record, actor=None)
    assert_refused(
        call(exchange_server, world, f"/persons/{CITIZEN}"), 403, errors.CONSENT_REQUIRED
    )
    # An attacker with database access flips the record back; its last signed event still
    # says 'withdrawn', so the next call is refused.
    ConsentRecord.objects.filter(pk=record.pk).update(state=ConsentRecord.State.GIVEN)
    assert_refused(
        call(exchange_server, world, f"/persons/{CITIZEN}"), 403, errors.CONSENT_REQUIRED
    )
    # Given again through the consent service: the third event counts.
    ConsentRecord.objects.filter(pk=record.pk).update(state=ConsentRecord.State.WITHDRAWN)
    consent_give(agreement=world["agreement"], citizen_id=CITIZEN, actor=None)
    assert record.events.count() == 3
    assert call(exchange_server, world, f"/persons/{CITIZEN}").status == 200
    # A record inserted without any signed event grants nothing either.
    ConsentRecord.objects.create(
        agreement=world["agreement"],
        citizen_id=OTHER_CITIZEN,
        agreement_revision_hash=world["agreement"].revision_hash,
        state=ConsentRecord.State.GIVEN,
    )
    assert_refused(
        call(exchange_server, world, f"/persons/{OTHER_CITIZEN}"), 403, errors.CONSENT_REQUIRED
    )


def test_consent_check_stays_one_query(
    exchange_server: str, consent_world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    world = consent_world
    consent_give(agreement=world["agreement"], citizen_id=CITIZEN, actor=None)
    consent_give(agreement=world["agreement"], citizen_id=OTHER_CITIZEN, actor=None)
    assert call(exchange_server, world, f"/persons/{CITIZEN}").status == 200  # compiles paths
    statements: list[str] = []
    fetch = queries._fetch

    def counting(sql: str, params: Any) -> Any:
        statements.append(sql)
        return fetch(sql, params)

    monkeypatch.setattr(queries, "_fetch", counting)
    reply = call(exchange_server, world, f"/persons/{CITIZEN}?citizen_id={OTHER_CITIZEN}")
    assert reply.status == 200
    # The call's row, then one consent statement for both citizens (events included).
    assert len(statements) == 2


# --- finding 4: the log names the token's subsystem, or nobody ------------------------------


def test_log_names_only_a_verified_client(
    exchange_server: str, world: dict[str, Any], issue_token: Any, log_flush: Any
) -> None:
    intruder = SubsystemFactory(code="intruder")
    GrantFactory(service=world["service"], client=intruder, purposes=[world["purpose"]])
    intruder_token = issue_token(intruder)
    # A valid token claiming another subsystem: refused, and logged as the token's subsystem.
    reply = call(exchange_server, world, "/persons/1", token=intruder_token)
    assert_refused(reply, 403, errors.CLIENT_MISMATCH)
    assert _record(reply, log_flush).client_id == _client_id(intruder)
    reply = call(exchange_server, world, "/persons/1", token=intruder_token, client=None)
    assert_refused(reply, 400, errors.BAD_REQUEST)
    assert _record(reply, log_flush).client_id == _client_id(intruder)
    # No valid token: nobody is named, whatever the header claims.
    for token in (None, "not-a-token"):
        reply = call(exchange_server, world, "/persons/1", token=token)
        assert_refused(reply, 401, errors.UNAUTHENTICATED)
        assert _record(reply, log_flush).client_id == ""
    # Refused before authentication (unknown service): nobody either.
    reply = call(exchange_server, world, "/persons/1", service=f"{_service_id(world)}-gone")
    assert_refused(reply, 404, errors.UNKNOWN_SERVICE)
    assert _record(reply, log_flush).client_id == ""
    # The directory logs the same way.
    provider = world["provider"]
    url = f"{exchange_server}/x/r1/TH/GOV/{provider.member.code}/registry/listMethods"
    claimed = {"X-Road-Client": _client_id(world["consumer"])}
    reply = http_request(url, headers={**claimed, "Authorization": f"Bearer {intruder_token}"})
    assert_refused(reply, 403, errors.CLIENT_MISMATCH)
    assert _record(reply, log_flush).client_id == _client_id(intruder)
    reply = http_request(url, headers=claimed)
    assert_refused(reply, 401, errors.UNAUTHENTICATED)
    assert _record(reply, log_flush).client_id == ""


# --- finding 5: X-Purpose is a purpose code -------------------------------------------------


def test_purpose_must_be_a_code(
    exchange_server: str, world: dict[str, Any], log_flush: Any
) -> None:
    service_url = f"{exchange_server}/x/r1/{_service_id(world)}/persons/1"
    thai = "ตรวจสอบสิทธิ์"
    reply = http_request(
        service_url,
        headers=[
            ("Authorization", f"Bearer {world['token']}"),
            ("X-Road-Client", _client_id(world["consumer"])),
            ("X-Purpose", thai.encode()),
        ],
    )
    body = assert_refused(reply, 400, errors.BAD_REQUEST)
    assert "X-Purpose" in body["message"]
    assert _record(reply, log_flush).purpose == thai  # readable, not mojibake
    for purpose in ("welfare eligibility", "-welfare", "a" * 65, "a/b", "welfare,audit"):
        reply = call(exchange_server, world, "/persons/1", purpose=purpose)
        assert_refused(reply, 400, errors.BAD_REQUEST)
    # A well-formed code the grant does not list is still 403.
    PurposeFactory(code="a" * 64)
    assert_refused(
        call(exchange_server, world, "/persons/1", purpose="a" * 64),
        403,
        errors.PURPOSE_NOT_ALLOWED,
    )
    assert call(exchange_server, world, "/persons/1").status == 200


# --- finding 6: repeated identity headers ---------------------------------------------------


@pytest.mark.parametrize("repeated", ["Authorization", "X-Road-Client", "X-Purpose"])
def test_repeated_headers_are_refused(
    exchange_server: str, world: dict[str, Any], log_flush: Any, repeated: str
) -> None:
    headers = {
        "Authorization": f"Bearer {world['token']}",
        "X-Road-Client": _client_id(world["consumer"]),
        "X-Purpose": world["purpose"].code,
    }
    pairs = list(headers.items())
    pairs.append((repeated, headers[repeated]))  # the same value again: still refused
    reply = http_request(f"{exchange_server}/x/r1/{_service_id(world)}/persons/1", headers=pairs)
    body = assert_refused(reply, 400, errors.BAD_REQUEST)
    assert repeated in body["message"]
    record = _record(reply, log_flush)
    assert (record.error, record.client_id) == (errors.BAD_REQUEST, "")
    provider = world["provider"]
    reply = http_request(
        f"{exchange_server}/x/r1/TH/GOV/{provider.member.code}/registry/listMethods", headers=pairs
    )
    assert_refused(reply, 400, errors.BAD_REQUEST)


# --- finding 7: an encoded "/" inside the service identifier --------------------------------


def test_encoded_slash_in_the_identifier_is_a_bad_request(
    exchange_server: str, world: dict[str, Any], log_flush: Any
) -> None:
    member = world["provider"].member.code
    for identifier in (
        f"TH/GOV/{member}%2Fregistry/person",
        f"TH/GOV/{member}/registry%2fperson",
        f"TH/GOV/{member}/registry/per%FFson",
        f"TH/GOV/{member}/registry%2FlistMethods",
    ):
        reply = call(exchange_server, world, "/persons/1", service=identifier)
        body = assert_refused(reply, 400, errors.BAD_REQUEST)
        assert "identifier" in body["message"]
        # Logged as sent (five raw segments, then the path), not as the identifier the
        # decoding would name.
        record = _record(reply, log_flush)
        assert record.service_id + record.path == f"{identifier}/persons/1"
        assert "%" in record.service_id
    assert call(exchange_server, world, "/persons/1").status == 200


# --- finding 9: the Host header -------------------------------------------------------------


def test_host_must_be_an_allowed_host(
    exchange_server: str, world: dict[str, Any], settings: Any, log_flush: Any
) -> None:
    port = exchange_server.rsplit(":", 1)[1]
    call_url = f"{exchange_server}/x/r1/{_service_id(world)}/persons/1"
    identity = [
        ("Authorization", f"Bearer {world['token']}"),
        ("X-Road-Client", _client_id(world["consumer"])),
        ("X-Purpose", world["purpose"].code),
    ]
    reply = http_request(call_url, headers=[("Host", "evil.example"), *identity])
    body = assert_refused(reply, 400, errors.BAD_REQUEST)
    assert "Host" in body["message"]
    assert _record(reply, log_flush).error == errors.BAD_REQUEST
    for path in ("/x/listClients", "/x/openapi.json", "/x"):
        reply = http_request(f"{exchange_server}{path}", headers=[("Host", "evil.example")])
        assert_refused(reply, 400, errors.BAD_REQUEST)
    reply = http_request(call_url, headers=[("Host", f"localhost:{port}"), *identity])
    assert reply.status == 200
    # The allowed list follows the setting (the cached answers are dropped when it changes).
    settings.ALLOWED_HOSTS = ["gdx.example.go.th"]
    assert http_request(call_url, headers=identity).status == 400  # Host: 127.0.0.1:<port>
    reply = http_request(call_url, headers=[("Host", f"gdx.example.go.th:{port}"), *identity])
    assert reply.status == 200


# --- finding 11: "/x" itself ----------------------------------------------------------------


def test_x_without_slash_is_the_gateways_404(exchange_server: str) -> None:
    for method in ("GET", "POST"):
        reply = http_request(f"{exchange_server}/x", method=method)
        assert_refused(reply, 404, errors.UNKNOWN_SERVICE)
        assert reply.header("Content-Type").startswith("application/json")
    reply = http_request(f"{exchange_server}/xyz")
    assert reply.status == 404
    assert reply.header("X-Road-Request-Id") is None  # Django's, as before
