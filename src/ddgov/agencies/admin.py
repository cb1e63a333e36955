from django.contrib import admin

from ddgov.agencies.models import AdminArea, Agency


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    """Agencies are created through services; the admin is for looking."""

    list_display = ("code", "name_th", "name_en", "kind", "parent")
    list_filter = ("kind",)
    search_fields = ("code", "name_th", "name_en", "abbreviation")
    readonly_fields = ("code", "kind", "parent", "area", "created_at", "updated_at")


@admin.register(AdminArea)
class AdminAreaAdmin(admin.ModelAdmin):
    """Reference geography from geothai."""

    list_display = ("code", "level", "name_th", "name_en", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name_th", "name_en")
