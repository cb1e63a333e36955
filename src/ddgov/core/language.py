"""Which of a record's Thai and English texts to show the current reader."""

from __future__ import annotations

from django.utils.translation import get_language


def localized(thai: str, english: str) -> str:
    """Return ``english`` when the reader chose English and it is not empty, else ``thai``."""
    if english and (get_language() or "th").startswith("en"):
        return english
    return thai
