"""A real OAuth2 client gets tokens from One ID with the credentials ``ddgov exchange client create`` prints.

Nothing here creates tokens directly: authlib's ``OAuth2Session`` and plain ``requests`` talk to
``/o/token/`` over HTTP, the way an agency system would, first on Django's live server and then
end to end through the ASGI application the gateway runs in (token, then a call through ``/x/``).
"""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
import requests
from authlib.integrations.requests_client import OAuth2Session, OAuthError
from django.core.management import call_command
from oauth2_provider.models import get_access_token_model

from ddgov.exchange.models import SubsystemClient
from ddgov.exchange.services.rights import grant_create, purpose_define
from ddgov.exchange.tests.factories import ExternalServiceFactory, SubsystemFactory

pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT = 10
TOKEN_PATH = "/o/token/"


@pytest.fixture(autouse=True)
def _issuer_from_request(settings):
    """Derive the issuer from the request, whatever DDGOV_OIDC_ISSUER a developer has set."""
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "OIDC_ISS_ENDPOINT": ""}


def client_create(member: str, subsystem: str) -> tuple[str, str]:
    out = io.StringIO()
    call_command(
        "exchange",
        "client",
        "create",
        "--member",
        member,
        "--subsystem",
        subsystem,
        stdout=out,
        stderr=io.StringIO(),
    )
    printed = dict(re.findall(r"^(client_id|client_secret): (\S+)$", out.getvalue(), re.M))
    assert set(printed) == {"client_id", "client_secret"}
    return printed["client_id"], printed["client_secret"]


def fetch_token(base: str, client_id: str, secret: str) -> dict[str, Any]:
    with OAuth2Session(client_id, secret) as session:
        return dict(session.fetch_token(base + TOKEN_PATH, grant_type="client_credentials"))


def test_printed_credentials_get_tokens_by_basic_and_form_auth_until_revoked(live_server):
    subsystem = SubsystemFactory(member__code="DSDW", code="welfare")
    client_id, secret = client_create("DSDW", "welfare")

    token = fetch_token(live_server.url, client_id, secret)  # HTTP Basic (client_secret_basic)

    assert token["access_token"]
    assert token["token_type"].lower() == "bearer"
    assert "id_token" not in token
    stored = get_access_token_model().objects.get(token=token["access_token"])
    assert stored.application.exchange_client.subsystem == subsystem
    form = requests.post(
        live_server.url + TOKEN_PATH,
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
        timeout=TIMEOUT,
    )
    assert form.status_code == 200, form.text
    assert form.json()["access_token"]

    call_command("exchange", "client", "revoke", "--client-id", client_id, stdout=io.StringIO())

    assert not get_access_token_model().objects.filter(application=stored.application).exists()
    with pytest.raises(OAuthError) as caught:
        fetch_token(live_server.url, client_id, secret)
    assert caught.value.error == "invalid_client"


def test_wrong_secret_is_refused(live_server):
    SubsystemFactory(member__code="DSDW", code="welfare")
    client_id, secret = client_create("DSDW", "welfare")
    response = requests.post(
        live_server.url + TOKEN_PATH,
        data={"grant_type": "client_credentials"},
        auth=(client_id, secret + "x"),
        timeout=TIMEOUT,
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_token_from_the_endpoint_is_accepted_by_the_gateway(
    exchange_server, provider_server, exchange_call
):
    """End to end on the gateway's own server: token from /o/token/, then a call through /x/."""
    provider = SubsystemFactory(member__code="DOPA", code="population")
    service = ExternalServiceFactory(subsystem=provider, code="persons", base_url=provider_server)
    consumer = SubsystemFactory(member__code="DSDW", code="welfare")
    purpose = purpose_define(code="welfare-eligibility", name_th="ตรวจสิทธิ", name_en="Eligibility")
    grant_create(service=service, client=consumer, purposes=[purpose])
    client_id, secret = client_create("DSDW", "welfare")

    token = fetch_token(exchange_server, client_id, secret)["access_token"]
    reply = exchange_call(
        exchange_server, service, "/persons/1100200000011", token, consumer, "welfare-eligibility"
    )

    assert reply.status == 200, reply.body
    assert reply.json()["citizen_id"] == "1100200000011"
    assert reply.header("X-Road-Error") is None

    client = SubsystemClient.objects.get(application__client_id=client_id)
    call_command("exchange", "client", "revoke", "--client-id", client_id, stdout=io.StringIO())
    client.refresh_from_db()
    assert client.revoked_at is not None
    refused = exchange_call(
        exchange_server, service, "/persons/1100200000011", token, consumer, "welfare-eligibility"
    )
    assert refused.status == 401
    assert refused.header("X-Road-Error") == "Client.Unauthenticated"
