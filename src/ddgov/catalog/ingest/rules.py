# ruff: noqa: RUF001 - dashes that mean "missing" are data
"""The conventions ingestion applies to Thai public-sector tables, in one place.

They are shared by the SQL macros (``sql/macros.sql``), the inference and the documentation.
"""

from __future__ import annotations

import re

# Cells that mean "no value" (compared after trimming spaces, tabs, NBSP and zero-width spaces).
MISSING_VALUES: tuple[str, ...] = (
    "",
    "-",
    "--",
    "—",
    "–",
    "N/A",
    "n/a",
    "#N/A",
    "null",
    "NULL",
    "#DIV/0!",
    "#VALUE!",
    "#REF!",
    "#NAME?",
    "#NUM!",
)
# The same markers as DuckDB's CSV reader sees them untrimmed (its fast path).
NULL_STRINGS: tuple[str, ...] = (*MISSING_VALUES, " - ", " -", "- ", "  -  ")

# Frictionless Table Schema types ddgov produces, and their Parquet (DuckDB) types.
FIELD_TYPES: dict[str, str] = {
    "string": "VARCHAR",
    "integer": "BIGINT",
    "number": "DOUBLE",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "datetime": "TIMESTAMP",
    "year": "INTEGER",
}
# ``format`` values a steward may set: calendars for years/dates, day order for dates.
FIELD_FORMATS: dict[str, tuple[str, ...]] = {
    "string": ("default",),
    "integer": ("default",),
    "number": ("default",),
    "boolean": ("default",),
    "year": ("default", "be", "ce"),
    "date": ("default", "be", "ce", "dmy", "mdy", "be-mdy", "ce-mdy"),
    "datetime": ("default", "be", "ce", "dmy", "mdy", "be-mdy", "ce-mdy"),
}

# A column whose name says "year" holds years (ปี, พ.ศ., fiscal year, …).
YEAR_NAME = re.compile(r"(?i)(^|[^a-z])(year|yr|fy)([^a-z]|$)|fiscal|ปี|พ\.\s*ศ\.|พศ|ค\.\s*ศ\.")

ROW_ID = "_id"
SAMPLE_ROWS = 20_000
HEADER_SCAN_ROWS = 50
