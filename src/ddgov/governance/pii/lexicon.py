"""Offline word lists the detectors share: Thai digits, the geothai gazetteer, PyThaiNLP name corpora.

Everything here is read from files shipped inside installed packages (geothai's data, PyThaiNLP's
bundled corpora); nothing is downloaded. Each list is built once per process and cached.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

import geothai
from pythainlp.corpus import (
    thai_family_names,
    thai_female_names,
    thai_male_names,
    thai_stopwords,
    thai_words,
    tnc,
)

# Thai digits map one character to one character, so offsets in the translated text are the
# offsets in the original: every detector matches on ``ascii_digits(text)`` and slices ``text``.
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")

THAI_LETTER = "\u0e01-\u0e4f"
"""Thai consonants, vowels and tone marks (ก … ๏), without the Thai digits."""


def ascii_digits(text: str) -> str:
    """Return ``text`` with Thai digits replaced by ASCII digits (same length, same offsets)."""
    return text.translate(_THAI_DIGITS)


def keyword_pattern(words: Iterable[str]) -> str:
    """Return a regex alternation of ``words``, longest first so the longest keyword wins."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


class NameIndex:
    """A set of names with the lengths present, to find the longest name starting at a position."""

    def __init__(self, names: Iterable[str]) -> None:
        self.names = frozenset(n for n in names if n)
        self.lengths = sorted({len(n) for n in self.names}, reverse=True)

    def __contains__(self, name: object) -> bool:
        return name in self.names

    def longest_at(self, text: str, pos: int) -> str | None:
        """Return the longest name that ``text`` has at ``pos``, or None."""
        for length in self.lengths:
            piece = text[pos : pos + length]
            if len(piece) == length and piece in self.names:
                return piece
        return None


@cache
def first_names() -> NameIndex:
    """Thai given names (PyThaiNLP's male and female name corpora, shipped offline)."""
    return NameIndex(thai_male_names() | thai_female_names())


@cache
def family_names() -> NameIndex:
    """Thai family names (PyThaiNLP's family-name corpus, shipped offline)."""
    return NameIndex(thai_family_names())


@cache
def dictionary_words() -> frozenset[str]:
    """PyThaiNLP's Thai word list, to tell a common word from a name."""
    return frozenset(thai_words())


@cache
def words_around(word: str) -> tuple[tuple[str, int], ...]:
    """Dictionary words longer than ``word`` that contain it, with where it sits in them.

    ``นาย`` is inside ``นายก``, ``เจ้านาย`` and ``มิถุนายน``; ``คุณ`` inside ``ขอบคุณ``, ``คุณภาพ`` and
    ``เจ้าคุณ``. A title inside such a word is not a title, which is what segmentation would say,
    without building a segmentation dictionary at start-up.
    """
    found: list[tuple[str, int]] = []
    for w in dictionary_words():
        if len(w) > len(word):
            at = w.find(word)
            while at != -1:
                found.append((w, at))
                at = w.find(word, at + 1)
    return tuple(found)


COMMON_WORD_COUNT = 5000
"""A word seen this often in the Thai National Corpus is a common word, even if it is also a name."""


@cache
def common_words() -> frozenset[str]:
    """Frequent Thai words such as คุณภาพ, ราย, ภาพ, หมอ (PyThaiNLP's TNC frequency list)."""
    return frozenset(w for w, n in tnc.word_freqs() if n >= COMMON_WORD_COUNT)


@cache
def stopwords() -> frozenset[str]:
    """PyThaiNLP's Thai stop words."""
    return frozenset(thai_stopwords())


@cache
def provinces() -> NameIndex:
    """Province names as written in addresses, with the common short forms of Bangkok."""
    names = {p.name_th for p in geothai.provinces()}
    names |= {"กรุงเทพฯ", "กรุงเทพ", "กทม.", "กทม"}
    return NameIndex(names)


@cache
def districts() -> NameIndex:
    """District (อำเภอ / เขต) names without their level word, plus ``เมือง`` for อ.เมือง."""
    names: set[str] = {"เมือง"}
    for province in geothai.provinces():
        for district in geothai.districts(province.code):
            names.add(district.name_th)
            names.add(re.sub(r"^(?:เขต|อำเภอ)", "", district.name_th))
    return NameIndex(names)


@cache
def subdistricts() -> NameIndex:
    """Subdistrict (ตำบล / แขวง) names."""
    names: set[str] = set()
    for province in geothai.provinces():
        for district in geothai.districts(province.code):
            names.update(s.name_th for s in geothai.subdistricts(district.code))
    return NameIndex(names)


@cache
def postal_codes() -> frozenset[str]:
    """Every postal code in use."""
    codes: set[str] = set()
    for province in geothai.provinces():
        for district in geothai.districts(province.code):
            for sub in geothai.subdistricts(district.code):
                codes.update(sub.postal_codes)
    return frozenset(codes)
