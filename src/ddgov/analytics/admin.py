"""Admin pages of the analytics app (platform admins only)."""

from django.contrib import admin

from ddgov.analytics.models import Chart, ChartSnapshot, Dashboard, DashboardItem, SavedQuery


@admin.register(SavedQuery)
class SavedQueryAdmin(admin.ModelAdmin):
    """Saved queries, searchable by title and SQL."""

    list_display = ("title", "agency", "owner", "shared", "updated_at")
    list_filter = ("shared", "agency")
    search_fields = ("title", "sql")


@admin.register(Chart)
class ChartAdmin(admin.ModelAdmin):
    """Charts drawn from saved queries."""

    list_display = ("title", "kind", "query")
    list_filter = ("kind",)


class DashboardItemInline(admin.TabularInline):
    """A dashboard's charts, edited in place."""

    model = DashboardItem
    extra = 0


@admin.register(Dashboard)
class DashboardAdmin(admin.ModelAdmin):
    """Dashboards with their charts."""

    list_display = ("title", "slug", "agency", "public", "refreshed_at")
    list_filter = ("public", "agency")
    inlines = (DashboardItemInline,)


@admin.register(ChartSnapshot)
class ChartSnapshotAdmin(admin.ModelAdmin):
    """Stored chart results, read-only: the refresh job writes them."""

    list_display = ("chart", "all_sources_open", "engine", "refreshed_at")
    readonly_fields = ("columns", "rows", "sources")
