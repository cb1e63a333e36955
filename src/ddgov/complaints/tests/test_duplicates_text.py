"""Thai text handling: newmm segmentation, normalisation, civic spelling folds, and their effect."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from ddgov.complaints.duplicates import DEFAULT_SETTINGS, DuplicateIndex
from ddgov.complaints.duplicates.text import text_features, text_normalise, text_tokens

T0 = dt.datetime(2024, 12, 3, 9, 0, tzinfo=dt.UTC)
BACKGROUND = (
    "ไฟฟ้าส่องสว่างดับทั้งซอย มืดมาก",
    "กิ่งต้นไม้ใหญ่พาดสายไฟ เสี่ยงหักโค่น",
    "เสียงดังจากร้านอาหารกลางคืน",
    "ขยะล้นถังไม่มีคนมาเก็บหลายวัน",
    "น้ำท่วมขังหน้าบ้านทุกครั้งที่ฝนตก",
    "รถยนต์จอดขวางทางเข้าออกหมู่บ้าน",
)


def similarity(a: str, b: str, *, segmenter: str = "newmm") -> float:
    """Text similarity of ``a`` and ``b`` in an index holding ``b`` and some other complaints."""
    settings = dataclasses.replace(DEFAULT_SETTINGS, segmenter=segmenter)
    index = DuplicateIndex(settings=settings)
    for i, text in enumerate(BACKGROUND):
        index.add(key=f"bg{i}", text=text, lat=13.8, lon=100.6, at=T0)
    index.add(key="b", text=b, lat=13.8, lon=100.6, at=T0)
    hit = index.compare(key="b", text=a, lat=13.8, lon=100.6, at=T0)
    assert hit is not None
    return hit.text_similarity


def test_newmm_finds_thai_words_where_whitespace_splitting_sees_one_clause():
    text = "ถนนชำรุดเป็นหลุมใหญ่หน้าตลาด"
    assert text_tokens(text) == ["ถนน", "ชำรุด", "หลุม", "หน้า", "ตลาด"]  # ใหญ่ is a stop word
    assert text_tokens(text, engine="whitespace") == ["ถนนชำรุดเป็นหลุมใหญ่หน้าตลาด"]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("ถนนชำรุดเป็นหลุมใหญ่หน้าตลาด", "หน้าตลาดมีหลุมใหญ่ ถนนชำรุดมาก"),
        ("ไฟส่องสว่างดับทั้งซอยครับ", "ซอยนี้ไฟดับทั้งซอยเลย"),
        ("น้ำประปาไม่ไหลมาสามวันแล้ว", "สามวันแล้วที่น้ำประปาไม่ไหลเลย"),
    ],
)
def test_segmentation_makes_rephrased_thai_complaints_similar(a, b):
    segmented = similarity(a, b)
    unsegmented = similarity(a, b, segmenter="whitespace")
    assert segmented >= 0.4
    assert unsegmented <= 0.1
    assert segmented > unsegmented + 0.3


def test_different_problems_stay_dissimilar_after_segmentation():
    assert similarity("ถนนเป็นหลุมใหญ่", "กิ่งไม้พาดสายไฟฟ้า") < 0.1


@pytest.mark.parametrize(
    ("variant", "folded"),
    [
        ("ฟุตบาธ", "ทางเท้า"),
        ("ฟุตบาต", "ทางเท้า"),
        ("ฟุทบาท", "ทางเท้า"),
        ("บาทวิถี", "ทางเท้า"),
        ("ทางเดินเท้า", "ทางเท้า"),
        ("จยย.", "มอเตอร์ไซค์"),
        ("มอไซค์", "มอเตอร์ไซค์"),
        ("มอเตอร์ไซด์", "มอเตอร์ไซค์"),
        ("รถจักรยานยนต์", "มอเตอร์ไซค์"),
        ("ไฟฟ้าส่องสว่าง", "ไฟ"),
        ("หลอดไฟ", "ไฟ"),
        ("คนไร้บ้าน", "คนจรจัด"),
        ("หมาจรจัด", "สุนัขจรจัด"),
    ],
)
def test_civic_spelling_variants_fold_to_one_word(variant, folded):
    assert folded in text_tokens(f"มี{variant}ตรงนี้")


def test_normalisation_handles_typing_habits_of_thai_complaints():
    assert text_normalise("เเจ้งตัดต้นไม้") == "แจ้งตัดต้นไม้"  # two sara e typed for แ
    assert text_normalise("ซอย ๓๙") == "ซอย 39"  # Thai digits
    assert text_normalise("ด่วนนนนน") == "ด่วน"
    assert text_normalise("ดีีี") == "ดี"
    assert text_normalise("ถนนพัง #1555") == "ถนนพัง"
    assert text_normalise("ดูรูป https://example.org/a.jpg นะ") == "ดูรูป นะ"
    assert text_normalise("ก\u200bข") == "กข"
    assert text_normalise("ถนนพัง" * 500, max_chars=12) == "ถนนพังถนนพัง"


def test_stop_words_particles_and_symbols_are_dropped_numbers_kept():
    tokens = text_tokens("📢 รบกวนช่วยซ่อมทางม้าลาย ซ.39 ด้วยนะคะ ขอบคุณค่ะ!!!")
    assert tokens == ["ซ่อม", "ทางม้าลาย", "ซอย", "39"]
    assert "39" in text_tokens("ซอย 39")
    assert "40" in text_tokens("ซอย 40")


def test_features_are_words_and_optionally_word_pairs():
    tokens = ["ถนน", "หลุม", "ถนน"]
    assert text_features(tokens, word_pairs=False) == {"ถนน": 2, "หลุม": 1}
    assert text_features(tokens) == {"ถนน": 2, "หลุม": 1, "ถนน หลุม": 1, "หลุม ถนน": 1}


def test_empty_and_symbol_only_texts_have_no_tokens():
    assert text_tokens("") == []
    assert text_tokens("😱😱 !!! ...") == []
