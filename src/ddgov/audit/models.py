"""Audit records form a hash chain: each record's hash covers its content and its predecessor's hash.

Records hold digests of the data before and after a write, never the data itself, so the trail
proves what changed without copying personal data out of its classification.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditRecord(models.Model):
    """One audited event. Rows are only ever inserted; database triggers refuse UPDATE/DELETE."""

    class Outcome(models.TextChoices):
        OK = "ok", _("Succeeded")
        DENIED = "denied", _("Denied")
        FAILED = "failed", _("Failed")

    seq = models.BigIntegerField(unique=True, editable=False)
    occurred_at = models.DateTimeField(editable=False, db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_label = models.CharField(max_length=150, blank=True)
    acting_for = models.CharField(max_length=100, blank=True)
    agency_code = models.CharField(max_length=64, blank=True, db_index=True)
    action = models.CharField(max_length=100, db_index=True)
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=100, blank=True, db_index=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.OK)
    before_digest = models.CharField(max_length=64, blank=True)
    after_digest = models.CharField(max_length=64, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ("seq",)
        verbose_name = _("audit record")
        verbose_name_plural = _("audit records")

    def __str__(self) -> str:
        """Name the record by its position and action."""
        return f"#{self.seq} {self.action}"


class AuditHead(models.Model):
    """The single row that holds the chain's tip; locking it serialises appends.

    Keeping the tip separately also makes deleting the newest records detectable.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        """Show the tip."""
        return f"head #{self.seq}"
