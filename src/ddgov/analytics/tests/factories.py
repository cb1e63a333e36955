"""Factories for analytics records (saved queries, charts, dashboards)."""

from __future__ import annotations

import factory

from ddgov.agencies.tests.factories import DepartmentFactory
from ddgov.analytics.models import Chart, Dashboard, DashboardItem, SavedQuery
from ddgov.identity.tests.factories import StaffUserFactory


class SavedQueryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SavedQuery

    agency = factory.SubFactory(DepartmentFactory)
    owner = factory.SubFactory(StaffUserFactory)
    title = factory.Sequence(lambda n: f"คำค้นที่ {n}")
    sql = "SELECT 1 AS one"


class ChartFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Chart

    query = factory.SubFactory(SavedQueryFactory)
    title = factory.Sequence(lambda n: f"แผนภูมิ {n}")
    kind = Chart.Kind.TABLE
    options = factory.LazyFunction(dict)


class DashboardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dashboard

    slug = factory.Sequence(lambda n: f"dashboard-{n}")
    agency = factory.SubFactory(DepartmentFactory)
    owner = factory.SubFactory(StaffUserFactory)
    title = factory.Sequence(lambda n: f"แดชบอร์ด {n}")


class DashboardItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DashboardItem

    dashboard = factory.SubFactory(DashboardFactory)
    chart = factory.SubFactory(ChartFactory)
