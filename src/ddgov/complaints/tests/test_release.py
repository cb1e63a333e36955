"""The daily open-data release: what the Parquet holds, what it never holds, reruns."""

from __future__ import annotations

import datetime as dt
import io
import zoneinfo

import duckdb
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ddgov.agencies.models import Agency
from ddgov.catalog.models import Dataset, ResourceVersion
from ddgov.catalog.services.downloads import version_original, version_parquet
from ddgov.complaints.models import State
from ddgov.complaints.release.redact import PLACEHOLDERS
from ddgov.complaints.release.services import (
    DATASET_NAME,
    NEVER_PUBLISHED,
    SCHEMA,
    ReleaseError,
    complaints_release,
    complaints_release_range,
    release_missing,
    resource_name,
)
from ddgov.complaints.services.workflow import assignment_transition
from ddgov.complaints.tests.factories import complaint_file
from ddgov.governance.pii.text import pii_text_scan
from ddgov.identity.models import Role
from ddgov.identity.tests.factories import MembershipFactory, StaffUserFactory
from ddgov.identity.thaiid import thai_id_complete

BKK = zoneinfo.ZoneInfo("Asia/Bangkok")
DAY = dt.date(2025, 5, 6)
CITIZEN_ID = thai_id_complete("110370099887")


def _at(hour: int, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, 15, tzinfo=BKK)


@pytest.fixture
def day_of_complaints(directory: dict[str, Agency]) -> dict[str, object]:
    """Four complaints on DAY (one anonymous, texts with PII) and one on the next day."""
    named = complaint_file(
        text="ไฟส่องสว่างดับทั้งซอย ผมนายสมชาย ใจดี โทร 081-234-5678 อีเมล somchai@example.com",
        contact_name="สมชาย ใจดี",
        contact_phone="081-234-5678",
        contact_email="somchai@example.com",
        address="99/1 ซอยสุขุมวิท 11",
        created_at=_at(8),
        lat=13.756789,
        lon=100.501876,
    )
    anonymous = complaint_file(
        text=f"เพื่อนบ้านจอดรถขวางทางเข้าออก นางสาวมาลี ศรีสุข เลขบัตร {CITIZEN_ID}",
        is_anonymous=True,
        contact_name="ไม่ประสงค์ออกนาม",
        contact_phone="0891234567",
        created_at=_at(12),
        category="traffic",
    )
    plain = complaint_file(text="ถนนเป็นหลุมลึก รถจักรยานยนต์ล้มบ่อย", created_at=_at(23), category="road")
    chiang_mai = complaint_file(
        text="น้ำท่วมขังถนนหน้าตลาด",
        lat=18.7883,
        lon=98.9853,
        subdistrict_code="500101",
        created_at=_at(1),
        category="flooding",
    )
    complaint_file(text="ขยะล้นถัง", created_at=_at(0, DAY + dt.timedelta(days=1)))
    return {"named": named, "anonymous": anonymous, "plain": plain, "chiang_mai": chiang_mai}


def _read(version: ResourceVersion) -> list[dict[str, object]]:
    with duckdb.connect() as con:
        cursor = con.execute(
            "SELECT * FROM read_parquet(?)", [str(version_original(version=version))]
        )
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


@pytest.mark.django_db
def test_release_publishes_the_day_without_identity_or_pii(
    day_of_complaints: dict[str, object],
) -> None:
    result = complaints_release(day=DAY)
    assert result.rows == 4
    assert result.changed
    assert result.dataset.name == DATASET_NAME
    assert result.dataset.owner_org.code == "opm-ops"
    assert result.dataset.is_open
    assert result.version.status == ResourceVersion.Status.SUCCEEDED
    assert result.resource.name == resource_name(day=DAY)
    assert result.redactions["PERSON"] == 2
    assert result.redactions["PHONE"] == 1
    assert result.redactions["TH_CITIZEN_ID"] == 1

    rows = _read(result.version)
    assert list(rows[0]) == SCHEMA.names
    for column in NEVER_PUBLISHED:
        assert column not in rows[0]
    assert len(rows) == 4
    flat = repr(rows)
    for secret in ("สมชาย", "081-234-5678", "somchai@example.com", "มาลี", CITIZEN_ID, "0891234567"):
        assert secret not in flat
    for row in rows:
        text = str(row["text_redacted"])
        for line in text.splitlines():
            assert not [f for f in pii_text_scan(text=line) if f.type in PLACEHOLDERS], line
    by_code = {r["tracking_code"]: r for r in rows}
    named = day_of_complaints["named"]
    row = by_code[named.tracking_code]  # type: ignore[attr-defined]
    assert "[ชื่อ]" in str(row["text_redacted"])
    assert "[โทรศัพท์]" in str(row["text_redacted"])
    assert (row["lat"], row["lon"]) == (13.757, 100.502)
    assert row["status"] == "open"
    assert row["created_at"] == "2025-05-06 08:15:00"
    anonymous = by_code[day_of_complaints["anonymous"].tracking_code]  # type: ignore[attr-defined]
    assert "[เลขประจำตัวประชาชน]" in str(anonymous["text_redacted"])
    assert anonymous["category_th"] == "จราจร"
    chiang_mai = by_code[day_of_complaints["chiang_mai"].tracking_code]  # type: ignore[attr-defined]
    assert (chiang_mai["district_code"], chiang_mai["province_code"]) == ("5001", "50")
    assert chiang_mai["agency_code"] == "sao-500101"

    # The ingested table keeps codes as text.
    path = version_parquet(version=result.version)
    with duckdb.connect() as con:
        described = con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [str(path)]).fetchall()
    kinds = {name: kind for name, kind, *_rest in described}
    assert kinds["province_code"] == "VARCHAR"


@pytest.mark.django_db
def test_rerun_makes_a_new_version_not_a_second_resource(
    day_of_complaints: dict[str, object], directory: dict[str, Agency]
) -> None:
    first = complaints_release(day=DAY)
    unchanged = complaints_release(day=DAY)
    assert not unchanged.changed
    assert unchanged.version.pk == first.version.pk

    officer = StaffUserFactory(username="centre")
    MembershipFactory(user=officer, agency=directory["opm-ops"], role=Role.OFFICER)
    plain = day_of_complaints["plain"]
    assignment_transition(
        actor=officer,
        complaint=plain,  # type: ignore[arg-type]
        agency=plain.agency,  # type: ignore[attr-defined]
        to_state=State.RESOLVED,
        message="ซ่อมผิวถนนเรียบร้อยแล้ว",
    )
    second = complaints_release(day=DAY)
    assert second.changed
    assert second.resource.pk == first.resource.pk
    assert second.version.number == first.version.number + 1
    assert second.resource.current_version_id == second.version.pk
    dataset = Dataset.objects.get(name=DATASET_NAME)
    assert dataset.resources.filter(name=resource_name(day=DAY)).count() == 1
    rows = {r["tracking_code"]: r for r in _read(second.version)}
    resolved = rows[plain.tracking_code]  # type: ignore[attr-defined]
    assert resolved["state"] == "resolved"
    assert resolved["status"] == "closed"
    assert resolved["resolution_hours"] is not None
    assert resolved["closed_at"] is not None


@pytest.mark.django_db
def test_empty_day_and_range(directory: dict[str, Agency]) -> None:
    results = complaints_release_range(start=DAY, end=DAY + dt.timedelta(days=1))
    assert [r.rows for r in results] == [0, 0]
    assert not release_missing(day=DAY)
    assert release_missing(day=DAY + dt.timedelta(days=5))
    with pytest.raises(ReleaseError):
        complaints_release_range(start=DAY, end=DAY - dt.timedelta(days=1))


@pytest.mark.django_db
def test_missing_centre_agency_is_a_clear_error(settings: object) -> None:
    settings.COMPLAINTS_CENTRE_AGENCY = "no-such-agency"  # type: ignore[attr-defined]
    with pytest.raises(ReleaseError) as caught:
        complaints_release(day=DAY)
    assert "ศูนย์ 1111" in caught.value.message


@pytest.mark.django_db
def test_release_command(day_of_complaints: dict[str, object]) -> None:
    out = io.StringIO()
    call_command("complaints", "release", "--date", DAY.isoformat(), stdout=out)
    assert "4 complaint(s)" in out.getvalue()
    assert "version 1" in out.getvalue()
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("complaints", "release", "--date", "6/5/2568")
