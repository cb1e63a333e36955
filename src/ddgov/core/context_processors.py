"""Template context shared by every page."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

import ddgov


def platform(request: HttpRequest) -> dict[str, object]:
    """Expose the version and the language switcher's choices."""
    return {"ddgov_version": ddgov.__version__, "ddgov_languages": settings.LANGUAGES}
