"""Template helpers for the complaint back office."""

from __future__ import annotations

from typing import Any

from django import template

from ddgov.complaints.selectors.complaints import staff_is_centre

register = template.Library()


@register.filter
def centre_officer(user: Any) -> bool:
    """Whether ``user`` works for the 1111 centre (or runs the platform): call form, import."""
    return bool(getattr(user, "is_authenticated", False)) and staff_is_centre(user=user)
