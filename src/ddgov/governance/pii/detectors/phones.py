"""Thai mobile and landline numbers, validated with ``phonenumbers`` for region TH.

Candidates are whole digit groups with 9 or 10 digits starting with the trunk ``0`` (``081-234-5678``,
``02 123 4567``) or the country code (``+66 81 234 5678``, ``66812345678``). A 13-digit citizen ID,
a date or an amount never forms such a window; ``123/45`` is two chunks.
"""

from __future__ import annotations

import re

import phonenumbers

from ddgov.governance.pii.detectors.numbers import Window, digit_chunks, nearest_keyword, windows
from ddgov.governance.pii.types import PHONE, Finding

PHONE_WORDS = re.compile(
    r"โทรศัพท์|โทร\.?|เบอร์|มือถือ|หมายเลข|ติดต่อ|tel\.?|phone|mobile|call|line|ไลน์|แฟกซ์|fax",
    re.IGNORECASE,
)
_MOBILE_TYPES = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
}


def phone_number_valid(digits: str) -> str | None:
    """Return ``"mobile"`` or ``"landline"`` if ``digits`` (0… or 66…) is a valid Thai number."""
    if digits.startswith("66") and len(digits) in (10, 11):
        national = "0" + digits[2:]
    elif digits.startswith("0") and len(digits) in (9, 10):
        national = digits
    else:
        return None
    try:
        number = phonenumbers.parse(national, "TH")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return "mobile" if phonenumbers.number_type(number) in _MOBILE_TYPES else "landline"


def phone_windows(norm: str) -> list[tuple[Window, str]]:
    """Return non-overlapping windows of ``norm`` that are valid Thai numbers, with their kind."""
    found: list[tuple[Window, str]] = []
    for groups in digit_chunks(norm):
        for window in windows(norm, groups, (9, 10, 11)):
            kind = phone_number_valid(window.digits)
            if kind is None or any(window.start < w.end and w.start < window.end for w, _ in found):
                continue
            if (
                window.digits.startswith("66")
                and window.start > 0
                and norm[window.start - 1] == "+"
            ):
                window = Window(window.start - 1, window.end, window.digits, window.groups)  # noqa: PLW2901
            found.append((window, kind))
    return found


def phone_detect(*, text: str, norm: str) -> list[Finding]:
    """Find phone numbers in ``text``; a phone word (โทร, เบอร์, tel) before raises the score."""
    findings = []
    for window, kind in phone_windows(norm):
        context = nearest_keyword(norm, window.start, {"phone": PHONE_WORDS}, reach=25)
        score = 0.95 if kind == "mobile" else 0.85
        if context:
            score = 0.99
        findings.append(
            Finding(PHONE, window.start, window.end, text[window.start : window.end], score)
        )
    return findings
