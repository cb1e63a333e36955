"""Open311 GET endpoints in both formats: discovery, services, definitions, requests, errors."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ddgov.complaints.classify.taxonomy import taxonomy_load
from ddgov.complaints.models import ComplaintEvent, ComplaintPhoto, State
from ddgov.complaints.open311.params import datetime_parse
from ddgov.complaints.services.workflow import assignment_transition, complaint_note_add
from ddgov.complaints.tests.factories import complaint_file
from ddgov.complaints.tests.open311_fixtures import (
    FORMATS,
    REQUEST_FIELDS,
    SERVICE_FIELDS,
    as_dict,
    as_list,
    errors_of,
    get,
)
from ddgov.identity.models import Role
from ddgov.identity.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _resolve(complaint, message="ซ่อมไฟเรียบร้อยแล้ว"):
    officer = MembershipFactory(agency=complaint.agency, role=Role.OFFICER).user
    return assignment_transition(
        actor=officer,
        complaint=complaint,
        agency=complaint.agency,
        to_state=State.RESOLVED,
        message=message,
    )


# --- discovery ------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", [*FORMATS, None])
def test_discovery(client, fmt):
    response, parsed = get(client, "discovery", fmt)
    assert response.status_code == 200
    body = as_dict(parsed, fmt, "discovery")
    assert set(body) == {"changeset", "contact", "key_service", "endpoints"}
    assert datetime_parse(body["changeset"]) is not None
    (endpoint,) = body["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert endpoint["type"] == "production"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    assert datetime_parse(endpoint["changeset"]) is not None


def test_discovery_uses_configured_base_url(client, settings):
    settings.DDGOV_BASE_URL = "https://ddgov.example.go.th/"
    _response, body = get(client, "discovery")
    assert body["endpoints"][0]["url"] == "https://ddgov.example.go.th/open311/v2"


# --- services -------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", [*FORMATS, None])
def test_services_lists_every_category(client, fmt):
    response, parsed = get(client, "services", fmt)
    assert response.status_code == 200
    services = as_list(parsed, fmt, "services")
    categories = taxonomy_load().categories
    assert [s["service_code"] for s in services] == [c.code for c in categories]
    for service, category in zip(services, categories, strict=True):
        assert list(service) == SERVICE_FIELDS
        assert service["service_name"] == category.label_th
        assert category.label_th in service["description"]
        assert category.label_en in service["description"]
        assert service["type"] == "realtime"
        assert service["metadata"] in (True, "true")
        assert category.label_th in service["keywords"]
        assert service["group"]


def test_services_group_by_who_handles_it(client):
    _response, services = get(client, "services")
    groups = {s["service_code"]: s["group"] for s in services}
    assert groups["road"] == groups["lighting"]  # both the local government's
    assert groups["pm25"] != groups["road"]  # a central agency (PCD)


@pytest.mark.parametrize("fmt", FORMATS)
def test_service_definition(client, fmt):
    response, parsed = get(client, "services/lighting", fmt)
    assert response.status_code == 200
    body = as_dict(parsed, fmt, "service_definition")
    assert body["service_code"] == "lighting"
    (attribute,) = body["attributes"]
    assert list(attribute) == [
        "variable",
        "code",
        "datatype",
        "required",
        "datatype_description",
        "order",
        "description",
        "values",
    ]
    assert attribute["code"] == "anonymous"
    assert attribute["datatype"] == "singlevaluelist"
    assert attribute["required"] in (False, "false")
    assert attribute["variable"] in (True, "true")
    assert [v["key"] for v in attribute["values"]] == ["false", "true"]
    assert all(set(v) == {"key", "name"} and v["name"] for v in attribute["values"])


@pytest.mark.parametrize("fmt", FORMATS)
def test_unknown_service_is_404(client, fmt):
    response, parsed = get(client, "services/no_such_thing", fmt)
    assert response.status_code == 404
    (error,) = errors_of(parsed, fmt)
    assert error["code"] == 404
    assert "service_code_unknown" in error["description"]
    assert "no_such_thing" in error["description"]


def test_unsupported_method_is_405(client):
    response = client.post("/open311/v2/services.json")
    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert response.json()[0]["code"] == 405


# --- requests: one and many ---------------------------------------------------------------


@pytest.mark.parametrize("fmt", [*FORMATS, None])
def test_request_detail_fields(client, directory, fmt):
    complaint = complaint_file(category="lighting", address="ซอยราชดำเนิน 3")
    response, parsed = get(client, f"requests/{complaint.tracking_code}", fmt)
    assert response.status_code == 200
    (request,) = as_list(parsed, fmt, "service_requests")
    assert list(request) == REQUEST_FIELDS
    assert request["service_request_id"] == complaint.tracking_code
    assert request["status"] == "open"
    assert request["service_code"] == "lighting"
    assert request["service_name"] == "แสงสว่าง"
    assert request["description"] == complaint.text
    assert request["agency_responsible"] == directory["bkk-1001"].name_th
    assert request["service_notice"] == complaint.route_reason_th
    assert request["address"] == "ซอยราชดำเนิน 3"
    assert float(request["lat"]) == pytest.approx(13.7563)
    assert float(request["long"]) == pytest.approx(100.5018)
    requested = request["requested_datetime"]
    assert requested.endswith("+07:00")
    assert datetime_parse(requested) == complaint.created_at.replace(microsecond=0)
    assert datetime_parse(request["expected_datetime"]) == complaint.sla_due_at.replace(
        microsecond=0
    )
    assert request["media_url"] in (None, "")


def test_request_detail_accepts_loosely_typed_code(client, directory):
    complaint = complaint_file()
    loose = complaint.tracking_code.replace("-", "").lower()
    response, body = get(client, f"requests/{loose}")
    assert response.status_code == 200
    assert body[0]["service_request_id"] == complaint.tracking_code


def test_request_by_subdistrict_has_address_id_and_zipcode(client, directory):
    complaint = complaint_file(lat=None, lon=None, subdistrict_code="500101", category="road")
    _response, body = get(client, f"requests/{complaint.tracking_code}")
    (request,) = body
    assert request["address_id"] == "500101"
    assert request["zipcode"]  # the subdistrict's postcode
    assert request["address"]  # its name, since no address was given
    assert request["lat"] is None
    assert request["agency_responsible"] == directory["sao-500101"].name_th


@pytest.mark.parametrize("fmt", FORMATS)
def test_unknown_request_is_404(client, db, fmt):
    response, parsed = get(client, "requests/ZZZZ-ZZZZ", fmt)
    assert response.status_code == 404
    (error,) = errors_of(parsed, fmt)
    assert error["code"] == 404
    assert "request_not_found" in error["description"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_status_closes_after_resolution_with_its_note(client, directory, fmt):
    complaint = complaint_file()
    _resolve(complaint, "เปลี่ยนหลอดไฟแล้ว")
    _response, parsed = get(client, f"requests/{complaint.tracking_code}", fmt)
    (request,) = as_list(parsed, fmt, "service_requests")
    assert request["status"] == "closed"
    assert request["status_notes"] == "เปลี่ยนหลอดไฟแล้ว"
    assert datetime_parse(request["updated_datetime"]) >= datetime_parse(
        request["requested_datetime"]
    )


def test_status_notes_never_show_internal_notes(client, directory):
    complaint = complaint_file()
    officer = MembershipFactory(agency=complaint.agency, role=Role.OFFICER).user
    complaint_note_add(
        actor=officer,
        complaint=complaint,
        agency=complaint.agency,
        message="ทีมเข้าพื้นที่แล้ว",
        is_public=True,
    )
    complaint_note_add(
        actor=officer,
        complaint=complaint,
        agency=complaint.agency,
        message="ภายใน: ผู้แจ้งโทรมาบ่อย",
        is_public=False,
    )
    _response, body = get(client, f"requests/{complaint.tracking_code}")
    assert body[0]["status_notes"] == "ทีมเข้าพื้นที่แล้ว"
    assert body[0]["status"] == "open"


def test_status_notes_fall_back_to_state_name(client, directory):
    complaint = complaint_file()
    _response, body = get(client, f"requests/{complaint.tracking_code}")
    assert body[0]["status_notes"] == str(State.RECEIVED.label)


def test_contact_fields_never_leak(client, directory):
    secret = {
        "contact_name": "สมชาย ลับมาก",
        "contact_phone": "0812345678",
        "contact_email": "somchai.secret@example.com",
    }
    anonymous = complaint_file(is_anonymous=True, **secret)
    named = complaint_file(text="ถนนเป็นหลุมลึก รถตกหลุมบ่อย", category="road", **secret)
    for fmt in FORMATS:
        for path in (
            "requests",
            f"requests/{anonymous.tracking_code}",
            f"requests/{named.tracking_code}",
        ):
            response, _ = get(client, path, fmt)
            text = response.content.decode("utf-8")
            for value in ("สมชาย", "ลับมาก", "0812345678", "somchai.secret", "example.com"):
                assert value not in text
            for tag in (
                "contact",
                "email",
                "phone",
                "first_name",
                "last_name",
                "reporter",
                "account_id",
                "device_id",
            ):
                assert tag not in text


def test_media_url_is_the_first_photo(client, directory, jpeg):
    import io

    complaint = complaint_file(photos=[("a.jpg", io.BytesIO(jpeg))])
    photo = ComplaintPhoto.objects.get(complaint=complaint)
    _response, body = get(client, f"requests/{complaint.tracking_code}")
    assert body[0]["media_url"] == (
        f"http://testserver/complaints/photos/{photo.pk}/?c={complaint.tracking_code}"
    )
    assert client.get(body[0]["media_url"].removeprefix("http://testserver")).status_code == 200


# --- requests: filters ----------------------------------------------------------------------


@pytest.fixture
def three(directory):
    """An open lighting complaint, a resolved road complaint, an old flooding one (100 days)."""
    light = complaint_file()
    road = complaint_file(text="ถนนเป็นหลุมใหญ่ รถตกหลุม", category="road")
    _resolve(road)
    old = complaint_file(
        text="น้ำท่วมขังหน้าบ้านหลายวัน",
        category="flooding",
        created_at=timezone.now() - dt.timedelta(days=100),
    )
    return light, road, old


def _ids(body):
    return [r["service_request_id"] for r in body]


@pytest.mark.parametrize("fmt", FORMATS)
def test_requests_default_is_last_90_days_newest_first(client, three, fmt):
    light, road, old = three
    response, parsed = get(client, "requests", fmt)
    assert response.status_code == 200
    requests = as_list(parsed, fmt, "service_requests")
    assert _ids(requests) == [road.tracking_code, light.tracking_code]
    assert old.tracking_code not in _ids(requests)
    assert all(list(r) == REQUEST_FIELDS for r in requests)


def test_requests_filter_status(client, three):
    light, road, _old = three
    assert _ids(get(client, "requests", status="open")[1]) == [light.tracking_code]
    assert _ids(get(client, "requests", status="closed")[1]) == [road.tracking_code]
    assert len(get(client, "requests", status="open,closed")[1]) == 2
    assert len(get(client, "requests", status="OPEN")[1]) == 1


def test_requests_filter_service_code(client, three):
    light, road, _old = three
    assert _ids(get(client, "requests", service_code="road")[1]) == [road.tracking_code]
    both = get(client, "requests", service_code="road,lighting")[1]
    assert set(_ids(both)) == {light.tracking_code, road.tracking_code}
    assert get(client, "requests", service_code="trees")[1] == []


def test_requests_ids_override_other_filters(client, three):
    light, road, old = three
    ids = f"{old.tracking_code},{road.tracking_code}, {light.tracking_code.lower()}"
    body = get(client, "requests", service_request_id=ids, status="open")[1]
    assert set(_ids(body)) == {old.tracking_code, road.tracking_code, light.tracking_code}


def test_requests_date_range(client, three):
    light, road, old = three
    created = old.created_at.astimezone(dt.UTC)
    start = (created - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (created + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert _ids(get(client, "requests", start_date=start, end_date=end)[1]) == [old.tracking_code]
    # Only a start date: the 90 days from it (the old one, not the two new ones).
    assert _ids(get(client, "requests", start_date=start)[1]) == [old.tracking_code]
    # Only an end date: the 90 days up to it.
    assert _ids(get(client, "requests", end_date=end)[1]) == [old.tracking_code]
    # Bangkok offset, and a bare date (midnight in Bangkok).
    today = timezone.localdate()
    recent = get(client, "requests", start_date=f"{today - dt.timedelta(days=1)}T00:00:00+07:00")[1]
    assert set(_ids(recent)) == {light.tracking_code, road.tracking_code}
    assert len(get(client, "requests", start_date=str(today - dt.timedelta(days=1)))[1]) == 2


def test_requests_unencoded_plus_in_offset(client, three):
    today = timezone.localdate()
    raw = f"start_date={today - dt.timedelta(days=1)}T00:00:00+07:00"  # '+' arrives as a space
    response = client.get(f"/open311/v2/requests.json?{raw}")
    assert response.status_code == 200
    assert len(response.json()) == 2


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"status": "pending"}, "status_invalid"),
        ({"service_code": "nope"}, "service_code_unknown"),
        ({"start_date": "yesterday"}, "date_invalid"),
        ({"start_date": "2026-01-01", "end_date": "2026-06-01"}, "date_range_too_long"),
        ({"start_date": "2026-06-01", "end_date": "2026-01-01"}, "date_range_invalid"),
    ],
)
def test_requests_bad_filters_are_400(client, db, fmt, params, code):
    response, parsed = get(client, "requests", fmt, **params)
    assert response.status_code == 400
    errors = errors_of(parsed, fmt)
    assert errors[0]["code"] == 400
    assert any(code in e["description"] for e in errors)


def test_requests_lists_every_bad_filter(client, db):
    response, body = get(client, "requests", status="pending", service_code="nope")
    assert response.status_code == 400
    assert len(body) == 2


def test_requests_at_most_1000(client, directory):
    from ddgov.complaints.tests.factories import ComplaintFactory

    ComplaintFactory.create_batch(1001)
    _response, body = get(client, "requests")
    assert len(body) == 1000


def test_requests_query_count_does_not_grow(client, directory, django_assert_max_num_queries):
    for _ in range(3):
        complaint_file()
    with django_assert_max_num_queries(6):
        get(client, "requests")


def test_empty_requests_in_xml(client, db):
    response, parsed = get(client, "requests", "xml")
    assert response.status_code == 200
    assert as_list(parsed, "xml", "service_requests") == []


def test_merged_duplicate_is_closed_and_says_into_what(client, directory):
    from ddgov.complaints.services.workflow import complaint_merge

    main = complaint_file()
    dup = complaint_file(text="ไฟดับทั้งซอยเลย มืดมาก")
    officer = MembershipFactory(agency=main.agency, role=Role.OFFICER).user
    complaint_merge(actor=officer, duplicate=dup, into=main, agency=main.agency)
    body = get(client, f"requests/{dup.tracking_code}")[1]
    assert body[0]["status"] == "closed"
    assert main.tracking_code in body[0]["status_notes"]
    assert ComplaintEvent.objects.filter(complaint=dup, kind=ComplaintEvent.Kind.MERGED).exists()


def test_english_labels_on_request(client, directory):
    complaint = complaint_file()
    response = client.get(
        f"/open311/v2/requests/{complaint.tracking_code}.json", HTTP_ACCEPT_LANGUAGE="en"
    )
    (request,) = response.json()
    assert request["service_notice"] == complaint.route_reason_en
    assert request["service_name"] == "แสงสว่าง"  # always the Thai (Traffy) name


def test_xml_survives_control_characters(client, directory):
    complaint = complaint_file(text="ไฟดับ\x0bทั้งซอย\x1f มืดมาก อันตรายตอนกลางคืน")
    response, parsed = get(client, f"requests/{complaint.tracking_code}", "xml")
    assert response.status_code == 200
    (request,) = as_list(parsed, "xml", "service_requests")
    assert request["description"] == "ไฟดับทั้งซอย มืดมาก อันตรายตอนกลางคืน"


@pytest.mark.parametrize("path", ["services.csv", "requests.html", "nothing-here", "services/x/y"])
def test_unknown_endpoints_and_formats_answer_in_the_error_format(client, path):
    response = client.get(f"/open311/v2/{path}")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    errors = response.json()
    assert errors[0]["code"] == 404
    assert errors[0]["description"].startswith("unknown_endpoint: ")
