"""Removing people from complaint texts before they become open data.

Citizens write their own name, phone number or ID card number into the complaint text (and
sometimes a neighbour's, or the plate of a car parked on the footpath). :func:`text_redact` runs
the governance PII detector (``ddgov.governance.pii.text.pii_text_scan``) line by line and
replaces each finding with a typed Thai placeholder such as ``[ชื่อ]`` or ``[โทรศัพท์]``, so a
reader still sees *that* the complaint named someone, never *who*. Addresses are kept: in a
complaint they are where the problem is (a pothole in front of 10 ซอยสุขุมวิท 11), which is the
point of the release; coordinates are rounded separately.

This module only transforms text; it reads no database and writes nothing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ddgov.governance.pii.text import pii_text_scan
from ddgov.governance.pii.types import (
    BANK_ACCOUNT,
    DATE_OF_BIRTH,
    EMAIL,
    PERSON,
    PHONE,
    TH_CITIZEN_ID,
    VEHICLE_PLATE,
)

PLACEHOLDERS: dict[str, str] = {
    PERSON: "[ชื่อ]",
    PHONE: "[โทรศัพท์]",
    EMAIL: "[อีเมล]",
    TH_CITIZEN_ID: "[เลขประจำตัวประชาชน]",
    BANK_ACCOUNT: "[บัญชีธนาคาร]",
    VEHICLE_PLATE: "[ทะเบียนรถ]",
    DATE_OF_BIRTH: "[วันเกิด]",
}
REDACTED_TYPES: tuple[str, ...] = tuple(PLACEHOLDERS)


@dataclass(frozen=True)
class RedactResult:
    """The text with every finding replaced, and how many of each PII type were removed."""

    text: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def removed(self) -> int:
        """How many pieces of personal data were replaced."""
        return sum(self.counts.values())


def _redact_line(line: str, counts: Counter[str]) -> str:
    findings = pii_text_scan(text=line, types=REDACTED_TYPES)
    if not findings:
        return line
    out: list[str] = []
    position = 0
    for finding in findings:  # sorted by start; overlapping ones of other types are merged
        if finding.start < position:
            position = max(position, finding.end)
            continue
        out.append(line[position : finding.start])
        out.append(PLACEHOLDERS[finding.type])
        counts[finding.type] += 1
        position = finding.end
    out.append(line[position:])
    return "".join(out)


def text_redact(*, text: str) -> RedactResult:
    """Replace names, phone numbers, e-mails, citizen IDs, bank accounts and plates in ``text``.

    Line breaks are kept; each line is scanned on its own (as the detector expects).
    """
    counts: Counter[str] = Counter()
    lines = (text or "").splitlines(keepends=True)
    redacted = []
    for line in lines:
        body = line.rstrip("\r\n")
        redacted.append(_redact_line(body, counts) + line[len(body) :])
    return RedactResult(text="".join(redacted), counts=dict(counts))
