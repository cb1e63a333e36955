"""Thai vehicle registration plates: ``กข 1234``, ``1กข 1234``, ``ฒค-1234 กรุงเทพมหานคร``.

A plate is an optional leading digit, one or two Thai consonants, then one to four digits, and
often the province. Thai has many two-consonant words that precede a number (``คน 2 คน``, ``รถ 3
คัน``, ``กม 12``), so a bare letters-and-digits pair is reported only when something else says
"plate": a plate word before it (ทะเบียน, ป้าย), a province after it, a leading digit, or letters
that are not a Thai word.
"""

from __future__ import annotations

import re
from functools import cache

from ddgov.governance.pii import lexicon
from ddgov.governance.pii.types import VEHICLE_PLATE, Finding

PLATE_WORDS = re.compile(
    r"ทะเบียน[\s:]*$|ป้าย[\s:]*$|plate|license|licence|รถ\S{0,12}\s?$", re.IGNORECASE
)
# Units and words that look like plate letters when a number follows.
_NOT_PLATES = frozenset(
    {
        "คน",
        "รถ",
        "กม",
        "ซม",
        "มม",
        "กก",
        "ชม",
        "นม",
        "ผม",
        "จน",
        "ตน",
        "บน",
        "ยก",
        "ลบ",
        "ผล",
        "งบ",
        "ขบ",
        "คบ",
    }
    | {"มค", "กพ", "มีค", "เมย", "พค", "มิย", "กค", "สค", "กย", "ตค", "พย", "ธค", "พศ", "คศ"}
)


@cache
def _plate_pattern() -> re.Pattern[str]:
    provinces = lexicon.keyword_pattern(lexicon.provinces().names)
    return re.compile(
        rf"(?<![{lexicon.THAI_LETTER}A-Za-z0-9])"
        r"(?:(?P<pre>[1-9])?(?P<letters>[ก-ฮ]{1,3})(?:[ \u00a0]?-[ \u00a0]?|[ \u00a0])?(?P<num>\d{1,4})|"
        r"(?P<trunk>\d{2})-?(?P<tnum>\d{4}))"
        r"(?![\d/:]|\.\d|,\d)"
        rf"(?:[ \u00a0]*(?P<province>{provinces})(?![{lexicon.THAI_LETTER}]))?"
    )


@cache
def _glued_pattern() -> re.Pattern[str]:
    """A plate glued to the plate word: ``ทะเบียนกข1234``."""
    return re.compile(
        r"(?<=ทะเบียน)(?P<pre>[1-9])?(?P<letters>[ก-ฮ]{1,3})(?:[ \u00a0]?-[ \u00a0]?|[ \u00a0])?"
        r"(?P<num>\d{1,4})(?![\d/:])"
    )


def plate_detect(*, text: str, norm: str) -> list[Finding]:
    """Find vehicle plates in ``text``; the province after a plate is part of its span."""
    findings: list[Finding] = []
    seen: set[int] = set()
    for pattern in (_glued_pattern(), _plate_pattern()):
        for m in pattern.finditer(norm):
            if m.start() in seen:
                continue
            letters, num = m.group("letters") or "", m.group("num") or m.group("tnum")
            province = m.groupdict().get("province")
            context = PLATE_WORDS.search(norm[max(0, m.start() - 20) : m.start()]) is not None
            context = context or pattern is _glued_pattern()
            if m.groupdict().get("trunk") and not (context or province):
                continue
            registration = pattern is _glued_pattern() or re.search(
                r"ทะเบียน[\s:]*$", norm[max(0, m.start() - 12) : m.start()]
            )
            wordlike = (letters in _NOT_PLATES or letters in lexicon.dictionary_words()) and not (
                m.group("pre") and len(num) >= 3
            )
            year_like = len(num) == 4 and 2400 <= int(num) <= 2600
            if (len(letters) == 1 or wordlike or year_like) and not (registration or province):
                continue
            if context or province:
                score = 0.95
            elif m.group("pre") and len(letters) == 2 and len(num) >= 3:
                score = 0.85
            elif (
                len(letters) == 2
                and len(num) >= 3
                and letters not in _NOT_PLATES
                and letters not in lexicon.dictionary_words()
            ):
                score = 0.7
            else:
                continue
            end = m.end() if province else m.end("num" if m.group("num") else "tnum")
            seen.add(m.start())
            findings.append(Finding(VEHICLE_PLATE, m.start(), end, text[m.start() : end], score))
    findings.sort(key=lambda f: f.start)
    return findings
