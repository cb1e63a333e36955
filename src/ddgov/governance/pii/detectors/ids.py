"""Thai 13-digit citizen IDs: plain, dashed, spaced, Thai digits, glued to Thai words.

The check digit is verified with ``ddgov.identity.thaiid`` (the project's one implementation), so a
13-digit reference number with a wrong check digit is not reported.
"""

from __future__ import annotations

from ddgov.governance.pii.detectors.numbers import Window, digit_chunks, windows
from ddgov.governance.pii.types import TH_CITIZEN_ID, Finding
from ddgov.identity.thaiid import thai_id_check_digit

SCORE_CHECKSUM = 0.99


def citizen_id_valid(digits: str) -> bool:
    """Return whether 13 ASCII ``digits`` are a citizen ID (first digit 1 to 8, check digit right)."""
    return (
        len(digits) == 13
        and digits.isdigit()
        and digits[0] in "12345678"
        and thai_id_check_digit(digits[:12]) == int(digits[12])
    )


def citizen_id_windows(norm: str) -> list[Window]:
    """Return the non-overlapping 13-digit windows of ``norm`` that are valid citizen IDs."""
    found: list[Window] = []
    for groups in digit_chunks(norm):
        for window in windows(norm, groups, (13,)):
            if citizen_id_valid(window.digits) and not any(
                window.start < w.end and w.start < window.end for w in found
            ):
                found.append(window)
    return found


def citizen_id_detect(*, text: str, norm: str) -> list[Finding]:
    """Find citizen IDs in ``text`` (``norm`` is ``text`` with ASCII digits)."""
    return [
        Finding(TH_CITIZEN_ID, w.start, w.end, text[w.start : w.end], SCORE_CHECKSUM)
        for w in citizen_id_windows(norm)
    ]
