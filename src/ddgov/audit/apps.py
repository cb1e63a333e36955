from django.apps import AppConfig


class AuditConfig(AppConfig):
    """The shared, append-only, hash-chained audit trail of writes to citizen and agency data."""

    name = "ddgov.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        """Let ``flush`` lift the audit table's append-only triggers when it wipes a database."""
        from ddgov.audit.triggers import append_only_triggers_suspended  # noqa: PLC0415
        from ddgov.core.append_only import append_only_register  # noqa: PLC0415

        append_only_register(name="audit", suspender=append_only_triggers_suspended)
