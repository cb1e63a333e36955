"""``POST /api/v1/complaints/classify``: output shape and order, routing, bad input, rate limit.

This module doubles as the test URLconf (``urlpatterns`` below), so the endpoint is tested as the
lead mounts it: ``path("", include("ddgov.complaints.urls"))``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import include, path

from ddgov.agencies.models import Agency
from ddgov.complaints import api
from ddgov.complaints.tests.conftest import BANGKOK, CHIANG_MAI

urlpatterns = [path("", include("ddgov.complaints.urls"))]
URL = "/api/v1/complaints/classify"
POTHOLE = "ถนนเป็นหลุมเป็นบ่อ รถตกหลุม"


@pytest.fixture(autouse=True)
def _urls_and_buckets(settings: Any) -> Iterator[None]:
    settings.ROOT_URLCONF = __name__
    api.buckets.clear()
    yield
    api.buckets.clear()


def _post(client: Client, body: Any, **extra: Any) -> Any:
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(URL, data=data, content_type="application/json", **extra)


def test_shape_order_and_agency(directory: dict[str, Agency]) -> None:
    client = Client(enforce_csrf_checks=True)  # public API: no CSRF token, no sign-in
    response = _post(client, {"text": POTHOLE, "lat": BANGKOK[0], "lon": BANGKOK[1]})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"categories", "agency", "reason", "reason_en"}
    categories = body["categories"]
    assert 1 <= len(categories) <= 5
    assert all(set(c) == {"code", "label_th", "score"} for c in categories)
    scores = [c["score"] for c in categories]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert categories[0] == {"code": "road", "label_th": "ถนน", "score": categories[0]["score"]}
    assert body["agency"] == {
        "code": "bkk-1001",
        "name_th": "สำนักงานเขตพระนคร",
        "name_en": "Phra Nakhon District Office",
    }
    assert "ถนน" in body["reason"]
    assert body["reason_en"]


def test_wires_in_chiang_mai_go_to_pea(directory: dict[str, Agency]) -> None:
    body = _post(
        Client(),
        {"text": "สายไฟห้อยระโยงระยาง เสาไฟเอียง", "lat": CHIANG_MAI[0], "lon": CHIANG_MAI[1]},
    ).json()
    assert body["categories"][0]["code"] == "wires"
    assert body["agency"]["code"] == "pea"
    assert "การไฟฟ้าส่วนภูมิภาค" in body["reason"]


def test_without_location_routes_by_fallback(directory: dict[str, Agency]) -> None:
    body = _post(Client(), {"text": POTHOLE}).json()
    assert body["categories"][0]["code"] == "road"
    assert body["agency"]["code"] == "opm-ops"
    assert "ไม่ได้ระบุตำแหน่ง" in body["reason"]


@pytest.mark.django_db
def test_text_without_words_gives_no_category_and_no_agency() -> None:
    response = _post(Client(), {"text": "https://example.com"})
    assert response.status_code == 200
    assert response.json()["categories"] == []
    assert response.json()["agency"] is None
    assert response.json()["reason"]


@pytest.mark.django_db
def test_ten_thousand_characters_are_accepted() -> None:
    assert _post(Client(), {"text": "ถ" * 10_000}).status_code == 200


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("not json", "invalid_json"),
        (b"\xff\xfe", "invalid_json"),
        ('["ถนน"]', "invalid_json"),
        ({}, "invalid_text"),
        ({"text": "   "}, "invalid_text"),
        ({"text": 42}, "invalid_text"),
        ({"text": "ถ" * 10_001}, "text_too_long"),
        ({"text": POTHOLE, "lat": "13.7", "lon": 100.5}, "invalid_location"),
        ({"text": POTHOLE, "lat": True, "lon": 100.5}, "invalid_location"),
        ({"text": POTHOLE, "lat": 91, "lon": 100.5}, "invalid_location"),
        ({"text": POTHOLE, "lat": 13.7, "lon": -180.5}, "invalid_location"),
        ({"text": POTHOLE, "lat": 13.7}, "invalid_location"),
        ('{"text": "ถนน", "lat": NaN, "lon": 100}', "invalid_location"),
    ],
)
@pytest.mark.django_db
def test_bad_input_is_a_bilingual_400(body: Any, code: str) -> None:
    response = _post(Client(), body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]
    assert error["message_th"]
    assert error["message"] != error["message_th"]


@pytest.mark.django_db
def test_get_is_not_allowed() -> None:
    response = Client().get(URL)
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert response.json()["error"]["code"] == "method_not_allowed"


@pytest.mark.django_db
def test_rate_limit_per_client_ip(settings: Any) -> None:
    settings.COMPLAINTS_CLASSIFY_RATE_PER_MINUTE = 3
    client = Client()
    statuses = [
        _post(client, {"text": POTHOLE}, REMOTE_ADDR="203.0.113.7").status_code for _ in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    limited = _post(client, {"text": POTHOLE}, REMOTE_ADDR="203.0.113.7")
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) >= 1
    error = limited.json()["error"]
    assert error["code"] == "rate_limited"
    assert error["message_th"]
    # Another client is not affected.
    assert _post(client, {"text": POTHOLE}, REMOTE_ADDR="203.0.113.8").status_code == 200


def test_token_bucket_refills_over_time() -> None:
    now = [0.0]
    buckets = api.TokenBuckets(clock=lambda: now[0])
    assert [buckets.take(key="a", rate_per_minute=2) for _ in range(2)] == [0.0, 0.0]
    wait = buckets.take(key="a", rate_per_minute=2)
    assert wait == pytest.approx(30.0)
    now[0] = 30.0
    assert buckets.take(key="a", rate_per_minute=2) == 0.0
    assert buckets.take(key="b", rate_per_minute=2) == 0.0
