"""Dashboard figures against hand counts, the map's points, and the dashboard pages' access."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ddgov.agencies.models import Agency
from ddgov.complaints.models import Assignment, Complaint, State
from ddgov.complaints.selectors.complaints import QueueFilters
from ddgov.complaints.selectors.dashboard import (
    complaint_triage_queue,
    dashboard_breach_count,
    dashboard_breaches,
    dashboard_map_points,
    dashboard_open_closed,
    dashboard_resolution,
    dashboard_satisfaction,
    dashboard_volume,
)
from ddgov.complaints.tests.factories import ComplaintFactory
from ddgov.identity.models import Role
from ddgov.identity.tests.factories import MembershipFactory, StaffUserFactory

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


@dataclass
class Data:
    a: Agency
    b: Agency
    now: dt.datetime
    since: dt.datetime


def _make(
    agency: Agency | None,
    *,
    now: dt.datetime,
    state: str = State.RECEIVED,
    age: float = 1.0,
    due_in: float = 10.0,
    closed_ago: float | None = None,
    **fields: object,
) -> Complaint:
    created = now - age * DAY
    complaint = ComplaintFactory(
        agency=agency,
        state=state,
        created_at=created,
        updated_at=now,
        sla_due_at=now + due_in * DAY,
        closed_at=now - closed_ago * DAY if closed_ago is not None else None,
        **fields,
    )
    if agency is not None:
        Assignment.objects.create(
            complaint=complaint,
            agency=agency,
            state=state,
            is_lead=True,
            created_at=created,
            updated_at=now,
        )
    return complaint


@pytest.fixture
def data(directory: dict[str, Agency]) -> Data:
    """Eight complaints whose figures are counted by hand in the tests."""
    now = timezone.now()
    a, b = directory["bma"], directory["mea"]
    # SLA breaches in the window: c1 and c2 (open past due), c3 (resolved late) = 3.
    _make(a, now=now, age=6, due_in=-1, category="road", district_code="1001", lat=13.75631)
    _make(
        a, now=now, state=State.IN_PROGRESS, age=4, due_in=-2, category="lighting",
        district_code="1001",
    )  # fmt: skip
    _make(
        a, now=now, state=State.RESOLVED, age=5, due_in=-3, closed_ago=1, rating=4,
        category="road", district_code="1002",
    )  # fmt: skip
    # Not breaches: resolved in time (1 day and 2 days), open and not yet due.
    _make(b, now=now, state=State.RESOLVED, age=2, closed_ago=1, rating=2, category="flooding")
    _make(b, now=now, state=State.RESOLVED, age=3, closed_ago=1, category="flooding")
    _make(b, now=now, age=1, category="flooding", lat=None, lon=None)
    # A merged duplicate past due, and an old breach outside the window: neither counts.
    _make(a, now=now, state=State.DUPLICATE, age=3, due_in=-1, closed_ago=1, category="road")
    _make(a, now=now, age=200, due_in=-150, category="road")
    return Data(a=a, b=b, now=now, since=now - 30 * DAY)


def test_breaches_match_hand_counts(data: Data) -> None:
    assert dashboard_breach_count(agency_ids=None, since=data.since) == 3
    by_agency = dashboard_breaches(agency_ids=None, since=data.since, by="agency")
    assert [(r.key, r.count) for r in by_agency] == [("bma", 3)]
    assert by_agency[0].label == data.a.name_th
    by_category = dashboard_breaches(agency_ids=None, since=data.since, by="category")
    assert [(r.key, r.count) for r in by_category] == [("road", 2), ("lighting", 1)]
    assert by_category[0].label == "ถนน"
    by_district = dashboard_breaches(agency_ids=None, since=data.since, by="district")
    assert [(r.key, r.count) for r in by_district] == [("1001", 2), ("1002", 1)]
    assert by_district[0].label == "เขตพระนคร"
    assert dashboard_breach_count(agency_ids=[data.b.pk], since=data.since) == 0
    assert dashboard_breach_count(agency_ids=None, since=data.now - 365 * DAY) == 4


def test_resolution_times(data: Data) -> None:
    stats = dashboard_resolution(agency_ids=None, since=data.since)
    assert stats.count == 3  # 4 days, 1 day and 2 days
    assert stats.median == 2 * DAY
    assert stats.mean is not None
    assert abs(stats.mean.total_seconds() - (7 / 3) * 86400) < 1
    only_b = dashboard_resolution(agency_ids=[data.b.pk], since=data.since)
    assert only_b.count == 2
    assert only_b.median == 1.5 * DAY
    assert dashboard_resolution(agency_ids=[], since=data.since).median is None


def test_open_closed_and_satisfaction(data: Data) -> None:
    counts = dashboard_open_closed(agency_ids=None, since=data.since)
    assert (counts.open, counts.closed) == (3, 4)
    assert counts.by_state[State.RESOLVED] == 3
    satisfaction = dashboard_satisfaction(agency_ids=None, since=data.since)
    assert satisfaction.count == 2
    assert satisfaction.average == pytest.approx(3.0)
    b = dashboard_open_closed(agency_ids=[data.b.pk], since=data.since)
    assert (b.open, b.closed) == (1, 2)


def test_volume_per_day(data: Data) -> None:
    days = dashboard_volume(agency_ids=None, days=30, now=data.now)
    assert len(days) == 30
    assert days[-1].day == timezone.localtime(data.now).date()
    assert sum(d.count for d in days) == 7
    ninety = dashboard_volume(agency_ids=None, days=90, now=data.now)
    assert sum(d.count for d in ninety) == 7
    assert sum(d.count for d in dashboard_volume(agency_ids=[data.b.pk], days=30)) == 3


def test_map_points_are_rounded_aggregated_and_carry_no_text(data: Data) -> None:
    points = dashboard_map_points(agency_ids=None, since=data.since)
    assert points
    for point in points:
        assert set(point) == {"lat", "lon", "state", "category", "n"}
        assert round(point["lat"], 2) == point["lat"]
    assert sum(p["n"] for p in points) == 6
    assert max(p["n"] for p in points) >= 2
    assert len(dashboard_map_points(agency_ids=None, since=data.since, limit=2)) <= 2


def test_triage_queue(directory: dict[str, Agency]) -> None:
    now = timezone.now()
    orphan = _make(None, now=now, category="road")
    declined = _make(directory["bma"], now=now, state=State.NOT_RESPONSIBLE, category="lighting")
    taken = _make(directory["bma"], now=now)
    found = set(complaint_triage_queue())
    assert {orphan, declined} <= found
    assert taken not in found
    assert set(complaint_triage_queue(filters=QueueFilters(category="road"))) == {orphan}


# --- the pages -----------------------------------------------------------------------------


def _client(agency: Agency, role: str = Role.VIEWER) -> Client:
    client = Client()
    client.force_login(MembershipFactory(user=StaffUserFactory(), agency=agency, role=role).user)
    return client


def test_dashboard_page(data: Data, directory: dict[str, Agency]) -> None:
    client = _client(data.a)
    response = client.get(reverse("complaints:staff_dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="th"' in html
    assert response.context["breach_total"] == 3
    assert 'data-testid="map"' in html
    assert "<circle" in html
    assert "cdn" not in html.lower()
    response = client.get(reverse("complaints:staff_dashboard"), {"agency": "bma", "days": "90"})
    assert response.status_code == 200
    assert response.context["scope"].days == 90
    assert client.get(reverse("complaints:staff_dashboard"), {"agency": "mea"}).status_code == 403
    centre = _client(directory["opm-ops"], role=Role.OFFICER)
    response = centre.get(reverse("complaints:staff_dashboard"))
    assert response.context["open_closed"].open == 3


def test_map_data_json(data: Data) -> None:
    client = _client(data.b)
    response = client.get(reverse("complaints:staff_dashboard_map"))
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["points"]
    for point in body["points"]:
        assert set(point) == {"lat", "lon", "state", "category", "n"}
    assert sum(p["n"] for p in body["points"]) == 2  # b's located complaints only
    text = response.content.decode()
    for word in ("ถนน", "tracking", "contact", "text"):
        assert word not in text
    assert (
        client.get(reverse("complaints:staff_dashboard_map"), {"agency": "bma"}).status_code == 403
    )
    assert Client().get(reverse("complaints:staff_dashboard_map")).status_code == 302
