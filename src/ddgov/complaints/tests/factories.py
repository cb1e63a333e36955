"""Factories for complaints: real submissions go through the intake service.

``complaint_file`` is what most tests want (routing, timeline, SLA, follower as in production);
:class:`ComplaintFactory` writes a bare row for selectors and dashboards that need many.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.utils import timezone

from ddgov.complaints.models import Channel, Complaint, State
from ddgov.complaints.services.intake import Submission, complaint_submit, tracking_code_new

BANGKOK = (13.7563, 100.5018)


def complaint_file(**fields: Any) -> Complaint:
    """File a complaint through the intake service; defaults: a broken street light in Bangkok."""
    values: dict[str, Any] = {
        "text": "ไฟส่องสว่างดับทั้งซอย มืดมาก อันตรายตอนกลางคืน",
        "lat": BANGKOK[0],
        "lon": BANGKOK[1],
        "channel": Channel.WEB,
    }
    values.update(fields)
    return complaint_submit(submission=Submission(**values)).complaint


class ComplaintFactory(factory.django.DjangoModelFactory):
    """A bare complaint row (no assignment, no events); for reads over many complaints."""

    class Meta:
        model = Complaint

    tracking_code = factory.LazyFunction(tracking_code_new)
    channel = Channel.WEB
    state = State.RECEIVED
    text = factory.Iterator(["ถนนเป็นหลุมเป็นบ่อ", "ไฟฟ้าดับทั้งซอย", "ขยะล้นถังไม่มีคนเก็บ", "น้ำท่วมขังหน้าบ้าน"])
    category = factory.Iterator(["road", "lighting", "cleanliness", "flooding"])
    lat = BANGKOK[0]
    lon = BANGKOK[1]
    province_code = "10"
    created_at = factory.LazyFunction(timezone.now)
    updated_at = factory.LazyFunction(timezone.now)
    sla_due_at = factory.LazyAttribute(lambda o: o.created_at + dt.timedelta(days=15))
