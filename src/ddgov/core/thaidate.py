"""Buddhist-era (พ.ศ.) dates: Thai readers expect the year as ค.ศ. + 543 and Thai month names."""

from __future__ import annotations

import datetime as dt

BE_OFFSET = 543

MONTHS_TH = (
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)
MONTHS_TH_ABBR = (
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
)
MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def be_year(year: int) -> int:
    """Return the Buddhist-era year for a Common-era ``year``."""
    return year + BE_OFFSET


def ce_year(year: int) -> int:
    """Return the Common-era year for a Buddhist-era ``year``."""
    return year - BE_OFFSET


def format_date(value: dt.date, *, language: str, short: bool = False) -> str:
    """Format ``value`` as Thai readers (พ.ศ.) or English readers (A.D.) expect it."""
    if language.startswith("th"):
        months = MONTHS_TH_ABBR if short else MONTHS_TH
        return f"{value.day} {months[value.month - 1]} {be_year(value.year)}"
    month = MONTHS_EN[value.month - 1]
    return f"{value.day} {month[:3] if short else month} {value.year}"


def format_datetime(value: dt.datetime, *, language: str, short: bool = False) -> str:
    """Format a local date and time; Thai uses ``น.`` after the 24-hour clock."""
    day = format_date(value.date(), language=language, short=short)
    if language.startswith("th"):
        return f"{day} {value:%H:%M} น."
    return f"{day} {value:%H:%M}"
