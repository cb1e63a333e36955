# ruff: noqa: RUF001, D102, E501 - Thai digits are data; value makers and hand-labelled lines read best whole
"""Build the labelled Thai PII test set ``th_pii_labelled.jsonl`` from the Traffy Fondue complaints.

Run once by a maintainer (``python -m ddgov.governance.pii.testset.build [SHARED_DATA_DIR]``); the
JSONL it writes is what ships and what the tests read. It never calls the detectors: labels come
from hand-checked lists (real PII) or from construction (inserted PII with known offsets).

Three kinds of record, each saying how it was made in ``source``:

* ``real:<file>:<ticket>`` — a short excerpt of a real complaint with the PII really in it (phone
  numbers, names, house addresses, plates, a bank account), labelled by hand below;
* ``real-negative:<file>:<ticket>`` — a short real excerpt with numbers, dates, soi and road names,
  ticket numbers and polite ``คุณ`` but no PII (a hand-made marker filter picks them, then they
  were read);
* ``synthetic:<kinds>:<base>`` — a real excerpt with made-up PII added at a natural place (a
  signature, a reporter line, a plate in the story) and hard negatives mixed in.

Only short excerpts (at most about 260 characters) of a few hundred complaints are kept. Every record
carries ``split``: ``dev`` (30 %, for tuning) or ``test`` (held out; the goals are checked there),
decided by a hash of the text.
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import geothai
import phonenumbers
from pythainlp.corpus import thai_family_names, thai_female_names, thai_male_names

from ddgov.core.thaidate import MONTHS_TH, MONTHS_TH_ABBR
from ddgov.governance.pii.testset.real_labels import REAL
from ddgov.identity.thaiid import thai_id_check_digit

OUT = Path(__file__).with_name("th_pii_labelled.jsonl")
SEED = 2569
DEV_SHARE = 3  # out of 10

# Markers of possible PII: a text with none of them is a candidate negative (then read by hand).
_SUSPECT = re.compile(
    r"\d[\d\- ]{7,}\d|[๐-๙]{4}|@|(?<![ก-๙])(?:นาย|นาง|น\.ส\.|ด\.ช\.|ด\.ญ\.|ดร\.)[ก-๙]|ทะเบียน|บ้านเลขที่|"
    r"เลขที่\s*\d|เกิด(?!เหตุ|ขึ้น|ปัญหา|การ|ความ|อุบัติ|น้ำ)|บัญชี|พร้อมเพย์|ชื่อ|ผู้แจ้ง\s+[ก-๙]|โทร\s*\d|\d+/\d+\s*(?:หมู่|ม\.|ซ|ถ)|"
    r"(?<![ก-๙])คุณ[ก-๙]|line|ไลน์|(?<![ก-๙])[ก-ฮ]{1,3}\s?-?\d{3,4}(?!\d)"
)
# Real negatives are chosen among texts with these, so they are hard (numbers, dates, titles-like).
_HARD = re.compile(r"\d|คุณ|นาย|เกิด|ซอย|หมู่|ถนน|บาท|วันที่|เวลา|รถ|คน \d")


def _read(shared: Path) -> Iterator[tuple[str, str, str]]:
    """Yield (file tag, ticket, text) from the three Traffy sources."""
    traffy = shared / "traffy"
    with (traffy / "complaints_2023-05-17.csv").open(encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            yield "complaints", row["ticket_id"], row["description"] or ""
    with (traffy / "labelled_tickets.csv").open(encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            yield "labelled_tickets", row["id"], row["content"] or ""
    for path in sorted((traffy / "waiting_queue_2024-12").glob("*__traffy_data.csv")):
        with path.open(encoding="utf-8-sig") as fh:
            for row in csv.DictReader(fh):
                yield "waiting_queue", row.get("ticket_id") or "", row.get("description") or ""


def _one_line(text: str) -> str:
    return re.sub(r"\s*\n\s*", " ", text.replace("\u200b", "")).strip()


def _excerpt(text: str, start: int, end: int, before: int = 90, after: int = 70) -> tuple[str, int]:
    """Cut a window around ``text[start:end]`` at spaces; return it and the offset it starts at."""
    lo = max(0, start - before)
    hi = min(len(text), end + after)
    if lo > 0:
        space = text.find(" ", lo, start)
        lo = space + 1 if space != -1 else lo
    if hi < len(text):
        space = text.rfind(" ", end, hi)
        hi = space if space != -1 else hi
    return text[lo:hi], lo


def _find_all(text: str, value: str) -> list[int]:
    return [m.start() for m in re.finditer(re.escape(value), text)]


def _split(text: str) -> str:
    return "dev" if int(hashlib.sha1(text.encode()).hexdigest(), 16) % 10 < DEV_SHARE else "test"  # noqa: S324


def _record(text: str, entities: list[dict[str, Any]], source: str) -> dict[str, Any]:
    for e in entities:
        assert 0 <= e["start"] < e["end"] <= len(text), (text, e)  # noqa: S101
    return {
        "text": text,
        "entities": sorted(entities, key=lambda e: e["start"]),
        "source": source,
        "split": _split(text),
    }


class Maker:
    """Makes PII values in many written forms, and the sentences around them."""

    MOBILE_PREFIXES = ("06", "08", "09")
    LANDLINE_AREAS = (
        "02",
        "032",
        "034",
        "038",
        "042",
        "043",
        "044",
        "045",
        "053",
        "054",
        "055",
        "073",
        "074",
        "076",
        "077",
    )
    BANKS = (
        "ธนาคารกสิกรไทย",
        "ธ.กสิกรไทย",
        "ธนาคารไทยพาณิชย์",
        "ไทยพาณิชย์",
        "ธนาคารกรุงเทพ",
        "ธนาคารกรุงไทย",
        "กรุงไทย",
        "ธนาคารออมสิน",
        "ธ.ก.ส.",
        "กรุงศรีอยุธยา",
        "ttb",
        "SCB",
        "KBank",
    )
    TH_MONTHS = list(MONTHS_TH)
    TH_MONTHS_SHORT = list(MONTHS_TH_ABBR)
    EN_MONTHS = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ]
    # Given names and family-name parts that are not in PyThaiNLP's corpora, so the set measures
    # names the corpora do not know as well.
    GIVEN_PARTS = (
        ("ธนา", "กิตติ", "ปิยะ", "ณัฐ", "วรา", "ภัทร", "ศุภ", "จิรา", "อภิ", "พิม"),
        ("พล", "พงศ์", "วัฒน์", "ชนก", "ภา", "ลักษณ์", "นันท์", "กานต์", "ธิดา", "ชญา"),
    )
    FAMILY_PARTS = (
        ("ศรี", "แก้ว", "ทอง", "บุญ", "จันทร์", "เจริญ", "รุ่ง", "กิตติ", "ธนา", "อินทร์", "สุข", "พูล"),
        ("สวัสดิ์", "วงศ์", "ประเสริฐ", "รัตน์", "ไพบูลย์", "ศิริ", "พันธ์", "ทรัพย์", "มงคล", "สมบัติ"),
        ("", "", "กุล", "สกุล", "ชัย", "ธรรม"),
    )
    THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
    EN_NAMES = (
        "John Smith",
        "Emma Brown",
        "David Miller",
        "Sarah Wilson",
        "Tanaka Hiroshi",
        "Anna Müller",
    )
    DOMAINS = (
        "gmail.com",
        "hotmail.com",
        "yahoo.co.th",
        "outlook.co.th",
        "moph.go.th",
        "bangkok.go.th",
        "chula.ac.th",
    )
    ROMAN = (
        "somchai",
        "malee",
        "nattapong",
        "kanya",
        "wichai",
        "pimchanok",
        "thanawat",
        "siriporn",
        "anan",
        "ploy",
    )

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.male = sorted(n for n in thai_male_names() if len(n) >= 3)
        self.female = sorted(n for n in thai_female_names() if len(n) >= 3)
        self.family = sorted(n for n in thai_family_names() if len(n) >= 4)
        known = set(thai_male_names()) | set(thai_female_names())
        self.oov_given = sorted(
            {a + b for a in self.GIVEN_PARTS[0] for b in self.GIVEN_PARTS[1]} - known
        )
        families = set(thai_family_names())
        self.oov_family = sorted(
            {
                a + b + c
                for a in self.FAMILY_PARTS[0]
                for b in self.FAMILY_PARTS[1]
                for c in self.FAMILY_PARTS[2]
            }
            - families
        )
        self.subdistricts = [
            (s, d, p)
            for p in geothai.provinces()
            for d in geothai.districts(p.code)
            for s in geothai.subdistricts(d.code)
        ]

    # -- values ---------------------------------------------------------------------------------
    def citizen_id(self) -> str:
        first = str(self.rng.randint(1, 8)) + "".join(
            str(self.rng.randint(0, 9)) for _ in range(11)
        )
        digits = first + str(thai_id_check_digit(first))
        form = self.rng.choice(
            ("plain", "plain", "dashed", "dashed", "spaced", "thai", "thai_dashed")
        )
        dashed = f"{digits[0]}-{digits[1:5]}-{digits[5:10]}-{digits[10:12]}-{digits[12]}"
        return {
            "plain": digits,
            "dashed": dashed,
            "spaced": dashed.replace("-", " "),
            "thai": digits.translate(self.THAI_DIGITS),
            "thai_dashed": dashed.translate(self.THAI_DIGITS),
        }[form]

    def bad_citizen_id(self) -> str:
        first = str(self.rng.randint(1, 8)) + "".join(
            str(self.rng.randint(0, 9)) for _ in range(11)
        )
        return first + str((thai_id_check_digit(first) + self.rng.randint(1, 9)) % 10)

    def _valid(self, digits: str) -> bool:
        """Made-up numbers must still be allocatable Thai numbers (what real text would hold)."""
        return phonenumbers.is_valid_number(phonenumbers.parse(digits, "TH"))

    def mobile_digits(self) -> str:
        while True:
            prefix = self.rng.choice(self.MOBILE_PREFIXES)
            second = self.rng.choice("123456789")
            digits = prefix + second + "".join(str(self.rng.randint(0, 9)) for _ in range(7))
            if self._valid(digits):
                return digits

    def phone(self) -> str:
        if self.rng.random() < 0.7:
            d = self.mobile_digits()
            form = self.rng.choice(
                (
                    "plain",
                    "dash334",
                    "dash37",
                    "space334",
                    "intl",
                    "intl_space",
                    "thai",
                    "thai_dash",
                )
            )
            return {
                "plain": d,
                "dash334": f"{d[:3]}-{d[3:6]}-{d[6:]}",
                "dash37": f"{d[:3]}-{d[3:]}",
                "space334": f"{d[:3]} {d[3:6]} {d[6:]}",
                "intl": "+66" + d[1:],
                "intl_space": f"+66 {d[1:3]} {d[3:6]} {d[6:]}",
                "thai": d.translate(self.THAI_DIGITS),
                "thai_dash": f"{d[:3]}-{d[3:6]}-{d[6:]}".translate(self.THAI_DIGITS),
            }[form]
        area = self.rng.choice(self.LANDLINE_AREAS)
        rest = str(self.rng.randint(2, 9)) + "".join(
            str(self.rng.randint(0, 9)) for _ in range(8 - len(area))
        )
        d = area + rest
        form = self.rng.choice(("plain", "dash", "space", "intl"))
        cut = len(area)
        return {
            "plain": d,
            "dash": f"{d[:cut]}-{d[cut : cut + 3]}-{d[cut + 3 :]}",
            "space": f"{d[:cut]} {d[cut : cut + 3]} {d[cut + 3 :]}",
            "intl": f"+66 {d[1:cut]} {d[cut : cut + 3]} {d[cut + 3 :]}",
        }[form]

    def person(self) -> str:
        r = self.rng.random()
        if r < 0.05:
            return f"{self.rng.choice(('Mr.', 'Mrs.', 'Ms.', 'Mr', 'Dr.'))} {self.rng.choice(self.EN_NAMES)}"
        female = self.rng.random() < 0.5
        given = (
            self.rng.choice(self.oov_given)
            if self.rng.random() < 0.2
            else self.rng.choice(self.female if female else self.male)
        )
        family = (
            self.rng.choice(self.oov_family)
            if self.rng.random() < 0.45
            else self.rng.choice(self.family)
        )
        titles = (
            ("นางสาว", "นาง", "น.ส.", "ด.ญ.", "เด็กหญิง", "คุณ", "พญ.", "ดร.", "ผศ.ดร.", "ร.ต.อ.หญิง")
            if female
            else (
                "นาย",
                "นาย",
                "นาย",
                "ด.ช.",
                "เด็กชาย",
                "คุณ",
                "ดร.",
                "พ.ต.อ.",
                "จ.ส.ต.",
                "นพ.",
                "ร.อ.",
                "พล.ต.ต.",
            )
        )
        title = self.rng.choice(titles)
        if title == "ร.ต.อ.หญิง":
            title = "ร.ต.อ."
        space = " " if self.rng.random() < 0.12 else ""
        return f"{title}{space}{given} {family}"

    def address(self) -> str:
        sub, dist, prov = self.rng.choice(self.subdistricts)
        house = str(self.rng.randint(1, 999)) + (
            f"/{self.rng.randint(1, 120)}" if self.rng.random() < 0.5 else ""
        )
        moo = self.rng.randint(1, 15)
        post = sub.postal_codes[0]
        bkk = prov.code == "10"
        dist_name = re.sub(r"^เขต", "", dist.name_th)
        if bkk:
            soi = self.rng.choice(
                (
                    "สุขุมวิท 71",
                    "ลาดพร้าว 101",
                    "รามคำแหง 24",
                    "เพชรเกษม 48",
                    "จรัญสนิทวงศ์ 13",
                    "ประชาอุทิศ 33",
                )
            )
            road = soi.split()[0]
            form = self.rng.randint(0, 3)
            return [
                f"{house} ซอย{soi} ถนน{road} แขวง{sub.name_th} เขต{dist_name} กรุงเทพมหานคร {post}",
                f"{house} ซ.{soi} ถ.{road} แขวง{sub.name_th} เขต{dist_name} กทม. {post}",
                f"{house} ถนน{road} แขวง{sub.name_th} เขต{dist_name} กรุงเทพฯ",
                f"{house} แขวง{sub.name_th} เขต{dist_name} กรุงเทพมหานคร {post}",
            ][form]
        form = self.rng.randint(0, 4)
        return [
            f"{house} หมู่ {moo} ต.{sub.name_th} อ.{dist_name} จ.{prov.name_th} {post}",
            f"{house} ม.{moo} ตำบล{sub.name_th} อำเภอ{dist_name} จังหวัด{prov.name_th} {post}",
            f"{house} หมู่ที่ {moo} ตำบล{sub.name_th} อำเภอ{dist_name} จังหวัด{prov.name_th}",
            f"{house} ม.{moo} ต.{sub.name_th} อ.{dist_name} จ.{prov.name_th}",
            f"{house} หมู่ {moo} ถนนมิตรภาพ ต.{sub.name_th} อ.{dist_name} {prov.name_th} {post}",
        ][form]

    def plate(self) -> str:
        consonants = "กขคฆงจฉชซฌญฎฐฒณดตถทธนบปผพฟภมยรลวศษสหฬอฮ"
        letters = "".join(self.rng.choice(consonants) for _ in range(2))
        pre = str(self.rng.randint(1, 9)) if self.rng.random() < 0.35 else ""
        num = (
            str(self.rng.randint(1, 9999))
            if self.rng.random() < 0.3
            else str(self.rng.randint(1000, 9999))
        )
        sep = self.rng.choice((" ", " ", "-", ""))
        plate = f"{pre}{letters}{sep}{num}"
        if self.rng.random() < 0.55:
            plate += " " + self.rng.choice(geothai.provinces()).name_th
        return plate

    def bank(self) -> tuple[str, str]:
        """Return (context words, number) for a bank account or PromptPay ID."""
        r = self.rng.random()
        digits = "".join(str(self.rng.randint(0, 9)) for _ in range(10))
        if r < 0.25:
            ctx = self.rng.choice(("พร้อมเพย์", "PromptPay", "โอนพร้อมเพย์", "พร้อมเพย์เบอร์"))
            value = self.phone() if self.rng.random() < 0.6 else self.citizen_id()
            if value.startswith(("+", "0๒", "๐๒")) or value[:2] in {"02", "03", "04", "05", "07"}:
                value = self.mobile_digits()
            return ctx, value
        bank = self.rng.choice(self.BANKS)
        form = self.rng.choice(("std", "std", "plain", "twelve", "spaced"))
        if form == "std":
            number = f"{digits[:3]}-{digits[3]}-{digits[4:9]}-{digits[9]}"
        elif form == "plain":
            number = digits
        elif form == "twelve":
            d12 = digits + str(self.rng.randint(10, 99))
            number = f"{d12[:4]}-{d12[4:8]}-{d12[8:]}"
        else:
            number = f"{digits[:3]} {digits[3]} {digits[4:9]} {digits[9]}"
        ctx = self.rng.choice(
            (f"โอนเข้าบัญชี{bank}", f"บัญชี{bank} เลขที่", f"{bank} เลขบัญชี", f"A/C {bank}", f"บช.{bank}")
        )
        return ctx, number

    def dob(self) -> tuple[str, str]:
        """Return (birth words, date) for a date of birth in one of many written forms."""
        day = self.rng.randint(1, 28)
        month = self.rng.randint(1, 12)
        ce = self.rng.randint(1945, 2015)
        be = ce + 543
        form = self.rng.randint(0, 7)
        words = self.rng.choice(
            ("เกิดวันที่", "วันเกิด", "วัน/เดือน/ปีเกิด", "เกิดเมื่อวันที่", "เกิด", "วันเดือนปีเกิด:")
        )
        date = [
            f"{day} {self.TH_MONTHS[month - 1]} {be}",
            f"{day} {self.TH_MONTHS[month - 1]} พ.ศ. {be}",
            f"{day} {self.TH_MONTHS_SHORT[month - 1]} {be}",
            f"{day} {self.TH_MONTHS_SHORT[month - 1]} {str(be)[2:]}",
            f"{day:02d}/{month:02d}/{be}",
            f"{day}/{month}/{be}".translate(self.THAI_DIGITS),
            f"{day} {self.TH_MONTHS[month - 1]} {be}".translate(self.THAI_DIGITS),
            f"{day:02d}-{month:02d}-{be}",
        ][form]
        if self.rng.random() < 0.15:
            words = self.rng.choice(("DOB", "DOB:", "date of birth", "born on"))
            date = self.rng.choice(
                (
                    f"{ce}-{month:02d}-{day:02d}",
                    f"{day} {self.EN_MONTHS[month - 1]} {ce}",
                    f"{self.EN_MONTHS[month - 1]} {day}, {ce}",
                )
            )
        return words, date

    def email(self) -> str:
        name = self.rng.choice(self.ROMAN)
        tail = self.rng.choice(
            (
                "",
                str(self.rng.randint(1, 99)),
                "." + self.rng.choice(self.ROMAN)[:4],
                "_" + str(self.rng.randint(1970, 2005)),
            )
        )
        return f"{name}{tail}@{self.rng.choice(self.DOMAINS)}"

    def hard_negative(self) -> str:
        """A piece of text that looks like PII and is not."""
        return self.rng.choice(
            (
                f"ค่าปรับ {self.rng.randint(1, 9)},{self.rng.randint(100, 999)} บาท",
                f"เมื่อวันที่ {self.rng.randint(1, 28)} {self.rng.choice(self.TH_MONTHS_SHORT)} {self.rng.choice((2566, 2567, 2568))}",
                f"ปัญหาเกิดเมื่อวันที่ {self.rng.randint(1, 28)} {self.rng.choice(self.TH_MONTHS)} {self.rng.choice((2566, 2567))}",
                f"เลขที่หนังสือ {self.bad_citizen_id()}",
                f"เลขคำร้อง {self.bad_citizen_id()}",
                f"เวลา {self.rng.randint(6, 11):02d}.{self.rng.choice(('00', '30'))}-{self.rng.randint(12, 20)}.{self.rng.choice(('00', '30'))} น.",
                f"หน้าบ้านเลขที่ {self.rng.randint(1, 300)}/{self.rng.randint(1, 90)}",
                f"มีคน {self.rng.randint(2, 9)} คน",
                f"รถ {self.rng.randint(2, 9)} คัน",
                f"ระยะทาง {self.rng.randint(1, 30)} กม",
                f"ซ {self.rng.randint(1, 60)}",
                f"โทรแจ้ง 1555 แล้ว {self.rng.randint(2, 5)} ครั้ง",
                f"เลขรับแจ้ง 2024-{self.rng.choice(('83HN9G', 'AHFXVR', 'C3X3U3', 'LFRX4G'))}",
                f"รหัสเรื่อง นร0266{self.rng.randint(1000000, 9999999)}",
                f"เมื่อ {self.rng.randint(1, 28)}/{self.rng.randint(1, 12)}/2567",
                "ขอบคุณคุณภาพการบริการ",
                "นายกรัฐมนตรีรับทราบแล้ว",
                f"ราคา {self.rng.randint(10, 99)},{self.rng.randint(100, 999)},000 บาท",
                f"ปี {self.rng.choice((2560, 2565, 2567))} จำนวน {self.rng.randint(100, 999)} ราย",
            )
        )


class Composer:
    """Builds a record text piece by piece, keeping the offsets of the PII added."""

    def __init__(self, base: str) -> None:
        self.text = base
        self.entities: list[dict[str, Any]] = []

    def add(self, piece: str, kind: str | None = None) -> None:
        if kind is None:
            self.text += piece
            return
        start = len(self.text)
        self.text += piece
        self.entities.append({"type": kind, "start": start, "end": len(self.text)})


def _synthetic(
    maker: Maker, bases: list[tuple[str, str]], rng: random.Random, count: int
) -> list[dict[str, Any]]:
    kinds_cycle = [
        "TH_CITIZEN_ID",
        "PHONE",
        "EMAIL",
        "PERSON",
        "ADDRESS",
        "VEHICLE_PLATE",
        "BANK_ACCOUNT",
        "DATE_OF_BIRTH",
    ]
    records = []
    for i in range(count):
        source_id, base = bases[i % len(bases)]
        c = Composer(base.rstrip() + " ")
        chosen = [kinds_cycle[i % len(kinds_cycle)]]
        if rng.random() < 0.6:
            chosen.append(rng.choice(kinds_cycle))
        if rng.random() < 0.5:
            c.add(maker.hard_negative() + " ")
        for kind in chosen:
            _add_piece(c, maker, rng, kind)
        if rng.random() < 0.4:
            c.add(rng.choice(("ขอบคุณค่ะ", "ขอบคุณครับ", "รบกวนด้วยนะคะ", "ช่วยตรวจสอบด้วย", "")))
        records.append(
            _record(c.text.rstrip(), c.entities, f"synthetic:{'+'.join(chosen)}:{source_id}")
        )
    return records


def _add_piece(c: Composer, maker: Maker, rng: random.Random, kind: str) -> None:
    if kind == "TH_CITIZEN_ID":
        lead = rng.choice(
            (
                "เลขบัตรประชาชน ",
                "เลขประจำตัวประชาชน ",
                "บัตร ปชช. ",
                "เลขบัตร",
                "ID ",
                "ผู้ร้องเลขบัตร ",
                "เลขประจำตัว",
            )
        )
        c.add(lead)
        c.add(maker.citizen_id(), kind)
        c.add(rng.choice((" ", "โทร", "ครับ ", " ค่ะ ", " ")))
    elif kind == "PHONE":
        c.add(
            rng.choice(
                ("โทร ", "โทร", "เบอร์ ", "เบอร์โทร ", "ติดต่อกลับ ", "มือถือ ", "Tel. ", "", "หมายเลข ")
            )
        )
        c.add(maker.phone(), kind)
        c.add(rng.choice((" ", "ครับ ", "ค่ะ ", " (ผู้แจ้ง) ", " ")))
    elif kind == "EMAIL":
        c.add(rng.choice(("อีเมล ", "อีเมล", "email: ", "ส่งเอกสารที่ ", "E-mail ", "อีเมล์ ")))
        c.add(maker.email(), kind)
        c.add(rng.choice((" ", "ครับ ", "ค่ะ ", " ")))
    elif kind == "PERSON":
        c.add(
            rng.choice(("ผู้แจ้ง ", "ด้วย ", "ข้าพเจ้า ", "ลงชื่อ ", "ติดต่อ ", "เจ้าหน้าที่ชื่อ ", "แจ้งโดย ", ""))
        )
        c.add(maker.person(), kind)
        c.add(rng.choice((" ", " อายุ 45 ปี ", " ราษฎร ", " ได้แจ้งว่า ", " (ผู้ร้อง) ")))
    elif kind == "ADDRESS":
        c.add(rng.choice(("บ้านเลขที่ ", "ที่อยู่ ", "บ้านผู้ร้องเลขที่ ", "อาศัยอยู่บ้านเลขที่ ", "ส่งเอกสารไปที่ ")))
        c.add(maker.address(), kind)
        c.add(rng.choice((" ", " ครับ ", " ค่ะ ")))
    elif kind == "VEHICLE_PLATE":
        lead = rng.choice(
            (
                "รถทะเบียน ",
                "รถกระบะ ทะเบียน ",
                "ป้ายทะเบียน ",
                "รถเก๋งสีขาว ทะเบียน ",
                "มอเตอร์ไซค์ทะเบียน ",
                "รถตู้ ",
                "รถแท็กซี่ ",
            )
        )
        plate = maker.plate()
        if lead in ("รถตู้ ", "รถแท็กซี่ ") and " " not in plate.rstrip():
            plate += " กรุงเทพมหานคร"
        c.add(lead)
        c.add(plate, kind)
        c.add(rng.choice((" จอดขวางทางเข้าออก ", " จอดทิ้งไว้นานแล้ว ", " ขับเร็วมาก ", " ")))
    elif kind == "BANK_ACCOUNT":
        ctx, number = maker.bank()
        c.add(ctx + " ")
        c.add(number, kind)
        c.add(rng.choice((" ", " จำนวน 500 บาท ", " แล้วไม่ได้รับของ ")))
    elif kind == "DATE_OF_BIRTH":
        words, date = maker.dob()
        who = rng.choice(("ผู้ป่วย", "ผู้สูงอายุ", "บุตร", "ผู้ร้อง", ""))
        c.add(f"{who}{words} ")
        c.add(date, kind)
        c.add(rng.choice((" ", " ยังไม่ได้รับเบี้ยยังชีพ ", " ")))


def build(shared: Path) -> list[dict[str, Any]]:
    """Return every record of the test set, real excerpts first."""
    rng = random.Random(SEED)  # noqa: S311
    raw = [(f"{tag}:{ticket}", text) for tag, ticket, text in _read(shared)]
    rows = [(source, _one_line(text)) for source, text in raw]
    records: list[dict[str, Any]] = []
    for ticket, anchor, labels in REAL:
        source, text = next((s, t) for s, t in rows if s.endswith(":" + ticket) and anchor in t)
        at = text.index(anchor)
        spans = [(at, at + len(anchor))]
        for _kind, value in labels:
            pos = min((m for m in _find_all(text, value)), key=lambda m: abs(m - at))
            spans.append((pos, pos + len(value)))
        piece, offset = _excerpt(text, min(a for a, _ in spans), max(b for _, b in spans))
        entities = [
            {"type": kind, "start": start - offset, "end": end - offset}
            for (kind, _value), (start, end) in zip(labels, spans[1:], strict=True)
        ]
        records.append(_record(piece, entities, f"real:{source}"))
    seen: set[str] = set()
    candidates: list[tuple[str, str]] = []
    for source, text in raw:
        for part in re.split(
            r"\n+|\s{2,}|(?<=ครับ)\s|(?<=ค่ะ)\s|\s(?=ขอบคุณ)", text.replace("\u200b", "")
        ):
            sentence = part.strip()
            if (
                40 <= len(sentence) <= 220
                and sentence not in seen
                and _HARD.search(sentence)
                and not _SUSPECT.search(sentence)
            ):
                seen.add(sentence)
                candidates.append((source, sentence))
    rng.shuffle(candidates)
    negatives = candidates[:110]
    records += [_record(text, [], f"real-negative:{source}") for source, text in negatives]
    bases = [(s, t[:160].rsplit(" ", 1)[0] if len(t) > 160 else t) for s, t in candidates[110:400]]
    records += _synthetic(Maker(rng), bases, rng, count=560)
    return records


def main() -> None:
    """Write the test set next to this file."""
    shared = (
        Path(sys.argv[1])
        if len(sys.argv) > 1
        else Path(__file__).resolve().parents[6] / "shared" / "data"
    )
    records = build(shared)
    with OUT.open("w", encoding="utf-8") as fh:
        for record in records:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    counts: dict[str, int] = {}
    for record in records:
        for e in record["entities"]:
            counts[e["type"]] = counts.get(e["type"], 0) + 1
    sys.stdout.write(f"{len(records)} texts, entities: {counts}\n")


if __name__ == "__main__":
    main()
