"""Redaction of complaint texts before release: names, phones, e-mails, IDs, accounts, plates."""

from __future__ import annotations

import pytest

from ddgov.complaints.release.redact import PLACEHOLDERS, text_redact
from ddgov.governance.pii.text import pii_text_scan
from ddgov.identity.thaiid import thai_id_complete

CITIZEN_ID = thai_id_complete("310370123456")


@pytest.mark.parametrize(
    ("text", "gone", "placeholder"),
    [
        (
            "ขยะล้นถังหน้าบ้านเลขที่ 12 มา 3 วันแล้ว ติดต่อนายสมชาย ใจดี ได้ตลอด",
            "สมชาย",
            "[ชื่อ]",
        ),
        ("ไฟฟ้าดับทั้งซอย นางสาวมาลี ศรีสุข เป็นผู้แจ้ง", "มาลี", "[ชื่อ]"),
        ("ถนนเป็นหลุมลึก รบกวนโทรกลับ 081-234-5678 ค่ะ", "081-234-5678", "[โทรศัพท์]"),
        ("น้ำท่วมขังหน้าบ้าน เบอร์ 0891234567", "0891234567", "[โทรศัพท์]"),
        (f"ขอตรวจสอบสิทธิ์ เลขบัตรประชาชน {CITIZEN_ID} ครับ", CITIZEN_ID, "[เลขประจำตัวประชาชน]"),
        ("ตอบกลับทางอีเมล somchai.j@example.com ได้เลย", "somchai.j@example.com", "[อีเมล]"),
        ("รถกระบะทะเบียน กข 1234 กรุงเทพมหานคร จอดบนทางเท้าทุกวัน", "กข 1234", "[ทะเบียนรถ]"),
    ],
)
def test_personal_data_is_replaced_by_a_typed_placeholder(
    text: str, gone: str, placeholder: str
) -> None:
    result = text_redact(text=text)
    assert gone not in result.text
    assert placeholder in result.text
    assert result.removed >= 1


def test_places_and_problem_words_stay() -> None:
    text = "ไฟส่องสว่างดับ ซอยสุขุมวิท 11 แขวงคลองเตยเหนือ เขตวัฒนา มืดมาก อันตราย"
    result = text_redact(text=text)
    assert result.text == text
    assert result.counts == {}


def test_multi_line_complaint_keeps_its_lines_and_counts_each_type() -> None:
    text = (
        "ปัญหาที่แจ้ง: รถเก็บขยะไม่มาเก็บ 10 วันแล้ว\r\n"
        "ผู้แจ้ง: นายประเสริฐ มั่นคง โทร 02-123-4567\n"
        f"เลขประจำตัวประชาชน {CITIZEN_ID}\n"
        "#1555"
    )
    result = text_redact(text=text)
    assert result.text.count("\n") == 3
    assert "\r\n" in result.text
    assert result.text.startswith("ปัญหาที่แจ้ง: รถเก็บขยะไม่มาเก็บ 10 วันแล้ว")
    assert result.counts["PERSON"] == 1
    assert result.counts["PHONE"] == 1
    assert result.counts["TH_CITIZEN_ID"] == 1
    for line in result.text.splitlines():
        assert not [f for f in pii_text_scan(text=line) if f.type in PLACEHOLDERS]


def test_empty_text() -> None:
    assert text_redact(text="").text == ""
