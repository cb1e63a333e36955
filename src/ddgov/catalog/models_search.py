"""The search index of datasets, kept in the database so every process and backend reads the same.

``SearchDocument`` is one dataset as search sees it: its words already segmented (segmenting
Thai is the slow part, so it happens once, when the dataset is written, never at query time),
its facet values and what visibility needs. ``SearchChange`` is the ordered log of index writes:
a process holding an in-memory index compares the newest change with the one it has applied
and loads only what changed since. Both are derived data: ``ddgov search reindex`` rebuilds them.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchDocument(models.Model):
    """The searchable form of one non-deleted dataset (multi-value fields are newline-separated)."""

    dataset_id = models.UUIDField(primary_key=True)
    name = models.CharField(max_length=100)
    title_sort = models.TextField(blank=True)
    state = models.CharField(max_length=10)
    private = models.BooleanField(default=False)
    owner_org_id = models.BigIntegerField(null=True)
    organization = models.CharField(max_length=64, blank=True)
    groups = models.TextField(blank=True)
    tags = models.TextField(blank=True)
    res_format = models.TextField(blank=True)
    license_id = models.CharField(max_length=50, blank=True)
    data_category = models.CharField(max_length=10, blank=True)
    data_type = models.CharField(max_length=20, blank=True)
    geo_coverage = models.CharField(max_length=20, blank=True)
    high_value_dataset = models.BooleanField(default=False)
    created_ts = models.FloatField(default=0.0)
    modified_ts = models.FloatField(default=0.0)
    # Space-separated normalised tokens per weighted field (see ddgov.catalog.search.text).
    title_tokens = models.TextField(blank=True)
    tags_tokens = models.TextField(blank=True)
    notes_tokens = models.TextField(blank=True)
    other_tokens = models.TextField(blank=True)
    joined_tokens = models.TextField(blank=True)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")

    def __str__(self) -> str:
        """Show the dataset's URL name."""
        return self.name


class SearchChange(models.Model):
    """One write to the search index; ``dataset_id`` None means "everything may have changed"."""

    generation = models.BigIntegerField(primary_key=True)
    token = models.CharField(max_length=32)
    dataset_id = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("generation",)
        verbose_name = _("search index change")
        verbose_name_plural = _("search index changes")

    def __str__(self) -> str:
        """Show the generation number."""
        return f"#{self.generation}"
