"""What a column's header says: which PII it names, and whether it is PDPA s.26 sensitive data.

Headers are compared after normalising (lower case; spaces, ``_``, ``-``, ``.`` and ``/`` removed),
so ``Citizen_ID``, ``citizen id`` and ``citizenid`` are one name, and ``ชื่อ-สกุล`` is ``ชื่อสกุล``.
A strong keyword names the data outright (เลขประจำตัวประชาชน, email); a weak one only suggests it
(ชื่อ is also "title of"; บัญชี is also "list").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ddgov.governance.pii.types import (
    ADDRESS,
    BANK_ACCOUNT,
    DATE_OF_BIRTH,
    EMAIL,
    PERSON,
    PHONE,
    TH_CITIZEN_ID,
    VEHICLE_PLATE,
)

STRONG = 0.9
WEAK = 0.5

# (type, keyword, strength); the longest matching keyword decides.
_PII_KEYWORDS: tuple[tuple[str, str, float], ...] = (
    (TH_CITIZEN_ID, "เลขประจำตัวประชาชน", STRONG),
    (TH_CITIZEN_ID, "เลขบัตรประชาชน", STRONG),
    (TH_CITIZEN_ID, "บัตรประชาชน", STRONG),
    (TH_CITIZEN_ID, "เลขบัตร", STRONG),
    (TH_CITIZEN_ID, "เลขปชช", STRONG),
    (TH_CITIZEN_ID, "ปชช", WEAK),
    (TH_CITIZEN_ID, "เลขประจำตัว", WEAK),
    (TH_CITIZEN_ID, "citizenid", STRONG),
    (TH_CITIZEN_ID, "nationalid", STRONG),
    (TH_CITIZEN_ID, "idcard", STRONG),
    (TH_CITIZEN_ID, "thaiid", STRONG),
    (TH_CITIZEN_ID, "pid", WEAK),
    (TH_CITIZEN_ID, "cid", WEAK),
    (PHONE, "เบอร์โทรศัพท์", STRONG),
    (PHONE, "เบอร์โทร", STRONG),
    (PHONE, "โทรศัพท์", STRONG),
    (PHONE, "มือถือ", STRONG),
    (PHONE, "เบอร์", WEAK),
    (PHONE, "โทร", WEAK),
    (PHONE, "phone", STRONG),
    (PHONE, "mobile", STRONG),
    (PHONE, "tel", WEAK),
    (EMAIL, "อีเมล", STRONG),
    (EMAIL, "อีเมล์", STRONG),
    (EMAIL, "email", STRONG),
    (EMAIL, "mail", WEAK),
    (PERSON, "ชื่อสกุล", STRONG),
    (PERSON, "ชื่อนามสกุล", STRONG),
    (PERSON, "นามสกุล", STRONG),
    (PERSON, "ชื่อผู้", STRONG),
    (PERSON, "ผู้แจ้ง", WEAK),
    (PERSON, "ผู้ร้อง", WEAK),
    (PERSON, "ชื่อจริง", STRONG),
    (PERSON, "ชื่อ", WEAK),
    (PERSON, "fullname", STRONG),
    (PERSON, "firstname", STRONG),
    (PERSON, "lastname", STRONG),
    (PERSON, "surname", STRONG),
    (PERSON, "givenname", STRONG),
    (PERSON, "name", WEAK),
    (ADDRESS, "ที่อยู่", STRONG),
    (ADDRESS, "บ้านเลขที่", STRONG),
    (ADDRESS, "address", STRONG),
    (ADDRESS, "addr", WEAK),
    (VEHICLE_PLATE, "ทะเบียนรถ", STRONG),
    (VEHICLE_PLATE, "ป้ายทะเบียน", STRONG),
    (VEHICLE_PLATE, "เลขทะเบียน", WEAK),
    (VEHICLE_PLATE, "ทะเบียน", WEAK),
    (VEHICLE_PLATE, "licenseplate", STRONG),
    (VEHICLE_PLATE, "plate", STRONG),
    (BANK_ACCOUNT, "เลขที่บัญชี", STRONG),
    (BANK_ACCOUNT, "เลขบัญชี", STRONG),
    (BANK_ACCOUNT, "บัญชีธนาคาร", STRONG),
    (BANK_ACCOUNT, "พร้อมเพย์", STRONG),
    (BANK_ACCOUNT, "บัญชี", WEAK),
    (BANK_ACCOUNT, "promptpay", STRONG),
    (BANK_ACCOUNT, "bankaccount", STRONG),
    (BANK_ACCOUNT, "accountno", STRONG),
    (BANK_ACCOUNT, "iban", STRONG),
    (BANK_ACCOUNT, "account", WEAK),
    (DATE_OF_BIRTH, "วันเดือนปีเกิด", STRONG),
    (DATE_OF_BIRTH, "วันเกิด", STRONG),
    (DATE_OF_BIRTH, "ปีเกิด", STRONG),
    (DATE_OF_BIRTH, "เกิด", WEAK),
    (DATE_OF_BIRTH, "dateofbirth", STRONG),
    (DATE_OF_BIRTH, "birthdate", STRONG),
    (DATE_OF_BIRTH, "birthday", STRONG),
    (DATE_OF_BIRTH, "dob", STRONG),
    (DATE_OF_BIRTH, "birth", WEAK),
)
# Headers that contain a keyword but name something else.
_NOT_PII = re.compile(
    r"ชื่อ(?:โครงการ|หน่วยงาน|สถาน|ร้าน|บริษัท|ถนน|ซอย|หมู่บ้าน|ตำบล|อำเภอ|จังหวัด|ประเภท|รายการ|ไฟล์|ชุดข้อมูล)|"
    r"(?:file|project|agency|org|company|dataset|product|street|province|district|host|user)name|"
    r"ทะเบียนบ้านเลขที่|วันที่ทะเบียน|บัญชีรายการ|ผังบัญชี"
)

# PDPA s.26 sensitive data, by category.
SENSITIVE_CATEGORIES: dict[str, tuple[str, ...]] = {
    "health": (
        "โรค",
        "สุขภาพ",
        "การแพทย์",
        "วินิจฉัย",
        "อาการ",
        "การรักษา",
        "ประวัติการรักษา",
        "กรุ๊ปเลือด",
        "หมู่เลือด",
        "health",
        "medical",
        "disease",
        "diagnos",
        "illness",
        "icd10",
        "bloodtype",
    ),
    "religion": ("ศาสนา", "ความเชื่อ", "religion", "faith"),
    "criminal_record": (
        "ประวัติอาชญากรรม",
        "อาชญากรรม",
        "คดี",
        "ต้องโทษ",
        "ความผิด",
        "criminal",
        "conviction",
        "offence",
        "offense",
    ),
    "disability": ("พิการ", "ทุพพลภาพ", "disabilit", "handicap"),
    "biometric": (
        "ลายนิ้วมือ",
        "ใบหน้า",
        "ม่านตา",
        "ชีวมิติ",
        "biometric",
        "fingerprint",
        "faceid",
        "iris",
    ),
    "race": ("เชื้อชาติ", "ชาติพันธุ์", "race", "ethnic"),
    "political_opinion": ("การเมือง", "พรรค", "political", "politics"),
    "sexual_behaviour": ("พฤติกรรมทางเพศ", "เพศวิถี", "รสนิยมทางเพศ", "sexual", "orientation"),
    "trade_union": ("สหภาพแรงงาน", "สหภาพ", "tradeunion", "labourunion", "laborunion"),
    "genetic": ("พันธุกรรม", "genetic", "dna", "genome"),
}


@dataclass(frozen=True, slots=True)
class HeaderSignal:
    """What a header says: the PII type and keyword (if any), and the sensitive category (if any)."""

    pii_type: str | None
    keyword: str | None
    score: float
    sensitive_category: str | None
    sensitive_keyword: str | None


def normalize_header(name: str) -> str:
    """Lower-case ``name`` without spaces, underscores, hyphens, dots or slashes."""
    return re.sub(r"[\s_\-./]+", "", str(name).lower())


def header_signal(name: str) -> HeaderSignal:
    """Read a column header (Thai or English) for PII and PDPA s.26 sensitive data."""
    norm = normalize_header(name)
    spaced = re.sub(r"[\s_\-./]+", " ", re.sub(r"([a-z])([A-Z])", r"\1 \2", str(name))).lower()
    pii_type = keyword = None
    score = 0.0
    if not _NOT_PII.search(norm):
        matches = [
            (kw, kind, strength)
            for kind, kw, strength in _PII_KEYWORDS
            if _keyword_in(kw, norm, spaced)
        ]
        if matches:
            keyword, pii_type, score = max(matches, key=lambda m: (len(m[0]), m[2]))
    category = sensitive_kw = None
    for cat, words in SENSITIVE_CATEGORIES.items():
        hit = next((w for w in words if _keyword_in(w, norm, spaced)), None)
        if hit:
            category, sensitive_kw = cat, hit
            break
    return HeaderSignal(pii_type, keyword, score, category, sensitive_kw)


def _keyword_in(keyword: str, norm: str, spaced: str) -> bool:
    """Thai keywords match anywhere; short English ones (tel, pid, dob) only as a whole word."""
    if not keyword.isascii():
        return keyword in norm
    if len(keyword) <= 4:
        return re.search(rf"(?<![a-z]){re.escape(keyword)}(?![a-z])", spaced) is not None
    return keyword in norm
