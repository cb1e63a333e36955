"""Dates of birth: a date right after a birth word (เกิด, วันเกิด, วัน/เดือน/ปีเกิด, DOB, born).

Dates are written with Thai or English month names, พ.ศ./ค.ศ. years, numerically, in Thai digits.

A date without a birth word (the day a complaint was filed, an appointment) is not personal data
by itself and is not reported. The span is the date alone, not the birth word.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from ddgov.governance.pii.types import DATE_OF_BIRTH, Finding

_TH_MONTHS = (
    "มกราคม|กุมภาพันธ์|มีนาคม|เมษายน|พฤษภาคม|มิถุนายน|กรกฎาคม|สิงหาคม|กันยายน|ตุลาคม|พฤศจิกายน|ธันวาคม|"
    r"ม\.ค\.|ก\.พ\.|มี\.ค\.|เม\.ย\.|พ\.ค\.|มิ\.ย\.|ก\.ค\.|ส\.ค\.|ก\.ย\.|ต\.ค\.|พ\.ย\.|ธ\.ค\.|"
    "มค|กพ|มีค|เมย|พค|มิย|กค|สค|กย|ตค|พย|ธค"
)
_EN_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?"
)
_ERA = r"(?:พ\.\s?ศ\.?|ค\.\s?ศ\.?|พศ\.?|คศ\.?|B\.?E\.?|A\.?D\.?)"
_DATE = re.compile(
    rf"(?<!\d)(?:"
    rf"(?P<th>\d{{1,2}}[ \u00a0]*(?:{_TH_MONTHS})[ \u00a0]*(?:{_ERA}[ \u00a0]*)?\d{{4}}|"
    rf"\d{{1,2}}[ \u00a0]*(?:{_TH_MONTHS})[ \u00a0]*(?:{_ERA}[ \u00a0]*)?\d{{2}})|"
    r"(?P<num>\d{1,2}[/\-.]\d{1,2}[/\-.](?:\d{4}|\d{2}))|"
    r"(?P<iso>\d{4}-\d{2}-\d{2})|"
    rf"(?P<en1>\d{{1,2}}(?:st|nd|rd|th)?[ \u00a0]+(?:{_EN_MONTHS}),?[ \u00a0]+\d{{4}})|"
    rf"(?P<en2>(?:{_EN_MONTHS})[ \u00a0]+\d{{1,2}}(?:st|nd|rd|th)?,?[ \u00a0]+\d{{4}})"
    r")(?!\d)",
    re.IGNORECASE,
)
BIRTH_WORDS = re.compile(
    r"(?:วัน\s*/?\s*เดือน\s*/?\s*ปี\s*(?:ที่)?\s*เกิด|วันเกิด|เกิดเมื่อ(?:วันที่)?|เกิดวันที่|เกิด|"
    r"d\.?o\.?b\.?|date of birth|birth\s*date|birthday|born(?: on)?)"
    r"[\s:=\-(]*(?:วันที่|วัน)?[\s:]*(?:ที่)?\s*$",
    re.IGNORECASE,
)


# Explicit birth words; a bare เกิด (เกิดเมื่อวันที่ …) also means "happened on" in complaints.
_EXPLICIT = re.compile(r"วันเกิด|ปี\s*(?:ที่)?\s*เกิด|d\.?o\.?b|birth|born", re.IGNORECASE)
_RECENT_YEARS = 3


def _year_ce(date_text: str) -> int | None:
    """Return the Christian-era year of a date (พ.ศ. 2530 → 1987), or None for a 2-digit year."""
    years = re.findall(r"(?<!\d)\d{4}(?!\d)", date_text)
    if not years:
        return None
    year = int(years[-1])
    return year - 543 if year > 2400 else year


def _plausible(match: re.Match[str], before: str) -> bool:
    """Reject impossible numeric dates (``45/13/2530``) and recent ones after a bare เกิด.

    ``ปัญหาเกิดเมื่อวันที่ 3 ธ.ค. 2567`` is when a problem happened, not a birthday: with only
    เกิด before it, a date in the last few years is not taken as a date of birth.
    """
    if match.group("num"):
        day, month, _year = re.split(r"[/\-.]", match.group("num"))
        if not (1 <= int(day) <= 31 and 1 <= int(month) <= 12):
            return False
    year = _year_ce(match.group())
    if year is not None and not 1900 <= year <= datetime.now(tz=UTC).year:
        return False
    if _EXPLICIT.search(before):
        return True
    return year is None or year < datetime.now(tz=UTC).year - _RECENT_YEARS


def date_of_birth_detect(*, text: str, norm: str) -> list[Finding]:
    """Find dates of birth in ``text``."""
    findings = []
    for m in _DATE.finditer(norm):
        before = norm[max(0, m.start() - 30) : m.start()]
        context = BIRTH_WORDS.search(before)
        if context and _plausible(m, context.group()):
            findings.append(
                Finding(DATE_OF_BIRTH, m.start(), m.end(), text[m.start() : m.end()], 0.9)
            )
    return findings
