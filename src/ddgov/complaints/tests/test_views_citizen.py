"""The citizen pages: filing (and every way it can go wrong), screening, tracking, following,
reopening, rating, photos and "my complaints".

Assertions are on data, status codes, ids and ``data-`` attributes, codes of problems and
Thai/English data labels (the UI's own msgids are translated later), never on English UI text.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ddgov.agencies.models import Agency
from ddgov.complaints.models import Complaint, ComplaintPhoto, Follower, State
from ddgov.complaints.services.workflow import assignment_transition, complaint_merge
from ddgov.complaints.tests.conftest import BANGKOK, CHIANG_MAI, image_bytes
from ddgov.complaints.tests.factories import ComplaintFactory, complaint_file
from ddgov.complaints.views import citizen
from ddgov.identity.models import User
from ddgov.identity.tests.factories import CitizenUserFactory, MembershipFactory, StaffUserFactory

pytestmark = pytest.mark.django_db

LIGHT = "ไฟส่องสว่างดับทั้งซอย มืดมาก อันตรายตอนกลางคืน"
NEW = reverse("complaints:new")


@pytest.fixture(autouse=True)
def _screen_buckets() -> Any:
    citizen.screen_buckets.clear()
    yield
    citizen.screen_buckets.clear()


def _html(response: Any) -> str:
    return unescape(response.content.decode())


def _nonce(client: Client) -> str:
    page = client.get(NEW).content.decode()
    match = re.search(r'name="nonce" value="([^"]+)"', page)
    assert match
    return match.group(1)


def _form(client: Client, **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "nonce": _nonce(client),
        "text": LIGHT,
        "lat": str(BANGKOK[0]),
        "lon": str(BANGKOK[1]),
        "confirm_new": "1",
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def _media_files() -> list[Path]:
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


def _counts() -> tuple[int, int, int]:
    return Complaint.objects.count(), ComplaintPhoto.objects.count(), len(_media_files())


def _codes(response: Any) -> set[str]:
    """The stable problem codes listed in the error summary."""
    return set(re.findall(r'<li data-code="([a-z_]+)">', response.content.decode()))


def _admin() -> User:
    return StaffUserFactory(is_platform_admin=True)


# --- filing -----------------------------------------------------------------------------------


def test_form_renders_in_thai_by_default_and_in_english(client: Client) -> None:
    page = client.get(NEW)
    assert page.status_code == 200
    html = _html(page)
    assert '<html lang="th">' in html
    assert 'id="complaint-form"' in html
    assert 'name="nonce"' in html
    assert ">กรุงเทพมหานคร<" in html  # provinces in Thai
    assert ">ถนน<" in html  # categories in Thai
    assert "complaints/citizen.js" in html
    assert "complaints/map.js" in html

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = _html(client.get(NEW))
    assert '<html lang="en">' in html
    assert ">Bangkok<" in html
    assert ">Roads<" in html


def test_each_form_gets_a_fresh_nonce(client: Client) -> None:
    assert _nonce(client) != _nonce(client)


def test_signed_in_citizen_gets_contact_prefilled(client: Client) -> None:
    citizen_user = CitizenUserFactory(email="somchai@example.com")
    client.force_login(citizen_user)
    html = _html(client.get(NEW))
    assert 'value="somchai@example.com"' in html
    assert citizen_user.person.first_name_th in html


def test_filing_end_to_end(client: Client, directory: dict[str, Agency], jpeg: bytes) -> None:
    data = _form(client, photos=SimpleUploadedFile("light.jpg", jpeg, "image/jpeg"))
    response = client.post(NEW, data)
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert response["Location"] == reverse("complaints:track", args=[complaint.tracking_code])
    assert complaint.intake_key == f"web:{data['nonce']}"
    assert complaint.agency is not None  # routed
    assert complaint.photos.count() == 1

    page = client.get(response["Location"])
    html = _html(page)
    assert complaint.tracking_code in html  # in the success message and the page
    assert 'class="messages"' in html
    assert 'id="timeline"' in html
    kinds = re.findall(r'data-testid="timeline-item" data-kind="([a-z_]+)"', page.content.decode())
    assert kinds[:2] == ["submitted", "routed"]
    assert complaint.agency.name_th in html
    assert complaint.route_reason_th in html
    assert 'data-testid="status-badge" data-state="received" data-open311="open"' in html
    assert f"{timezone.localdate().year + 543}" in html  # Buddhist-era dates
    photo = complaint.photos.get()
    assert f"{reverse('complaints:photo', args=[photo.pk])}?c={complaint.tracking_code}" in html

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = _html(client.get(response["Location"]))
    assert complaint.agency.name_en in html
    assert complaint.route_reason_en in html


def test_double_post_with_the_same_nonce_files_once(
    client: Client, directory: dict[str, Agency]
) -> None:
    data = _form(client)
    first = client.post(NEW, data)
    second = client.post(NEW, data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Complaint.objects.count() == 1
    # Without "confirm", the retry is still recognised before duplicate screening.
    third = client.post(NEW, {k: v for k, v in data.items() if k != "confirm_new"})
    assert third.status_code == 302
    assert Complaint.objects.count() == 1


def test_a_malformed_nonce_is_replaced(client: Client, directory: dict[str, Agency]) -> None:
    response = client.post(NEW, _form(client, nonce="<bad nonce>"))
    assert response.status_code == 302
    key = Complaint.objects.get().intake_key
    assert key.startswith("web:")
    assert "<" not in key


def test_missing_location_and_address_is_refused_keeping_values(
    client: Client, directory: dict[str, Agency]
) -> None:
    response = client.post(
        NEW,
        _form(
            client,
            lat="",
            lon="",
            contact_name="สมหญิง ใจดี",
            contact_phone="0812345678",
            is_anonymous="on",
            category="lighting",
        ),
    )
    assert response.status_code == 400
    assert _codes(response) == {"location_required"}
    html = _html(response)
    assert 'data-testid="location-error"' in html
    assert LIGHT in html  # the text is kept
    assert 'value="สมหญิง ใจดี"' in html
    assert 'value="0812345678"' in html
    assert 'value="lighting" selected' in html
    assert 'data-testid="is-anonymous" checked' in html
    assert _counts() == (0, 0, 0)


def test_every_problem_is_shown_at_once(client: Client, directory: dict[str, Agency]) -> None:
    response = client.post(
        NEW,
        _form(
            client,
            text="",
            lat="abc",
            lon="100.5",
            contact_email="not-an-email",
            contact_phone="x",
            category="nope",
        ),
    )
    assert response.status_code == 400
    assert _codes(response) == {
        "text_required",
        "location_invalid",
        "email_invalid",
        "phone_invalid",
        "category_unknown",
    }
    html = _html(response)
    assert 'value="abc"' in html
    assert 'value="not-an-email"' in html
    assert _counts() == (0, 0, 0)


def test_address_from_the_picker_is_enough(client: Client, directory: dict[str, Agency]) -> None:
    response = client.post(
        NEW,
        _form(
            client,
            lat="",
            lon="",
            province="50",
            district="5001",
            subdistrict_code="500101",
            address="หน้าวัด",
        ),
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.subdistrict_id == "500101"
    assert complaint.province_code == "50"
    assert complaint.address == "หน้าวัด"
    assert "ศรีภูมิ" in _html(client.get(response["Location"]))


def test_province_and_district_without_subdistrict_are_kept_in_the_address(
    client: Client, directory: dict[str, Agency]
) -> None:
    response = client.post(NEW, _form(client, lat="", lon="", province="50", district="5001"))
    assert response.status_code == 302
    address = Complaint.objects.get().address
    assert "เชียงใหม่" in address
    assert "เมืองเชียงใหม่" in address


def test_re_rendered_form_keeps_the_picked_area(client: Client) -> None:
    response = client.post(NEW, _form(client, text="", lat="", lon="", subdistrict_code="500101"))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="50" selected' in html
    assert 'value="5001" selected' in html
    assert 'value="500101" selected' in html


def test_without_javascript_show_districts_refills_the_lists_and_files_nothing(
    client: Client, directory: dict[str, Agency]
) -> None:
    data = _form(client, lat="", lon="", province="50", refresh_areas="1")
    response = client.post(NEW, data)
    assert response.status_code == 200
    html = _html(response)
    assert 'value="5001"' in html  # Mueang Chiang Mai is offered now
    assert LIGHT in html
    assert _counts() == (0, 0, 0)
    response = client.post(NEW, {**data, "district": "5001"})
    assert 'value="500101"' in _html(response)
    assert Complaint.objects.count() == 0


def test_a_20_mb_photo_is_refused_and_the_form_kept(
    client: Client, directory: dict[str, Agency], jpeg: bytes
) -> None:
    big = jpeg + b"\0" * (20 * 1024 * 1024)
    response = client.post(
        NEW,
        _form(
            client,
            contact_email="me@example.com",
            photos=[
                SimpleUploadedFile("ok.jpg", jpeg, "image/jpeg"),
                SimpleUploadedFile("huge.jpg", big, "image/jpeg"),
            ],
        ),
    )
    assert response.status_code == 400
    assert _codes(response) == {"photo_too_large"}
    html = _html(response)
    assert "huge.jpg" in html
    assert 'data-testid="photos-error"' in html
    assert 'data-testid="photos-dropped"' in html  # photos must be attached again
    assert LIGHT in html
    assert 'value="me@example.com"' in html
    assert _counts() == (0, 0, 0)


@pytest.mark.parametrize(
    "content",
    [b"just some text, not a photo", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"],
    ids=["text", "pdf"],
)
def test_a_file_that_is_not_an_image_is_refused(
    client: Client, directory: dict[str, Agency], content: bytes
) -> None:
    response = client.post(
        NEW, _form(client, photos=SimpleUploadedFile("photo.jpg", content, "image/jpeg"))
    )
    assert response.status_code == 400
    assert _codes(response) == {"photo_not_image"}
    assert _counts() == (0, 0, 0)


def test_a_10000_character_text_is_refused(client: Client, directory: dict[str, Agency]) -> None:
    text = "ก" * 10_000
    response = client.post(NEW, _form(client, text=text))
    assert response.status_code == 400
    assert _codes(response) == {"text_too_long"}
    html = response.content.decode()
    assert text in html  # kept, for the citizen to shorten
    assert 'class="help c-counter c-over"' in html
    assert _counts() == (0, 0, 0)


def test_script_in_the_text_is_stored_and_shown_escaped(
    client: Client, directory: dict[str, Agency]
) -> None:
    text = f"<script>alert(1)</script> {LIGHT}"
    response = client.post(NEW, _form(client, text=text))
    assert response.status_code == 302
    assert Complaint.objects.get().text == text
    raw = client.get(response["Location"]).content.decode()
    assert "<script>alert(1)</script>" not in raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw


def test_a_contact_name_too_long_for_the_record_is_refused(
    client: Client, directory: dict[str, Agency]
) -> None:
    response = client.post(NEW, _form(client, contact_name="ก" * 201))
    assert response.status_code == 400
    assert _codes(response) == {"name_too_long"}
    assert _counts() == (0, 0, 0)


def test_signed_in_reporter_and_anonymity_are_recorded(
    client: Client, directory: dict[str, Agency]
) -> None:
    user = CitizenUserFactory()
    client.force_login(user)
    response = client.post(NEW, _form(client, is_anonymous="on"))
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.reporter == user
    assert complaint.is_anonymous


# --- duplicates -------------------------------------------------------------------------------


def test_screen_returns_categories_and_a_nearby_similar_complaint(
    client: Client, directory: dict[str, Agency]
) -> None:
    existing = complaint_file(text=LIGHT)
    response = client.get(
        reverse("complaints:screen"),
        {"text": "ไฟดับทั้งซอย มืดมาก", "lat": BANGKOK[0] + 0.0005, "lon": BANGKOK[1]},
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert 1 <= len(body["categories"]) <= 3
    assert {"code", "label", "label_th", "score"} <= set(body["categories"][0])
    hit = body["duplicates"][0]
    assert hit["tracking_code"] == existing.tracking_code
    assert hit["reason"]
    assert 0 < hit["distance_m"] < 100
    assert hit["followers"] == 0
    assert hit["url"] == reverse("complaints:track", args=[existing.tracking_code])
    assert hit["follow_url"] == reverse("complaints:follow", args=[existing.tracking_code])
    assert hit["state_label"]
    assert set(hit) >= {
        "tracking_code",
        "text",
        "state_label",
        "distance_m",
        "reason",
        "followers",
        "url",
        "follow_url",
    }


def test_screen_far_away_or_without_place_finds_no_duplicate(
    client: Client, directory: dict[str, Agency]
) -> None:
    complaint_file(text=LIGHT)
    url = reverse("complaints:screen")
    assert client.get(url, {"text": LIGHT}).json()["duplicates"] == []
    far = client.get(url, {"text": LIGHT, "lat": CHIANG_MAI[0], "lon": CHIANG_MAI[1]}).json()
    assert far["duplicates"] == []
    nonsense = client.get(url, {"text": LIGHT, "lat": "x", "lon": "1e999"}).json()
    assert nonsense["duplicates"] == []
    assert client.get(url, {"text": ""}).json() == {"categories": [], "duplicates": []}
    assert client.post(url, {"text": LIGHT}).status_code == 405


def test_screen_is_rate_limited(client: Client, settings: Any) -> None:
    settings.COMPLAINTS_SCREEN_RATE_PER_MINUTE = 2
    url = reverse("complaints:screen")
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    limited = client.get(url)
    assert limited.status_code == 429
    assert limited.json()["error"]["code"] == "rate_limited"


def test_submit_shows_duplicates_first_then_files_when_confirmed(
    client: Client, directory: dict[str, Agency]
) -> None:
    existing = complaint_file(text=LIGHT)
    data = _form(client)
    del data["confirm_new"]
    shown = client.post(NEW, data)
    assert shown.status_code == 200
    html = _html(shown)
    assert 'id="duplicates"' in html
    assert f'data-code="{existing.tracking_code}"' in html
    assert f'id="follow-form-{existing.tracking_code}"' in html
    assert 'data-testid="follow-button"' in html
    assert LIGHT in html
    assert Complaint.objects.count() == 1
    filed = client.post(NEW, {**data, "confirm_new": "1"})
    assert filed.status_code == 302
    assert Complaint.objects.count() == 2


# --- following, reopening, rating -------------------------------------------------------------


def test_me_too_for_a_signed_in_citizen(client: Client, directory: dict[str, Agency]) -> None:
    complaint = complaint_file()
    user = CitizenUserFactory()
    client.force_login(user)
    url = reverse("complaints:follow", args=[complaint.tracking_code])
    response = client.post(url)
    assert response.status_code == 302
    assert Follower.objects.filter(complaint=complaint, user=user).count() == 1
    client.post(url)  # twice is once
    assert Follower.objects.filter(complaint=complaint, user=user).count() == 1
    page = _html(client.get(reverse("complaints:track", args=[complaint.tracking_code])))
    assert 'data-testid="following"' in page
    assert 'data-testid="follower-count">1<' in page


def test_me_too_by_email(client: Client, directory: dict[str, Agency]) -> None:
    complaint = complaint_file()
    url = reverse("complaints:follow", args=[complaint.tracking_code])
    response = client.post(url, {"email": "Neighbour@Example.com"})
    assert response.status_code == 302
    assert Follower.objects.filter(complaint=complaint, email="neighbour@example.com").exists()

    for bad in ({"email": "not-an-email"}, {}):
        response = client.post(url, bad, follow=True)
        assert response.status_code == 200
        assert 'class="error"' in response.content.decode()
    assert Follower.objects.filter(complaint=complaint).count() == 1


def test_following_a_merged_duplicate_follows_the_original(
    client: Client, directory: dict[str, Agency]
) -> None:
    original = complaint_file()
    duplicate = complaint_file(lat=BANGKOK[0] + 0.0002)
    complaint_merge(actor=_admin(), duplicate=duplicate, into=original, agency=directory["opm-ops"])
    page = _html(client.get(reverse("complaints:track", args=[duplicate.tracking_code])))
    assert 'data-testid="merged-into"' in page
    assert reverse("complaints:track", args=[original.tracking_code]) in page
    response = client.post(
        reverse("complaints:follow", args=[duplicate.tracking_code]), {"email": "a@example.com"}
    )
    assert response["Location"] == reverse("complaints:track", args=[original.tracking_code])
    assert Follower.objects.filter(complaint=original, email="a@example.com").exists()


def _resolved(reporter: User) -> Complaint:
    complaint = complaint_file(reporter=reporter)
    assert complaint.agency is not None
    return assignment_transition(
        actor=_admin(),
        complaint=complaint,
        agency=complaint.agency,
        to_state=State.RESOLVED,
        message="ซ่อมไฟเรียบร้อยแล้ว",
    )


def test_only_the_reporter_may_rate_and_reopen(
    client: Client, directory: dict[str, Agency]
) -> None:
    reporter = CitizenUserFactory()
    complaint = _resolved(reporter)
    track = reverse("complaints:track", args=[complaint.tracking_code])
    rate = reverse("complaints:rate", args=[complaint.tracking_code])
    reopen = reverse("complaints:reopen", args=[complaint.tracking_code])

    for who in (None, CitizenUserFactory()):
        other = Client()
        if who is not None:
            other.force_login(who)
        page = _html(other.get(track))
        assert 'id="rate-form"' not in page
        assert 'id="reopen-form"' not in page
        assert other.post(rate, {"rating": "1"}).status_code == 302
        assert other.post(reopen, {"reason": "ยังไม่ซ่อม"}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.rating is None
    assert complaint.state == State.RESOLVED

    client.force_login(reporter)
    page = _html(client.get(track))
    assert 'id="rate-form"' in page
    assert 'id="reopen-form"' in page
    assert "ซ่อมไฟเรียบร้อยแล้ว" in page  # the public update on the timeline
    assert client.post(rate, {"rating": "9"}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.rating is None
    client.post(rate, {"rating": "5", "comment": "เร็วมาก"})
    complaint.refresh_from_db()
    assert complaint.rating == 5
    assert 'data-testid="rating">5 / 5<' in _html(client.get(track))

    client.post(reopen, {"reason": ""})  # a reason is required
    complaint.refresh_from_db()
    assert complaint.state == State.RESOLVED
    client.post(reopen, {"reason": "ไฟดับอีกแล้ว"})
    complaint.refresh_from_db()
    assert complaint.state == State.RECEIVED
    assert complaint.reopen_count == 1


def test_anonymous_complaints_contact_is_never_on_the_page(
    client: Client, directory: dict[str, Agency]
) -> None:
    reporter = CitizenUserFactory()
    secret = {
        "contact_name": "นางสาวลับเฉพาะ ไม่เปิดเผย",
        "contact_phone": "0891234567",
        "contact_email": "hidden.reporter@example.com",
    }
    for anonymous in (True, False):
        complaint = complaint_file(is_anonymous=anonymous, reporter=reporter, **secret)
        html = _html(client.get(reverse("complaints:track", args=[complaint.tracking_code])))
        for value in (*secret.values(), reporter.username, reporter.person.first_name_th):
            assert value not in html


def test_csrf_is_enforced_on_every_post(directory: dict[str, Agency]) -> None:
    complaint = complaint_file()
    strict = Client(enforce_csrf_checks=True)
    code = complaint.tracking_code
    for url, data in (
        (NEW, {"text": LIGHT, "lat": "13.75", "lon": "100.5"}),
        (reverse("complaints:follow", args=[code]), {"email": "a@example.com"}),
        (reverse("complaints:reopen", args=[code]), {"reason": "x"}),
        (reverse("complaints:rate", args=[code]), {"rating": "5"}),
    ):
        assert strict.post(url, data).status_code == 403
    assert Complaint.objects.count() == 1
    assert not Follower.objects.filter(email="a@example.com").exists()


def test_actions_are_post_only(client: Client, directory: dict[str, Agency]) -> None:
    code = complaint_file().tracking_code
    for name in ("follow", "reopen", "rate"):
        assert client.get(reverse(f"complaints:{name}", args=[code])).status_code == 405


# --- tracking ---------------------------------------------------------------------------------


def test_track_lookup(client: Client, directory: dict[str, Agency]) -> None:
    complaint = complaint_file()
    url = reverse("complaints:track_lookup")
    assert client.get(url).status_code == 200
    loose = complaint.tracking_code.replace("-", " ").lower()
    response = client.get(url, {"code": loose})
    assert response.status_code == 302
    assert response["Location"] == reverse("complaints:track", args=[complaint.tracking_code])
    unknown = client.get(url, {"code": "ZZZZ-ZZZZ"})
    assert unknown.status_code == 404
    assert 'data-testid="track-error"' in unknown.content.decode()
    assert 'value="ZZZZ-ZZZZ"' in unknown.content.decode()


def test_track_unknown_code_is_404_and_loose_code_redirects(
    client: Client, directory: dict[str, Agency]
) -> None:
    complaint = complaint_file()
    assert client.get(reverse("complaints:track", args=["ZZZZ-ZZZZ"])).status_code == 404
    loose = client.get(reverse("complaints:track", args=[complaint.tracking_code.lower()]))
    assert loose.status_code == 302
    assert loose["Location"] == reverse("complaints:track", args=[complaint.tracking_code])


def test_track_shows_each_agencys_part(client: Client, directory: dict[str, Agency]) -> None:
    complaint = complaint_file()
    html = _html(client.get(reverse("complaints:track", args=[complaint.tracking_code])))
    assert f'data-agency="{complaint.agency.code}" data-state="received" data-lead="true"' in html
    assert 'data-testid="open311-status"' in html


def test_home_page(client: Client) -> None:
    html = _html(client.get(reverse("complaints:home")))
    assert reverse("complaints:new") in html
    assert reverse("complaints:track_lookup") in html


# --- photos -----------------------------------------------------------------------------------


def test_photo_is_served_with_the_tracking_code(
    client: Client, directory: dict[str, Agency]
) -> None:
    png = image_bytes("PNG")
    reporter = CitizenUserFactory()
    complaint = complaint_file(photos=[("p.png", io.BytesIO(png))], reporter=reporter)
    photo = complaint.photos.get()
    url = reverse("complaints:photo", args=[photo.pk])
    assert client.get(url).status_code == 404  # no code: photo numbers cannot be walked
    assert client.get(url, {"c": "ZZZZ-ZZZZ"}).status_code == 404
    response = client.get(url, {"c": complaint.tracking_code})
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "max-age" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == png
    etag = response["ETag"]
    again = client.get(url, {"c": complaint.tracking_code}, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert client.get(reverse("complaints:photo", args=[photo.pk + 999])).status_code == 404

    client.force_login(reporter)
    assert client.get(url).status_code == 200
    outsider = Client()
    outsider.force_login(StaffUserFactory())  # staff of no agency on the complaint
    assert outsider.get(url).status_code == 404
    staff = Client()
    staff.force_login(MembershipFactory(agency=complaint.agency).user)
    assert staff.get(url).status_code == 200


# --- my complaints ----------------------------------------------------------------------------


def test_mine_needs_sign_in_and_lists_filed_and_followed(
    client: Client, directory: dict[str, Agency]
) -> None:
    url = reverse("complaints:mine")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("identity:login"))

    user = CitizenUserFactory()
    mine = complaint_file(reporter=user)
    followed = complaint_file(lat=CHIANG_MAI[0], lon=CHIANG_MAI[1])
    other = complaint_file(text="ถนนเป็นหลุม", lat=CHIANG_MAI[0] + 0.01, lon=CHIANG_MAI[1])
    client.force_login(user)
    client.post(reverse("complaints:follow", args=[followed.tracking_code]))
    html = _html(client.get(url))
    assert f'data-code="{mine.tracking_code}"' in html
    assert f'data-code="{followed.tracking_code}"' in html
    assert other.tracking_code not in html


def test_mine_is_paged(client: Client, directory: dict[str, Agency]) -> None:
    user = CitizenUserFactory()
    for i in range(citizen.MINE_PAGE_SIZE + 1):
        complaint_file(reporter=user, lat=BANGKOK[0] + i * 0.01)
    client.force_login(user)
    first = client.get(reverse("complaints:mine")).content.decode()
    second = client.get(reverse("complaints:mine"), {"page": "2"}).content.decode()
    assert first.count("<tr data-code=") == citizen.MINE_PAGE_SIZE
    assert second.count("<tr data-code=") == 1
    assert 'rel="next"' in first
    assert 'rel="prev"' in second
    assert client.get(reverse("complaints:mine"), {"page": "x"}).status_code == 200


# --- static assets ----------------------------------------------------------------------------


def test_address_picker_data_is_up_to_date_with_geothai() -> None:
    root = Path(__file__).resolve().parents[4]
    script = root / "scripts" / "complaints-geothai-json"
    result = subprocess.run(  # noqa: S603 - our own script, fixed arguments
        [sys.executable, str(script), "--check"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    data = json.loads((root / "src/ddgov/complaints/static/complaints/geothai.json").read_text())
    assert len(data["p"]) == 77
    bangkok = next(p for p in data["p"] if p[0] == "10")
    assert bangkok[1] == "กรุงเทพมหานคร"
    assert bangkok[2] == "Bangkok"
    subdistricts = sum(len(d[3]) for p in data["p"] for d in p[3])
    assert subdistricts > 7000


def test_track_for_a_bare_complaint_without_category_or_agency(client: Client) -> None:
    complaint = ComplaintFactory(category="", agency=None, lat=None, lon=None, address="หน้าตลาด")
    response = client.get(reverse("complaints:track", args=[complaint.tracking_code]))
    assert response.status_code == 200
    html = _html(response)
    assert 'data-testid="category"' in html
    assert 'data-testid="lead-agency"' in html
    assert "หน้าตลาด" in html
