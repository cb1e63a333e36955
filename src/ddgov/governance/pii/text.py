"""Scan free text for PII: run every detector on each line and settle their overlaps.

Offsets are Python ``str`` indices into the line as given (Thai digits are matched through a
same-length ASCII twin, so offsets never shift). Within one type findings never overlap; across
types, a number keeps one meaning: a PromptPay ID or bank account is not also reported as a phone
or citizen ID, and a citizen ID is not also a phone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from ddgov.governance.pii.detectors.addresses import address_detect
from ddgov.governance.pii.detectors.bank import bank_detect
from ddgov.governance.pii.detectors.dates import date_of_birth_detect
from ddgov.governance.pii.detectors.email import email_detect
from ddgov.governance.pii.detectors.ids import citizen_id_detect
from ddgov.governance.pii.detectors.names import person_detect
from ddgov.governance.pii.detectors.phones import phone_detect
from ddgov.governance.pii.detectors.plates import plate_detect
from ddgov.governance.pii.lexicon import ascii_digits
from ddgov.governance.pii.types import (
    BANK_ACCOUNT,
    PHONE,
    PII_TYPES,
    TH_CITIZEN_ID,
    VEHICLE_PLATE,
    Finding,
)

Detector = Callable[..., list[Finding]]

DETECTORS: tuple[Detector, ...] = (
    citizen_id_detect,
    phone_detect,
    email_detect,
    bank_detect,
    plate_detect,
    person_detect,
    address_detect,
    date_of_birth_detect,
)
# A finding of the key type removes overlapping findings of the listed types.
_OVERRULES: dict[str, tuple[str, ...]] = {
    BANK_ACCOUNT: (PHONE, TH_CITIZEN_ID, VEHICLE_PLATE),
    TH_CITIZEN_ID: (PHONE, VEHICLE_PLATE),
    PHONE: (VEHICLE_PLATE,),
}


def _overlaps(a: Finding, b: Finding) -> bool:
    return a.start < b.end and b.start < a.end


def _settle(findings: list[Finding]) -> list[Finding]:
    """Keep the best non-overlapping finding per type, then apply the cross-type rules."""
    kept: list[Finding] = []
    for finding in sorted(findings, key=lambda f: (-f.score, -(f.end - f.start), f.start)):
        if not any(k.type == finding.type and _overlaps(k, finding) for k in kept):
            kept.append(finding)
    result = [
        f
        for f in kept
        if not any(
            f.type in _OVERRULES.get(other.type, ()) and _overlaps(f, other) for other in kept
        )
    ]
    return sorted(result, key=lambda f: (f.start, f.end, PII_TYPES.index(f.type)))


def pii_text_scan(*, text: str, types: Iterable[str] | None = None) -> list[Finding]:
    """Return the PII findings in one line of ``text``, sorted by start offset.

    ``types`` limits the result to those PII types (all by default). A text with line breaks is
    scanned as one piece; callers that report per line split it first.
    """
    norm = ascii_digits(text)
    findings: list[Finding] = []
    for detect in DETECTORS:
        findings.extend(detect(text=text, norm=norm))
    settled = _settle(findings)
    if types is not None:
        wanted = set(types)
        settled = [f for f in settled if f.type in wanted]
    return settled


def pii_lines_scan(*, lines: Iterable[str]) -> Iterator[tuple[int, list[Finding]]]:
    """Yield ``(line number, findings)`` for each line (1-based), line endings removed."""
    for number, line in enumerate(lines, start=1):
        yield number, pii_text_scan(text=line.rstrip("\r\n"))
