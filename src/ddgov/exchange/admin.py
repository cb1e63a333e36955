"""Django admin for the exchange: the registry is editable, the evidence is read-only.

Message records, checkpoints and consent revisions are signed evidence (the database refuses
to update them), and consent records change only through ``consent_give``/``consent_withdraw``
so that every change gets its signed revision; the admin shows them but cannot add, change or
delete them. Registry objects (members, subsystems, services, purposes, grants, agreements)
stay editable for operators; the staff pages and ``ddgov exchange`` are the audited way.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ddgov.exchange.models import (
    AccessGrant,
    Checkpoint,
    ConsentEvent,
    ConsentRecord,
    DataAgreement,
    Member,
    MessageRecord,
    MessageSubject,
    Purpose,
    Service,
    Subsystem,
    SubsystemClient,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shows records without any way to add, change or delete them."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Evidence is written by the exchange only."""
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Evidence never changes."""
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Only the retention job removes evidence."""
        return False


class ReadOnlyInline(admin.TabularInline):
    """An inline list without add, change or delete."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Evidence is written by the exchange only."""
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Evidence never changes."""
        return False


# --- registry (editable) -------------------------------------------------------------------------


class SubsystemInline(admin.TabularInline):
    """The member's applications."""

    model = Subsystem
    extra = 0
    fields = ("code", "name_th", "name_en", "is_active")


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    """Agencies on the exchange."""

    list_display = ("code", "agency", "is_active", "created_at")
    list_filter = ("is_active",)
    search_fields = ("code", "agency__code", "agency__name_th", "agency__name_en")
    raw_id_fields = ("agency",)
    inlines = (SubsystemInline,)


class SubsystemClientInline(ReadOnlyInline):
    """OAuth2 clients of the subsystem (issue and revoke them with ``ddgov exchange client``)."""

    model = SubsystemClient
    fields = ("application", "created_at", "revoked_at")
    readonly_fields = fields


@admin.register(Subsystem)
class SubsystemAdmin(admin.ModelAdmin):
    """Applications of members."""

    list_display = ("__str__", "name_th", "name_en", "is_active")
    list_filter = ("is_active",)
    search_fields = ("code", "member__code", "name_th", "name_en")
    raw_id_fields = ("member",)
    inlines = (SubsystemClientInline,)


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    """Registered services."""

    list_display = ("__str__", "kind", "title_th", "personal_data", "is_active", "updated_at")
    list_filter = ("kind", "personal_data", "is_active")
    search_fields = ("code", "title_th", "title_en", "subsystem__code", "subsystem__member__code")
    raw_id_fields = ("subsystem", "resource")


@admin.register(Purpose)
class PurposeAdmin(admin.ModelAdmin):
    """Purpose codes calls state in ``X-Purpose``."""

    list_display = ("code", "name_th", "name_en")
    search_fields = ("code", "name_th", "name_en")


@admin.register(AccessGrant)
class AccessGrantAdmin(admin.ModelAdmin):
    """Who may call which service."""

    list_display = ("__str__", "lawful_basis", "rate_per_minute", "created_at", "revoked_at")
    list_filter = ("lawful_basis",)
    search_fields = ("service__code", "client__code", "client__member__code")
    raw_id_fields = ("service", "client", "granted_by")
    filter_horizontal = ("purposes",)


@admin.register(DataAgreement)
class DataAgreementAdmin(admin.ModelAdmin):
    """Data agreements citizens consent to; publish new versions through the staff pages."""

    list_display = ("__str__", "lawful_basis", "version", "is_active", "created_at")
    list_filter = ("lawful_basis", "is_active")
    search_fields = ("service__code", "client__code", "purpose__code")
    raw_id_fields = ("service", "client", "purpose")
    readonly_fields = ("version", "revision_hash")


# --- evidence (read-only) ------------------------------------------------------------------------


class ConsentEventInline(ReadOnlyInline):
    """The record's signed revisions."""

    model = ConsentEvent
    fields = ("seq", "state", "actor", "at", "hash", "key_id")
    readonly_fields = fields


@admin.register(ConsentRecord)
class ConsentRecordAdmin(ReadOnlyAdmin):
    """Citizens' answers; search by the full citizen ID only."""

    list_display = ("pk", "agreement", "state", "updated_at")
    list_filter = ("state",)
    search_fields = ("=citizen_id",)
    inlines = (ConsentEventInline,)


@admin.register(ConsentEvent)
class ConsentEventAdmin(ReadOnlyAdmin):
    """Signed consent revisions."""

    list_display = ("__str__", "state", "at", "key_id")
    list_filter = ("state",)


class MessageSubjectInline(ReadOnlyInline):
    """The citizens the call concerned."""

    model = MessageSubject
    fields = ("citizen_id",)
    readonly_fields = fields


@admin.register(MessageRecord)
class MessageRecordAdmin(ReadOnlyAdmin):
    """The signed message log."""

    list_display = ("at", "client_id", "service_id", "method", "status", "error", "duration_ms")
    list_filter = ("status", "error")
    search_fields = ("=request_id", "client_id", "service_id")
    date_hierarchy = "at"
    inlines = (MessageSubjectInline,)


@admin.register(Checkpoint)
class CheckpointAdmin(ReadOnlyAdmin):
    """Signed anchors over the heads of every stream."""

    list_display = ("seq", "at", "key_id")
