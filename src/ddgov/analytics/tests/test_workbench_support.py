"""Shared set-up of the workbench tests (no tests here): two agencies, their staff and tables.

* Agency ``oae-test`` owns the private dataset ``farm-registry`` with the table ``plots``
  (40 rows; ``citizen_id`` classified personal/confidential, so its viewers read it masked and
  the table aggregate-only, while its data stewards read everything).
* Agency ``stat-test`` owns the open dataset ``crop-stats`` with the table ``by-province``
  (25 rows: a row number, a Thai province, a year, a decimal amount, a date).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.test import Client

from ddgov.agencies.models import Agency
from ddgov.agencies.tests.factories import DepartmentFactory
from ddgov.analytics.tests.access_support import write_table
from ddgov.catalog.models import Dataset, Resource
from ddgov.catalog.tests.factories import DatasetFactory, ResourceFactory
from ddgov.catalog.vocab import Classification, DataCategory
from ddgov.governance.models import ColumnClass
from ddgov.identity.models import Role, User
from ddgov.identity.tests.factories import (
    TEST_PASSWORD,
    CitizenUserFactory,
    MembershipFactory,
    StaffUserFactory,
)
from ddgov.identity.thaiid import thai_id_complete

PLOTS = '"oae-test"."farm-registry".plots'
STATS = '"stat-test"."crop-stats"."by-province"'

PLOTS_SQL = """
SELECT range + 1 AS _id,
       '1100' || lpad(CAST(range AS VARCHAR), 8, '0') || '0' AS citizen_id,
       (['เชียงใหม่', 'ขอนแก่น', 'ภูเก็ต', 'สงขลา'])[range % 4 + 1] AS province,
       (['ข้าวนาปี', 'มันสำปะหลัง'])[range % 2 + 1] AS crop,
       CAST(range * 1.25 AS DECIMAL(10, 2)) AS area_rai
FROM range(40)
"""

STATS_SQL = """
SELECT range + 1 AS _id,
       (['เชียงใหม่', 'ขอนแก่น', 'ภูเก็ต', 'สงขลา', 'ลำปาง'])[range % 5 + 1] AS province,
       2560 + range % 5 AS year,
       CAST(range * 10.5 AS DECIMAL(12, 2)) AS amount,
       DATE '2024-01-01' + CAST(range AS INTEGER) AS recorded_on
FROM range(25)
"""


@dataclass
class World:
    """The agencies, people and tables of a workbench test."""

    oae: Agency
    stat: Agency
    steward: User  # data steward of oae: reads plots in full
    viewer: User  # viewer of oae: citizen_id masked, plots aggregate-only
    admin: User  # agency admin of oae
    outsider: User  # staff of stat only: cannot see farm-registry at all
    citizen: User
    plots: Resource
    stats: Resource


def world_build() -> World:
    """Create the two agencies, their staff and their tables."""
    oae = DepartmentFactory(code="oae-test", name_th="สำนักงานทดสอบเกษตร")
    stat = DepartmentFactory(code="stat-test", name_th="สำนักงานทดสอบสถิติ")
    steward = StaffUserFactory(username="steward")
    viewer = StaffUserFactory(username="viewer")
    admin = StaffUserFactory(username="oae-admin")
    outsider = StaffUserFactory(username="outsider")
    MembershipFactory(user=steward, agency=oae, role=Role.DATA_STEWARD)
    MembershipFactory(user=viewer, agency=oae, role=Role.VIEWER)
    MembershipFactory(user=admin, agency=oae, role=Role.ADMIN)
    MembershipFactory(user=outsider, agency=stat, role=Role.OFFICER)
    citizen = CitizenUserFactory(person__citizen_id=thai_id_complete("110020000999"))

    registry = DatasetFactory(
        name="farm-registry",
        owner_org=oae,
        private=True,
        data_category=DataCategory.PERSONAL,
        data_classification=Classification.CONFIDENTIAL,
    )
    plots = ResourceFactory(dataset=registry, name="plots")
    write_table(plots, PLOTS_SQL)
    ColumnClass.objects.create(
        resource=plots,
        column="citizen_id",
        category=DataCategory.PERSONAL,
        access_level=Classification.CONFIDENTIAL,
        pii_type="TH_CITIZEN_ID",
    )
    open_data = DatasetFactory(name="crop-stats", owner_org=stat, private=False)
    assert open_data.state == Dataset.State.ACTIVE
    stats = ResourceFactory(dataset=open_data, name="by-province")
    write_table(stats, STATS_SQL)
    return World(oae, stat, steward, viewer, admin, outsider, citizen, plots, stats)


def signed_in(user: User, *, csrf: bool = False) -> Client:
    """A test client signed in as ``user`` (``csrf``: enforce CSRF checks like a browser)."""
    client = Client(enforce_csrf_checks=csrf)
    assert client.login(username=user.username, password=TEST_PASSWORD)
    return client


def post_json(client: Client, url: str, body: object, **headers: str) -> object:
    """POST ``body`` as JSON."""
    return client.post(url, data=body, content_type="application/json", headers=headers)
