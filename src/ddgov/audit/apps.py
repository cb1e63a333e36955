from django.apps import AppConfig


class AuditConfig(AppConfig):
    """The shared, append-only, hash-chained audit trail of writes to citizen and agency data."""

    name = "ddgov.audit"
    label = "audit"
    verbose_name = "Audit trail"
