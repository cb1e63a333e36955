"""Open311 POST requests and tokens: filing, idempotency, bad input, keys, rate limit."""

from __future__ import annotations

import pytest

from ddgov.complaints.models import Channel, Complaint, ComplaintEvent
from ddgov.complaints.open311 import submit
from ddgov.complaints.services.open311_keys import open311_client_create, open311_client_revoke
from ddgov.complaints.tests.open311_fixtures import (
    FORMATS,
    GOOD_POST,
    REQUEST_FIELDS,
    api_key_new,
    as_list,
    errors_of,
    get,
    post,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_buckets():
    submit.buckets.clear()
    yield
    submit.buckets.clear()


@pytest.mark.parametrize("fmt", [*FORMATS, None])
def test_post_files_a_complaint_then_get_and_token_find_it(client, directory, fmt):
    key = api_key_new()
    response, parsed = post(client, fmt, api_key=key, **GOOD_POST)
    assert response.status_code == 201
    (created,) = as_list(parsed, fmt, "service_requests")
    assert list(created) == ["service_request_id", "token", "service_notice", "account_id"]
    assert created["account_id"] in (None, "")
    complaint = Complaint.objects.get()
    assert created["service_request_id"] == complaint.tracking_code
    assert created["token"] == complaint.open311_token
    assert created["service_notice"] == complaint.route_reason_th
    assert complaint.channel == Channel.OPEN311
    assert complaint.category == "lighting"
    assert complaint.open311_client.key_prefix == key[:8]
    assert complaint.agency == directory["bkk-1001"]
    assert complaint.address == GOOD_POST["address_string"]

    for out in FORMATS:
        response, parsed = get(client, f"requests/{complaint.tracking_code}", out)
        assert response.status_code == 200
        (request,) = as_list(parsed, out, "service_requests")
        assert list(request) == REQUEST_FIELDS
        assert request["status"] == "open"
        assert request["description"] == GOOD_POST["description"]

        response, parsed = get(client, f"tokens/{complaint.open311_token}", out)
        assert response.status_code == 200
        (found,) = as_list(parsed, out, "service_requests")
        assert found == {
            "service_request_id": complaint.tracking_code,
            "token": complaint.open311_token,
        }


@pytest.mark.parametrize("fmt", FORMATS)
def test_unknown_token_is_404(client, db, fmt):
    response, parsed = get(client, "tokens/0123456789abcdef", fmt)
    assert response.status_code == 404
    assert "token_not_found" in errors_of(parsed, fmt)[0]["description"]


def test_contact_details_are_kept_for_staff_but_never_returned(client, directory):
    key = api_key_new()
    response, _ = post(
        client,
        api_key=key,
        email="somchai.secret@example.com",
        first_name="สมชาย",
        last_name="ลับมาก",
        phone="0812345678",
        device_id="device-42",
        account_id="acct-77",
        **GOOD_POST,
    )
    assert response.status_code == 201
    complaint = Complaint.objects.get()
    assert complaint.contact_name == "สมชาย ลับมาก"
    assert complaint.contact_email == "somchai.secret@example.com"
    assert complaint.contact_phone == "0812345678"
    assert not complaint.is_anonymous
    outputs = [response.content.decode()]
    for fmt in FORMATS:
        outputs.append(
            client.get(f"/open311/v2/requests/{complaint.tracking_code}.{fmt}").content.decode()
        )
        outputs.append(client.get(f"/open311/v2/requests.{fmt}").content.decode())
    for text in outputs:
        for secret in ("สมชาย", "ลับมาก", "0812345678", "somchai", "device-42", "acct-77"):
            assert secret not in text


def test_anonymous_attribute(client, directory):
    key = api_key_new()
    response, _ = post(client, api_key=key, **{"attribute[anonymous]": "true"}, **GOOD_POST)
    assert response.status_code == 201
    assert Complaint.objects.get().is_anonymous


def test_media_url_is_kept_as_a_link_and_returned(client, directory):
    key = api_key_new()
    link = "https://img.example.org/pothole/42.jpg"
    response, _body = post(client, api_key=key, media_url=link, **GOOD_POST)
    assert response.status_code == 201
    complaint = Complaint.objects.get()
    event = complaint.events.get(kind=ComplaintEvent.Kind.SUBMITTED)
    assert event.data["media_url"] == link
    assert get(client, f"requests/{complaint.tracking_code}")[1][0]["media_url"] == link


# --- idempotency ----------------------------------------------------------------------------


def test_same_idempotency_key_files_once(client, directory):
    key = api_key_new()
    headers = {"Idempotency-Key": "retry-7f1c"}
    first, body1 = post(client, headers=headers, api_key=key, **GOOD_POST)
    second, body2 = post(client, headers=headers, api_key=key, **GOOD_POST)
    assert first.status_code == second.status_code == 201
    assert body1 == body2
    assert Complaint.objects.count() == 1
    assert "Idempotent-Replayed" not in first
    assert second["Idempotent-Replayed"] == "true"


def test_idempotency_key_reused_for_other_params_is_409(client, directory):
    key = api_key_new()
    headers = {"Idempotency-Key": "retry-7f1c"}
    post(client, headers=headers, api_key=key, **GOOD_POST)
    other = {**GOOD_POST, "description": "ถนนเป็นหลุมใหญ่มาก", "service_code": "road"}
    response, body = post(client, headers=headers, api_key=key, **other)
    assert response.status_code == 409
    assert "idempotency_key_reused" in body[0]["description"]
    assert Complaint.objects.count() == 1


def test_identical_post_without_key_files_once(client, directory):
    key = api_key_new()
    _r1, body1 = post(client, api_key=key, **GOOD_POST)
    # The same request again, with insignificant differences (spaces, trailing zeros).
    again = {**GOOD_POST, "lat": "13.75630", "description": f"  {GOOD_POST['description']} "}
    response, body2 = post(client, api_key=key, **again)
    assert response.status_code == 201
    assert body1 == body2
    assert Complaint.objects.count() == 1


def test_different_posts_without_key_file_twice(client, directory):
    key = api_key_new()
    post(client, api_key=key, **GOOD_POST)
    post(client, api_key=key, **{**GOOD_POST, "device_id": "another-phone"})
    assert Complaint.objects.count() == 2


def test_same_key_from_two_clients_files_twice(client, directory):
    headers = {"Idempotency-Key": "abc"}
    post(client, headers=headers, api_key=api_key_new("A"), **GOOD_POST)
    post(client, headers=headers, api_key=api_key_new("B"), **GOOD_POST)
    assert Complaint.objects.count() == 2


def test_bad_idempotency_key_is_400(client, directory):
    response, body = post(
        client, headers={"Idempotency-Key": "x" * 300}, api_key=api_key_new(), **GOOD_POST
    )
    assert response.status_code == 400
    assert "idempotency_key_invalid" in body[0]["description"]
    assert not Complaint.objects.exists()


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_missing_location_lists_location_required(client, directory, fmt):
    params = {k: v for k, v in GOOD_POST.items() if k not in {"lat", "long", "address_string"}}
    response, parsed = post(client, fmt, api_key=api_key_new(), **params)
    assert response.status_code == 400
    errors = errors_of(parsed, fmt)
    assert errors[0]["code"] == 400
    (error,) = [e for e in errors if "location_required" in e["description"]]
    assert "กรุณาระบุตำแหน่ง" in error["description"]  # Thai as well as English
    assert not Complaint.objects.exists()


@pytest.mark.parametrize("fmt", FORMATS)
def test_too_long_description_is_refused(client, directory, fmt):
    params = {**GOOD_POST, "description": "ก" * 10_000}
    response, parsed = post(client, fmt, api_key=api_key_new(), **params)
    assert response.status_code == 400
    assert any("text_too_long" in e["description"] for e in errors_of(parsed, fmt))
    assert not Complaint.objects.exists()


@pytest.mark.parametrize(("lat", "long"), [("abc", "100.5"), ("13.7", "nan"), ("95", "100.5")])
def test_bad_coordinates_are_400(client, directory, lat, long):
    response, body = post(client, api_key=api_key_new(), **{**GOOD_POST, "lat": lat, "long": long})
    assert response.status_code == 400
    assert any(
        ("lat_invalid" in e["description"]) or ("long_invalid" in e["description"]) for e in body
    )
    assert not Complaint.objects.exists()


def test_every_problem_is_listed(client, directory):
    params = {
        **GOOD_POST,
        "service_code": "nope",
        "lat": "north",
        "media_url": "javascript:alert(1)",
        "attribute[colour]": "red",
        "attribute[anonymous]": "maybe",
    }
    response, body = post(client, api_key=api_key_new(), **params)
    assert response.status_code == 400
    codes = {e["description"].split(":", 1)[0] for e in body}
    assert codes == {
        "service_code_unknown",
        "lat_invalid",
        "media_url_invalid",
        "attribute_unknown",
        "attribute_invalid",
    }
    assert not Complaint.objects.exists()


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"service_code": ""}, "service_code_required"),
        ({"description": ""}, "text_required"),
        ({"email": "not-an-email"}, "email_invalid"),
        ({"phone": "call me"}, "phone_invalid"),
        ({"lat": "13.75", "long": ""}, "location_incomplete"),
        ({"address_id": "999999"}, "subdistrict_unknown"),
        ({"first_name": "ก" * 300}, "first_name + last_name_too_long"),
        ({"description": "ไฟดับ\x00ทั้งซอย"}, "null_character"),
    ],
)
def test_bad_fields_are_400(client, directory, params, code):
    response, body = post(client, api_key=api_key_new(), **{**GOOD_POST, **params})
    assert response.status_code == 400
    assert any(e["description"].startswith(f"{code}:") for e in body), body
    assert not Complaint.objects.exists()


def test_address_id_alone_is_a_place(client, directory):
    params = {k: v for k, v in GOOD_POST.items() if k not in {"lat", "long", "address_string"}}
    response, _ = post(
        client, api_key=api_key_new(), address_id="500101", **{**params, "service_code": "road"}
    )
    assert response.status_code == 201
    complaint = Complaint.objects.get()
    assert complaint.subdistrict_id == "500101"
    assert complaint.agency == directory["sao-500101"]


# --- keys -----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("key", [None, "", "not-a-real-key"])
def test_missing_or_invalid_key_is_403(client, directory, fmt, key):
    params = dict(GOOD_POST)
    if key is not None:
        params["api_key"] = key
    response, parsed = post(client, fmt, **params)
    assert response.status_code == 403
    (error,) = errors_of(parsed, fmt)
    assert error["code"] == 403
    assert "api_key" in error["description"]
    assert not Complaint.objects.exists()


def test_revoked_key_is_403(client, directory):
    client_row, key = open311_client_create(name="Old app")
    assert post(client, api_key=key, **GOOD_POST)[0].status_code == 201
    open311_client_revoke(client=client_row)
    response, body = post(client, api_key=key, **{**GOOD_POST, "description": "ไฟดับอีกแล้ว"})
    assert response.status_code == 403
    assert "api_key_invalid" in body[0]["description"]
    assert Complaint.objects.count() == 1


def test_get_needs_no_key(client, directory):
    assert client.get("/open311/v2/requests.json").status_code == 200


def test_post_needs_no_csrf_token(directory):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/open311/v2/requests.json", {"api_key": api_key_new(), **GOOD_POST})
    assert response.status_code == 201


def test_rate_limit_per_key(client, directory, settings):
    settings.COMPLAINTS_OPEN311_RATE_PER_MINUTE = 2
    key, other = api_key_new("A"), api_key_new("B")
    for i in range(2):
        response, _ = post(client, api_key=key, **{**GOOD_POST, "device_id": f"d{i}"})
        assert response.status_code == 201
    response, body = post(client, api_key=key, **{**GOOD_POST, "device_id": "d3"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert "rate_limited" in body[0]["description"]
    assert Complaint.objects.count() == 2
    # Another key has its own allowance.
    assert post(client, api_key=other, **GOOD_POST)[0].status_code == 201


def test_put_is_405(client, db):
    response = client.put("/open311/v2/requests.xml")
    assert response.status_code == 405
    assert response["Allow"] == "GET, POST"
