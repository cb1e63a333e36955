"""Complaints filed with the 1111 centre, each agency's part in them, and their public timeline.

A :class:`Complaint` is the citizen's problem; an :class:`Assignment` is one agency's part in it,
with that agency's own status (Traffy Fondue's model: when an agency forwards, it keeps its own
"forwarded" status and the receiving agency starts at "received"). The complaint's overall
``state`` is its *lead* assignment's status, kept in step by the workflow services, and maps to
Open311's ``open``/``closed``. Every change appends a :class:`ComplaintEvent`; the citizen's
timeline is the public events of all agencies together.

Category codes are those of ``classify/categories.json`` (the Traffy labels); they are not a
table, so the classifier, routing rules, SLAs and Open311 service codes all share one list.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    """Where a complaint, or one agency's part in it, stands."""

    RECEIVED = "received", _("Received")
    ACCEPTED = "accepted", _("Accepted")
    IN_PROGRESS = "in_progress", _("In progress")
    FORWARDED = "forwarded", _("Forwarded")
    RESOLVED = "resolved", _("Resolved")
    NOT_RESPONSIBLE = "not_responsible", _("Not our responsibility")
    DUPLICATE = "duplicate", _("Duplicate")
    REJECTED = "rejected", _("Rejected")


CLOSED_STATES = frozenset({State.RESOLVED, State.NOT_RESPONSIBLE, State.DUPLICATE, State.REJECTED})
OPEN_STATES = frozenset(set(State) - CLOSED_STATES)


class Channel(models.TextChoices):
    """How a complaint reached the centre."""

    WEB = "web", _("Web form")
    CALL_CENTRE = "call_centre", _("1111 call centre")
    OPEN311 = "open311", _("Open311 API")
    IMPORT = "import", _("Bulk import")


class Complaint(models.Model):
    """One problem reported by a citizen (or anonymously), with where it is and who handles it."""

    class CategorySource(models.TextChoices):
        CITIZEN = "citizen", _("Chosen by the citizen")
        CLASSIFIER = "classifier", _("Suggested by the classifier")
        STAFF = "staff", _("Set by staff")
        IMPORT = "import", _("Imported")

    tracking_code = models.CharField(max_length=16, unique=True)
    intake_key = models.CharField(
        max_length=96,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Makes submission idempotent: a retried submission finds the first one."),
    )
    channel = models.CharField(max_length=16, choices=Channel.choices, db_index=True)
    state = models.CharField(
        max_length=16, choices=State.choices, default=State.RECEIVED, db_index=True
    )
    text = models.TextField()
    text_public = models.TextField(
        blank=True,
        help_text=_(
            "The text without names, phone numbers, IDs or e-mails, as the public sees it."
        ),
    )
    tokens = models.TextField(
        blank=True, help_text=_("The text's Thai words, space-separated, for duplicate screening.")
    )
    category = models.CharField(max_length=32, blank=True, db_index=True)
    category_source = models.CharField(
        max_length=12, choices=CategorySource.choices, default=CategorySource.CLASSIFIER
    )
    category_score = models.FloatField(null=True, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    address = models.CharField(max_length=500, blank=True)
    subdistrict = models.ForeignKey(
        "agencies.AdminArea",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    district_code = models.CharField(max_length=6, blank=True, db_index=True)
    province_code = models.CharField(max_length=6, blank=True, db_index=True)
    agency = models.ForeignKey(
        "agencies.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
        help_text=_("The lead agency: the one whose status is the complaint's."),
    )
    route_rule = models.CharField(max_length=64, blank=True)
    route_reason_th = models.TextField(blank=True)
    route_reason_en = models.TextField(blank=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints",
    )
    is_anonymous = models.BooleanField(default=False)
    contact_name = models.CharField(max_length=200, blank=True)
    contact_phone = models.CharField(max_length=32, blank=True)
    contact_email = models.EmailField(blank=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates"
    )
    open311_client = models.ForeignKey(
        "complaints.Open311Client",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    open311_token = models.CharField(max_length=40, blank=True, db_index=True)
    external_source = models.CharField(max_length=32, blank=True)
    external_id = models.CharField(max_length=64, blank=True)
    sla_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(default=0)
    reopen_count = models.PositiveSmallIntegerField(default=0)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    rating_comment = models.TextField(blank=True)
    created_at = models.DateTimeField(db_index=True)
    updated_at = models.DateTimeField(db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ("-created_at", "-id")
        constraints = [
            models.UniqueConstraint(
                fields=["external_source", "external_id"],
                condition=~models.Q(external_id=""),
                name="complaint_external_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="complaint_rating_1_to_5",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "category", "created_at"], name="complaint_open_cat"),
            models.Index(fields=["agency", "state"], name="complaint_agency_state"),
        ]

    def __str__(self) -> str:
        """The tracking code is how citizens and staff name a complaint."""
        return self.tracking_code

    @property
    def is_open(self) -> bool:
        """Whether the complaint still needs work (Open311 ``open``)."""
        return self.state in OPEN_STATES


class Assignment(models.Model):
    """One agency's part in a complaint, with that agency's own status and officer."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="assignments")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(
        max_length=16, choices=State.choices, default=State.RECEIVED, db_index=True
    )
    is_lead = models.BooleanField(default=True)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaint_assignments",
    )
    forwarded_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="forwarded_to"
    )
    note = models.TextField(blank=True)
    sla_due_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("agency assignment")
        verbose_name_plural = _("agency assignments")
        ordering = ("created_at", "id")
        constraints = [
            models.UniqueConstraint(fields=["complaint", "agency"], name="one_part_per_agency"),
            models.UniqueConstraint(
                fields=["complaint"], condition=models.Q(is_lead=True), name="one_lead_agency"
            ),
        ]
        indexes = [models.Index(fields=["agency", "state", "created_at"], name="assign_queue")]

    def __str__(self) -> str:
        """Which agency, on which complaint, in which state."""
        return f"{self.complaint_id}@{self.agency_id} ({self.state})"


class ComplaintEvent(models.Model):
    """One entry on a complaint's timeline; public ones are what the citizen sees."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        ROUTED = "routed", _("Routed")
        STATE = "state", _("Status changed")
        FORWARDED = "forwarded", _("Forwarded")
        ASSIGNED = "assigned", _("Assigned to an officer")
        NOTE = "note", _("Internal note")
        UPDATE = "update", _("Public update")
        CATEGORY = "category", _("Category changed")
        MERGED = "merged", _("Merged as a duplicate")
        FOLLOWED = "followed", _("Followed")
        REOPENED = "reopened", _("Reopened")
        RATED = "rated", _("Rated")
        REMINDED = "reminded", _("SLA reminder")
        ESCALATED = "escalated", _("Escalated")
        PHOTO = "photo", _("Photo added")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    is_public = models.BooleanField(default=True)
    agency = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16, blank=True)
    message = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")
        ordering = ("at", "id")

    def __str__(self) -> str:
        """Kind and time, for the admin."""
        return f"{self.complaint_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


def _photo_path(instance: ComplaintPhoto, filename: str) -> str:  # noqa: ARG001 - Django's signature
    """Photos are stored under their content hash, never under a name the uploader chose."""
    suffix = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}.get(
        instance.content_type, "bin"
    )
    return f"complaints/{instance.sha256[:2]}/{instance.sha256}.{suffix}"


class ComplaintPhoto(models.Model):
    """A photo of the problem (``before``, from the citizen) or of the fix (``after``, from staff)."""

    class Stage(models.TextChoices):
        BEFORE = "before", _("Before")
        AFTER = "after", _("After")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="photos")
    stage = models.CharField(max_length=8, choices=Stage.choices, default=Stage.BEFORE)
    image = models.FileField(upload_to=_photo_path, max_length=200)
    content_type = models.CharField(max_length=32)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("complaint photo")
        verbose_name_plural = _("complaint photos")
        ordering = ("created_at", "id")

    def __str__(self) -> str:
        """Stage and hash prefix."""
        return f"{self.complaint_id} {self.stage} {self.sha256[:8]}"


class Follower(models.Model):
    """Someone who follows a complaint ("me too"): they are told of its progress."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="followers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="followed_complaints",
    )
    email = models.EmailField(blank=True)
    is_reporter = models.BooleanField(default=False)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("follower")
        verbose_name_plural = _("followers")
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "user"],
                condition=models.Q(user__isnull=False),
                name="follow_once_per_user",
            ),
            models.UniqueConstraint(
                fields=["complaint", "email"],
                condition=models.Q(user__isnull=True) & ~models.Q(email=""),
                name="follow_once_per_email",
            ),
        ]

    def __str__(self) -> str:
        """Who follows which complaint."""
        return f"{self.complaint_id} ← {self.user_id or self.email}"


class CategorySla(models.Model):
    """How fast complaints of one category must be accepted and resolved, and when to remind."""

    category = models.CharField(max_length=32, unique=True)
    accept_hours = models.PositiveIntegerField(default=24)
    resolve_hours = models.PositiveIntegerField(default=24 * 15)
    remind_before_hours = models.PositiveIntegerField(default=24)

    class Meta:
        verbose_name = _("category SLA")
        verbose_name_plural = _("category SLAs")
        ordering = ("category",)

    def __str__(self) -> str:
        """Category and resolution time."""
        return f"{self.category}: {self.resolve_hours} h"


class Open311Client(models.Model):
    """An application allowed to file complaints through Open311; only its key's digest is kept."""

    name = models.CharField(max_length=100)
    key_digest = models.CharField(max_length=64, unique=True)
    key_prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Open311 client")
        verbose_name_plural = _("Open311 clients")
        ordering = ("name", "id")

    def __str__(self) -> str:
        """Name and the key's visible prefix."""
        return f"{self.name} ({self.key_prefix}…)"


class Notification(models.Model):
    """A message to a citizen, written in the same transaction as the change it reports.

    A job sends pending notifications through the configured backend for the channel (e-mail by
    default; SMS and LINE are pluggable), so a failed send never rolls back the change.
    """

    class ChannelKind(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")
        LINE = "line", _("LINE")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="notifications")
    channel = models.CharField(max_length=8, choices=ChannelKind.choices)
    recipient = models.CharField(max_length=254)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    status = models.CharField(
        max_length=8, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ("created_at", "id")

    def __str__(self) -> str:
        """Channel, recipient and status."""
        return f"{self.channel} → {self.recipient} ({self.status})"
