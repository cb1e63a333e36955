"""Find a central agency of the demo, creating it (and its ministry) from the central list."""

from __future__ import annotations

from ddgov.agencies.central import CENTRAL_AGENCIES
from ddgov.agencies.models import Agency
from ddgov.agencies.services import agency_create


def demo_agency_ensure(*, code: str) -> Agency:
    """Return the agency ``code``; create it and missing parents from the central list.

    The full demo seeds every central agency first; a test or the benchmark seeds only what
    the exchange needs, so the parents (a department sits under a ministry) come along here.
    """
    found = Agency.objects.filter(code=code).first()
    if found is not None:
        return found
    row = next((r for r in CENTRAL_AGENCIES if r[0] == code), None)
    if row is None:
        msg = f"{code!r} is not a central agency of the demo"
        raise LookupError(msg)
    _code, name_th, name_en, abbreviation, kind, parent = row
    return agency_create(
        actor=None,
        code=code,
        name_th=name_th,
        name_en=name_en,
        kind=kind,
        parent=demo_agency_ensure(code=parent) if parent else None,
        abbreviation=abbreviation,
    )
