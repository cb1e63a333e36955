"""Buddhist-era dates for Thai readers, A.D. dates for English readers, always in Bangkok time."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.template import Context, Template
from django.utils import translation

from ddgov.core.templatetags.thai import thaidate, thaidatetime
from ddgov.core.thaidate import (
    BE_OFFSET,
    MONTHS_EN,
    MONTHS_TH,
    MONTHS_TH_ABBR,
    be_year,
    ce_year,
    format_date,
    format_datetime,
)

UTC = dt.UTC
BANGKOK = zoneinfo.ZoneInfo("Asia/Bangkok")

FULL_TH = [
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
]  # fmt: skip
ABBR_TH = [
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
]  # fmt: skip


@pytest.fixture(autouse=True)
def _bangkok(settings):
    """The platform's time zone, whatever DDGOV_TIME_ZONE the machine running the tests has."""
    settings.TIME_ZONE = "Asia/Bangkok"


# --- the calendar -----------------------------------------------------------------------------


@pytest.mark.parametrize(("ce", "be"), [(2026, 2569), (2027, 2570), (2000, 2543), (1957, 2500)])
def test_buddhist_era_is_common_era_plus_543(ce, be):
    assert BE_OFFSET == 543
    assert be_year(ce) == be
    assert ce_year(be) == ce


def test_month_tables_hold_the_twelve_months_in_order():
    assert list(MONTHS_TH) == FULL_TH
    assert list(MONTHS_TH_ABBR) == ABBR_TH
    assert MONTHS_EN[0] == "January"
    assert MONTHS_EN[11] == "December"
    assert len(MONTHS_EN) == 12


# --- format_date / format_datetime --------------------------------------------------------------


@pytest.mark.parametrize("month", range(1, 13))
def test_thai_date_uses_the_full_month_name_and_buddhist_year(month):
    value = dt.date(2026, month, 5)
    assert format_date(value, language="th") == f"5 {FULL_TH[month - 1]} 2569"


@pytest.mark.parametrize("month", range(1, 13))
def test_short_thai_date_uses_the_abbreviated_month(month):
    value = dt.date(2026, month, 5)
    assert format_date(value, language="th", short=True) == f"5 {ABBR_TH[month - 1]} 2569"


def test_english_date_keeps_the_common_era():
    value = dt.date(2026, 9, 14)
    assert format_date(value, language="en") == "14 September 2026"
    assert format_date(value, language="en", short=True) == "14 Sep 2026"
    assert format_date(value, language="en-gb") == "14 September 2026"


def test_day_has_no_leading_zero_and_leap_day_is_kept():
    assert format_date(dt.date(2024, 2, 29), language="th") == "29 กุมภาพันธ์ 2567"
    assert format_date(dt.date(2024, 3, 1), language="th") == "1 มีนาคม 2567"


def test_regional_thai_language_codes_count_as_thai():
    assert format_date(dt.date(2026, 1, 1), language="th-th") == "1 มกราคม 2569"


def test_thai_datetime_uses_the_24_hour_clock_and_na_suffix():
    value = dt.datetime(2026, 4, 13, 9, 5)  # noqa: DTZ001
    assert format_datetime(value, language="th") == "13 เมษายน 2569 09:05 น."
    assert format_datetime(value, language="th", short=True) == "13 เม.ย. 2569 09:05 น."


def test_english_datetime_has_no_thai_suffix():
    value = dt.datetime(2026, 4, 13, 21, 30)  # noqa: DTZ001
    assert format_datetime(value, language="en") == "13 April 2026 21:30"
    assert format_datetime(value, language="en", short=True) == "13 Apr 2026 21:30"


# --- template filters ---------------------------------------------------------------------------

NEW_YEAR_UTC = dt.datetime(2026, 12, 31, 20, 0, tzinfo=UTC)  # 03:00 on 1 January 2027 in Bangkok


def test_thaidate_converts_an_aware_datetime_to_bangkok_first():
    with translation.override("th"):
        assert thaidate(NEW_YEAR_UTC) == "1 มกราคม 2570"
        assert thaidate(NEW_YEAR_UTC, "short") == "1 ม.ค. 2570"
    with translation.override("en"):
        assert thaidate(NEW_YEAR_UTC) == "1 January 2027"


def test_thaidatetime_converts_an_aware_datetime_to_bangkok_first():
    with translation.override("th"):
        assert thaidatetime(NEW_YEAR_UTC) == "1 มกราคม 2570 03:00 น."
        assert thaidatetime(NEW_YEAR_UTC, "short") == "1 ม.ค. 2570 03:00 น."
    with translation.override("en"):
        assert thaidatetime(NEW_YEAR_UTC) == "1 January 2027 03:00"


def test_a_bangkok_datetime_is_shown_as_it_is():
    value = dt.datetime(2026, 12, 31, 23, 59, tzinfo=BANGKOK)
    with translation.override("th"):
        assert thaidatetime(value) == "31 ธันวาคม 2569 23:59 น."
        assert thaidate(value) == "31 ธันวาคม 2569"


def test_naive_values_are_taken_as_already_local():
    with translation.override("th"):
        assert thaidate(dt.datetime(2026, 12, 31, 20, 0)) == "31 ธันวาคม 2569"  # noqa: DTZ001
        assert thaidatetime(dt.datetime(2026, 12, 31, 20, 0)) == "31 ธันวาคม 2569 20:00 น."  # noqa: DTZ001


def test_thaidate_accepts_a_plain_date():
    with translation.override("th"):
        assert thaidate(dt.date(2026, 6, 3)) == "3 มิถุนายน 2569"
        assert thaidate(dt.date(2026, 6, 3), "short") == "3 มิ.ย. 2569"


@pytest.mark.parametrize("language", ["th", "en"])
def test_none_becomes_empty(language):
    with translation.override(language):
        assert thaidate(None) == ""
        assert thaidatetime(None) == ""
        assert thaidate(None, "short") == ""


def test_no_active_language_falls_back_to_thai():
    with translation.override(None):
        assert thaidate(dt.date(2026, 6, 3)) == "3 มิถุนายน 2569"


def test_filters_in_a_template_follow_the_active_language():
    template = Template(
        "{% load thai %}{{ when|thaidate }}|{{ when|thaidate:'short' }}|"
        "{{ when|thaidatetime:'short' }}|{{ missing|thaidate }}"
    )
    context = Context({"when": NEW_YEAR_UTC, "missing": None})
    with translation.override("th"):
        assert template.render(context) == "1 มกราคม 2570|1 ม.ค. 2570|1 ม.ค. 2570 03:00 น.|"
    with translation.override("en"):
        assert template.render(context) == "1 January 2027|1 Jan 2027|1 Jan 2027 03:00|"
