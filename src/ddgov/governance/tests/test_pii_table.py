"""``ddgov pii scan --table`` on small CSV (UTF-8, BOM, cp874), Parquet and XLSX fixtures."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import duckdb
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from ddgov.governance.pii.headers import header_signal
from ddgov.governance.pii.table import pii_table_scan
from ddgov.identity.thaiid import thai_id_complete

HEADER = [
    "เลขประจำตัวประชาชน",
    "ชื่อ-สกุล",
    "col_c",
    "อีเมล",
    "โรคประจำตัว",
    "ศาสนา",
    "จำนวนเงิน",
    "ทะเบียนรถ",
    "หมายเหตุ",
]
GIVEN = ["สมชาย", "มาลี", "วิชัย", "สมศรี", "ประเสริฐ"]
FAMILY = ["ใจดี", "ศรีสุข", "ทองดี", "แก้วมณี", "บุญมา"]


def rows(n: int = 40) -> list[list[str]]:
    out = []
    for i in range(n):
        out.append(  # noqa: PERF401 - one readable row per person
            [
                thai_id_complete(f"1{i:03d}00012345"[:12]),
                f"{GIVEN[i % 5]} {FAMILY[(i * 2) % 5]}",
                f"08{(i % 9) + 1}-{100 + i:03d}-{2000 + i:04d}",  # a phone column with a meaningless header
                f"user{i}@example.com",
                "เบาหวาน" if i % 2 else "ไม่มี",
                "พุทธ",
                f"{(i + 1) * 150}",
                f"กข {1000 + i}",
                "ติดต่อกลับช่วงเย็น",
            ]
        )
    return out


def by_name(report: dict) -> dict[str, dict]:
    return {c["name"]: c for c in report["columns"]}


def check_report(report: dict, n: int = 40) -> None:
    assert report["rows_sampled"] == n
    cols = by_name(report)
    assert cols["เลขประจำตัวประชาชน"]["pii_type"] == "TH_CITIZEN_ID"
    assert cols["เลขประจำตัวประชาชน"]["confidence"] >= 0.9
    assert cols["ชื่อ-สกุล"]["pii_type"] == "PERSON"
    assert cols["col_c"]["pii_type"] == "PHONE"  # found by its values alone
    assert cols["col_c"]["signals"]["header"]["pii_type"] is None
    assert cols["อีเมล"]["pii_type"] == "EMAIL"
    assert cols["ทะเบียนรถ"]["pii_type"] == "VEHICLE_PLATE"
    assert cols["โรคประจำตัว"]["sensitive_category"] == "health"
    assert cols["ศาสนา"]["sensitive_category"] == "religion"
    for name in ("จำนวนเงิน", "หมายเหตุ"):
        assert cols[name]["pii_type"] is None
        assert cols[name]["sensitive_category"] is None


def write_csv(path: Path, encoding: str) -> None:
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        writer.writerows(rows())


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp874"])
def test_csv(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "people.csv"
    write_csv(path, encoding)
    check_report(pii_table_scan(path=path))


def test_parquet(tmp_path: Path) -> None:
    src = tmp_path / "people.csv"
    write_csv(src, "utf-8")
    path = tmp_path / "people.parquet"
    sql = f"COPY (SELECT * FROM read_csv('{src}', all_varchar = true)) TO '{path}' (FORMAT parquet)"  # noqa: S608
    duckdb.execute(sql)
    check_report(pii_table_scan(path=path))


def test_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "people.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows():
        sheet.append(row)
    book.save(path)
    check_report(pii_table_scan(path=path))


def test_sampling_limits_rows(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    write_csv(path, "utf-8")
    assert pii_table_scan(path=path, sample_rows=10)["rows_sampled"] == 10


def test_command_json_and_text(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    write_csv(path, "utf-8-sig")
    out = io.StringIO()
    call_command("pii", "scan", "--table", str(path), stdout=out)
    report = json.loads(out.getvalue())
    assert set(report) == {"columns", "rows_sampled"}
    assert set(report["columns"][0]) == {
        "name",
        "pii_type",
        "confidence",
        "sensitive_category",
        "signals",
    }
    check_report(report)
    out = io.StringIO()
    call_command("pii", "scan", "--table", str(path), "--format", "text", stdout=out)
    assert "TH_CITIZEN_ID" in out.getvalue()
    assert "health" in out.getvalue()


def test_command_errors(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"no such file.*ไม่พบไฟล์"):
        call_command("pii", "scan", "--table", str(tmp_path / "x.csv"))
    odd = tmp_path / "x.json"
    odd.write_text("{}", encoding="utf-8")
    with pytest.raises(CommandError, match=r"unsupported file type.*ไม่รองรับ"):
        call_command("pii", "scan", "--table", str(odd))


@pytest.mark.parametrize(
    ("header", "kind", "category"),
    [
        ("citizen_id", "TH_CITIZEN_ID", None),
        ("เลขบัตร", "TH_CITIZEN_ID", None),
        ("Mobile Phone", "PHONE", None),
        ("cust_tel", "PHONE", None),
        ("E-mail", "EMAIL", None),
        ("first_name", "PERSON", None),
        ("ที่อยู่ปัจจุบัน", "ADDRESS", None),
        ("plate_no", "VEHICLE_PLATE", None),
        ("พร้อมเพย์", "BANK_ACCOUNT", None),
        ("วันเกิด", "DATE_OF_BIRTH", None),
        ("ชื่อโครงการ", None, None),
        ("project_name", None, None),
        ("hotel", None, None),
        ("religion", None, "religion"),
        ("ประวัติอาชญากรรม", None, "criminal_record"),
        ("ความพิการ", None, "disability"),
        ("fingerprint_hash", None, "biometric"),
        ("เชื้อชาติ", None, "race"),
        ("พรรคการเมือง", None, "political_opinion"),
        ("สหภาพแรงงาน", None, "trade_union"),
        ("ข้อมูลพันธุกรรม", None, "genetic"),
        ("เพศวิถี", None, "sexual_behaviour"),
    ],
)
def test_header_signals(header: str, kind: str | None, category: str | None) -> None:
    signal = header_signal(header)
    assert signal.pii_type == kind
    assert signal.sensitive_category == category
