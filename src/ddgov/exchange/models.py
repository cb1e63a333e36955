"""The exchange's records: who is on it, what they offer, who may call what, and what happened.

Registry (X-Road / GovStack Information Mediator): a :class:`Member` is an agency on the
exchange, a :class:`Subsystem` one of its applications (a client, a provider or both), a
:class:`Service` a REST API a subsystem offers. :class:`AccessGrant` is the provider's
allow-list entry for one consumer subsystem; :class:`Purpose` the codes a call must state.

Consent (GovStack Consent, ISO/IEC TS 27560): a :class:`DataAgreement` says which consumer may
read which service for which purpose on which PDPA lawful basis; a :class:`ConsentRecord` is
one citizen's answer to it, and every change is a signed, hash-chained :class:`ConsentEvent`.

Message log: every call through the gateway is one :class:`MessageRecord`, written append-only
by one gateway process (its *stream*), signed with Ed25519 and hash-chained within the stream;
:class:`MessageSubject` indexes records by the citizens they concern (the citizen's tracker);
:class:`Checkpoint` periodically signs the heads of all streams in one chain of its own (the
time-stamp anchor), so a whole stream or a chain's tail cannot vanish unnoticed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ddgov.agencies.models import Agency


class Member(models.Model):
    """An agency registered on the exchange; its ``code`` is the member code in identifiers."""

    agency = models.OneToOneField(Agency, on_delete=models.PROTECT, related_name="exchange_member")
    code = models.CharField(max_length=64, unique=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("exchange member")
        verbose_name_plural = _("exchange members")

    def __str__(self) -> str:
        return self.code


class Subsystem(models.Model):
    """One application of a member: it calls services as a client and may provide its own."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="subsystems")
    code = models.CharField(max_length=64)
    name_th = models.CharField(max_length=255, blank=True)
    name_en = models.CharField(max_length=255, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["member__code", "code"]
        constraints = [
            models.UniqueConstraint(fields=["member", "code"], name="exchange_subsystem_code")
        ]

    def __str__(self) -> str:
        return f"{self.member.code}/{self.code}"


class SubsystemClient(models.Model):
    """An OAuth2 client-credentials client (a One ID application) a subsystem authenticates with.

    A subsystem may hold several (key rotation); revoking one leaves the others working.
    """

    subsystem = models.ForeignKey(Subsystem, on_delete=models.PROTECT, related_name="clients")
    application = models.OneToOneField(
        settings.OAUTH2_PROVIDER_APPLICATION_MODEL,
        on_delete=models.CASCADE,
        related_name="exchange_client",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.subsystem} client {self.application_id}"


class Purpose(models.Model):
    """A purpose code a call must state in ``X-Purpose`` (e.g. ``welfare-eligibility``)."""

    code = models.SlugField(max_length=64, unique=True)
    name_th = models.CharField(max_length=255)
    name_en = models.CharField(max_length=255)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class LawfulBasis(models.TextChoices):
    """PDPA lawful bases for processing personal data (s.24; consent under s.19)."""

    CONSENT = "consent", _("Consent (s.19)")
    RESEARCH = "research", _("Archives, research or statistics (s.24(1))")
    VITAL_INTEREST = "vital_interest", _("Preventing danger to life, body or health (s.24(2))")
    CONTRACT = "contract", _("Performance of a contract (s.24(3))")
    PUBLIC_TASK = "public_task", _("Public interest or official authority (s.24(4))")
    LEGITIMATE_INTEREST = "legitimate_interest", _("Legitimate interest (s.24(5))")
    LEGAL_OBLIGATION = "legal_obligation", _("Compliance with a law (s.24(6))")


class Service(models.Model):
    """A REST service a subsystem offers, described by an OpenAPI 3 document.

    *Dataset-backed* services are lookups over a catalog resource, answered by the analytics
    engine: ``GET /{key}`` returns the rows whose ``key_column`` equals the key, with only
    ``columns``. *External* services are proxied to ``base_url`` on the agency's own server.
    ``subject_param`` names the path or query parameter that carries the citizen ID a call
    concerns (the message log and the consent check use it); empty when calls concern nobody.
    """

    class Kind(models.TextChoices):
        DATASET = "dataset", _("Dataset-backed")
        EXTERNAL = "external", _("External (proxied)")

    subsystem = models.ForeignKey(Subsystem, on_delete=models.PROTECT, related_name="services")
    code = models.CharField(max_length=64)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    title_th = models.CharField(max_length=255)
    title_en = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True)
    openapi = models.JSONField(default=dict)
    personal_data = models.BooleanField(default=False)
    subject_param = models.CharField(max_length=64, blank=True)
    # External services.
    base_url = models.URLField(max_length=500, blank=True)
    timeout_ms = models.PositiveIntegerField(null=True, blank=True)
    # Dataset-backed services.
    resource = models.ForeignKey(
        "catalog.Resource",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="exchange_services",
    )
    key_column = models.CharField(max_length=128, blank=True)
    columns = models.JSONField(default=list, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["subsystem__member__code", "subsystem__code", "code"]
        constraints = [
            models.UniqueConstraint(fields=["subsystem", "code"], name="exchange_service_code")
        ]

    def __str__(self) -> str:
        return f"{self.subsystem}/{self.code}"


class AccessGrant(models.Model):
    """The provider allows one consumer subsystem to call one service for the listed purposes.

    ``lawful_basis`` is required when the service carries personal data; with ``consent`` each
    call also needs the concerned citizen's given consent to a matching :class:`DataAgreement`.
    ``rate_per_minute`` overrides the deployment's default limit for this consumer.
    """

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="grants")
    client = models.ForeignKey(Subsystem, on_delete=models.PROTECT, related_name="grants")
    purposes = models.ManyToManyField(Purpose, related_name="grants")
    lawful_basis = models.CharField(max_length=24, choices=LawfulBasis.choices, blank=True)
    rate_per_minute = models.PositiveIntegerField(null=True, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["service", "client"],
                condition=models.Q(revoked_at__isnull=True),
                name="exchange_grant_active_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.service} -> {self.client}"


class DataAgreement(models.Model):
    """What a citizen consents to: this consumer reads this service for this purpose (GovStack).

    ``revision_hash`` is the SHA-256 of the agreement's terms; a consent record names the
    revision it was given to, so changed terms need new consent.
    """

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="agreements")
    client = models.ForeignKey(Subsystem, on_delete=models.PROTECT, related_name="agreements")
    purpose = models.ForeignKey(Purpose, on_delete=models.PROTECT, related_name="agreements")
    lawful_basis = models.CharField(
        max_length=24, choices=LawfulBasis.choices, default=LawfulBasis.CONSENT
    )
    version = models.PositiveIntegerField(default=1)
    text_th = models.TextField()
    text_en = models.TextField(blank=True)
    dpia_url = models.URLField(max_length=500, blank=True)
    revision_hash = models.CharField(max_length=64)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["service_id", "client_id", "purpose_id", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "client", "purpose", "version"],
                name="exchange_agreement_version",
            )
        ]

    def __str__(self) -> str:
        return f"{self.service} -> {self.client} ({self.purpose}) v{self.version}"


class ConsentRecord(models.Model):
    """One citizen's current answer to one data agreement revision."""

    class State(models.TextChoices):
        GIVEN = "given", _("Given")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    agreement = models.ForeignKey(DataAgreement, on_delete=models.PROTECT, related_name="consents")
    citizen_id = models.CharField(max_length=13, db_index=True)
    agreement_revision_hash = models.CharField(max_length=64)
    state = models.CharField(max_length=12, choices=State.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "citizen_id"], name="exchange_consent_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agreement_id}:{self.citizen_id}:{self.state}"


class ConsentEvent(models.Model):
    """One signed revision of a consent record; revisions of a record form a hash chain."""

    record = models.ForeignKey(ConsentRecord, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField()
    state = models.CharField(max_length=12, choices=ConsentRecord.State.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    signature = models.CharField(max_length=128)
    key_id = models.CharField(max_length=32)

    class Meta:
        ordering = ["record_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["record", "seq"], name="exchange_consent_event_seq")
        ]

    def __str__(self) -> str:
        return f"{self.record_id}#{self.seq}"


class MessageRecord(models.Model):
    """One call through the gateway, as evidence: signed, hash-chained within its stream.

    ``record_hash`` = SHA-256 over ``prev_hash`` and the canonical JSON of the other fields;
    ``signature`` is the Ed25519 signature of ``record_hash`` by the key ``key_id``. Digests
    are SHA-256 of the request and response bodies; bodies themselves are not kept.
    """

    stream = models.CharField(max_length=96)
    seq = models.PositiveBigIntegerField()
    at = models.DateTimeField(db_index=True)
    request_id = models.CharField(max_length=36, unique=True)
    client_id = models.CharField(max_length=200, db_index=True)
    service_id = models.CharField(max_length=260, db_index=True)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    purpose = models.CharField(max_length=64, blank=True)
    subjects = models.JSONField(default=list)
    request_digest = models.CharField(max_length=64)
    response_digest = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    error = models.CharField(max_length=64, blank=True)
    duration_ms = models.FloatField()
    prev_hash = models.CharField(max_length=64)
    record_hash = models.CharField(max_length=64)
    signature = models.CharField(max_length=128)
    key_id = models.CharField(max_length=32)

    class Meta:
        ordering = ["stream", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["stream", "seq"], name="exchange_message_seq")
        ]
        indexes = [models.Index(fields=["service_id", "at"], name="exchange_msg_service_at")]

    def __str__(self) -> str:
        return f"{self.stream}#{self.seq}"


class MessageSubject(models.Model):
    """Which citizens a logged call concerned, for the citizen's "who read my data"."""

    record = models.ForeignKey(MessageRecord, on_delete=models.CASCADE, related_name="subject_rows")
    citizen_id = models.CharField(max_length=13)

    class Meta:
        indexes = [models.Index(fields=["citizen_id", "record"], name="exchange_subject_citizen")]

    def __str__(self) -> str:
        return f"{self.record_id}:{self.citizen_id}"


class Checkpoint(models.Model):
    """A signed anchor over the heads of every stream, chained to the previous checkpoint.

    ``heads`` maps stream to ``[last seq, last record_hash]``. Pruning old records keeps the
    checkpoint the surviving records start after, so verification can resume from it.
    """

    seq = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField()
    heads = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    signature = models.CharField(max_length=128)
    key_id = models.CharField(max_length=32)

    class Meta:
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"checkpoint #{self.seq}"
