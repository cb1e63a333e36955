"""Classify the columns of a table file from a sample: DGF category, access level, PII, PDPA s.26.

Built on the PII column scanner (``ddgov.governance.pii.table``): DuckDB draws a reproducible
reservoir sample (the file streams through, never loaded whole), each sampled value runs through
the Thai PII detectors, and the header is read for PII and PDPA s.26 keywords. This module then
decides each column's category:

* a column that identifies a person — citizen ID, name, date of birth, bank account, e-mail,
  phone, vehicle plate, found in at least 30 % of the sampled values or named by a strong
  header (scanner confidence ≥ 0.6) — is **personal** data (access level ``confidential``, ลับ);
  a weak signal (a header word such as ``name`` and a stray match) is only flagged;
* an **address** is personal only next to such a column: alone, addresses in government tables are
  mostly those of places (stations, offices), which are open data;
* a column whose header names PDPA s.26 sensitive data (health, religion, criminal record,
  disability, biometric, race, political opinion, sexual behaviour, trade union, genetic) is
  flagged with its kind; it is sensitive personal data (access level ``secret``, ลับมาก) when the
  table identifies people, and stays public but flagged when it does not (an aggregate such as
  "cases of dengue per province" is not about a person). A steward can always mark it by hand.

No database here: :mod:`.services` stores the decisions, :mod:`.hooks` enforces them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ddgov.catalog.vocab import Classification, DataCategory
from ddgov.governance.pii.headers import SENSITIVE_CATEGORIES, header_signal
from ddgov.governance.pii.table import column_decide, table_sample
from ddgov.governance.pii.types import (
    ADDRESS,
    BANK_ACCOUNT,
    DATE_OF_BIRTH,
    EMAIL,
    PERSON,
    PHONE,
    TH_CITIZEN_ID,
    VEHICLE_PLATE,
)

SAMPLE_ROWS = 500
# The PII scanner's confidence when values (≥ 30 % of them) or a strong header decide is at
# least 0.6; a weak header with a stray value (a "name" column of road names with one title in
# it) scores below 0.5. Only the former makes a column personal; the latter is flagged.
MIN_CONFIDENCE = 0.6
ROW_ID = "_id"
IDENTIFYING = frozenset(
    {TH_CITIZEN_ID, PERSON, DATE_OF_BIRTH, BANK_ACCOUNT, EMAIL, PHONE, VEHICLE_PLATE}
)
CONTEXTUAL = frozenset({ADDRESS})
SENSITIVE_KINDS: tuple[str, ...] = tuple(SENSITIVE_CATEGORIES)


@dataclass(frozen=True)
class ColumnDecision:
    """The classification decided for one column (before a steward looks at it)."""

    column: str
    category: str
    access_level: str
    pii_type: str = ""
    sensitive: str = ""
    confidence: float = 0.0
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def is_public(self) -> bool:
        """Whether the decision leaves the column open data."""
        return self.category == DataCategory.PUBLIC


def _identifies(report: dict[str, Any]) -> bool:
    """Whether the column surely identifies a person (an identifying type, decided firmly)."""
    return (
        report.get("pii_type") in IDENTIFYING
        and float(report.get("confidence") or 0.0) >= MIN_CONFIDENCE
    )


def _decide(name: str, report: dict[str, Any], *, identifies: bool, sampled: int) -> ColumnDecision:
    pii_type = str(report.get("pii_type") or "")
    firm = float(report.get("confidence") or 0.0) >= MIN_CONFIDENCE
    sensitive = str(report.get("sensitive_category") or "")
    details: dict[str, Any] = {
        "rows_sampled": sampled,
        "values_checked": report["signals"]["values_checked"],
        "header_keyword": report["signals"]["header"]["keyword"] or "",
        "sensitive_keyword": report["signals"]["sensitive_keyword"] or "",
        "value_hit_rates": report["signals"]["value_hit_rates"],
    }
    personal = _identifies(report) or (
        identifies and ((pii_type in CONTEXTUAL and firm) or bool(sensitive))
    )
    if not personal and pii_type and not firm:
        details["note"] = (
            "Weak signal only (a header word and few matching values). / "
            "พบสัญญาณอ่อน (มีเพียงคำในหัวคอลัมน์และค่าที่ตรงเพียงเล็กน้อย)"
        )
    elif not personal and (pii_type or sensitive):
        details["note"] = (
            "Flagged, but no column of the table identifies a person. / "
            "พบสัญญาณข้อมูลส่วนบุคคล แต่ไม่มีคอลัมน์ใดในตารางที่ระบุตัวบุคคล"
        )
    if personal:
        level = Classification.SECRET if sensitive else Classification.CONFIDENTIAL
        category = DataCategory.PERSONAL
    else:
        level, category = Classification.PUBLIC, DataCategory.PUBLIC
    return ColumnDecision(
        column=name,
        category=str(category),
        access_level=str(level),
        pii_type=pii_type,
        sensitive=sensitive,
        confidence=float(report.get("confidence") or 0.0) if pii_type else 0.0,
        details=details,
    )


def table_classify(*, path: Path, sample_rows: int = SAMPLE_ROWS) -> list[ColumnDecision]:
    """Classify every column of a CSV, XLSX or Parquet file (the lake's ``_id`` column skipped).

    Raises ``TableScanError`` (English/Thai) when the file cannot be read as a table.
    """
    sample = table_sample(path=Path(path), sample_rows=sample_rows)
    reports: list[tuple[str, dict[str, Any]]] = []
    for i, name in enumerate(sample.columns):
        if name == ROW_ID:
            continue
        values = [str(row[i]) for row in sample.rows if row[i] is not None and str(row[i]).strip()]
        reports.append((name, column_decide(name=name, values=values)))
    identifies = any(_identifies(r) for _n, r in reports)
    return [
        _decide(name, report, identifies=identifies, sampled=len(sample.rows))
        for name, report in reports
    ]


def header_sensitive_kind(name: str) -> str:
    """The PDPA s.26 kind a column header names ('' if none): for the steward form's default."""
    return header_signal(name).sensitive_category or ""
