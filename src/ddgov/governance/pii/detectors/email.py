"""E-mail addresses, also glued to Thai words (``อีเมลsomchai@example.comครับ``)."""

from __future__ import annotations

import re

from ddgov.governance.pii.types import EMAIL, Finding

# The local part and the domain are ASCII, so a Thai word on either side ends the match by itself.
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9](?:[A-Za-z0-9._%+\-]{0,62}[A-Za-z0-9_%+\-])?"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![A-Za-z0-9\-])"
)


def email_detect(*, text: str, norm: str) -> list[Finding]:  # noqa: ARG001 - one signature for all detectors
    """Find e-mail addresses in ``text``."""
    return [Finding(EMAIL, m.start(), m.end(), m.group(), 0.99) for m in _EMAIL.finditer(text)]
