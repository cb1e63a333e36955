"""Agencies are the tenants of ddgov; administrative areas tie local agencies to geography."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ddgov.core.language import localized


class AdminArea(models.Model):
    """A province, district (อำเภอ/เขต) or subdistrict (ตำบล/แขวง) with its DOPA code.

    Loaded from the ``geothai`` package by ``ddgov geo load`` (and the demo seeder), never typed in.
    """

    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        DISTRICT = "district", _("District")
        SUBDISTRICT = "subdistrict", _("Subdistrict")

    code = models.CharField(max_length=6, primary_key=True)
    level = models.CharField(max_length=12, choices=Level.choices, db_index=True)
    name_th = models.CharField(max_length=150)
    name_en = models.CharField(max_length=150)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    postal_code = models.CharField(max_length=5, blank=True)

    class Meta:
        ordering = ("code",)
        verbose_name = _("administrative area")
        verbose_name_plural = _("administrative areas")

    def __str__(self) -> str:
        """Show the name in the reader's language."""
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language, Thai by default."""
        return localized(self.name_th, self.name_en)


class Agency(models.Model):
    """A government organisation: a ministry, department, province or local government."""

    class Kind(models.TextChoices):
        MINISTRY = "ministry", _("Ministry")
        DEPARTMENT = "department", _("Department")
        PUBLIC_ORGANIZATION = "public_organization", _("Public organisation")
        STATE_ENTERPRISE = "state_enterprise", _("State enterprise")
        INDEPENDENT = "independent", _("Independent agency")
        PROVINCE = "province", _("Province")
        DISTRICT_OFFICE = "district_office", _("District office")
        BMA = "bma", _("Bangkok Metropolitan Administration")
        PAO = "pao", _("Provincial administrative organisation")
        MUNICIPALITY = "municipality", _("Municipality")
        SAO = "sao", _("Subdistrict administrative organisation")

    LOCAL_KINDS = frozenset({Kind.BMA, Kind.PAO, Kind.MUNICIPALITY, Kind.SAO})
    CENTRAL_KINDS = frozenset(
        {
            Kind.MINISTRY,
            Kind.DEPARTMENT,
            Kind.PUBLIC_ORGANIZATION,
            Kind.STATE_ENTERPRISE,
            Kind.INDEPENDENT,
        }
    )

    code = models.SlugField(max_length=64, unique=True)
    name_th = models.CharField(max_length=255)
    name_en = models.CharField(max_length=255)
    abbreviation = models.CharField(max_length=32, blank=True)
    kind = models.CharField(max_length=24, choices=Kind.choices, db_index=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    area = models.ForeignKey(
        AdminArea, null=True, blank=True, on_delete=models.PROTECT, related_name="agencies"
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("code",)
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self) -> str:
        """Show the name in the reader's language."""
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language, Thai by default."""
        return localized(self.name_th, self.name_en)
