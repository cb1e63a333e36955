"""Unit behaviour of each PII detector: positives in the forms people write, and hard negatives."""

from __future__ import annotations

import pytest

from ddgov.governance.pii.text import pii_text_scan
from ddgov.identity.thaiid import thai_id_complete

ID = thai_id_complete("110170012345")  # 1101700123454 or similar, valid by construction
DASHED = f"{ID[0]}-{ID[1:5]}-{ID[5:10]}-{ID[10:12]}-{ID[12]}"
THAI = ID.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))


def found(text: str, kind: str) -> list[str]:
    return [f.text for f in pii_text_scan(text=text) if f.type == kind]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"เลขบัตรประชาชน {ID}", ID),
        (f"บัตร {DASHED} ค่ะ", DASHED),
        (f"ID {DASHED.replace('-', ' ')}", DASHED.replace("-", " ")),
        (f"เลขประจำตัว {THAI}", THAI),
        (f"เลขบัตร{ID}โทร0812345678", ID),
    ],
)
def test_citizen_id_forms(text: str, expected: str) -> None:
    assert found(text, "TH_CITIZEN_ID") == [expected]


def test_citizen_id_score_and_bad_checksum() -> None:
    bad = ID[:12] + str((int(ID[12]) + 1) % 10)
    assert found(f"เลขคำร้อง {bad}", "TH_CITIZEN_ID") == []
    assert pii_text_scan(text=ID)[0].score == 0.99
    assert found("เลข 12345678901234 ยาวเกิน", "TH_CITIZEN_ID") == []


@pytest.mark.parametrize(
    "phone",
    [
        "0812345678",
        "081-234-5678",
        "081 234 5678",
        "081-2345678",
        "+66812345678",
        "+66 81 234 5678",
        "02-123-4567",
        "02 123 4567",
        "053-123-456",
        "๐๘๑-๒๓๔-๕๖๗๘",
    ],
)
def test_phone_forms(phone: str) -> None:
    assert found(f"ติดต่อ {phone} ครับ", "PHONE") == [phone]
    assert found(f"โทร{phone}ค่ะ", "PHONE") == [phone]


@pytest.mark.parametrize(
    "text",
    [
        f"เลขบัตร {ID}",  # a citizen ID is not a phone
        "เมื่อ 12-05-2566 เวลา 08.30-16.30 น.",
        "ค่าปรับ 1,250,000 บาท",
        "บ้านเลขที่ 123/45",
        "รหัสเรื่อง นร02660020448",
        "โทรแจ้ง 1555 แล้ว",
        "เลข 1234567890",  # does not start with 0
    ],
)
def test_phone_hard_negatives(text: str) -> None:
    assert found(text, "PHONE") == []


def test_email_glued_to_thai() -> None:
    assert found("อีเมลsomchai.j@example.co.thครับ", "EMAIL") == ["somchai.j@example.co.th"]
    assert found("ตรงข้ามคอนโด ยูดีไลท์@อ่อนนุช", "EMAIL") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("โอนเข้าบัญชี ธนาคารกรุงไทย 088-6-00170-6 จำนวน 9,952.73 บาท", "088-6-00170-6"),
        ("บัญชีกสิกรไทย เลขที่ 1234567890", "1234567890"),
        ("A/C SCB 123-4-56789-0", "123-4-56789-0"),
        ("พร้อมเพย์ 081-234-5678", "081-234-5678"),
        (f"PromptPay {ID}", ID),
    ],
)
def test_bank_accounts_and_promptpay(text: str, expected: str) -> None:
    assert found(text, "BANK_ACCOUNT") == [expected]
    # A PromptPay phone or ID is reported once, as a bank account.
    assert found(text, "PHONE") == []
    assert found(text, "TH_CITIZEN_ID") == []


def test_bank_needs_context_or_bank_format() -> None:
    assert found("โทร 0812345678", "BANK_ACCOUNT") == []
    assert found("บัญชีกสิกร 123-4-56789-0 โทร 0812345678", "PHONE") == ["0812345678"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("รถทะเบียน กข 1234 จอดขวาง", "กข 1234"),
        ("รถเก๋ง 1กข 1234 ชลบุรี จอดทิ้งไว้", "1กข 1234 ชลบุรี"),
        ("ป้ายทะเบียน ฒค-1234 กรุงเทพมหานคร", "ฒค-1234 กรุงเทพมหานคร"),
        ("หมายเลขทะเบียน 70-2475 กรุงเทพมหานคร", "70-2475 กรุงเทพมหานคร"),
        ("ทะเบียนกข1234", "กข1234"),
    ],
)
def test_plates(text: str, expected: str) -> None:
    assert found(text, "VEHICLE_PLATE") == [expected]


@pytest.mark.parametrize(
    "text", ["มีคน 2 คน", "รถ 3 คัน", "ระยะทาง 7 กม", "ซ 12", "วันนี้ 17 พค 2566", "ถนน 345", "ปี 2566"]
)
def test_plate_hard_negatives(text: str) -> None:
    assert found(text, "VEHICLE_PLATE") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ผู้แจ้ง นางสาวพลอย อะโนมา 092-4192962", "นางสาวพลอย อะโนมา"),
        ("ด้วย นายสมชาย ใจดี ราษฎร", "นายสมชาย ใจดี"),
        ("ด.ช.ก้องภพ มีสุข อายุ 8 ปี", "ด.ช.ก้องภพ มีสุข"),
        ("พ.ต.อ.สมศักดิ์ รักษ์ไทยวงศ์ ผู้กำกับ", "พ.ต.อ.สมศักดิ์ รักษ์ไทยวงศ์"),
        ("ขอบคุณคุณสมชาย ใจดี", "คุณสมชาย ใจดี"),
        ("Contact Mr. John Smith today", "Mr. John Smith"),
        ("เนาวรัตน์ ไชยนุต 087-711-9669", "เนาวรัตน์ ไชยนุต"),
    ],
)
def test_person_names(text: str, expected: str) -> None:
    assert found(text, "PERSON") == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "นายกรัฐมนตรีรับทราบแล้ว",
        "เจ้านายลำเอียง",
        "ขอบคุณคุณภาพการบริการ",
        "คุณหมอพูดจาสุภาพ",
        "เดือนมิถุนายนนี้ดิฉันเดินทาง",
        "แขวง : คลองเจ้าคุณสิงห์ เขต : วังทองหลาง",
        "คุณทำเราทุบ เเจ้งไปหลายรอบ",
        "ตรงหน้าคลีนิกนางเลิ้งรักษาสัตว์",
    ],
)
def test_person_hard_negatives(text: str) -> None:
    assert found(text, "PERSON") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "บ้านเลขที่ 99/12 หมู่ 5 ต.สุเทพ อ.เมืองเชียงใหม่ จ.เชียงใหม่ 50200 โทร 02-123-4567",
            "99/12 หมู่ 5 ต.สุเทพ อ.เมืองเชียงใหม่ จ.เชียงใหม่ 50200",
        ),
        (
            "ที่อยู่ 45/1 ม.3 ตำบลบ้านใหม่ อำเภอเมืองนครราชสีมา จังหวัดนครราชสีมา ครับ",
            "45/1 ม.3 ตำบลบ้านใหม่ อำเภอเมืองนครราชสีมา จังหวัดนครราชสีมา",
        ),
        ("123/4 ถนนสุขุมวิท คลองเตย กรุงเทพฯ 10110", "123/4 ถนนสุขุมวิท คลองเตย กรุงเทพฯ 10110"),
        (
            "บ้านเลขที่: 700/90 (บ้านผู้ร้อง) ซอย: พระราม 9 ซอย 17 ถนน: พระรามที่ 9 เขต: ห้วยขวาง #1555",
            "700/90 (บ้านผู้ร้อง) ซอย: พระราม 9 ซอย 17 ถนน: พระรามที่ 9 เขต: ห้วยขวาง",
        ),
    ],
)
def test_addresses(text: str, expected: str) -> None:
    assert found(text, "ADDRESS") == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "ไฟดับ 2 ดวง หมู่ 5 ต.สุเทพ อ.เมืองเชียงใหม่",
        "บ้านเลขที่ 48/132 ซอย 20",
        "ปากซอยราษฎร์บูรณะ 11 ถนนราษฎร์บูรณะ",
        "แยก 22 - 3 แขวงบางโคล่ เขตบางคอแหลม",
    ],
)
def test_address_hard_negatives(text: str) -> None:
    assert found(text, "ADDRESS") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("เกิดวันที่ 5 มีนาคม พ.ศ. 2530", "5 มีนาคม พ.ศ. 2530"),
        ("วันเกิด 12/03/2530", "12/03/2530"),
        ("วัน/เดือน/ปีเกิด ๑๒/๓/๒๕๓๐", "๑๒/๓/๒๕๓๐"),
        ("(เกิด 1 ม.ค. 30)", "1 ม.ค. 30"),
        ("DOB: 1987-03-12", "1987-03-12"),
        ("born on 12 March 1987", "12 March 1987"),
    ],
)
def test_dates_of_birth(text: str, expected: str) -> None:
    assert found(text, "DATE_OF_BIRTH") == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "เมื่อวันที่ 12 ม.ค. 2567",
        "ปัญหาเกิดเมื่อวันที่ 3 ธันวาคม 2567",
        "วันที่เกิดเหตุ 5 มีนาคม 2566",
        "วันเกิด 45/13/2530",
    ],
)
def test_date_hard_negatives(text: str) -> None:
    assert found(text, "DATE_OF_BIRTH") == []
