"""Registrations of the profiling part into the catalog's hooks (imported by GovernanceConfig.ready)."""

from __future__ import annotations

from ddgov.catalog.hooks import register_after_ingest
from ddgov.governance.profiling.services import profile_enqueue


@register_after_ingest
def profile_after_ingest(version_id: int) -> None:
    """Every version that ingests successfully gets profiled in the background."""
    profile_enqueue(version_id=version_id)
