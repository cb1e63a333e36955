"""Read-only admin views of governance records (changes go through the services)."""

from django.contrib import admin
from django.http import HttpRequest

from ddgov.governance.models import ColumnClass, Profile, QualityRun, Release, RuleSet


@admin.register(Profile, RuleSet, QualityRun, ColumnClass, Release)
class GovernanceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Inspect governance records; every change is made by a service so it is audited."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Records are made by the governance services only."""
        del request
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        """Records change through the governance services only (they audit)."""
        del request, obj
        return False
