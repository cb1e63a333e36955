"""Open311 over real HTTP: the ``requests`` library against a live server, as a client would."""

from __future__ import annotations

import pytest
import requests

from ddgov.complaints.models import Complaint
from ddgov.complaints.open311 import submit
from ddgov.complaints.tests.open311_fixtures import (
    GOOD_POST,
    REQUEST_FIELDS,
    api_key_new,
    xml_parse,
)

pytestmark = pytest.mark.django_db(transaction=True)
TIMEOUT = 30


@pytest.fixture(autouse=True)
def _fresh_rate_buckets():
    submit.buckets.clear()


def test_a_client_files_and_follows_a_complaint(live_server, directory):
    base = f"{live_server.url}/open311/v2"
    session = requests.Session()

    discovery = session.get(f"{base}/discovery.json", timeout=TIMEOUT)
    assert discovery.status_code == 200
    assert discovery.headers["Content-Type"].startswith("application/json")
    endpoint = discovery.json()["endpoints"][0]
    assert endpoint["url"] == base

    services = session.get(f"{base}/services.xml", timeout=TIMEOUT)
    assert services.headers["Content-Type"].startswith("text/xml")
    codes = [s.findtext("service_code") for s in xml_parse(services.content).iter("service")]
    assert "lighting" in codes

    key = api_key_new()
    headers = {"Idempotency-Key": "live-1", "Accept-Language": "th"}
    first = session.post(
        f"{base}/requests.json",
        data={"api_key": key, **GOOD_POST},
        headers=headers,
        timeout=TIMEOUT,
    )
    assert first.status_code == 201, first.text
    created = first.json()[0]
    retry = session.post(
        f"{base}/requests.json",
        data={"api_key": key, **GOOD_POST},
        headers=headers,
        timeout=TIMEOUT,
    )
    assert retry.status_code == 201
    assert retry.json()[0] == created
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert Complaint.objects.count() == 1

    detail = session.get(f"{base}/requests/{created['service_request_id']}.xml", timeout=TIMEOUT)
    assert detail.status_code == 200
    root = xml_parse(detail.content)
    assert root.tag == "service_requests"
    (request,) = root.findall("request")
    assert [child.tag for child in request] == REQUEST_FIELDS
    assert request.findtext("status") == "open"
    assert request.findtext("description") == GOOD_POST["description"]

    token = session.get(f"{base}/tokens/{created['token']}.json", timeout=TIMEOUT)
    assert token.json() == [
        {"service_request_id": created["service_request_id"], "token": created["token"]}
    ]

    listed = session.get(
        f"{base}/requests.json",
        params={"status": "open", "service_code": "lighting"},
        timeout=TIMEOUT,
    )
    assert [r["service_request_id"] for r in listed.json()] == [created["service_request_id"]]


def test_errors_over_http(live_server, directory):
    base = f"{live_server.url}/open311/v2"
    refused = requests.post(f"{base}/requests.xml", data=GOOD_POST, timeout=TIMEOUT)
    assert refused.status_code == 403
    root = xml_parse(refused.content)
    assert root.tag == "errors"
    assert root.find("error").findtext("code") == "403"

    bad = requests.post(
        f"{base}/requests",
        data={"api_key": api_key_new(), "service_code": "road", "description": "ถนนพัง"},
        timeout=TIMEOUT,
    )
    assert bad.status_code == 400
    assert any(e["description"].startswith("location_required:") for e in bad.json())
    assert not Complaint.objects.exists()
