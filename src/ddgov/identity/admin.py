from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from ddgov.identity.models import AgencyMembership, Business, BusinessRepresentative, Person, User


class MembershipInline(admin.TabularInline):
    """Agency roles of a staff user."""

    model = AgencyMembership
    extra = 0
    raw_id_fields = ("agency",)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Users with ddgov's kind and agency roles."""

    list_display = ("username", "kind", "email", "is_platform_admin", "is_active")
    list_filter = ("kind", "is_platform_admin", "is_active")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("ddgov", {"fields": ("kind", "person", "is_platform_admin")}),
    )
    raw_id_fields = ("person",)
    inlines = (MembershipInline,)


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    """People; the admin shows no citizen ID in lists."""

    list_display = ("pk", "first_name_th", "last_name_th", "birth_date")
    search_fields = ("=citizen_id", "first_name_th", "last_name_th")
    raw_id_fields = ("subdistrict",)


@admin.register(Business)
class BusinessAdmin(admin.ModelAdmin):
    """Juristic persons."""

    list_display = ("juristic_id", "name_th", "kind")
    search_fields = ("=juristic_id", "name_th", "name_en")
    raw_id_fields = ("subdistrict",)


admin.site.register(BusinessRepresentative)
