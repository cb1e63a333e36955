"""The intake service: validation, routing, idempotency and all-or-nothing writes."""

from __future__ import annotations

import io
import threading
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.db import connection

from ddgov.agencies.models import Agency
from ddgov.audit.models import AuditRecord
from ddgov.complaints.errors import ComplaintError
from ddgov.complaints.models import (
    Assignment,
    Channel,
    Complaint,
    ComplaintEvent,
    ComplaintPhoto,
    Follower,
    Notification,
    State,
)
from ddgov.complaints.services import intake
from ddgov.complaints.services.intake import (
    Submission,
    complaint_submit,
    tracking_code_new,
    tracking_code_normalise,
)
from ddgov.complaints.tests.conftest import BANGKOK, CHIANG_MAI, image_bytes
from ddgov.complaints.tests.factories import complaint_file
from ddgov.identity.tests.factories import CitizenUserFactory

LIGHT = "ไฟส่องสว่างดับทั้งซอย มืดมาก อันตรายตอนกลางคืน"


def _media_files() -> list[Path]:
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


def _codes(exc: pytest.ExceptionInfo[ComplaintError]) -> set[str]:
    return {p.code for p in exc.value.problems}


def test_tracking_codes_are_random_and_normalise_as_typed() -> None:
    codes = {tracking_code_new() for _ in range(200)}
    assert len(codes) == 200
    code = next(iter(codes))
    assert len(code) == 9
    assert code[4] == "-"
    assert tracking_code_normalise(code.lower().replace("-", " ")) == code


def test_a_web_complaint_is_classified_routed_and_timed(directory: dict[str, Agency]) -> None:
    complaint = complaint_file(text=LIGHT)

    assert complaint.category == "lighting"
    assert complaint.category_source == Complaint.CategorySource.CLASSIFIER
    assert complaint.agency == directory["bkk-1001"]
    assert complaint.state == State.RECEIVED
    assert complaint.province_code == "10"
    assert "กรุงเทพมหานคร" in complaint.route_reason_th
    assert complaint.sla_due_at is not None
    assert complaint.sla_due_at > complaint.created_at
    assert complaint.tokens  # segmented words stored for screening
    part = Assignment.objects.get(complaint=complaint)
    assert (part.agency, part.state, part.is_lead) == (directory["bkk-1001"], State.RECEIVED, True)
    kinds = list(complaint.events.values_list("kind", flat=True))
    assert kinds == [ComplaintEvent.Kind.SUBMITTED, ComplaintEvent.Kind.ROUTED]
    record = AuditRecord.objects.get(action="complaint.submit")
    assert record.target_id == complaint.tracking_code
    assert record.agency_code == "bkk-1001"


def test_a_chosen_category_is_kept_and_a_subdistrict_routes_to_its_lao(
    directory: dict[str, Agency],
) -> None:
    complaint = complaint_file(
        text="ถนนพัง", category="road", lat=None, lon=None, subdistrict_code="500101"
    )

    assert complaint.category == "road"
    assert complaint.category_source == Complaint.CategorySource.CITIZEN
    assert complaint.agency == directory["sao-500101"]
    assert complaint.district_code == "5001"
    assert complaint.province_code == "50"


def test_the_signed_in_reporter_follows_and_is_told_the_code(directory: dict[str, Agency]) -> None:
    user = CitizenUserFactory(email="somchai@example.com")

    complaint = complaint_file(reporter=user)

    assert complaint.reporter == user
    follower = Follower.objects.get(complaint=complaint)
    assert follower.user == user
    assert follower.is_reporter
    note = Notification.objects.get(complaint=complaint)
    assert note.recipient == "somchai@example.com"
    assert complaint.tracking_code in note.subject
    assert f"/complaints/t/{complaint.tracking_code}/" in note.body


def test_a_retry_with_the_same_key_returns_the_first_complaint(
    directory: dict[str, Agency],
) -> None:
    first = complaint_submit(
        submission=Submission(text=LIGHT, lat=BANGKOK[0], lon=BANGKOK[1], intake_key="web:abc")
    )
    again = complaint_submit(
        submission=Submission(text=LIGHT, lat=BANGKOK[0], lon=BANGKOK[1], intake_key="web:abc")
    )

    assert first.created
    assert not again.created
    assert again.complaint.pk == first.complaint.pk
    assert Complaint.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_racing_retries_create_one_complaint(directory: dict[str, Agency]) -> None:
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL's concurrency")
    results: list[intake.IntakeResult] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def submit() -> None:
        try:
            barrier.wait()
            results.append(
                complaint_submit(
                    submission=Submission(
                        text=LIGHT, lat=BANGKOK[0], lon=BANGKOK[1], intake_key="open311:race"
                    )
                )
            )
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    assert Complaint.objects.count() == 1
    assert sum(r.created for r in results) == 1
    assert len({r.complaint.pk for r in results}) == 1


def test_missing_location_and_address_is_refused(directory: dict[str, Agency]) -> None:
    with pytest.raises(ComplaintError) as exc:
        complaint_submit(submission=Submission(text=LIGHT))

    assert _codes(exc) == {"location_required"}
    problem = exc.value.problems[0]
    assert problem.field == "location"
    assert "ตำแหน่ง" in problem.message_th
    assert "map" in problem.message_en
    assert Complaint.objects.count() == 0


def test_every_problem_is_reported_at_once(directory: dict[str, Agency]) -> None:
    with pytest.raises(ComplaintError) as exc:
        complaint_submit(
            submission=Submission(
                text="ก" * 10_000,
                lat=13.7,
                category="no-such-category",
                contact_email="not-an-email",
                contact_phone="call me",
                subdistrict_code="999999",
            )
        )

    assert _codes(exc) == {
        "text_too_long",
        "location_incomplete",
        "category_unknown",
        "email_invalid",
        "phone_invalid",
        "subdistrict_unknown",
    }
    long_text = next(p for p in exc.value.problems if p.code == "text_too_long")
    assert "10,000" in long_text.message_en
    assert "4,000" in long_text.message_th
    assert Complaint.objects.count() == 0


@pytest.mark.parametrize(
    ("lat", "lon"), [(91.0, 100.0), (13.0, 181.0), (-90.5, 0.0)], ids=["lat", "lon", "south"]
)
def test_coordinates_off_the_planet_are_refused(
    directory: dict[str, Agency], lat: float, lon: float
) -> None:
    with pytest.raises(ComplaintError) as exc:
        complaint_submit(submission=Submission(text=LIGHT, lat=lat, lon=lon))
    assert _codes(exc) == {"location_invalid"}


def test_an_empty_text_is_refused(directory: dict[str, Agency]) -> None:
    with pytest.raises(ComplaintError) as exc:
        complaint_submit(submission=Submission(text="   \n ", address="ซอยสุขุมวิท 11"))
    assert _codes(exc) == {"text_required"}


def test_photos_are_stored_by_content_hash(directory: dict[str, Agency], jpeg: bytes) -> None:
    png = image_bytes("PNG")
    complaint = complaint_file(photos=[("a.jpg", io.BytesIO(jpeg)), ("b.png", io.BytesIO(png))])

    photos = list(complaint.photos.order_by("id"))
    assert [p.content_type for p in photos] == ["image/jpeg", "image/png"]
    assert all(p.stage == ComplaintPhoto.Stage.BEFORE for p in photos)
    assert photos[0].image.name.endswith(f"{photos[0].sha256}.jpg")
    assert len(_media_files()) == 2
    submitted = complaint.events.get(kind=ComplaintEvent.Kind.SUBMITTED)
    assert submitted.data["photos"] == [p.pk for p in photos]


def test_a_20_mb_photo_is_refused_and_nothing_is_written(
    directory: dict[str, Agency], jpeg: bytes
) -> None:
    big = io.BytesIO(jpeg + b"\0" * (20 * 1024 * 1024))

    with pytest.raises(ComplaintError) as exc:
        complaint_submit(
            submission=Submission(
                text=LIGHT,
                lat=BANGKOK[0],
                lon=BANGKOK[1],
                photos=[("ok.jpg", io.BytesIO(jpeg)), ("huge.jpg", big)],
            )
        )

    assert _codes(exc) == {"photo_too_large"}
    assert "huge.jpg" in exc.value.problems[0].message_en
    assert Complaint.objects.count() == 0
    assert ComplaintPhoto.objects.count() == 0
    assert _media_files() == []


@pytest.mark.parametrize(
    "content",
    [b"%PDF-1.4 not a photo", b"<script>alert(1)</script>", b"GIF89a\x01\x00\x01\x00"],
    ids=["pdf", "html", "gif"],
)
def test_a_file_that_is_not_a_supported_photo_is_refused(
    directory: dict[str, Agency], content: bytes
) -> None:
    with pytest.raises(ComplaintError) as exc:
        complaint_submit(
            submission=Submission(
                text=LIGHT,
                lat=BANGKOK[0],
                lon=BANGKOK[1],
                photos=[("photo.jpg", io.BytesIO(content))],
            )
        )
    assert _codes(exc) == {"photo_not_image"}
    assert Complaint.objects.count() == 0


def test_too_many_photos_are_refused(directory: dict[str, Agency], jpeg: bytes) -> None:
    with pytest.raises(ComplaintError) as exc:
        complaint_file(photos=[(f"{i}.jpg", io.BytesIO(jpeg)) for i in range(6)])
    assert _codes(exc) == {"photo_too_many"}


@pytest.mark.django_db(transaction=True)
def test_a_crash_halfway_leaves_no_complaint_and_no_files(
    directory: dict[str, Agency], jpeg: bytes
) -> None:
    with (
        mock.patch.object(intake, "audit_record_append", side_effect=RuntimeError("disk full")),
        pytest.raises(RuntimeError, match="disk full"),
    ):
        complaint_file(photos=[("a.jpg", io.BytesIO(jpeg))], contact_email="a@example.com")

    assert Complaint.objects.count() == 0
    assert Assignment.objects.count() == 0
    assert ComplaintEvent.objects.count() == 0
    assert ComplaintPhoto.objects.count() == 0
    assert Notification.objects.count() == 0
    assert _media_files() == []


def test_script_in_the_text_is_stored_verbatim_for_escaping_on_output(
    directory: dict[str, Agency],
) -> None:
    text = 'ไฟดับ <script>alert("x")</script> <img src=x onerror=alert(1)>'
    complaint = complaint_file(text=text)
    assert complaint.text == text


def test_an_anonymous_complaint_keeps_its_reporter_for_tracking_only(
    directory: dict[str, Agency],
) -> None:
    user = CitizenUserFactory()
    complaint = complaint_file(reporter=user, is_anonymous=True, contact_name="สมชาย ใจดี")
    assert complaint.is_anonymous
    assert complaint.reporter == user


def test_a_text_the_classifier_cannot_place_is_left_for_the_centre(
    directory: dict[str, Agency],
) -> None:
    complaint = complaint_file(text="12345 #1555", lat=CHIANG_MAI[0], lon=CHIANG_MAI[1])
    assert complaint.category == ""
    assert complaint.agency is not None  # the fallback still names who looks at it first


def test_channels_record_where_the_complaint_came_from(directory: dict[str, Agency]) -> None:
    complaint = complaint_file(channel=Channel.CALL_CENTRE, category="road")
    assert complaint.channel == Channel.CALL_CENTRE
    assert complaint.category_source == Complaint.CategorySource.STAFF


@pytest.mark.parametrize("field", ["text", "address", "contact_name"])
def test_a_nul_character_is_refused_before_the_database_sees_it(
    directory: dict[str, Agency], field: str
) -> None:
    values = {"text": LIGHT, "lat": BANGKOK[0], "lon": BANGKOK[1]}
    values[field] = values.get(field, "ก") + "\x00"
    with pytest.raises(ComplaintError) as exc:
        complaint_submit(submission=Submission(**values))  # type: ignore[arg-type]
    assert _codes(exc) == {"null_character"}
    assert Complaint.objects.count() == 0


def test_an_overlong_contact_name_is_refused(directory: dict[str, Agency]) -> None:
    with pytest.raises(ComplaintError) as exc:
        complaint_file(contact_name="ก" * 201)
    assert _codes(exc) == {"name_too_long"}


def test_a_subdistrict_missing_from_the_directory_keeps_its_codes(
    directory: dict[str, Agency],
) -> None:
    complaint = complaint_file(
        text="ถนนพัง", category="road", lat=None, lon=None, subdistrict_code="500102"
    )
    assert complaint.subdistrict is None  # 500102 was never loaded into AdminArea
    assert complaint.district_code == "5001"
    assert complaint.province_code == "50"
