"""Governance records kept next to the catalog's resource versions.

* :class:`Profile` — one DuckDB pass over a version: per-column statistics and Thai detections.
* :class:`RuleSet` — a dataset's declared quality rules (the documented YAML/JSON format).
* :class:`QualityRun` — the rules executed on one version: scores per dimension and failures.
* :class:`ColumnClass` — the data category, access level and PDPA flags of one column.
* :class:`Release` — an anonymised open release made from a personal-data version (lineage).

The models only hold state; the rules live in ``services.py``/``selectors.py`` of each part.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ddgov.catalog.models import Dataset, Resource, ResourceVersion
from ddgov.catalog.vocab import Classification, DataCategory


class Profile(models.Model):
    """The profile of one ingested version (see ``governance/profiling``)."""

    version = models.OneToOneField(
        ResourceVersion, on_delete=models.CASCADE, related_name="governance_profile"
    )
    row_count = models.BigIntegerField(default=0)
    # {"columns": [{"name", "type", "nulls", "blanks", "distinct", "min", "max", ...}], ...}
    data = models.JSONField(default=dict)
    duration_ms = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("profile")

    def __str__(self) -> str:
        return f"profile of {self.version}"


class RuleSet(models.Model):
    """Quality rules declared for a dataset (one rule document per dataset)."""

    dataset = models.OneToOneField(
        Dataset, on_delete=models.CASCADE, related_name="governance_ruleset"
    )
    # The rule document as the steward wrote it (YAML or JSON text) and as parsed.
    source = models.TextField(blank=True)
    rules = models.JSONField(default=dict)
    inferred = models.BooleanField(default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("quality rule set")

    def __str__(self) -> str:
        return f"rules of {self.dataset}"


class QualityRun(models.Model):
    """One execution of a dataset's rules on one version: the history across versions."""

    version = models.ForeignKey(
        ResourceVersion, on_delete=models.CASCADE, related_name="quality_runs"
    )
    rules = models.JSONField(default=dict)  # the rules as executed (a snapshot)
    scores = models.JSONField(default=dict)  # {dimension: 0..100}
    overall = models.FloatField(null=True, blank=True)
    results = models.JSONField(default=list)  # per rule: passed/failed counts, failing samples
    duration_ms = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("quality run")

    def __str__(self) -> str:
        return f"quality of {self.version}: {self.overall}"


class ColumnClass(models.Model):
    """Classification of one column of a resource (its current and future versions)."""

    class Source(models.TextChoices):
        DETECTED = "detected", _("Detected")
        STEWARD = "steward", _("Set by a steward")
        RELEASE = "release", _("Anonymised release")

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="column_classes")
    column = models.CharField(max_length=255)
    category = models.CharField(
        max_length=20, choices=DataCategory.choices, default=DataCategory.PUBLIC
    )
    access_level = models.CharField(
        max_length=20, choices=Classification.choices, default=Classification.PUBLIC
    )
    pii_type = models.CharField(max_length=30, blank=True)  # TH_CITIZEN_ID, PHONE, ...
    sensitive = models.CharField(max_length=30, blank=True)  # PDPA s.26 kind: health, ...
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.DETECTED)
    details = models.JSONField(default=dict, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("column classification")
        constraints = [
            models.UniqueConstraint(fields=["resource", "column"], name="governance_column_once")
        ]

    def __str__(self) -> str:
        return f"{self.resource}.{self.column}: {self.category}"


class Release(models.Model):
    """An anonymised release of a personal-data version, published as a public resource."""

    source_version = models.ForeignKey(
        ResourceVersion, on_delete=models.PROTECT, related_name="anonymised_releases"
    )
    # The public resource and the exact version this release became (set when published).
    resource = models.ForeignKey(
        Resource, null=True, blank=True, on_delete=models.SET_NULL, related_name="release_of"
    )
    version = models.OneToOneField(
        ResourceVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="release"
    )
    params = models.JSONField(default=dict)  # quasi, sensitive, k, l, t, hierarchies
    report = models.JSONField(default=dict)  # achieved k/l, suppression, risk, information loss
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("anonymised release")

    def __str__(self) -> str:
        return f"release of {self.source_version}"
