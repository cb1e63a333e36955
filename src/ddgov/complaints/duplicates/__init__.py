"""Duplicate screening for the 1111 complaint centre: nearby, similar Thai text, related, recent.

Use :class:`DuplicateIndex` (``add``/``remove``/``find``) or the functions of
:mod:`ddgov.complaints.duplicates.services`; every threshold and weight is in
:class:`DuplicateSettings`. The labelled evaluation pairs live in ``evalset/``.
"""

from ddgov.complaints.duplicates.config import DEFAULT_SETTINGS, DuplicateSettings
from ddgov.complaints.duplicates.index import DuplicateCandidate, DuplicateIndex

__all__ = ["DEFAULT_SETTINGS", "DuplicateCandidate", "DuplicateIndex", "DuplicateSettings"]
