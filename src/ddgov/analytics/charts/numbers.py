"""Numbers as Thai and English readers of a dashboard expect them.

Full values are grouped by thousands (``1,234,567.5``), as Thai official statistics print them.
Axis ticks and legends use a compact form: Thai counts millions with ``ล้าน`` (``2.5 ล้าน``,
``1,200 ล้าน`` … ``3 ล้านล้าน``), English with k (from 10,000), M, B and T. A chart may ask
for Thai digits (``๑๒๓``) with the ``thai_digits`` option; everything else stays in Arabic
digits, which government web pages use.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

from ddgov.lake.duckdb_types import NUMBER_TYPES

THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
YEAR_RANGE = (1000, 3000)  # whole numbers in this range on a year axis: never grouped


def number_value(value: object) -> float | None:
    """Return ``value`` as a float when it is a finite number (or numeric text), else None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | Decimal):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.replace(",", "").strip())
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def _digits(text: str, *, thai_digits: bool) -> str:
    return text.translate(THAI_DIGITS) if thai_digits else text


def format_number(
    value: object, *, decimals: int | None = None, thai_digits: bool = False, group: bool = True
) -> str:
    """Format a number in full: thousands grouped, at most ``decimals`` places (2 by default).

    Whole numbers show no decimals unless ``decimals`` asks for them; non-numbers come back as
    text (``None`` as an empty string).
    """
    number = number_value(value)
    if number is None:
        return "" if value is None else str(value)
    places = 2 if decimals is None else max(0, min(decimals, 6))
    if decimals is None and float(number).is_integer():
        places = 0
    text = f"{number:,.{places}f}" if group else f"{number:.{places}f}"
    if decimals is None and "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in {"-0", "-0.0"}:
        text = "0"
    return _digits(text, thai_digits=thai_digits)


# (from, divide by, unit): Thai counts in ล้าน; English uses k only from ten thousand.
_TH_UNITS = ((1e12, 1e12, "ล้านล้าน"), (1e6, 1e6, "ล้าน"))
_EN_UNITS = ((1e12, 1e12, "T"), (1e9, 1e9, "B"), (1e6, 1e6, "M"), (1e4, 1e3, "k"))


def format_compact(value: object, *, language: str = "th", thai_digits: bool = False) -> str:
    """Format a number for an axis tick or a legend: short, about three significant digits."""
    number = number_value(value)
    if number is None:
        return "" if value is None else str(value)
    magnitude = abs(number)
    units = _TH_UNITS if language.startswith("th") else _EN_UNITS
    for start, size, unit in units:
        if magnitude >= start:
            scaled = number / size
            text = format_number(_round_significant(scaled), decimals=None)
            joiner = " " if language.startswith("th") else ""
            return _digits(f"{text}{joiner}{unit}", thai_digits=thai_digits)
    return format_number(_round_significant(number), thai_digits=thai_digits)


def _round_significant(number: float, digits: int = 3) -> float:
    if number == 0:
        return 0.0
    places = digits - 1 - math.floor(math.log10(abs(number)))
    return round(number, max(places, 0)) if places > 0 else round(number, places)


def format_cell(  # noqa: PLR0911 - one return per kind of value
    value: object,
    *,
    column_type: str = "",
    column_name: str = "",
    language: str = "th",
    thai_digits: bool = False,
) -> str:
    """Format one table cell by its column's type: numbers grouped, dates in the reader's calendar."""
    from ddgov.core.thaidate import format_date  # noqa: PLC0415 - keep this module import-light

    if value is None:
        return ""
    kind = column_type.upper()
    if kind.startswith("DATE") and isinstance(value, str):
        try:
            return format_date(dt.date.fromisoformat(value[:10]), language=language, short=True)
        except ValueError:
            return value
    if isinstance(value, dt.date):
        return format_date(
            value if not isinstance(value, dt.datetime) else value.date(),
            language=language,
            short=True,
        )
    if isinstance(value, bool):
        return ("ใช่" if value else "ไม่ใช่") if language.startswith("th") else str(value).lower()
    if isinstance(value, int | float | Decimal):
        year = is_year_column(column_name) and _looks_like_year(value)
        return format_number(value, thai_digits=thai_digits, group=not year)
    return str(value)


def _looks_like_year(value: object) -> bool:
    return isinstance(value, int) and YEAR_RANGE[0] <= value <= YEAR_RANGE[1]


def is_year_column(name: str) -> bool:
    """Whether a column's name says it holds years (``year``, ``crop_year``, ``ปี``, ``ปีงบประมาณ``)."""
    lowered = name.casefold()
    return "year" in lowered or "ปี" in lowered


def is_numeric_type(column_type: str) -> bool:
    """Whether a DuckDB type name (as the engines report it) is a number type."""
    kind = column_type.upper().split("(")[0].strip()
    return kind in NUMBER_TYPES
