"""Reading the audit trail, scoped to what the reader may see."""

from __future__ import annotations

from django.db.models import QuerySet

from ddgov.audit.models import AuditRecord


def audit_records_for_agency(*, agency_codes: list[str], limit: int = 50) -> QuerySet[AuditRecord]:
    """Return the newest records about the given agencies (the caller has checked membership)."""
    return AuditRecord.objects.filter(agency_code__in=agency_codes).order_by("-seq")[:limit]


def audit_records_for_target(*, target_type: str, target_id: str) -> QuerySet[AuditRecord]:
    """Return the records about one object, oldest first."""
    return AuditRecord.objects.filter(target_type=target_type, target_id=target_id).order_by("seq")
