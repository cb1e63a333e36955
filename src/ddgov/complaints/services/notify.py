"""Telling citizens about their complaints: an outbox written with the change, sent by a job.

:func:`notification_enqueue` stores the message in the same transaction as the change it
reports; :func:`notifications_send` (the ``complaints.notify`` periodic job) delivers pending
ones through the backend configured for the channel. E-mail uses Django's mail backend; SMS and
LINE are pluggable: name a class in ``COMPLAINTS_NOTIFY_BACKENDS`` whose ``send(notification)``
raises on failure. A failed send is retried up to three times and never undoes the change.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django.utils.module_loading import import_string

from ddgov.complaints.models import Complaint, Notification

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 3

# Both languages in every message: the citizen's language is not known for e-mail-only reporters.
TEMPLATES: dict[str, tuple[str, str]] = {
    "received": (
        "เรื่องร้องเรียน {code} ได้รับแล้ว / Complaint {code} received",
        (
            "เราได้รับเรื่องร้องเรียนของท่านแล้ว รหัสติดตามเรื่อง {code}\n"
            "ติดตามสถานะได้ที่ {url}\n\n"
            "We have received your complaint. Tracking code {code}.\nFollow it at {url}\n"
        ),
    ),
    "state": (
        "เรื่อง {code}: {state_th} / Complaint {code}: {state_en}",
        (
            'สถานะเรื่องร้องเรียน {code} เปลี่ยนเป็น "{state_th}"\n{message}\nดูรายละเอียดที่ {url}\n\n'
            'Complaint {code} is now "{state_en}".\n{message}\nDetails: {url}\n'
        ),
    ),
}


class Backend(Protocol):
    """Delivers one notification; raises to report failure."""

    def send(self, notification: Notification) -> None:
        """Deliver ``notification`` or raise."""


class EmailBackend:
    """Sends through Django's configured e-mail backend."""

    def send(self, notification: Notification) -> None:
        """Send one e-mail."""
        send_mail(
            notification.subject,
            notification.body,
            getattr(settings, "DEFAULT_FROM_EMAIL", "1111@ddgov.local"),
            [notification.recipient],
        )


class LogBackend:
    """Writes the message to the log: the default for SMS and LINE until a gateway is configured."""

    def send(self, notification: Notification) -> None:
        """Log one message."""
        log.info("%s to %s: %s", notification.channel, notification.recipient, notification.subject)


DEFAULT_BACKENDS = {
    "email": "ddgov.complaints.services.notify.EmailBackend",
    "sms": "ddgov.complaints.services.notify.LogBackend",
    "line": "ddgov.complaints.services.notify.LogBackend",
}


def notification_backend(*, channel: str) -> Backend:
    """The backend configured for ``channel``."""
    configured = {**DEFAULT_BACKENDS, **getattr(settings, "COMPLAINTS_NOTIFY_BACKENDS", {})}
    backend: Backend = import_string(configured[channel])()
    return backend


def tracking_url(*, complaint: Complaint) -> str:
    """The public tracking page of ``complaint`` (absolute when ``DDGOV_BASE_URL`` is set)."""
    from django.urls import reverse  # noqa: PLC0415 - URLconf loads after services

    base = str(getattr(settings, "DDGOV_BASE_URL", "")).rstrip("/")
    return base + reverse("complaints:track", args=[complaint.tracking_code])


def notification_enqueue(
    *,
    complaint: Complaint,
    recipient: str,
    template: str,
    channel: str = Notification.ChannelKind.EMAIL,
    **values: Any,
) -> Notification:
    """Store a message about ``complaint`` for ``recipient``, to be sent after commit."""
    subject, body = TEMPLATES[template]
    fields = {"code": complaint.tracking_code, "url": tracking_url(complaint=complaint), **values}
    fields.setdefault("message", "")
    return Notification.objects.create(
        complaint=complaint,
        channel=channel,
        recipient=recipient,
        subject=subject.format(**fields)[:200],
        body=body.format(**fields),
        created_at=timezone.now(),
    )


def notifications_send(*, limit: int = 200) -> dict[str, int]:
    """Send pending notifications; return how many were sent and how many failed."""
    sent = failed = 0
    pending = Notification.objects.filter(
        status=Notification.Status.PENDING, attempts__lt=MAX_ATTEMPTS
    ).order_by("id")[:limit]
    for notification in pending:
        notification.attempts += 1
        try:
            notification_backend(channel=notification.channel).send(notification)
        except Exception as exc:  # noqa: BLE001 - any backend failure is recorded, not raised
            notification.error = str(exc)[:500]
            if notification.attempts >= MAX_ATTEMPTS:
                notification.status = Notification.Status.FAILED
            failed += 1
        else:
            notification.status = Notification.Status.SENT
            notification.sent_at = timezone.now()
            notification.error = ""
            sent += 1
        notification.save(update_fields=["attempts", "status", "sent_at", "error"])
    return {"sent": sent, "failed": failed}
