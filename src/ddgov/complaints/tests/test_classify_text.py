"""Thai complaint text: normalisation, case references, hotline tag, offline segmentation."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ddgov.complaints.classify.text import (
    case_references_extract,
    text_is_hotline,
    text_normalise,
    text_segment,
)

HOTLINE_TEXT = (
    "ปัญหา : ประชาชนแจ้งว่า มีฝาท่อระบายน้ำชำรุด อยากให้เจ้าหน้าที่ลงพื้นที่ตรวจสอบ\n"
    "จุดเกิดเหตุ : ตีนสะพานปรีดีพนมยงค์ (ตรงหัวคลอง)\n"
    "ซอย : สุขุมวิท\nถนน : สุขุมวิท71\nเเขวง : สวนหลวง\nเขต : สวนหลวง\n#1555"
)
# The 2024 queue's inline form of the same template (no line breaks between fields).
INLINE_TEXT = (
    "ปัญหา: หน้าบ้านเลขที่ 42 พบท่อระบายน้ำอุดตัน ไม่สามารถระบายน้ำออกได้"
    "บ้านเลขที่: 42ซอย: เทเวศร์ 1ถนน: กรุงเกษมจุดสังเกต: บริเวณต้นซอยเขต: พระนคร#1555"
)


def test_thai_digits_case_and_spaces_are_folded() -> None:
    assert text_normalise(text="ไฟดับ ๓ ดวง   หน้าซอย ๑๒\n\nLED") == "ไฟดับ 3 ดวง หน้าซอย 12 led"


def test_hotline_tag_and_address_template_are_removed() -> None:
    out = text_normalise(text=HOTLINE_TEXT)
    assert out == "ประชาชนแจ้งว่า มีฝาท่อระบายน้ำชำรุด อยากให้เจ้าหน้าที่ลงพื้นที่ตรวจสอบ"
    assert "1555" not in out
    assert "ถนน" not in out  # the address field label is not a road complaint
    assert text_is_hotline(text=HOTLINE_TEXT)
    assert not text_is_hotline(text="ถนนเป็นหลุม โทร 1555 แล้ว")


def test_inline_address_fields_are_removed() -> None:
    out = text_normalise(text=INLINE_TEXT)
    assert out == "หน้าบ้านเลขที่ 42 พบท่อระบายน้ำอุดตัน ไม่สามารถระบายน้ำออกได้"


def test_urls_and_channel_tags_are_removed() -> None:
    text = "อุโมงค์มืดมาก https://goo.gl/maps/Gy9WPdKjKu8YzNaP8 ดูแผนที่ www.example.com #citydata"
    assert text_normalise(text=text) == "อุโมงค์มืดมาก ดูแผนที่"


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("ปัญหา: อ้างอิงเลขเคส 72ELDD สถานะ เสร็จสิ้น ถนนยังพัง", ["72ELDD"]),
        ("หมายเลขอ้างอิง : M8XMAL สถานะ : เสร็จสิ้น แต่ยังไม่แก้", ["M8XMAL"]),
        ("อ้างอิงเลขที่ 2022-4LW3BL ตามที่เคยแจ้งไป", ["2022-4LW3BL"]),
        ("อ้างอิงเลขแจ้ง 2024-6ng88p ครับ", ["2024-6NG88P"]),
        ("แจ้งแล้ว เคสอ้างอิง #4D93WJ ยังไม่แก้", ["4D93WJ"]),
        ("อ้างอิงจากเลขที่แจ้งเดิมคือ TCF828 สถานะกำลังดำเนินการ", ["TCF828"]),
        ("ทางเท้าชำรุด ไม่มีเลขอ้างอิง", []),
    ],
)
def test_case_references_are_extracted_and_removed(text: str, codes: list[str]) -> None:
    assert case_references_extract(text=text) == codes
    out = text_normalise(text=text)
    for code in codes:
        assert code.lower() not in out
    assert "สถานะ" not in out


def test_thai_typing_variants_are_folded() -> None:
    # two sara e for sara ae, stretched letters, zero-width spaces, nikhahit + sara aa
    assert text_normalise(text="เเย่มากกกกก\u200b ถนนพังงงง") == "แย่มาก ถนนพัง"
    assert text_normalise(text="น\u0e49\u0e4d\u0e32ท่วม") == "น้ำท่วม"
    assert text_normalise(text="ฝุ่น PM 2.5 หนามาก") == "ฝุ่น pm2.5 หนามาก"


def test_normalising_twice_changes_nothing() -> None:
    once = text_normalise(text=HOTLINE_TEXT + " อ้างอิงเลขเคส 72ELDD https://x.y ๕")
    assert text_normalise(text=once) == once


def test_segmentation_gives_thai_words_without_numbers_or_punctuation() -> None:
    words = text_segment(text=text_normalise(text="ทางเท้าชำรุด!! ซอย ๑๑ ไฟส่องสว่างดับ 3 ดวง"))
    assert words[:2] == ["ทางเท้า", "ชำรุด"]
    assert "ไฟ" in words or "ไฟส่องสว่าง" in words
    assert "0" in words  # numbers are folded
    assert not any(w in {"!", "!!", " ", "3", "11"} for w in words)
    assert text_segment(text="ฝุ่น pm2.5 หนามาก") == ["ฝุ่น", "pm2.5", "หนา", "มาก"]
    assert text_segment(text="") == []


_OFFLINE_SCRIPT = """
import json, os, socket, sys, urllib.request

def refuse(*args, **kwargs):
    raise RuntimeError("network access attempted")

socket.socket.connect = refuse
socket.create_connection = refuse
urllib.request.urlopen = refuse
from ddgov.complaints.classify.text import text_normalise, text_segment
print(json.dumps(text_segment(text=text_normalise(text="ถนนเป็นหลุมใหญ่ ไฟส่องสว่างดับทั้งซอย"))))
"""


def test_segmentation_is_offline_and_downloads_nothing(tmp_path: Path) -> None:
    """A fresh interpreter with the network cut and an empty PyThaiNLP data folder still segments."""
    data_dir = tmp_path / "pythainlp-data"
    env = {
        **os.environ,
        "PYTHAINLP_DATA_DIR": str(data_dir),
        "PYTHONPATH": str(Path(__file__).resolve().parents[3]),
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", _OFFLINE_SCRIPT],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    words = json.loads(result.stdout.strip().splitlines()[-1])
    assert "ถนน" in words
    assert "หลุม" in words
    downloaded = [p for p in data_dir.rglob("*") if p.is_file()] if data_dir.exists() else []
    assert downloaded == []
