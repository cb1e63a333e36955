"""The demo seeder: private registry, pipeline, public dashboard, in that order, once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from ddgov.agencies.tests.factories import DepartmentFactory
from ddgov.analytics import seeders
from ddgov.analytics.access.principal import principal_for_user, principal_public
from ddgov.analytics.models import ChartSnapshot, Dashboard
from ddgov.analytics.pipeline import FARMER_REGISTRY, FARMER_STATISTICS
from ddgov.analytics.selectors.dashboards import dashboard_is_public
from ddgov.analytics.services.queries import QueryError, query_run
from ddgov.catalog.models import Dataset
from ddgov.core.seeding import SeedContext
from ddgov.identity.models import Role
from ddgov.identity.selectors import user_by_username, user_role_in
from ddgov.identity.tests.factories import MembershipFactory, StaffUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(
    django_capture_on_commit_callbacks: Callable[..., Any],
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> SeedContext:
    settings.DDGOV_JOBS_EAGER = False
    monkeypatch.setattr(seeders, "PLOT_ROWS_PER_SCALE", 4_000)
    DepartmentFactory(code="oae", name_th="สำนักงานเศรษฐกิจการเกษตร")
    DepartmentFactory(code="baac", name_th="ธนาคารเพื่อการเกษตรและสหกรณ์การเกษตร")
    ctx = SeedContext(scale=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert seeders.seed_farmer(ctx) == 4_000
    return ctx


def test_seed_builds_the_prototype_end_to_end(seeded: SeedContext) -> None:
    registry = Dataset.objects.get(name=FARMER_REGISTRY)
    statistics = Dataset.objects.get(name=FARMER_STATISTICS)
    assert registry.private
    assert statistics.is_open
    steward = user_by_username(username="oae.steward")
    assert steward is not None
    assert user_role_in(user=steward, agency=registry.owner_org) == Role.DATA_STEWARD
    assert ("oae.steward", seeded.accounts[0][1]) in seeded.accounts

    dashboard = Dashboard.objects.get(slug=seeders.DASHBOARD_SLUG)
    assert dashboard.title == "เกษตรกรไทย Big Data"
    assert dashboard.public
    assert dashboard.refreshed_at is not None
    assert dashboard_is_public(dashboard=dashboard)
    charts = [item.chart for item in dashboard.items.order_by("position")]
    assert [c.kind for c in charts] == ["choropleth", "bar", "line", "table"]
    for chart in charts:
        snapshot = ChartSnapshot.objects.get(chart=chart)
        assert snapshot.error == "", (chart.title, snapshot.error)
        assert snapshot.rows, chart.title
        assert snapshot.all_sources_open
        assert all(s["dataset"] == FARMER_STATISTICS for s in snapshot.sources)
    by_kind = {c.kind: ChartSnapshot.objects.get(chart=c) for c in charts}
    assert len(by_kind["choropleth"].rows) >= 5  # provinces with >= k households of a crop
    assert [r[0] for r in by_kind["line"].rows] == [str(y) for y in range(2560, 2568)]
    assert len(by_kind["bar"].rows) == 7  # NESDB regions


def test_seed_runs_once(seeded: SeedContext) -> None:
    assert seeders.seed_farmer(SeedContext(scale=1)) == 0
    assert Dashboard.objects.filter(slug=seeders.DASHBOARD_SLUG).count() == 1


def test_the_public_and_other_staff_cannot_single_out_a_farmer(seeded: SeedContext) -> None:
    with pytest.raises(QueryError) as public:
        query_run(
            principal=principal_public(),
            sql='SELECT count(*) FROM "farmer-registry"."households"',
        )
    assert public.value.code == "table"
    viewer = StaffUserFactory(username="oae.viewer")
    registry = Dataset.objects.get(name=FARMER_REGISTRY)
    MembershipFactory(user=viewer, agency=registry.owner_org, role=Role.VIEWER)
    with pytest.raises(QueryError) as rows:
        query_run(
            principal=principal_for_user(user=viewer),
            sql='SELECT name, citizen_id FROM "farmer-registry"."households"',
        )
    assert rows.value.code == "aggregate"
    by_region = query_run(
        principal=principal_for_user(user=viewer),
        sql='SELECT region, count(*) AS n FROM "farmer-registry"."households" GROUP BY region',
    )
    assert by_region.rows
    assert min(n for _region, n in by_region.rows) >= 5
    by_district = query_run(  # 200 households over hundreds of districts: every group is small
        principal=principal_for_user(user=viewer),
        sql='SELECT district, count(*) AS n FROM "farmer-registry"."households" GROUP BY district',
    )
    assert by_district.rows == []
