"""Citizens, businesses and the users who sign in for them or for their agencies."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from ddgov.agencies.models import AdminArea, Agency
from ddgov.core.language import localized
from ddgov.identity.thaiid import validate_citizen_id, validate_juristic_id


class Person(models.Model):
    """A natural person known to the state, keyed by the 13-digit citizen ID."""

    class Sex(models.TextChoices):
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")
        UNSPECIFIED = "U", _("Unspecified")

    citizen_id = models.CharField(max_length=13, unique=True, validators=[validate_citizen_id])
    title_th = models.CharField(max_length=30, blank=True)
    first_name_th = models.CharField(max_length=100)
    last_name_th = models.CharField(max_length=100)
    title_en = models.CharField(max_length=30, blank=True)
    first_name_en = models.CharField(max_length=100, blank=True)
    last_name_en = models.CharField(max_length=100, blank=True)
    birth_date = models.DateField()
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNSPECIFIED)
    address_line = models.CharField(max_length=255, blank=True)
    subdistrict = models.ForeignKey(
        AdminArea, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        """Show the full name in the reader's language."""
        return self.full_name

    @property
    def full_name(self) -> str:
        """Title and name in the active language, falling back to Thai."""
        english = (
            f"{self.title_en} {self.first_name_en} {self.last_name_en}".strip()
            if self.first_name_en
            else ""
        )
        return localized(
            f"{self.title_th}{self.first_name_th} {self.last_name_th}".strip(), english
        )


class Business(models.Model):
    """A juristic person registered with DBD, keyed by its 13-digit juristic ID."""

    class Kind(models.TextChoices):
        COMPANY = "company", _("Company limited")
        PUBLIC_COMPANY = "public_company", _("Public company limited")
        PARTNERSHIP = "partnership", _("Registered partnership")
        SOLE_PROPRIETOR = "sole_proprietor", _("Sole proprietor")
        COMMUNITY_ENTERPRISE = "community_enterprise", _("Community enterprise")

    juristic_id = models.CharField(max_length=13, unique=True, validators=[validate_juristic_id])
    name_th = models.CharField(max_length=255)
    name_en = models.CharField(max_length=255, blank=True)
    kind = models.CharField(max_length=24, choices=Kind.choices, default=Kind.COMPANY)
    registered_on = models.DateField(null=True, blank=True)
    address_line = models.CharField(max_length=255, blank=True)
    subdistrict = models.ForeignKey(
        AdminArea, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("business")
        verbose_name_plural = _("businesses")

    def __str__(self) -> str:
        """Show the registered name in the reader's language."""
        return self.name

    @property
    def name(self) -> str:
        """The registered name in the active language, falling back to Thai."""
        return localized(self.name_th, self.name_en)


class User(AbstractUser):
    """Someone who signs in: a citizen acting as themselves, or staff acting for agencies."""

    class Kind(models.TextChoices):
        CITIZEN = "citizen", _("Citizen")
        STAFF = "staff", _("Government staff")

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.CITIZEN)
    person = models.OneToOneField(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="user"
    )
    is_platform_admin = models.BooleanField(
        default=False, help_text=_("Runs the platform itself; sees every agency.")
    )
    preferred_language = models.CharField(max_length=5, default="th")

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="staff")
                | models.Q(person__isnull=False)
                | models.Q(is_superuser=True),
                name="citizen_user_has_person",
            ),
        ]

    @property
    def is_citizen(self) -> bool:
        """Whether this user signs in as a citizen."""
        return self.kind == self.Kind.CITIZEN

    @property
    def is_government_staff(self) -> bool:
        """Whether this user works for one or more agencies."""
        return self.kind == self.Kind.STAFF


class Role(models.TextChoices):
    """What a staff member may do in one agency, from least to most."""

    VIEWER = "viewer", _("Viewer")
    OFFICER = "officer", _("Officer")
    DATA_STEWARD = "data_steward", _("Data steward")
    ADMIN = "admin", _("Agency administrator")


ROLE_RANK = {Role.VIEWER: 1, Role.OFFICER: 2, Role.DATA_STEWARD: 3, Role.ADMIN: 4}


class AgencyMembership(models.Model):
    """A staff user's role in one agency. Staff may belong to several agencies."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("agency membership")
        verbose_name_plural = _("agency memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "agency"], name="one_role_per_agency")
        ]

    def __str__(self) -> str:
        """Show who holds which role where."""
        return f"{self.user} @ {self.agency.code} ({self.role})"


class BusinessRepresentative(models.Model):
    """A citizen authorised to act for a business (director, or by power of attorney)."""

    class Capacity(models.TextChoices):
        DIRECTOR = "director", _("Authorised director")
        ATTORNEY = "attorney", _("Attorney-in-fact")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="represents")
    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="representatives")
    capacity = models.CharField(max_length=10, choices=Capacity.choices, default=Capacity.DIRECTOR)
    valid_from = models.DateField()
    valid_until = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("business representative")
        verbose_name_plural = _("business representatives")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "business"], name="one_authorisation_per_pair"
            )
        ]

    def __str__(self) -> str:
        """Show who acts for which business."""
        return f"{self.person_id} → {self.business_id} ({self.capacity})"


class ApiToken(models.Model):
    """A personal API token (CKAN-style: sent raw in ``Authorization`` or ``X-CKAN-API-Key``).

    Only a SHA-256 digest is stored; the token itself is shown once, when created.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, default="api")
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        """Show the owner and the token's first characters, never the token."""
        return f"{self.user_id}:{self.prefix}…"
