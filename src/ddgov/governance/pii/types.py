"""The PII types the detectors report and the finding they return.

The type names are a stable interface (``ddgov pii scan`` prints them; outside checks read them).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

TH_CITIZEN_ID = "TH_CITIZEN_ID"
PHONE = "PHONE"
EMAIL = "EMAIL"
PERSON = "PERSON"
ADDRESS = "ADDRESS"
VEHICLE_PLATE = "VEHICLE_PLATE"
BANK_ACCOUNT = "BANK_ACCOUNT"
DATE_OF_BIRTH = "DATE_OF_BIRTH"

PII_TYPES: tuple[str, ...] = (
    TH_CITIZEN_ID,
    PHONE,
    EMAIL,
    PERSON,
    ADDRESS,
    VEHICLE_PLATE,
    BANK_ACCOUNT,
    DATE_OF_BIRTH,
)


@dataclass(frozen=True, slots=True)
class Finding:
    """One piece of PII in a text: ``text[start:end]`` (Python str offsets, end exclusive)."""

    type: str
    start: int
    end: int
    text: str
    score: float

    def as_dict(self) -> dict[str, Any]:
        """Return the JSON shape of ``ddgov pii scan`` (type, start, end, text, score)."""
        data = asdict(self)
        data["score"] = round(self.score, 2)
        return data
