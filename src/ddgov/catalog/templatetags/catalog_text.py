"""Template filters for a dataset's texts in the reader's language."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import translation

register = template.Library()
TRANSLATABLE = {"title", "notes"}


@register.filter
def in_language(dataset: Any, field: str) -> str:
    """Return a dataset's ``title`` or ``notes`` in the reader's language.

    English comes from ``extras`` (``title_en``/``notes_en``) when the reader chose English and
    the steward gave one; otherwise the (Thai) field itself.
    """
    if field not in TRANSLATABLE:
        msg = f"in_language: {field!r} is not a translatable dataset field"
        raise template.TemplateSyntaxError(msg)
    original = str(getattr(dataset, field, "") or "")
    if (translation.get_language() or "").split("-")[0] != "en":
        return original
    extras = getattr(dataset, "extras", None) or {}
    english = extras.get(f"{field}_en") if isinstance(extras, dict) else None
    return str(english).strip() if isinstance(english, str) and english.strip() else original
