"""Thai dictionary order and the choice between Thai and English texts."""

from __future__ import annotations

from django.utils import translation

from ddgov.core.language import localized, thai_sort_key


def test_leading_vowels_sort_by_their_consonant() -> None:
    names = ["อุดรธานี", "เชียงใหม่", "แพร่", "ขอนแก่น", "กรุงเทพมหานคร", "ไก่", "กา"]
    assert sorted(names, key=thai_sort_key) == [
        "กรุงเทพมหานคร",
        "กา",
        "ไก่",
        "ขอนแก่น",
        "เชียงใหม่",
        "แพร่",
        "อุดรธานี",
    ]
    # plain code-point order is what this fixes
    assert sorted(names)[-1] != "อุดรธานี"


def test_tone_marks_only_break_ties() -> None:
    assert sorted(["ก้า", "กา", "ก่า"], key=thai_sort_key)[0] == "กา"
    assert thai_sort_key("ก่า")[0] == thai_sort_key("ก้า")[0]


def test_localized_falls_back_to_thai() -> None:
    with translation.override("en"):
        assert localized("ไทย", "Thai") == "Thai"
        assert localized("ไทย", "") == "ไทย"
    with translation.override("th"):
        assert localized("ไทย", "Thai") == "ไทย"
