"""Admin for SLAs and Open311 clients; complaints themselves are worked in the back office."""

from django.contrib import admin

from ddgov.complaints.models import CategorySla, Open311Client


@admin.register(CategorySla)
class CategorySlaAdmin(admin.ModelAdmin):
    """SLA hours per category."""

    list_display = ("category", "accept_hours", "resolve_hours", "remind_before_hours")


@admin.register(Open311Client)
class Open311ClientAdmin(admin.ModelAdmin):
    """Open311 API clients (keys are created with ``ddgov open311 key create``)."""

    list_display = ("name", "key_prefix", "created_at", "revoked_at", "last_used_at")
    readonly_fields = ("key_digest", "key_prefix", "created_at", "last_used_at")
