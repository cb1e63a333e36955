"""Bulk import of Traffy-style CSV exports: variants, idempotency, per-row problems, file errors."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import geothai
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from ddgov.agencies.models import Agency
from ddgov.agencies.tests.factories import admin_area_real
from ddgov.complaints.errors import ComplaintError
from ddgov.complaints.models import Channel, Complaint, ComplaintEvent, State
from ddgov.complaints.services.importing import complaints_import_csv
from ddgov.identity.models import Role
from ddgov.identity.tests.factories import (
    CitizenUserFactory,
    MembershipFactory,
    StaffUserFactory,
)

HEADER_2023 = (
    "type,org,description,ticket_id,coords,photo_url,after_photo,address,timestamp,"
    "problem_type_abdul,star,count_reopen,note,state,last_activity\n"
)


def _csv(header: str, *rows: list[str]) -> io.BytesIO:
    out = io.StringIO()
    out.write(header)
    writer = csv.writer(out)
    for row in rows:
        writer.writerow(row)
    return io.BytesIO(out.getvalue().encode("utf-8-sig"))


def _row_2023(ticket: str, text: str, **over: str) -> list[str]:
    values = {
        "type": "{แสงสว่าง}",
        "org": "กรุงเทพมหานคร",
        "description": text,
        "ticket_id": ticket,
        "coords": "['100.55650', '13.74179']",
        "photo_url": "https://example.invalid/a.jpg",
        "after_photo": "",
        "address": "10 ซอย สุขุมวิท 11 แขวง คลองเตยเหนือ เขตวัฒนา กรุงเทพมหานคร 10110 ประเทศไทย",
        "timestamp": "2023-05-18 08:03:32.147669+00",
        "problem_type_abdul": "['']",
        "star": "",
        "count_reopen": "0",
        "note": "",
        "state": "รอรับเรื่อง",
        "last_activity": "2023-05-18 08:03:32.137831+00",
    }
    values.update(over)
    return list(values.values())


@pytest.fixture(autouse=True)
def _areas(db: None) -> None:
    """The subdistricts the sample rows name (the geography seeder loads all of them)."""
    for code in ("103901", "100402", "100101"):
        admin_area_real(code)


@pytest.fixture
def vadhana(directory: dict[str, Agency]) -> Agency:
    """Vadhana district office (1039), where the sample rows are."""
    area = admin_area_real("1039")
    return Agency.objects.create(
        code="bkk-1039",
        name_th="สำนักงานเขตวัฒนา",
        name_en="Vadhana District Office",
        kind=Agency.Kind.DISTRICT_OFFICE,
        parent=directory["bma"],
        area=area,
    )


@pytest.mark.django_db
def test_2023_rows_are_filed_with_label_category_place_and_time(vadhana: Agency) -> None:
    data = _csv(
        HEADER_2023,
        _row_2023("2023-AAA111", "ไฟส่องสว่างดับทั้งซอย มืดมาก"),
        _row_2023("2023-BBB222", "ถนนเป็นหลุมลึก รถล้มบ่อย", type="{ถนน,ทางเท้า}"),
        _row_2023("2023-CCC333", "ขยะกองหน้าปากซอยส่งกลิ่นเหม็น", type=""),
    )
    report = complaints_import_csv(fileobj=data, actor=None, source="traffy")
    assert (report.rows, report.created, report.skipped, report.failed) == (3, 3, 0, 0)
    assert report.variant == "traffy-2023"
    first = Complaint.objects.get(external_id="2023-AAA111")
    assert first.channel == Channel.IMPORT
    assert first.external_source == "traffy"
    assert first.intake_key == "import:traffy:2023-AAA111"
    assert first.category == "lighting"
    assert first.category_source == Complaint.CategorySource.IMPORT
    assert (round(first.lat, 5), round(first.lon, 5)) == (13.74179, 100.5565)
    assert first.subdistrict_id == "103901"
    assert first.agency == vadhana  # the district office, thanks to the address
    assert first.created_at.isoformat().startswith("2023-05-18T08:03:32")
    assert Complaint.objects.get(external_id="2023-BBB222").category in {"road", "sidewalk"}
    # no label: the classifier decides (rubbish)
    assert Complaint.objects.get(external_id="2023-CCC333").category == "cleanliness"


@pytest.mark.django_db
def test_importing_twice_creates_nothing_new(directory: dict[str, Agency]) -> None:
    rows = [_row_2023(f"T-{i}", f"ไฟถนนดับ จุดที่ {i}") for i in range(4)]
    first = complaints_import_csv(fileobj=_csv(HEADER_2023, *rows), actor=None)
    again = complaints_import_csv(fileobj=_csv(HEADER_2023, *rows), actor=None)
    assert first.created == 4
    assert (again.created, again.skipped, again.failed) == (0, 4, 0)
    assert Complaint.objects.count() == 4


@pytest.mark.django_db
def test_each_row_fails_on_its_own_with_bilingual_problems(directory: dict[str, Agency]) -> None:
    data = _csv(
        HEADER_2023,
        _row_2023("OK-1", "ทางเท้าชำรุด"),
        _row_2023("BAD-TEXT", ""),
        _row_2023("BAD-LONG", "ก" * 5000),
        _row_2023("BAD-TIME", "ไฟดับ", timestamp="เมื่อวาน"),
        _row_2023("BAD-PLACE", "ไฟดับ", coords="", address=""),
        _row_2023("", "ไม่มีเลขที่"),
        _row_2023("OK-2", "ท่อระบายน้ำอุดตัน"),
    )
    report = complaints_import_csv(fileobj=data, actor=None)
    assert (report.created, report.failed) == (2, 5)
    by_ticket = {p.ticket_id: p for p in report.problems}
    assert by_ticket["BAD-TEXT"].code == "text_required"
    assert by_ticket["BAD-LONG"].code == "text_too_long"
    assert by_ticket["BAD-TIME"].code == "timestamp_invalid"
    assert by_ticket["BAD-PLACE"].code == "location_required"
    assert by_ticket[""].code == "ticket_required"
    assert by_ticket["BAD-TEXT"].row == 3  # spreadsheet rows: header is row 1
    assert all(p.message_th and p.message_en for p in report.problems)
    assert set(Complaint.objects.values_list("external_id", flat=True)) == {"OK-1", "OK-2"}


@pytest.mark.django_db
def test_queue_2024_variant_reads_buddhist_dates_and_single_category(
    directory: dict[str, Agency],
) -> None:
    header = (
        "ticket_id,date,time,status,address,description,agency,category,"
        "ForwardedStatus,ForwardedDate,ForwardedTime,TakeTime\n"
    )
    data = _csv(
        header,
        ["2024-83HN9G", "3-ธ.ค.-67", "09:00 น.", "รอรับเรื่อง 2 นาทีที่แล้ว", "เขตบางรัก แขวงสีลม",
         "หาบเร่แผงลอยตั้งขายบนทางเท้า", "เขตบางรัก, กรุงเทพมหานคร", "หาบเร่แผงลอย",
         "รอรับเรื่อง", "3-ธ.ค.-67", "09:00 น.", "รอรับเรื่อง"],
        ["2024-MBKNZE", "9 ธ.ค. 67", "08:28 น.", "รอรับเรื่อง 3 นาทีที่แล้ว", "เขตพระนคร แขวงพระบรมมหาราชวัง",
         "ถนนชำรุดเป็นหลุม", "เขตพระนคร, กรุงเทพมหานคร", "ถนน",
         "รอรับเรื่อง", "9 ธ.ค. 67", "08:28 น.", "รอรับเรื่อง"],
    )  # fmt: skip
    report = complaints_import_csv(fileobj=data, actor=None, source="traffy-queue")
    assert report.variant == "traffy-queue-2024"
    assert report.created == 2, report.problems
    first = Complaint.objects.get(external_id="2024-83HN9G")
    assert first.category == "street_vendors"
    assert first.subdistrict_id == "100402"
    local = first.created_at.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Bangkok"))
    assert (local.year, local.month, local.day, local.hour) == (2024, 12, 3, 9)
    second = Complaint.objects.get(external_id="2024-MBKNZE")
    assert second.agency == directory["bkk-1001"]  # Phra Nakhon district office


@pytest.mark.django_db
def test_org_state_pull_without_text_is_refused_before_writing(
    directory: dict[str, Agency],
) -> None:
    header = (
        "type,coords,ticket_id,organization,comment photo,photo_after,address,subdistrict,"
        "district,province,timestamp,state,star,count_reopen,last_activity\n"
    )
    data = _csv(
        header, ["Point", "[100.48, 13.71]", "2025-7E6HVV", "กรุงเทพมหานคร", "https://x"] + [""] * 10
    )
    with pytest.raises(ComplaintError) as caught:
        complaints_import_csv(fileobj=data, actor=None)
    problem = caught.value.problems[0]
    assert problem.code == "file_columns_missing"
    assert "ข้อความร้องเรียน" in problem.message_th
    assert "description" in problem.message_en
    assert Complaint.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "code"),
    [
        (b"", "file_empty"),
        (b"PK\x03\x04\x14\x00\x00\x00binary-xlsx", "file_not_csv"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "file_not_csv"),
        ("ชื่อ,นามสกุล\nสมชาย,ใจดี\n".encode(), "file_columns_missing"),
    ],
)
def test_bad_files_get_a_clear_error(
    directory: dict[str, Agency], payload: bytes, code: str
) -> None:
    with pytest.raises(ComplaintError) as caught:
        complaints_import_csv(fileobj=io.BytesIO(payload), actor=None)
    assert caught.value.problems[0].code == code
    assert caught.value.problems[0].message_th
    assert Complaint.objects.count() == 0


@pytest.mark.django_db
def test_thai_windows_encoding_is_read(directory: dict[str, Agency]) -> None:
    text = HEADER_2023 + ",".join(f'"{v}"' for v in _row_2023("CP-1", "ไฟดับ ซอยมืด")) + "\n"
    report = complaints_import_csv(fileobj=io.BytesIO(text.encode("cp874")), actor=None)
    assert report.created == 1
    assert Complaint.objects.get().text == "ไฟดับ ซอยมืด"


@pytest.mark.django_db
def test_limit_and_invalid_source(directory: dict[str, Agency]) -> None:
    rows = [_row_2023(f"L-{i}", f"ไฟดับ {i}") for i in range(5)]
    assert complaints_import_csv(fileobj=_csv(HEADER_2023, *rows), actor=None, limit=2).created == 2
    with pytest.raises(ComplaintError) as caught:
        complaints_import_csv(fileobj=_csv(HEADER_2023, *rows), actor=None, source="Bad Source!")
    assert caught.value.problems[0].code == "source_invalid"


@pytest.mark.django_db
def test_apply_states_moves_new_complaints_through_the_workflow(
    directory: dict[str, Agency],
) -> None:
    officer = StaffUserFactory(username="centre.officer")
    MembershipFactory(user=officer, agency=directory["opm-ops"], role=Role.OFFICER)
    data = _csv(
        HEADER_2023,
        _row_2023("S-1", "ไฟดับ", state="เสร็จสิ้น"),
        _row_2023("S-2", "ไฟดับอีกจุด", state="กำลังดำเนินการ"),
        _row_2023("S-3", "ไฟดับจุดที่สาม", state="รอรับเรื่อง"),
        _row_2023("S-4", "ไม่ใช่เรื่องของเขต", state="ไม่เกี่ยวข้อง"),
    )
    report = complaints_import_csv(fileobj=data, actor=officer, apply_states=True)
    assert (report.created, report.states_applied) == (4, 3)
    states = dict(Complaint.objects.values_list("external_id", "state"))
    assert states == {
        "S-1": State.RESOLVED,
        "S-2": State.IN_PROGRESS,
        "S-3": State.RECEIVED,
        "S-4": State.NOT_RESPONSIBLE,
    }
    resolved = Complaint.objects.get(external_id="S-1")
    assert resolved.closed_at is not None
    assert ComplaintEvent.objects.filter(
        complaint=resolved, kind=ComplaintEvent.Kind.STATE, is_public=True
    ).exists()


@pytest.mark.django_db
def test_apply_states_without_rights_fails_the_row_and_keeps_nothing(
    directory: dict[str, Agency],
) -> None:
    outsider = StaffUserFactory(username="outsider")
    data = _csv(HEADER_2023, _row_2023("N-1", "ไฟดับ", state="เสร็จสิ้น"))
    report = complaints_import_csv(fileobj=data, actor=outsider, apply_states=True)
    assert (report.created, report.failed) == (0, 1)
    assert report.problems[0].code == "not_allowed"
    assert not Complaint.objects.exists()


@pytest.mark.django_db
@pytest.mark.shared_data
def test_real_2023_export_imports(shared_data: Path, directory: dict[str, Agency]) -> None:
    path = shared_data / "traffy" / "complaints_2023-05-17.csv"
    report = complaints_import_csv(path=path, actor=None, limit=60)
    assert report.rows == 60
    assert report.created + report.failed == 60
    assert report.created >= 50
    assert complaints_import_csv(path=path, actor=None, limit=60).created == 0


@pytest.mark.django_db
@pytest.mark.shared_data
def test_real_queue_export_imports(shared_data: Path, directory: dict[str, Agency]) -> None:
    for district in geothai.districts("10"):
        for sub in geothai.subdistricts(district.code):
            admin_area_real(sub.code)
    path = shared_data / "traffy" / "waiting_queue_2024-12" / "dash9-12-67__traffy_data.csv"
    report = complaints_import_csv(path=path, actor=None, source="traffy", limit=40)
    assert report.created + report.skipped + report.failed == 40
    assert report.created >= 30
    assert Complaint.objects.exclude(subdistrict=None).count() >= 20


# --- the staff upload page ------------------------------------------------------------------


def _signed_in(user: object, **client_options: object) -> Client:
    client = Client(**client_options)
    client.force_login(user)  # type: ignore[arg-type]
    return client


@pytest.fixture
def centre_officer(directory: dict[str, Agency]) -> object:
    user = StaffUserFactory(username="opm.centre")
    MembershipFactory(user=user, agency=directory["opm-ops"], role=Role.OFFICER)
    return user


@pytest.mark.django_db
def test_upload_page_is_for_centre_officers_and_admins_only(
    client: Client, directory: dict[str, Agency], centre_officer: object
) -> None:
    url = reverse("complaints:staff_import")
    assert client.get(url).status_code == 302  # sign in first
    bma_officer = StaffUserFactory(username="bma.staff")
    MembershipFactory(user=bma_officer, agency=directory["bma"], role=Role.OFFICER)
    assert _signed_in(bma_officer).get(url).status_code == 403
    assert _signed_in(CitizenUserFactory()).get(url).status_code == 403
    admin = StaffUserFactory(username="platform.admin", is_platform_admin=True)
    assert _signed_in(admin).get(url).status_code == 200
    page = _signed_in(centre_officer).get(url)
    assert page.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in page.content.decode()


@pytest.mark.django_db
def test_upload_imports_and_shows_the_report(centre_officer: object) -> None:
    client = _signed_in(centre_officer)
    data = _csv(HEADER_2023, _row_2023("W-1", "ไฟดับทั้งซอย"), _row_2023("W-2", ""))
    upload = SimpleUploadedFile("traffy.csv", data.getvalue(), content_type="text/csv")
    response = client.post(reverse("complaints:staff_import"), {"file": upload, "source": "traffy"})
    assert response.status_code == 200
    report = response.context["report"]
    assert (report.created, report.failed) == (1, 1)
    html = response.content.decode()
    assert "กรุณาเล่าปัญหาที่พบ" in html  # the row's problem, in Thai
    code = Complaint.objects.get().tracking_code
    assert code in html


@pytest.mark.django_db
def test_upload_of_a_non_csv_file_says_why_and_writes_nothing(centre_officer: object) -> None:
    client = _signed_in(centre_officer)
    upload = SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png")
    response = client.post(reverse("complaints:staff_import"), {"file": upload, "source": "traffy"})
    assert response.status_code == 400
    assert "ไฟล์นี้ไม่ใช่ไฟล์ CSV" in response.content.decode()
    assert not Complaint.objects.exists()


@pytest.mark.django_db
def test_upload_needs_csrf(centre_officer: object) -> None:
    client = _signed_in(centre_officer, enforce_csrf_checks=True)
    upload = SimpleUploadedFile("t.csv", _csv(HEADER_2023, _row_2023("C-1", "ไฟดับ")).getvalue())
    response = client.post(reverse("complaints:staff_import"), {"file": upload})
    assert response.status_code == 403
    assert not Complaint.objects.exists()


@pytest.mark.django_db
def test_import_command(directory: dict[str, Agency], tmp_path: Path) -> None:
    path = tmp_path / "traffy.csv"
    path.write_bytes(
        _csv(HEADER_2023, *[_row_2023(f"K-{i}", f"ไฟดับ {i}") for i in range(3)]).getvalue()
    )
    out = io.StringIO()
    call_command("complaints", "import", str(path), "--limit", "2", stdout=out)
    assert Complaint.objects.count() == 2
    assert "2" in out.getvalue()
    out = io.StringIO()
    call_command("complaints", "import", str(path), "--format", "json", stdout=out)
    assert '"skipped": 2' in out.getvalue()
    assert '"created": 1' in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(CommandError, match="ticket_id"):
        call_command("complaints", "import", str(bad))


@pytest.mark.django_db
def test_semicolon_separated_export_is_read(directory: dict[str, Agency]) -> None:
    text = "ticket_id;description;coords\nSC-1;ไฟดับทั้งซอย, มืดมาก;100.5018 13.7563\n"
    report = complaints_import_csv(fileobj=io.BytesIO(text.encode()), actor=None)
    assert report.created == 1, report.problems
    assert Complaint.objects.get().text == "ไฟดับทั้งซอย, มืดมาก"
