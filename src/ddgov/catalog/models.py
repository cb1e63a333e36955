"""Datasets, resources and their immutable versions, described with Thai GD-Catalog metadata.

Organisations are the foundation's agencies. Every upload becomes a new ``ResourceVersion`` whose
typed Parquet file lives in the lake; a resource points at its newest successful version, and
older versions stay downloadable.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ddgov.agencies.models import Agency
from ddgov.catalog.vocab import (
    Classification,
    DataCategory,
    DataType,
    GeoCoverage,
    UpdateFrequency,
)
from ddgov.core.language import localized


class Group(models.Model):
    """A focus area of the digital-government plan (CKAN "group")."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.SlugField(max_length=100, unique=True)
    title_th = models.CharField(max_length=255)
    title_en = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("name",)
        verbose_name = _("group")
        verbose_name_plural = _("groups")

    def __str__(self) -> str:
        """Show the title in the reader's language."""
        return self.title

    @property
    def title(self) -> str:
        """The title in the active language, Thai by default."""
        return localized(self.title_th, self.title_en)


class Tag(models.Model):
    """A free keyword (CKAN "tag"); Thai tags are common."""

    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ("name",)
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        """Show the keyword."""
        return self.name


class Dataset(models.Model):
    """A dataset (CKAN "package") owned by an agency."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        DELETED = "deleted", _("Deleted")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=500)
    notes = models.TextField(blank=True)
    owner_org = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="datasets")
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.ACTIVE, db_index=True
    )
    private = models.BooleanField(default=False)

    # Thai GD-Catalog required metadata.
    data_type = models.CharField(max_length=20, choices=DataType.choices, blank=True)
    maintainer = models.CharField(max_length=255, blank=True)
    maintainer_email = models.EmailField(blank=True)
    objective = models.JSONField(default=list, blank=True)
    update_frequency_unit = models.CharField(
        max_length=20, choices=UpdateFrequency.choices, blank=True
    )
    update_frequency_interval = models.PositiveIntegerField(null=True, blank=True)
    geo_coverage = models.CharField(max_length=20, choices=GeoCoverage.choices, blank=True)
    data_source = models.CharField(max_length=500, blank=True)
    data_format = models.CharField(max_length=100, blank=True)
    data_category = models.CharField(
        max_length=10, choices=DataCategory.choices, blank=True, db_index=True
    )
    license_id = models.CharField(max_length=50, blank=True)

    # Thai GD-Catalog optional metadata.
    data_classification = models.CharField(
        max_length=15, choices=Classification.choices, default=Classification.PUBLIC
    )
    accessible_condition = models.TextField(blank=True)
    data_support = models.CharField(max_length=255, blank=True)
    data_collect = models.CharField(max_length=255, blank=True)
    url = models.URLField(max_length=500, blank=True)
    data_language = models.JSONField(default=list, blank=True)
    created_date = models.DateField(null=True, blank=True)
    last_updated_date = models.DateField(null=True, blank=True)
    high_value_dataset = models.BooleanField(default=False)
    reference_data = models.BooleanField(default=False)
    official_statistics = models.BooleanField(default=False)
    allow_harvest = models.BooleanField(default=True)
    # Statistical and geospatial optional fields, and any CKAN "extras".
    extras = models.JSONField(default=dict, blank=True)

    groups = models.ManyToManyField(Group, blank=True, related_name="datasets")
    tags = models.ManyToManyField(Tag, blank=True, related_name="datasets")
    creator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    harvest_source = models.CharField(max_length=500, blank=True)
    metadata_created = models.DateTimeField(auto_now_add=True)
    metadata_modified = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ("name",)
        verbose_name = _("dataset")
        verbose_name_plural = _("datasets")

    def __str__(self) -> str:
        """Show the dataset's URL name."""
        return self.name

    @property
    def is_open(self) -> bool:
        """Whether anyone may see it: active, not private."""
        return self.state == self.State.ACTIVE and not self.private


class Resource(models.Model):
    """A file or link in a dataset; uploaded tabular files get versions in the lake."""

    class State(models.TextChoices):
        ACTIVE = "active", _("Active")
        DELETED = "deleted", _("Deleted")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="resources")
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    format = models.CharField(max_length=50, blank=True)
    url = models.URLField(max_length=1000, blank=True)
    url_type = models.CharField(max_length=20, blank=True)
    position = models.PositiveIntegerField(default=0)
    state = models.CharField(max_length=10, choices=State.choices, default=State.ACTIVE)
    extras = models.JSONField(default=dict, blank=True)
    current_version = models.ForeignKey(
        "ResourceVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    last_modified = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("dataset", "position", "created")
        verbose_name = _("resource")
        verbose_name_plural = _("resources")

    def __str__(self) -> str:
        """Show the resource's name."""
        return self.name


class ResourceVersion(models.Model):
    """One immutable upload of a resource and the typed Parquet file ingested from it."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Ingesting")
        SUCCEEDED = "succeeded", _("Ready")
        FAILED = "failed", _("Failed")

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    progress = models.FloatField(default=0.0)
    message = models.TextField(blank=True)
    original_filename = models.CharField(max_length=255)
    original_path = models.CharField(max_length=1000)
    original_size = models.BigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    source_format = models.CharField(max_length=20, blank=True)
    encoding = models.CharField(max_length=30, blank=True)
    parquet_path = models.CharField(max_length=1000, blank=True)
    parquet_size = models.BigIntegerField(default=0)
    row_count = models.BigIntegerField(null=True, blank=True)
    table_schema = models.JSONField(default=dict, blank=True)
    schema_overrides = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("resource", "-number")
        verbose_name = _("resource version")
        verbose_name_plural = _("resource versions")
        constraints = [
            models.UniqueConstraint(
                fields=["resource", "number"], name="one_number_per_resource_version"
            )
        ]

    def __str__(self) -> str:
        """Show the resource and the version number."""
        return f"{self.resource_id} v{self.number}"


from ddgov.catalog.models_search import SearchChange, SearchDocument  # noqa: E402, F401
