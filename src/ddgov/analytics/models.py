"""Analytics records: saved queries, charts made from them, dashboards and their cached results.

* :class:`SavedQuery` — read-only SQL an analyst kept; private to its author or shared within
  the author's agency.
* :class:`Chart` — how one saved query is drawn (bar, line, table, Thailand choropleth).
* :class:`Dashboard` and :class:`DashboardItem` — charts arranged on a page; a dashboard is
  public only when every source of every chart is open data.
* :class:`ChartSnapshot` — the last result of a chart's query, computed by a background job
  (``analytics.dashboard_refresh``) so pages read stored rows and never run the engine.

The models only hold state; the rules live in ``services/`` and ``selectors/``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ddgov.agencies.models import Agency


class SavedQuery(models.Model):
    """An analyst's saved SQL over the lake, by friendly names (``agency.dataset.resource``)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="saved_queries")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="saved_queries"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    sql = models.TextField("SQL")
    engine = models.CharField(_("engine"), max_length=16, blank=True)  # "" = the configured default
    shared = models.BooleanField(_("shared with my agency"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-updated_at",)
        verbose_name = _("saved query")
        verbose_name_plural = _("saved queries")

    def __str__(self) -> str:
        return self.title


class Chart(models.Model):
    """One saved query drawn as a chart."""

    class Kind(models.TextChoices):
        BAR = "bar", _("Bar chart")
        LINE = "line", _("Line chart")
        TABLE = "table", _("Table")
        CHOROPLETH = "choropleth", _("Map of Thailand by province")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    query = models.ForeignKey(SavedQuery, on_delete=models.CASCADE, related_name="charts")
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("chart type"), max_length=16, choices=Kind.choices)
    # {"x": column, "y": [columns], "province": column, "value": column, "label_th": ..., ...}
    options = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("created_at",)
        verbose_name = _("chart")

    def __str__(self) -> str:
        return self.title


class Dashboard(models.Model):
    """Charts arranged on one page, refreshed on a schedule."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    slug = models.SlugField(max_length=100, unique=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="dashboards")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="dashboards"
    )
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    # The owner asked for it to be public; it is shown publicly only while every source is open.
    public = models.BooleanField(_("public"), default=False)
    refresh_minutes = models.PositiveIntegerField(_("refresh every (minutes)"), default=1440)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("title",)
        verbose_name = _("dashboard")

    def __str__(self) -> str:
        return self.title


class DashboardItem(models.Model):
    """A chart's place on a dashboard."""

    dashboard = models.ForeignKey(Dashboard, on_delete=models.CASCADE, related_name="items")
    chart = models.ForeignKey(Chart, on_delete=models.CASCADE, related_name="placements")
    position = models.PositiveIntegerField(default=0)
    width = models.PositiveSmallIntegerField(default=6)  # of 12 grid columns

    class Meta:
        ordering = ("position", "id")
        constraints = [
            models.UniqueConstraint(fields=("dashboard", "chart"), name="analytics_item_unique")
        ]

    def __str__(self) -> str:
        return f"{self.chart} on {self.dashboard}"


class ChartSnapshot(models.Model):
    """The last computed result of a chart, with what it was computed from."""

    chart = models.OneToOneField(Chart, on_delete=models.CASCADE, related_name="snapshot")
    columns = models.JSONField(default=list)  # [{"name", "type"}]
    rows = models.JSONField(default=list)
    truncated = models.BooleanField(default=False)
    # [{"resource_id", "dataset", "resource", "agency", "open": bool}]
    sources = models.JSONField(default=list)
    all_sources_open = models.BooleanField(default=False)
    run_as = models.CharField(max_length=100, blank=True)  # "public" or "agency:<code>"
    engine = models.CharField(max_length=16, blank=True)
    error = models.TextField(blank=True)
    elapsed_ms = models.FloatField(default=0.0)
    refreshed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("chart snapshot")

    def __str__(self) -> str:
        return f"snapshot of {self.chart}"
