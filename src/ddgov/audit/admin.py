from django.contrib import admin

from ddgov.audit.models import AuditRecord


@admin.register(AuditRecord)
class AuditRecordAdmin(admin.ModelAdmin):
    """Read-only view of the trail for platform admins."""

    list_display = (
        "seq",
        "occurred_at",
        "actor_label",
        "action",
        "agency_code",
        "target_type",
        "outcome",
    )
    list_filter = ("outcome", "action")
    search_fields = ("action", "target_id", "agency_code", "actor_label")

    def has_add_permission(self, request: object) -> bool:  # noqa: D102
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:  # noqa: D102
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:  # noqa: D102
        return False
