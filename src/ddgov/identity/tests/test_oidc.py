"""One ID end to end: a real OIDC client library (authlib) against ddgov on a live server.

Nothing here calls DOT's views directly: discovery, the browser sign-in, the authorization
redirect, the token exchange and userinfo all go over HTTP, the way an agency system would use
them, and the ID token is verified with the published JWKS, not with the provider's own key.
"""

from __future__ import annotations

import io
import json
import re
import time
import warnings
from html.parser import HTMLParser
from typing import TypeVar
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session, OAuthError
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from authlib.oidc.core import CodeIDToken
from authlib.oidc.discovery import OpenIDProviderMetadata
from django.core.management import CommandError, call_command
from oauth2_provider.models import get_application_model

from ddgov.agencies.tests.factories import DepartmentFactory
from ddgov.audit.models import AuditRecord
from ddgov.identity.models import Role
from ddgov.identity.oidc_clients import OidcGrant, oidc_client_create
from ddgov.identity.oidc_keys import oidc_key_generate
from ddgov.identity.tests.factories import (
    TEST_PASSWORD,
    CitizenUserFactory,
    MembershipFactory,
    StaffUserFactory,
)

with warnings.catch_warnings():
    # authlib 1.x announces that authlib.jose moves to joserfc in 2.0; it still works.
    warnings.simplefilter("ignore", DeprecationWarning)
    from authlib.jose import JsonWebKey, JsonWebToken
    from authlib.jose.errors import BadSignatureError, InvalidClaimError

pytestmark = pytest.mark.django_db(transaction=True)

S = TypeVar("S", bound=requests.Session)

REDIRECT_URI = "https://eservice.agency.example/oidc/callback"
DISCOVERY_PATH = "/o/.well-known/openid-configuration"
TIMEOUT = 10


@pytest.fixture(autouse=True)
def _issuer_from_request(settings):
    """Derive the issuer from the request, whatever DDGOV_OIDC_ISSUER a developer has set."""
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "OIDC_ISS_ENDPOINT": ""}


_open_sessions: list[requests.Session] = []


def _opened(session: S) -> S:
    """Remember an HTTP session so the test closes it (see ``_close_sessions``)."""
    _open_sessions.append(session)
    return session


@pytest.fixture(autouse=True)
def _close_sessions():
    """Close keep-alive connections while the live server still shares its SQLite connection.

    A socket left open until interpreter exit ends its server thread after the live server has
    stopped sharing the in-memory database connection, which Django reports as an error.
    """
    yield
    while _open_sessions:
        _open_sessions.pop().close()


@pytest.fixture
def discovery(live_server) -> dict:
    response = requests.get(live_server.url + DISCOVERY_PATH, timeout=TIMEOUT)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
def jwks(discovery) -> dict:
    response = requests.get(discovery["jwks_uri"], timeout=TIMEOUT)
    assert response.status_code == 200
    return response.json()


# --- helpers ------------------------------------------------------------------------------


class _FormInputs(HTMLParser):
    """Collect the ``name=value`` pairs of every <input> on a page (consent form, sign-in)."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "input":
            return
        attributes = dict(attrs)
        if attributes.get("name") and attributes.get("type") != "submit":
            self.values[attributes["name"]] = attributes.get("value") or ""


def _inputs(html: str) -> dict[str, str]:
    parser = _FormInputs()
    parser.feed(html)
    return parser.values


def _browser_signed_in(live_server, username: str, password: str = TEST_PASSWORD):
    """A requests.Session that signed in through the real login form, as a person would."""
    browser = _opened(requests.Session())
    page = browser.get(live_server.url + "/accounts/login/", timeout=TIMEOUT)
    assert page.status_code == 200
    token = _inputs(page.text)["csrfmiddlewaretoken"]
    response = browser.post(
        live_server.url + "/accounts/login/",
        data={"csrfmiddlewaretoken": token, "username": username, "password": password},
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    assert response.status_code == 302, response.text[:500]
    assert "sessionid" in browser.cookies
    return browser


def _rp(client_id: str, client_secret: str, scope: str) -> OAuth2Session:
    """The relying party's OAuth client, as an agency system would configure it."""
    return _opened(
        OAuth2Session(
            client_id,
            client_secret,
            scope=scope,
            redirect_uri=REDIRECT_URI,
            code_challenge_method="S256",
        )
    )


def _sign_in_through_one_id(live_server, discovery, *, browser, created, scope, consent=False):
    """Run the authorization-code + PKCE flow and return (token, nonce, session)."""
    rp = _rp(created.client_id, created.client_secret, scope)
    verifier = generate_token(64)
    nonce = generate_token(20)
    url, state = rp.create_authorization_url(
        discovery["authorization_endpoint"], code_verifier=verifier, nonce=nonce
    )
    response = browser.get(url, allow_redirects=False, timeout=TIMEOUT)
    if consent:
        assert response.status_code == 200, response.text[:500]
        form = _inputs(response.text)
        assert form["code_challenge_method"] == "S256"
        form["allow"] = "Authorize"
        response = browser.post(
            discovery["authorization_endpoint"], data=form, allow_redirects=False, timeout=TIMEOUT
        )
    assert response.status_code == 302, response.text[:500]
    location = response.headers["Location"]
    assert location.startswith(REDIRECT_URI)
    query = parse_qs(urlsplit(location).query)
    assert "code" in query, query
    assert query["state"] == [state]
    token = rp.fetch_token(
        discovery["token_endpoint"],
        authorization_response=location,
        code_verifier=verifier,
        state=state,
    )
    return token, nonce, rp


def _verified_id_token(
    id_token: str, *, jwks: dict, issuer: str, client_id: str, nonce: str, access_token: str
) -> dict:
    """Verify signature and claims exactly as a relying party must (OIDC Core 3.1.3.7)."""
    claims = JsonWebToken(["RS256"]).decode(
        id_token,
        JsonWebKey.import_key_set(jwks),
        claims_options={
            "iss": {"essential": True, "value": issuer},
            "aud": {"essential": True, "value": client_id},
            "sub": {"essential": True},
            "exp": {"essential": True},
            "iat": {"essential": True},
            "nonce": {"essential": True, "value": nonce},
        },
    )
    claims.validate()
    assert claims.header["alg"] == "RS256"
    # authlib's own OpenID client check (azp, at_hash, auth_time) over the same token.
    CodeIDToken(
        dict(claims),
        claims.header,
        {"iss": {"value": issuer}},
        {"nonce": nonce, "client_id": client_id, "access_token": access_token},
    ).validate()
    return dict(claims)


def _auth_code_client(**overrides):
    options = {
        "name": "E-Service ทดสอบ",
        "grant": OidcGrant.AUTHORIZATION_CODE,
        "redirect_uris": [REDIRECT_URI],
        "skip_authorization": True,
    }
    return oidc_client_create(**{**options, **overrides})


# --- discovery ----------------------------------------------------------------------------


def test_discovery_document_satisfies_oidc_discovery(live_server, discovery):
    issuer = live_server.url + "/o"
    assert discovery["issuer"] == issuer
    OpenIDProviderMetadata(discovery).validate()  # authlib's OIDC Discovery 1.0 checks
    for field in (
        "authorization_endpoint",
        "token_endpoint",
        "userinfo_endpoint",
        "jwks_uri",
        "subject_types_supported",
    ):
        assert discovery[field], field
        if field.endswith(("endpoint", "uri")):
            assert discovery[field].startswith(issuer + "/"), field
    assert "code" in discovery["response_types_supported"]
    assert "RS256" in discovery["id_token_signing_alg_values_supported"]
    assert "S256" in discovery["code_challenge_methods_supported"]
    assert {"openid", "thai_id", "agencies"} <= set(discovery["scopes_supported"])
    assert {"sub", "name", "th_citizen_id", "agencies"} <= set(discovery["claims_supported"])
    # Discovery 4.3: the document lives at issuer + /.well-known/openid-configuration.
    again = requests.get(issuer + "/.well-known/openid-configuration", timeout=TIMEOUT)
    assert again.json() == discovery


def test_root_well_known_redirects_to_the_discovery_document(live_server, discovery):
    response = requests.get(
        live_server.url + "/.well-known/openid-configuration",
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(DISCOVERY_PATH)
    followed = requests.get(live_server.url + "/.well-known/openid-configuration", timeout=TIMEOUT)
    assert followed.json() == discovery


def test_jwks_serves_a_public_rsa_key(jwks):
    assert jwks["keys"], jwks
    key_set = JsonWebKey.import_key_set(jwks)
    rsa_keys = [key for key in key_set.keys if key.kty == "RSA"]
    assert rsa_keys
    public = rsa_keys[0].as_dict()
    assert public["alg"] == "RS256"
    assert public["kid"]
    assert "d" not in public, "the JWKS must never publish the private exponent"


# --- authorization code + PKCE ------------------------------------------------------------


def test_citizen_signs_in_with_code_and_pkce(live_server, discovery, jwks):
    citizen = CitizenUserFactory()
    created = _auth_code_client()
    browser = _browser_signed_in(live_server, citizen.username)

    token, nonce, rp = _sign_in_through_one_id(
        live_server, discovery, browser=browser, created=created, scope="openid profile thai_id"
    )

    assert token["token_type"].lower() == "bearer"
    claims = _verified_id_token(
        token["id_token"],
        jwks=jwks,
        issuer=discovery["issuer"],
        client_id=created.client_id,
        nonce=nonce,
        access_token=token["access_token"],
    )
    assert claims["sub"] == str(citizen.pk)
    assert claims["exp"] > time.time()
    assert claims["th_citizen_id"] == citizen.person.citizen_id
    assert claims["given_name"] == citizen.person.first_name_th
    assert "agencies" not in claims

    userinfo = rp.get(discovery["userinfo_endpoint"], timeout=TIMEOUT)
    assert userinfo.status_code == 200, userinfo.text
    info = userinfo.json()
    assert info["sub"] == str(citizen.pk)
    assert info["th_citizen_id"] == citizen.person.citizen_id
    assert info["preferred_username"] == f"citizen-{citizen.pk}"
    assert set(info) <= set(discovery["claims_supported"])


def test_citizen_id_is_released_only_under_the_thai_id_scope(live_server, discovery, jwks):
    citizen = CitizenUserFactory()
    created = _auth_code_client()
    browser = _browser_signed_in(live_server, citizen.username)

    token, nonce, rp = _sign_in_through_one_id(
        live_server, discovery, browser=browser, created=created, scope="openid profile"
    )

    claims = _verified_id_token(
        token["id_token"],
        jwks=jwks,
        issuer=discovery["issuer"],
        client_id=created.client_id,
        nonce=nonce,
        access_token=token["access_token"],
    )
    assert "th_citizen_id" not in claims
    assert claims["family_name"] == citizen.person.last_name_th  # profile still granted
    info = rp.get(discovery["userinfo_endpoint"], timeout=TIMEOUT).json()
    assert "th_citizen_id" not in info
    assert citizen.person.citizen_id not in json.dumps(info)
    assert info["sub"] == str(citizen.pk)


def test_staff_agencies_claim_needs_the_agencies_scope_and_consent(live_server, discovery, jwks):
    membership = MembershipFactory(role=Role.DATA_STEWARD)
    staff = membership.user
    created = _auth_code_client(skip_authorization=False)
    browser = _browser_signed_in(live_server, staff.username)

    token, nonce, rp = _sign_in_through_one_id(
        live_server,
        discovery,
        browser=browser,
        created=created,
        scope="openid profile agencies",
        consent=True,
    )
    claims = _verified_id_token(
        token["id_token"],
        jwks=jwks,
        issuer=discovery["issuer"],
        client_id=created.client_id,
        nonce=nonce,
        access_token=token["access_token"],
    )
    expected = [{"code": membership.agency.code, "role": Role.DATA_STEWARD}]
    assert claims["agencies"] == expected
    assert claims["preferred_username"] == staff.username
    info = rp.get(discovery["userinfo_endpoint"], timeout=TIMEOUT).json()
    assert info["agencies"] == expected
    assert set(info) <= set(discovery["claims_supported"])

    without, nonce, rp = _sign_in_through_one_id(
        live_server,
        discovery,
        browser=browser,
        created=created,
        scope="openid profile",
        consent=True,
    )
    assert "agencies" not in rp.get(discovery["userinfo_endpoint"], timeout=TIMEOUT).json()
    assert "agencies" not in _verified_id_token(
        without["id_token"],
        jwks=jwks,
        issuer=discovery["issuer"],
        client_id=created.client_id,
        nonce=nonce,
        access_token=without["access_token"],
    )


def test_id_token_checks_reject_a_foreign_key_and_a_wrong_nonce(live_server, discovery, jwks):
    """The verification above is real: a forged token or a replayed nonce is refused."""
    citizen = CitizenUserFactory()
    created = _auth_code_client()
    browser = _browser_signed_in(live_server, citizen.username)
    token, nonce, _rp_session = _sign_in_through_one_id(
        live_server, discovery, browser=browser, created=created, scope="openid"
    )
    claims = JsonWebToken(["RS256"]).decode(token["id_token"], JsonWebKey.import_key_set(jwks))

    forger = JsonWebKey.import_key(oidc_key_generate(), {"kty": "RSA"})
    forged = JsonWebToken(["RS256"]).encode(
        {"alg": "RS256", "kid": claims.header["kid"]}, dict(claims), forger
    )
    with pytest.raises(BadSignatureError):
        JsonWebToken(["RS256"]).decode(forged, JsonWebKey.import_key_set(jwks))

    with pytest.raises(InvalidClaimError):
        _verified_id_token(
            token["id_token"],
            jwks=jwks,
            issuer=discovery["issuer"],
            client_id=created.client_id,
            nonce=nonce + "-replayed",
            access_token=token["access_token"],
        )


def test_authorize_without_code_challenge_is_refused(live_server, discovery):
    citizen = CitizenUserFactory()
    created = _auth_code_client()
    browser = _browser_signed_in(live_server, citizen.username)
    query = {
        "response_type": "code",
        "client_id": created.client_id,
        "redirect_uri": REDIRECT_URI,
        "scope": "openid",
        "state": "s-123",
        "nonce": "n-123",
    }

    response = browser.get(
        discovery["authorization_endpoint"] + "?" + urlencode(query),
        allow_redirects=False,
        timeout=TIMEOUT,
    )

    assert response.status_code == 302
    returned = parse_qs(urlsplit(response.headers["Location"]).query)
    assert "code" not in returned
    assert returned["error"] == ["invalid_request"]
    assert "challenge" in returned["error_description"][0].lower()


def test_a_code_issued_with_pkce_needs_the_verifier(live_server, discovery):
    citizen = CitizenUserFactory()
    created = _auth_code_client()
    browser = _browser_signed_in(live_server, citizen.username)
    verifier = generate_token(64)
    query = {
        "response_type": "code",
        "client_id": created.client_id,
        "redirect_uri": REDIRECT_URI,
        "scope": "openid",
        "code_challenge": create_s256_code_challenge(verifier),
        "code_challenge_method": "S256",
    }
    response = browser.get(
        discovery["authorization_endpoint"] + "?" + urlencode(query),
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    code = parse_qs(urlsplit(response.headers["Location"]).query)["code"][0]
    exchange = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI}
    credentials = (created.client_id, created.client_secret)

    missing = requests.post(
        discovery["token_endpoint"], data=exchange, auth=credentials, timeout=TIMEOUT
    )
    assert missing.status_code == 400
    assert missing.json()["error"] == "invalid_request"
    wrong = requests.post(
        discovery["token_endpoint"],
        data={**exchange, "code_verifier": generate_token(64)},
        auth=credentials,
        timeout=TIMEOUT,
    )
    assert wrong.status_code == 400
    assert wrong.json()["error"] == "invalid_grant"
    assert "access_token" not in wrong.json()


# --- client credentials -------------------------------------------------------------------


def test_machine_client_gets_an_access_token(live_server, discovery):
    created = oidc_client_create(name="Nightly sync", grant=OidcGrant.CLIENT_CREDENTIALS)
    machine = _opened(OAuth2Session(created.client_id, created.client_secret, scope="read"))

    token = machine.fetch_token(discovery["token_endpoint"], grant_type="client_credentials")

    assert token["access_token"]
    assert token["token_type"].lower() == "bearer"
    assert token["scope"] == "read"
    assert "id_token" not in token  # no person, so no identity


def test_machine_client_with_a_wrong_secret_gets_invalid_client(live_server, discovery):
    created = oidc_client_create(name="Nightly sync", grant=OidcGrant.CLIENT_CREDENTIALS)

    response = requests.post(
        discovery["token_endpoint"],
        data={"grant_type": "client_credentials"},
        auth=(created.client_id, created.client_secret + "x"),
        timeout=TIMEOUT,
    )

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    with pytest.raises(OAuthError) as info:
        _opened(OAuth2Session(created.client_id, "not-the-secret")).fetch_token(
            discovery["token_endpoint"], grant_type="client_credentials"
        )
    assert info.value.error == "invalid_client"


# --- the service and the command ----------------------------------------------------------


def test_client_secret_is_hashed_and_kept_out_of_the_audit_trail(db):
    agency = DepartmentFactory()
    created = _auth_code_client(agency=agency)

    stored = get_application_model().objects.get(client_id=created.client_id)
    assert stored.client_secret != created.client_secret
    assert stored.client_secret.startswith(("md5$", "pbkdf2_sha256$"))
    assert stored.algorithm == "RS256"
    assert stored.client_type == "confidential"
    assert stored.skip_authorization is True
    record = AuditRecord.objects.get(action="oidc.client_create")
    assert record.target_id == created.client_id
    assert record.agency_code == agency.code
    assert record.detail["redirect_uris"] == [REDIRECT_URI]
    everything = json.dumps(
        {f.attname: getattr(record, f.attname) for f in record._meta.concrete_fields}, default=str
    )
    assert created.client_secret not in everything


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"redirect_uris": []}, "redirect_uris"),
        ({"redirect_uris": ["ftp://files.example/cb"]}, "redirect_uris"),
        ({"name": "   "}, "name"),
        ({"grant": "password"}, "grant"),
    ],
)
def test_invalid_clients_are_refused_and_not_audited(db, overrides, field):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as info:
        _auth_code_client(**overrides)
    assert field in info.value.message_dict
    assert not get_application_model().objects.exists()
    assert not AuditRecord.objects.filter(action="oidc.client_create").exists()


def test_command_creates_a_client_whose_secret_works(live_server, discovery):
    out, err = io.StringIO(), io.StringIO()

    call_command(
        "oidc",
        "client",
        "create",
        "--name",
        "Batch API",
        "--grant",
        "client-credentials",
        stdout=out,
        stderr=err,
    )

    printed = dict(re.findall(r"^(client_id|client_secret): (\S+)$", out.getvalue(), re.M))
    assert set(printed) == {"client_id", "client_secret"}
    assert "only" in err.getvalue()
    response = requests.post(
        discovery["token_endpoint"],
        data={"grant_type": "client_credentials"},
        auth=(printed["client_id"], printed["client_secret"]),
        timeout=TIMEOUT,
    )
    assert response.status_code == 200, response.text
    assert response.json()["access_token"]


def test_command_registers_a_sign_in_client_for_an_agency(live_server, discovery, jwks):
    agency = DepartmentFactory()
    out = io.StringIO()
    call_command(
        "oidc",
        "client",
        "create",
        "--name",
        "กรมทดสอบ e-Service",
        "--grant",
        "authorization-code",
        "--redirect-uri",
        REDIRECT_URI,
        "--redirect-uri",
        REDIRECT_URI + "2",
        "--skip-consent",
        "--agency",
        agency.code,
        stdout=out,
        stderr=io.StringIO(),
    )
    printed = dict(re.findall(r"^(client_id|client_secret): (\S+)$", out.getvalue(), re.M))
    stored = get_application_model().objects.get(client_id=printed["client_id"])
    assert stored.redirect_uris.split() == [REDIRECT_URI, REDIRECT_URI + "2"]
    assert stored.skip_authorization is True
    assert AuditRecord.objects.get(action="oidc.client_create").agency_code == agency.code

    citizen = CitizenUserFactory()
    browser = _browser_signed_in(live_server, citizen.username)
    created = type("Created", (), printed)
    token, nonce, _rp_session = _sign_in_through_one_id(
        live_server, discovery, browser=browser, created=created, scope="openid"
    )
    claims = _verified_id_token(
        token["id_token"],
        jwks=jwks,
        issuer=discovery["issuer"],
        client_id=printed["client_id"],
        nonce=nonce,
        access_token=token["access_token"],
    )
    assert claims["sub"] == str(citizen.pk)


@pytest.mark.parametrize(
    "arguments",
    [
        ["--name", "x", "--grant", "authorization-code"],
        ["--name", "x", "--grant", "client-credentials", "--agency", "no-such-agency"],
        ["--name", "x", "--grant", "client-credentials", "--redirect-uri", REDIRECT_URI],
    ],
)
def test_command_refuses_bad_input(db, arguments):
    with pytest.raises(CommandError):
        call_command("oidc", "client", "create", *arguments, stdout=io.StringIO())
    assert not get_application_model().objects.exists()


def test_staff_without_memberships_get_an_empty_agencies_list(live_server, discovery):
    staff = StaffUserFactory()
    created = _auth_code_client()
    browser = _browser_signed_in(live_server, staff.username)
    _token, _nonce, rp = _sign_in_through_one_id(
        live_server, discovery, browser=browser, created=created, scope="openid agencies"
    )
    info = rp.get(discovery["userinfo_endpoint"], timeout=TIMEOUT).json()
    assert info["agencies"] == []
    assert "given_name" not in info  # profile was not granted
    assert info["sub"] == str(staff.pk)
