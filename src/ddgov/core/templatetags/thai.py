"""Template filters for Thai-first display: ``{{ value|thaidate }}`` and ``{{ value|thaidatetime }}``."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone, translation

from ddgov.core.thaidate import format_date, format_datetime

register = template.Library()


@register.filter
def thaidate(value: dt.date | dt.datetime | None, arg: str = "") -> str:
    """Show a date in พ.ศ. for Thai pages and A.D. for English pages; ``"short"`` abbreviates."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return format_date(value, language=translation.get_language() or "th", short=arg == "short")


@register.filter
def thaidatetime(value: dt.datetime | None, arg: str = "") -> str:
    """Show a date and time in the reader's calendar and the platform's time zone."""
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return format_datetime(value, language=translation.get_language() or "th", short=arg == "short")
