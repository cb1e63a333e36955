"""Which of a record's Thai and English texts to show the current reader."""

from __future__ import annotations

import re

from django.utils.translation import get_language


def localized(thai: str, english: str) -> str:
    """Return ``english`` when the reader chose English and it is not empty, else ``thai``."""
    if english and (get_language() or "th").startswith("en"):
        return english
    return thai


_LEADING_VOWEL = re.compile(r"([เแโใไ])([ก-ฮ])")
_TONE_MARKS = re.compile(r"[่-๋์]")


def thai_sort_key(text: str) -> tuple[str, str]:
    """Sort key for Thai dictionary order (ราชบัณฑิตยสถาน style), English text unaffected.

    Code-point order puts every word that starts with a leading vowel (เ แ โ ใ ไ) after อ;
    a dictionary orders by the consonant, then the vowel, and ignores tone marks first.
    """
    by_consonant = _LEADING_VOWEL.sub(r"\2\1", text)
    return _TONE_MARKS.sub("", by_consonant).casefold(), by_consonant
